"""Appendix 1 applied: each indicator's points from its rule in contract.yaml, with a readable trace."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator.exports.metrics import percent
from generator.rules.model import ContractYear
from generator.rules.money import pct, to_decimal, two_places

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ItemScore:
    """One indicator's result: what went in, how it was scored, and the points."""

    number: int
    name: str
    category: str
    kind: str
    target: str
    points_max: Decimal | None
    actual: str
    points: Decimal
    trace: str
    below_target: bool


@dataclass(frozen=True)
class ScoreCard:
    """All indicators and the total."""

    items: tuple[ItemScore, ...]
    total: Decimal

def _events(value: Any, weights: Mapping[str, Any], name: str) -> list[tuple[str, int, Decimal]]:
    if isinstance(value, Mapping):
        return [(key, int(value.get(key, 0)), to_decimal(weight)) for key, weight in weights.items()]
    return [(name, int(value), to_decimal(weights[name]))]


def score_item(contract: ContractYear, index: int, indicator: Mapping[str, Any], inputs: Mapping[str, Any]) -> ItemScore:
    """Score one indicator from its rule and the month's (or period's) inputs."""
    rule = indicator["rule"]
    kind, source = rule["kind"], rule["input"]
    value = inputs.get(source)
    points = to_decimal(indicator["points"]) if "points" in indicator else None
    target = to_decimal(indicator["target"]) if "target" in indicator else None
    category = next(c["name"] for c in contract.data["scoring"]["categories"] if c["id"] == indicator["category"])
    base = {"number": index + 1, "name": indicator["name"], "category": category, "kind": kind,
            "target": pct(target) if target is not None else "—", "points_max": points}
    if kind == "linear_rate":
        return ItemScore(**base, **_linear(contract, rule, value, points, target))  # type: ignore[arg-type]
    if kind == "rate_times_points":
        rate = to_decimal(value)
        got = rate * points  # type: ignore[operator]
        return ItemScore(**base, actual=percent(rate), points=got.quantize(CENT, ROUND_HALF_UP),
                         trace=f"{percent(rate)} × {points.normalize():f} 分 = {two_places(got)} 分",  # type: ignore[union-attr]
                         below_target=target is not None and rate * 100 < target)
    if kind in ("deduction_per_event", "direct_deduction"):
        if kind == "direct_deduction":
            lost = to_decimal(value)
            detail = f"认定扣分 {two_places(lost)}"
            actual = f"扣{two_places(lost)}分"
        else:
            events = _events(value, rule["weights"], source)
            lost = sum((count * weight for _, count, weight in events), Decimal(0))
            detail = "；".join(f"{key} {count} 次 × {weight.normalize():f} 分" for key, count, weight in events)
            actual = "、".join(f"{key}{count}次" for key, count, _ in events) if len(events) > 1 else f"{events[0][1]}"
        got = max(Decimal(0), points - lost)  # type: ignore[operator]
        floor = "，扣完为止" if points - lost < 0 else ""  # type: ignore[operator]
        return ItemScore(**base, actual=actual, points=got.quantize(CENT, ROUND_HALF_UP),
                         trace=f"{detail}，共扣 {two_places(lost)} 分{floor}", below_target=lost > 0)
    if kind == "bonus":
        events = _events(value, rule["weights"], source)
        earned = sum((count * weight for _, count, weight in events), Decimal(0))
        got = min(points, earned)  # type: ignore[type-var]
        cap = f"，封顶 {points.normalize():f} 分" if earned > points else ""  # type: ignore[union-attr,operator]
        detail = "；".join(f"{key} {count} 次 × {weight.normalize():f} 分" for key, count, weight in events)
        return ItemScore(**base, actual="、".join(f"{k}{c}次" for k, c, _ in events), points=got.quantize(CENT, ROUND_HALF_UP),
                         trace=f"{detail}，加 {two_places(earned)} 分{cap}", below_target=False)
    return ItemScore(**base, **_ranking(rule, value))  # type: ignore[arg-type]


def _linear(contract: ContractYear, rule: Mapping[str, Any], value: Any, points: Decimal, target: Decimal) -> dict[str, Any]:
    if value is None:
        full = contract.data["scoring"]["no_data"] == "full"
        got = points if full else Decimal(0)
        return {"actual": "无样本", "points": got.quantize(CENT), "below_target": False,
                "trace": f"本期无样本（分母为 0），按{'满分' if full else '0 分'}计"}
    actual = to_decimal(value) * 100
    delta = actual - target
    raw = points + delta * to_decimal(rule["per_point"])
    got = min(max(raw, Decimal(0)), points) if rule["clamp"] else raw
    word = "高于" if delta >= 0 else "低于"
    clamp = ""
    if got != raw:
        clamp = f"，按分数栏限制为 {two_places(got)} 分"
    trace = (f"{percent(to_decimal(value))} {word}指标值 {pct(target)} {two_places(abs(delta))} 个百分点，"
             f"{'加' if delta >= 0 else '扣'} {two_places(abs(delta) * to_decimal(rule['per_point']))} 分，得 {two_places(raw)} 分{clamp}")
    return {"actual": percent(to_decimal(value)), "points": got.quantize(CENT, ROUND_HALF_UP), "trace": trace,
            "below_target": actual < target}


def _ranking(rule: Mapping[str, Any], value: Any) -> dict[str, Any]:
    rank = to_decimal(value)
    if not rule["fractional"]:
        rank = rank.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    over = rank - rule["free_rank_max"]
    lost = min(max(over * to_decimal(rule["per_rank"]), Decimal(0)), to_decimal(rule["max_deduction"]))
    if lost == 0:
        trace = f"排名第 {two_places(rank)} 名，在第 {rule['free_rank_min']}-{rule['free_rank_max']} 名内，不扣分"
    else:
        capped = "（已达最高扣分）" if lost == to_decimal(rule["max_deduction"]) else ""
        trace = f"排名第 {two_places(rank)} 名，低于第 {rule['free_rank_max']} 名 {two_places(over)} 个名次，扣 {two_places(lost)} 分{capped}"
    return {"actual": f"第{two_places(rank).rstrip('0').rstrip('.')}名", "points": (-lost).quantize(CENT, ROUND_HALF_UP),
            "trace": trace, "below_target": lost > 0}


def score(contract: ContractYear, inputs: Mapping[str, Any]) -> ScoreCard:
    """Score every indicator; the total is the sum of the items as shown (each rounded to 0.01)."""
    items = tuple(score_item(contract, i, ind, inputs) for i, ind in enumerate(contract.data["scoring"]["indicators"]))
    return ScoreCard(items, sum((item.points for item in items), Decimal("0.00")))
