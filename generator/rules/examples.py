"""Worked examples written by staff beside a rule, checked by the tool (like OpenFisca's YAML tests).

An indicator's example gives an input and the points it should earn; a payment milestone's example
gives a signing date and the due and invoice dates, or the months' ranks and the share it should pay.
`gen validate` evaluates each against the year's rules and reports a mismatch at the example's line,
with the value the rule gives and how it got there. This is how an interpretation is checked before
signing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from generator.errors import Problem
from generator.rules.dates import add_months
from generator.rules.inputs import KINDS, BadValue, specs_of
from generator.rules.model import ContractYear
from generator.rules.money import pct, to_decimal, two_places
from generator.rules.payment import choose_tier
from generator.rules.scoring import score_item


def example_problems(year: ContractYear) -> list[Problem]:
    """Every worked example of the year whose rule gives another result than the example states."""
    return [*_indicator_examples(year), *_milestone_examples(year)]


def _indicator_examples(year: ContractYear) -> Iterator[Problem]:
    specs = specs_of(year.data["scoring"])
    bounds = (year.rank_best, year.rank_worst)
    for index, indicator in enumerate(year.data["scoring"]["indicators"]):
        spec = specs.get(indicator["rule"]["input"])
        if spec is None:
            continue  # the checks report the undeclared input
        for number, example in enumerate(indicator.get("examples", ())):
            here = ("scoring", "indicators", index, "examples", number)
            try:
                value = _value(spec, example["input"], bounds)
            except BadValue as exc:
                yield year.source.problem((*here, "input"), f"算例的输入不符合 “{spec.name}” 的写法：{exc}")
                continue
            result = score_item(year, index, indicator, value)
            expected = to_decimal(example["points"])
            if result.points != expected.quantize(Decimal("0.01")):
                yield year.source.problem((*here, "points"), (
                    f"算例不符：“{indicator['name']}” 输入 {example['input']} 按规则得 {two_places(result.points)} 分，"
                    f"算例写的是 {two_places(expected)} 分。计算过程：{result.trace}"))


def _value(spec: Any, raw: Any, bounds: tuple[int, int]) -> Any:
    """An example's input in the input's canonical form (ratios and ranks may be fractional averages)."""
    if spec.kind == "ratio":
        return KINDS["rate"].read(spec, raw, bounds)
    if spec.kind == "rank":
        value = to_decimal(raw)
        if not bounds[0] <= value <= bounds[1]:
            raise BadValue(f"名次应在 {bounds[0]}-{bounds[1]} 之间")
        return value
    return KINDS[spec.kind].read(spec, raw, bounds)


def _milestone_examples(year: ContractYear) -> Iterator[Problem]:
    raw_milestones = year.data["payment"]["milestones"]
    for milestone, raw in zip(year.milestones, raw_milestones, strict=True):
        for number, example in enumerate(raw.get("examples", ())):
            here = ("payment", "milestones", milestone.index, "examples", number)
            yield from _dates(year, milestone.months_after_signing, example, here)
            yield from _share(year, milestone, example, here)


def _dates(year: ContractYear, months: int, example: Mapping[str, Any], here: tuple[Any, ...]) -> Iterator[Problem]:
    if "signed_on" not in example:
        return
    due = add_months(date.fromisoformat(example["signed_on"]), months)
    invoice_by = due - timedelta(days=year.invoice_days_before)
    for key, value, how in (("due", due, f"签订日期加 {months} 个月（该月无对应日期时取月末）"),
                            ("invoice_by", invoice_by, f"付款日期前 {year.invoice_days_before} 日")):
        if key in example and date.fromisoformat(example[key]) != value:
            yield year.source.problem((*here, key), f"算例不符：按规则为 {value.isoformat()}（{how}），算例写的是 {example[key]}")


def _share(year: ContractYear, milestone: Any, example: Mapping[str, Any], here: tuple[Any, ...]) -> Iterator[Problem]:
    if "percent" not in example and "amount" not in example:
        return
    ranks = example.get("ranks", [])
    if milestone.ranked:
        if not ranks:
            yield year.source.problem(here, "按排名支付的付款节点，算例须写各月名次 ranks")
            return
        outside = [r for r in ranks if not year.rank_best <= r <= year.rank_worst]
        if outside:
            yield year.source.problem((*here, "ranks"), f"名次 {outside[0]} 超出 {year.rank_best}-{year.rank_worst} 的范围")
            return
        average = Decimal(sum(ranks)) / len(ranks)
        tier = milestone.tiers[choose_tier(milestone.tiers, average, year.fractional_rank)]
        how = f"平均名次 {two_places(average)}，归入第 {tier.rank_min}-{tier.rank_max} 名档"
    else:
        tier = milestone.tiers[0]
        how = "不按排名支付"
    if "percent" in example and to_decimal(example["percent"]) != tier.percent:
        yield year.source.problem((*here, "percent"), (
            f"算例不符：按规则支付 {pct(tier.percent)}（{how}），算例写的是 {pct(to_decimal(example['percent']))}"))
    if "amount" in example and to_decimal(example["amount"]) != tier.amount:
        yield year.source.problem((*here, "amount"), (
            f"算例不符：按本年度合同总金额为 {tier.amount}（{how}，{pct(tier.percent)}），算例写的是 {example['amount']}"))
