"""Machine-readable JSON from the same frozen objects the documents are written from.

Numbers are JSON numbers, so other tools read them as numbers. A Decimal is written with its exact value:
money (two decimals, the figure the documents print), points, counts and ranks as they are; a share or a
rate that division left with many decimals is rounded half-up to six (a document shows four at most,
98.52%). Every number written has at most 15 significant digits, so its shortest binary form is its
decimal text: a reader that parses numbers as decimals (``json.loads(text, parse_float=Decimal)``) gets
the exact figure back, money to the fen. Dates are ISO text; console-only fields are left out. The
shapes are published as JSON Schemas (``schemas/report.schema.json``, ``invoices.schema.json``,
``assessment.schema.json``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

PLACES = Decimal("0.000001")  # six decimals for a share or a rate


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # only NaN and infinity have a letter, and they are refused first
    return exponent


def number(value: Decimal) -> int | float:
    """A Decimal as a JSON number with the same decimal value (shares and rates rounded to six decimals)."""
    if not value.is_finite():
        raise ValueError(f"{value} has no JSON number")
    if _exponent(value) < _exponent(PLACES):
        value = value.quantize(PLACES, rounding=ROUND_HALF_UP).normalize()
    if value == value.to_integral_value() and _exponent(value) >= 0:
        return int(value)
    written = float(value)
    if Decimal(repr(written)) != value:
        raise ValueError(f"{value} has no exact JSON number of 15 significant digits")
    return written


def jsonable(value: Any) -> Any:
    """Dataclasses, mappings and sequences to JSON types; Decimal as a number (see ``number``), dates ISO."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        hidden = getattr(type(value), "json_hidden", ())
        names = [f.name for f in dataclasses.fields(value) if f.name not in hidden]
        names += list(getattr(type(value), "json_properties", ()))
        return {name: jsonable(getattr(value, name)) for name in names}
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def to_json(value: Any) -> bytes:
    """Stable, human-readable UTF-8 JSON."""
    return (json.dumps(jsonable(value), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
