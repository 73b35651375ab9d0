"""Machine-readable JSON from the same frozen objects the documents are written from."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any


def jsonable(value: Any) -> Any:
    """Dataclasses, mappings and sequences to JSON types; Decimal as text (no binary floats), dates ISO."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        hidden = getattr(type(value), "json_hidden", ())
        names = [f.name for f in dataclasses.fields(value) if f.name not in hidden]
        names += list(getattr(type(value), "json_properties", ()))
        return {name: jsonable(getattr(value, name)) for name in names}
    if isinstance(value, Decimal):
        return f"{value:f}"
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
