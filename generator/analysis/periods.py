"""Figures over a period of months: counts summed, month.yaml inputs combined as each input says.

Every figure that rests on several months carries the months it used and those it lacked, so a
document never states a figure it cannot back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from generator.exports.month import MonthData
from generator.exports.tables import Figures
from generator.rules.dates import add_months
from generator.rules.inputs import KINDS, InputSpec, specs_of
from generator.rules.model import ContractYear
from generator.rules.scoring import ScoreCard, score


def shift(month: str, months: int) -> str:
    """``YYYY-MM`` moved by a number of months."""
    day = add_months(date.fromisoformat(f"{month}-01"), months)
    return f"{day.year:04d}-{day.month:02d}"


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """An exact fraction, or None when there is nothing to divide by."""
    return Decimal(numerator) / Decimal(denominator) if denominator else None


@dataclass(frozen=True)
class Period:
    """Figures of the months of a period that have data, and the months that do not."""

    months: tuple[str, ...]
    missing: tuple[str, ...]
    figures: Mapping[str, Figures]
    inputs: Mapping[str, Any]
    card: ScoreCard | None = None
    monthly_inputs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every month of the period has data."""
        return not self.missing


def count(figures: Mapping[str, Figures], spec_counts: Mapping[str, Any], count_id: str) -> int:
    """A declared count from the table it is counted on."""
    table = spec_counts[count_id]["table"]
    return figures[table].counts.get(count_id, 0) if table in figures else 0


def scoring_inputs(year: ContractYear, figures: Mapping[str, Figures], entered: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Every declared input for a period: ratios from summed counts; entered inputs combined as declared."""
    scoring = year.data["scoring"]
    values: dict[str, Any] = {}
    for name, spec in specs_of(scoring).items():
        if spec.kind == "ratio":
            values[name] = ratio(count(figures, scoring["counts"], spec.numerator),
                                 count(figures, scoring["counts"], spec.denominator))
        else:
            months = [m[name] for m in entered if name in m]
            if months:
                values[name] = KINDS[spec.kind].combine(spec, months)
    return values


def period(year: ContractYear, months: Sequence[str], data: Mapping[str, MonthData], scored: bool = True) -> Period:
    """The figures of the months that have data among ``months`` (in order), and which are missing."""
    present = [m for m in months if m in data]
    missing = tuple(m for m in months if m not in data)
    figures: dict[str, Figures] = {}
    for month in present:
        for table, value in data[month].figures.items():
            figures[table] = figures[table] + value if table in figures else value
    entered = [data[m].inputs for m in present]
    inputs = scoring_inputs(year, figures, entered) if present else {}
    card = score(year, inputs) if scored and present else None
    per_month = {m: scoring_inputs(year, data[m].figures, [data[m].inputs]) for m in present}
    return Period(tuple(present), missing, figures, inputs, card, per_month)


def input_spec(year: ContractYear, name: str) -> InputSpec:
    """A declared input of the year."""
    return specs_of(year.data["scoring"])[name]
