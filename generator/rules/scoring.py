"""The scoring appendix applied: each indicator's points from its rule in contract.yaml, with a trace.

Each rule kind is one small registered unit: the input kinds it can read, what it checks in its
indicator, and how it turns a value into points and a trace a reviewer can follow by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from generator.rules.inputs import KINDS as INPUT_KINDS
from generator.rules.inputs import InputSpec, percent, specs_of
from generator.rules.model import ContractYear
from generator.rules.money import pct, to_decimal, two_places

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ItemScore:
    """One indicator's result: what went in, how it was scored, the points and the clause they rest on."""

    number: int
    key: str
    name: str
    category: str
    kind: str
    target: str
    points_max: Decimal | None
    actual: str
    points: Decimal
    trace: str
    below_target: bool
    clause: str
    no_sample: bool = False


@dataclass(frozen=True)
class ScoreCard:
    """All indicators and the total."""

    items: tuple[ItemScore, ...]
    total: Decimal

    @property
    def no_sample(self) -> tuple[ItemScore, ...]:
        """The indicators scored without a sample (a rate whose denominator was 0)."""
        return tuple(item for item in self.items if item.no_sample)


@dataclass(frozen=True)
class Outcome:
    """What a rule makes of a value."""

    actual: str
    points: Decimal
    trace: str
    below_target: bool
    no_sample: bool = False


class RuleKind:
    """One kind of scoring rule."""

    name: ClassVar[str]
    accepts: ClassVar[frozenset[str]]

    def problems(self, indicator: Mapping[str, Any], spec: InputSpec) -> list[str]:
        """What does not fit between the indicator and its input (beyond the input's kind)."""
        return []

    def score(self, indicator: Mapping[str, Any], spec: InputSpec, value: Any, no_data: str) -> Outcome:
        """Points for a value of the indicator's input."""
        raise NotImplementedError


RULES: dict[str, RuleKind] = {}


def register(cls: type[RuleKind]) -> type[RuleKind]:
    """Add a rule kind to the registry under its name."""
    RULES[cls.name] = cls()
    return cls


def _n(value: Any) -> str:
    return f"{to_decimal(value).normalize():f}"


def _fraction(value: Any) -> Decimal:
    return to_decimal(value)


@register
class LinearRate(RuleKind):
    """Full points at the target; each percentage point above (below) adds (takes) ``per_point``."""

    name = "linear_rate"
    accepts = frozenset({"ratio", "rate"})

    def problems(self, indicator: Mapping[str, Any], spec: InputSpec) -> list[str]:
        return [] if "target" in indicator and "points" in indicator else ["比率类指标必须写明指标值 target 和分数 points"]

    def score(self, indicator: Mapping[str, Any], spec: InputSpec, value: Any, no_data: str) -> Outcome:
        points, target, rule = to_decimal(indicator["points"]), to_decimal(indicator["target"]), indicator["rule"]
        if value is None:
            got = points if no_data == "full" else Decimal(0)
            return Outcome("无样本", got, f"本期无样本（分母为 0），按合同数据 no_data: {no_data} 计{'满分' if no_data == 'full' else '0 分'}",
                           False, True)
        actual = _fraction(value) * 100
        delta = actual - target
        per = to_decimal(rule["per_point"])
        raw = points + delta * per
        got = min(max(raw, Decimal(0)), points) if rule["clamp"] else raw
        word = "高于" if delta >= 0 else "低于"
        limit = f"，按分数栏限制为 {two_places(got)} 分" if got != raw else ""
        trace = (f"{percent(_fraction(value))} {word}指标值 {pct(target)} {two_places(abs(delta))} 个百分点，"
                 f"{'加' if delta >= 0 else '扣'} {two_places(abs(delta) * per)} 分，得 {two_places(raw)} 分{limit}")
        return Outcome(percent(_fraction(value)), got, trace, actual < target)


@register
class RateTimesPoints(RuleKind):
    """The rate times the points (平均抽检合格率×10分)."""

    name = "rate_times_points"
    accepts = frozenset({"ratio", "rate"})

    def problems(self, indicator: Mapping[str, Any], spec: InputSpec) -> list[str]:
        return [] if "points" in indicator else ["计分指标必须写明分数 points"]

    def score(self, indicator: Mapping[str, Any], spec: InputSpec, value: Any, no_data: str) -> Outcome:
        points = to_decimal(indicator["points"])
        if value is None:
            got = points if no_data == "full" else Decimal(0)
            return Outcome("无样本", got, f"本期无样本，按合同数据 no_data: {no_data} 计", False, True)
        rate = _fraction(value)
        got = rate * points
        target = to_decimal(indicator["target"]) if "target" in indicator else None
        return Outcome(percent(rate), got, f"{percent(rate)} × {_n(points)} 分 = {two_places(got)} 分",
                       target is not None and rate * 100 < target)


def _events(spec: InputSpec, value: Any, rule: Mapping[str, Any]) -> list[tuple[str, int, Decimal]]:
    if spec.kind == "events":
        return [(key, int(value.get(key, 0)), to_decimal(weight)) for key, weight in rule["weights"].items()]
    return [(spec.name, int(value), to_decimal(rule["per_event"]))]


def _tally(indicator: Mapping[str, Any], spec: InputSpec,
           value: Any) -> tuple[Decimal, list[tuple[str, int, Decimal]], Decimal, str, str]:
    """What an indicator scored per event comes to: its points, the events, their total, the unit, the working."""
    events = _events(spec, value, indicator["rule"])
    total = sum((count * weight for _, count, weight in events), Decimal(0))
    unit = "次" if spec.kind == "events" else (spec.unit or "次")
    detail = "；".join(f"{key} {count} {unit} × {_n(weight)} 分" for key, count, weight in events)
    return to_decimal(indicator["points"]), events, total, unit, detail


def _weights_problems(indicator: Mapping[str, Any], spec: InputSpec) -> list[str]:
    rule = indicator["rule"]
    if "points" not in indicator:
        return ["计分指标必须写明分数 points"]
    if spec.kind == "events":
        if "weights" not in rule:
            return [f"输入 “{spec.name}” 是分类次数，请按分类写 weights，例如 {{{', '.join(f'{t}: 1' for t in spec.types)}}}"]
        if set(rule["weights"]) != set(spec.types):
            return [f"weights 的分类（{'、'.join(rule['weights'])}）应与输入 “{spec.name}” 的分类一致：{'、'.join(spec.types)}"]
    elif "per_event" not in rule:
        return [f"输入 “{spec.name}” 是次数，请写每次的分值 per_event"]
    return []


@register
class DeductionPerEvent(RuleKind):
    """Points taken per event (by type), down to zero at most (扣完为止)."""

    name = "deduction_per_event"
    accepts = frozenset({"events", "count"})

    def problems(self, indicator: Mapping[str, Any], spec: InputSpec) -> list[str]:
        return _weights_problems(indicator, spec)

    def score(self, indicator: Mapping[str, Any], spec: InputSpec, value: Any, no_data: str) -> Outcome:
        points, events, lost, unit, detail = _tally(indicator, spec, value)
        got = max(Decimal(0), points - lost)
        floor = "，扣完为止" if points - lost < 0 else ""
        actual = "、".join(f"{key}{count}次" for key, count, _ in events) if spec.kind == "events" else f"{events[0][1]}{unit}"
        return Outcome(actual, got, f"{detail}，共扣 {two_places(lost)} 分{floor}", lost > 0)


@register
class DirectDeduction(RuleKind):
    """Points the buyer determined, taken directly (视情况扣分), down to zero at most."""

    name = "direct_deduction"
    accepts = frozenset({"points"})

    def problems(self, indicator: Mapping[str, Any], spec: InputSpec) -> list[str]:
        return [] if "points" in indicator else ["计分指标必须写明分数 points"]

    def score(self, indicator: Mapping[str, Any], spec: InputSpec, value: Any, no_data: str) -> Outcome:
        points, lost = to_decimal(indicator["points"]), to_decimal(value)
        got = max(Decimal(0), points - lost)
        floor = "，扣完为止" if points - lost < 0 else ""
        return Outcome(f"扣{two_places(lost)}分", got, f"认定扣分 {two_places(lost)}，共扣 {two_places(lost)} 分{floor}", lost > 0)


@register
class Bonus(RuleKind):
    """Points added per event (by type), up to the indicator's points."""

    name = "bonus"
    accepts = frozenset({"events", "count"})

    def problems(self, indicator: Mapping[str, Any], spec: InputSpec) -> list[str]:
        return _weights_problems(indicator, spec)

    def score(self, indicator: Mapping[str, Any], spec: InputSpec, value: Any, no_data: str) -> Outcome:
        points, events, earned, unit, detail = _tally(indicator, spec, value)
        got = min(points, earned)
        cap = f"，最多加 {_n(points)} 分" if earned > points else ""
        return Outcome("、".join(f"{k}{c}{unit}" for k, c, _ in events), got, f"{detail}，加 {two_places(earned)} 分{cap}", False)


@register
class Ranking(RuleKind):
    """Points taken per place below the free range, up to a maximum."""

    name = "ranking"
    accepts = frozenset({"rank"})

    def score(self, indicator: Mapping[str, Any], spec: InputSpec, value: Any, no_data: str) -> Outcome:
        rule = indicator["rule"]
        rank = to_decimal(value)
        if not rule["fractional"]:
            rank = rank.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        over = rank - rule["free_rank_max"]
        most = to_decimal(rule["max_deduction"])
        lost = min(max(over * to_decimal(rule["per_rank"]), Decimal(0)), most)
        shown = INPUT_KINDS["rank"].show(spec, rank)
        if lost == 0:
            trace = f"{shown}，在第 {rule['free_rank_min']}-{rule['free_rank_max']} 名内，不扣分"
        else:
            capped = "（已达最高扣分）" if lost == most else ""
            trace = f"{shown}，低于第 {rule['free_rank_max']} 名 {two_places(over)} 个名次，扣 {two_places(lost)} 分{capped}"
        return Outcome(shown, -lost, trace, lost > 0)


def display_numbers(scoring: Mapping[str, Any]) -> dict[int, int]:
    """Each indicator's number as a reader sees it (list index → 1, 2, …): category by category in the
    categories' order, and within a category in list order — so an indicator appended to the list in a
    renewal year is numbered where its category shows it, and the numbers after it move on."""
    order = {category["id"]: position for position, category in enumerate(scoring["categories"])}
    indicators = scoring["indicators"]
    shown = sorted(range(len(indicators)), key=lambda i: (order.get(indicators[i]["category"], len(order)), i))
    return {index: number for number, index in enumerate(shown, start=1)}


def indicator_clause(year: ContractYear, index: int) -> str:
    """Where an indicator is written: its appendix and item (附件1第3项)."""
    number = next((i + 1 for i, a in enumerate(year.data["appendices"]) if a["id"] == "scoring"), None)
    item = display_numbers(year.data["scoring"])[index]
    return f"附件{number}第{item}项" if number else f"第{item}项"


def score_item(year: ContractYear, index: int, indicator: Mapping[str, Any], value: Any) -> ItemScore:
    """Score one indicator on a value of its input."""
    scoring = year.data["scoring"]
    spec = specs_of(scoring)[indicator["rule"]["input"]]
    outcome = RULES[indicator["rule"]["kind"]].score(indicator, spec, value, scoring["no_data"])
    category = next(c["name"] for c in scoring["categories"] if c["id"] == indicator["category"])
    points = to_decimal(indicator["points"]) if "points" in indicator else None
    target = pct(to_decimal(indicator["target"])) if "target" in indicator else "—"
    return ItemScore(display_numbers(scoring)[index], indicator["key"], indicator["name"], category, indicator["rule"]["kind"], target, points,
                     outcome.actual, outcome.points.quantize(CENT, ROUND_HALF_UP), outcome.trace, outcome.below_target,
                     indicator_clause(year, index), outcome.no_sample)


def score(year: ContractYear, inputs: Mapping[str, Any]) -> ScoreCard:
    """Score every indicator; the total is the sum of the items as shown (each rounded to 0.01)."""
    indicators = year.data["scoring"]["indicators"]
    items = tuple(sorted((score_item(year, i, ind, inputs.get(ind["rule"]["input"])) for i, ind in enumerate(indicators)),
                         key=lambda item: item.number))
    return ScoreCard(items, sum((item.points for item in items), Decimal("0.00")))
