"""Operating figures of a month, kept as counts so months add up (rates come from summed counts)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from generator.exports.ingest import MonthData

RATE_NAMES = ("接通率", "咨询类即时答复率", "按时回访率", "满意率")


@dataclass(frozen=True)
class UnitCounts:
    """Per handling unit (承办单位) or township."""

    tickets: int = 0
    closed: int = 0
    rated: int = 0
    satisfied: int = 0

    def __add__(self, other: UnitCounts) -> UnitCounts:
        return UnitCounts(self.tickets + other.tickets, self.closed + other.closed,
                          self.rated + other.rated, self.satisfied + other.satisfied)


@dataclass(frozen=True)
class Counts:
    """Everything the report shows, as additive counts."""

    calls: int = 0
    wants_agent: int = 0
    answered: int = 0
    wait_seconds: int = 0
    talk_seconds: int = 0
    tickets: int = 0
    consult: int = 0
    consult_instant: int = 0
    closed: int = 0
    revisited_on_time: int = 0
    revisited: int = 0
    rated: int = 0
    satisfied: int = 0
    by_type: Mapping[str, int] = field(default_factory=dict)
    by_category: Mapping[str, int] = field(default_factory=dict)
    by_town: Mapping[str, int] = field(default_factory=dict)
    by_unit: Mapping[str, UnitCounts] = field(default_factory=dict)
    by_satisfaction: Mapping[str, int] = field(default_factory=dict)
    daily_calls: Mapping[str, int] = field(default_factory=dict)

    def __add__(self, other: Counts) -> Counts:
        plain = {name: getattr(self, name) + getattr(other, name) for name in _SCALARS}
        merged = {name: dict(Counter(getattr(self, name)) + Counter(getattr(other, name))) for name in _COUNTERS}
        units = dict(self.by_unit)
        for unit, counts in other.by_unit.items():
            units[unit] = units.get(unit, UnitCounts()) + counts
        return Counts(**plain, **merged, by_unit=units)

    def rates(self) -> dict[str, Decimal | None]:
        """The four rates appendix 1 scores, as fractions (None where the denominator is 0)."""
        return {
            "接通率": ratio(self.answered, self.wants_agent),
            "咨询类即时答复率": ratio(self.consult_instant, self.consult),
            "按时回访率": ratio(self.revisited_on_time, self.closed),
            "满意率": ratio(self.satisfied, self.rated),
        }


_SCALARS = ("calls", "wants_agent", "answered", "wait_seconds", "talk_seconds", "tickets", "consult",
            "consult_instant", "closed", "revisited_on_time", "revisited", "rated", "satisfied")
_COUNTERS = ("by_type", "by_category", "by_town", "by_satisfaction", "daily_calls")


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """An exact Decimal fraction, or None when there is nothing to divide by."""
    return Decimal(numerator) / Decimal(denominator) if denominator else None


def percent(value: Decimal | None) -> str:
    """0.962 → ``96.20%``; None → ``—``."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def count_month(data: MonthData, satisfied_answers: Iterable[str], revisit_hours: int) -> Counts:
    """Count one month's rows by the definitions in appendix 1 and the contract's settings."""
    satisfied_set = frozenset(satisfied_answers)
    rated_set = satisfied_set | {"不满意"}
    window = timedelta(hours=revisit_hours)
    calls = data.calls
    wants = [c for c in calls if c.wants_agent]
    answered = [c for c in wants if c.answered]
    daily: Counter[str] = Counter(c.time.strftime("%Y-%m-%d") for c in calls)
    units: dict[str, list[int]] = {}
    consult = consult_instant = closed = on_time = revisited = rated = satisfied = 0
    for t in data.tickets:
        unit = units.setdefault(t.unit, [0, 0, 0, 0])
        unit[0] += 1
        if t.type == "咨询":
            consult += 1
            consult_instant += t.instant
        if t.closed is not None:
            closed += 1
            unit[1] += 1
            if t.revisited is not None:
                revisited += 1
                if t.closed <= t.revisited <= t.closed + window:
                    on_time += 1
        if t.satisfaction in rated_set:
            rated += 1
            unit[2] += 1
            if t.satisfaction in satisfied_set:
                satisfied += 1
                unit[3] += 1
    return Counts(
        calls=len(calls),
        wants_agent=len(wants),
        answered=len(answered),
        wait_seconds=sum(c.wait_seconds for c in answered),
        talk_seconds=sum(c.talk_seconds for c in answered),
        tickets=len(data.tickets),
        consult=consult,
        consult_instant=consult_instant,
        closed=closed,
        revisited_on_time=on_time,
        revisited=revisited,
        rated=rated,
        satisfied=satisfied,
        by_type=dict(Counter(t.type for t in data.tickets)),
        by_category=dict(Counter(t.category for t in data.tickets)),
        by_town=dict(Counter(t.town for t in data.tickets)),
        by_unit={name: UnitCounts(*values) for name, values in units.items()},
        by_satisfaction=dict(Counter(t.satisfaction for t in data.tickets)),
        daily_calls=dict(sorted(daily.items())),
    )


def ranked(mapping: Mapping[str, int], top: int | None = None) -> list[tuple[str, int]]:
    """Items by count, largest first, ties by name (deterministic)."""
    items = sorted(mapping.items(), key=lambda item: (-item[1], item[0]))
    return items if top is None else items[:top]
