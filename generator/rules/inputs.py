"""The inputs indicators read, each kind one small registered unit.

An input is declared once in ``scoring.inputs``: a ratio of two counts of export rows, or a figure
staff enter in month.yaml (a rate, a count, a rank, points, events by type). Its kind knows how a
month.yaml value is read and checked, how months combine over a period, and how it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from generator.rules.money import two_places

MAX_COUNT = 1_000_000
MAX_POINTS = Decimal(1000)
_PERCENT_TEXT = re.compile(r"^\s*([0-9]{1,3}(?:\.[0-9]{1,6})?)\s*(?:%|％|（%）|\(%\)|（％）)\s*$")


@dataclass(frozen=True)
class InputSpec:
    """One declared input."""

    name: str
    kind: str
    combine: str
    numerator: str = ""
    denominator: str = ""
    types: tuple[str, ...] = ()
    unit: str = ""
    description: str = ""

    @property
    def entered(self) -> bool:
        """Whether staff enter it in month.yaml (else it is counted from the exports)."""
        return KINDS[self.kind].entered


class BadValue(ValueError):
    """A month.yaml value that does not fit its input: the message says what to write instead."""


class InputKind:
    """How one kind of input is read, combined over months and shown."""

    name: ClassVar[str]
    entered: ClassVar[bool] = True
    label: ClassVar[str]

    def read(self, spec: InputSpec, raw: Any, bounds: tuple[int, int]) -> Any:
        """The canonical value of a month.yaml entry (raise BadValue with the fix in words)."""
        raise NotImplementedError

    def combine(self, spec: InputSpec, values: Sequence[Any]) -> Any:
        """Several months' values as one figure for a period."""
        return _COMBINERS[spec.combine](values)

    def show(self, spec: InputSpec, value: Any) -> str:
        """The value as a document shows it."""
        return f"{two_places(value)}{spec.unit}"

    def example(self, spec: InputSpec, bounds: tuple[int, int]) -> str:
        """An example month.yaml line for this input."""
        raise NotImplementedError

    def json_schema(self, spec: InputSpec, bounds: tuple[int, int]) -> dict[str, Any]:
        """The JSON Schema of the month.yaml entry (for editors)."""
        raise NotImplementedError


KINDS: dict[str, InputKind] = {}


def register(cls: type[InputKind]) -> type[InputKind]:
    """Add an input kind to the registry under its name."""
    KINDS[cls.name] = cls()
    return cls


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
        raise BadValue("应为数字")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise BadValue("应为数字") from None
    if not value.is_finite() or abs(value) > MAX_COUNT:
        raise BadValue("数值超出合理范围")
    return value


def _average(values: Sequence[Any]) -> Any:
    return sum((Decimal(v) for v in values), Decimal(0)) / len(values)


def _sum(values: Sequence[Any]) -> Any:
    if values and isinstance(values[0], Mapping):
        return {key: sum(int(v.get(key, 0)) for v in values) for key in values[0]}
    return sum(values[1:], values[0])


_COMBINERS: dict[str, Callable[[Sequence[Any]], Any]] = {"sum": _sum, "average": _average, "last": lambda v: v[-1]}
COMBINE_WORDS = {"sum": "各月合计", "average": "各月平均", "last": "最后一个月"}


@register
class Ratio(InputKind):
    """Counted from the exports: numerator rows ÷ denominator rows (over a period, the counts are summed)."""

    name = "ratio"
    entered = False
    label = "比率（由导出表计数相除）"

    def read(self, spec: InputSpec, raw: Any, bounds: tuple[int, int]) -> Any:
        raise BadValue(f"“{spec.name}” 由导出表计算，不在 month.yaml 中填写")

    def show(self, spec: InputSpec, value: Any) -> str:
        return percent(value)


@register
class Rate(InputKind):
    """A rate entered by staff: 0.985, 98.5%, 98.5（%）or 98.5 all mean 98.5 %."""

    name = "rate"
    label = "比率"

    def read(self, spec: InputSpec, raw: Any, bounds: tuple[int, int]) -> Decimal:
        # One documented reading: text with % is a percent; a number up to 1 is a fraction (1 = 100 %);
        # a number above 1 is a percent. A rate above 100 % is refused.
        if isinstance(raw, str):
            match = _PERCENT_TEXT.match(raw)
            if not match:
                raise BadValue(f"应为比率，例如 0.985 或 98.5%（现为 “{raw}”）")
            value = Decimal(match.group(1)) / 100
        else:
            number = _number(raw)
            value = number if number <= 1 else number / 100
        if not 0 <= value <= 1:
            raise BadValue("比率应在 0 到 100% 之间，例如 0.985 或 98.5%")
        return value

    def show(self, spec: InputSpec, value: Any) -> str:
        return percent(value)

    def example(self, spec: InputSpec, bounds: tuple[int, int]) -> str:
        return "0.985"

    def json_schema(self, spec: InputSpec, bounds: tuple[int, int]) -> dict[str, Any]:
        return {"anyOf": [{"type": "number", "minimum": 0, "maximum": 100},
                          {"type": "string", "pattern": _PERCENT_TEXT.pattern}]}


@register
class Count(InputKind):
    """A whole number of times, people or person-months."""

    name = "count"
    label = "次数/人数"

    def read(self, spec: InputSpec, raw: Any, bounds: tuple[int, int]) -> int:
        number = _number(raw)
        if number != number.to_integral_value() or number < 0:
            raise BadValue(f"应为不小于 0 的整数（现为 {raw}）")
        return int(number)

    def show(self, spec: InputSpec, value: Any) -> str:
        return f"{value}{spec.unit}" if isinstance(value, int) else f"{two_places(value)}{spec.unit}"

    def example(self, spec: InputSpec, bounds: tuple[int, int]) -> str:
        return "0"

    def json_schema(self, spec: InputSpec, bounds: tuple[int, int]) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0, "maximum": MAX_COUNT}


@register
class Rank(InputKind):
    """A place in the provincial ranking, within the contract's range of platforms."""

    name = "rank"
    label = "名次"

    def read(self, spec: InputSpec, raw: Any, bounds: tuple[int, int]) -> int:
        number = _number(raw)
        if number != number.to_integral_value():
            raise BadValue(f"名次应为整数（现为 {raw}）")
        if not bounds[0] <= number <= bounds[1]:
            raise BadValue(f"名次 {int(number)} 超出范围：应为 {bounds[0]}-{bounds[1]}")
        return int(number)

    def show(self, spec: InputSpec, value: Any) -> str:
        shown = two_places(value)
        return f"第{shown.rstrip('0').rstrip('.') if '.' in shown else shown}名"

    def example(self, spec: InputSpec, bounds: tuple[int, int]) -> str:
        return str(bounds[0])

    def json_schema(self, spec: InputSpec, bounds: tuple[int, int]) -> dict[str, Any]:
        return {"type": "integer", "minimum": bounds[0], "maximum": bounds[1]}


@register
class Points(InputKind):
    """Points the buyer has determined (视情况扣分)."""

    name = "points"
    label = "认定分值"

    def read(self, spec: InputSpec, raw: Any, bounds: tuple[int, int]) -> Decimal:
        number = _number(raw)
        if not 0 <= number <= MAX_POINTS:
            raise BadValue(f"分值应在 0 到 {MAX_POINTS} 之间（现为 {raw}）")
        return number

    def show(self, spec: InputSpec, value: Any) -> str:
        return f"{two_places(value)}分"

    def example(self, spec: InputSpec, bounds: tuple[int, int]) -> str:
        return "0"

    def json_schema(self, spec: InputSpec, bounds: tuple[int, int]) -> dict[str, Any]:
        return {"type": "number", "minimum": 0, "maximum": int(MAX_POINTS)}


@register
class Events(InputKind):
    """Counts of events by type, e.g. {一般: 2, 严重: 0}."""

    name = "events"
    label = "分类次数"

    def read(self, spec: InputSpec, raw: Any, bounds: tuple[int, int]) -> dict[str, int]:
        if not isinstance(raw, Mapping):
            raise BadValue(f"应为各分类的次数，例如 {{{', '.join(f'{t}: 0' for t in spec.types)}}}")
        unknown = [key for key in raw if key not in spec.types]
        if unknown:
            raise BadValue(f"没有分类 “{unknown[0]}”（应为 {'、'.join(spec.types)}）")
        missing = [t for t in spec.types if t not in raw]
        if missing:
            raise BadValue(f"缺少分类 “{missing[0]}”：请写出 {'、'.join(f'{t}: 次数' for t in spec.types)}")
        return {t: KINDS["count"].read(spec, raw[t], bounds) for t in spec.types}

    def show(self, spec: InputSpec, value: Any) -> str:
        return "，".join(f"{k}{v}次" for k, v in value.items())

    def example(self, spec: InputSpec, bounds: tuple[int, int]) -> str:
        return "{" + ", ".join(f"{t}: 0" for t in spec.types) + "}"

    def json_schema(self, spec: InputSpec, bounds: tuple[int, int]) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": False, "required": list(spec.types),
                "properties": {t: {"type": "integer", "minimum": 0, "title": t} for t in spec.types}}


def percent(value: Decimal | None) -> str:
    """0.962 → ``96.20%``; None (no sample) → ``无样本``."""
    if value is None:
        return "无样本"
    return f"{two_places(value * 100)}%"


def specs_of(scoring: Mapping[str, Any]) -> dict[str, InputSpec]:
    """The declared inputs of a merged ``scoring`` section."""
    out = {}
    for name, raw in scoring["inputs"].items():
        out[name] = InputSpec(name, raw["kind"], raw.get("combine", "sum"), raw.get("numerator", ""),
                              raw.get("denominator", ""), tuple(raw.get("types", ())), raw.get("unit", ""),
                              raw.get("description", ""))
    return out


def rank_input(scoring: Mapping[str, Any]) -> str | None:
    """The input holding the monthly provincial rank: the one a ranking rule reads, else the first rank input."""
    for indicator in scoring["indicators"]:
        if indicator["rule"]["kind"] == "ranking":
            return str(indicator["rule"]["input"])
    return next((name for name, raw in scoring["inputs"].items() if raw["kind"] == "rank"), None)
