"""Worked examples written by staff beside a rule, checked by the tool (like OpenFisca's YAML tests).

An indicator's example gives an input and the points it should earn; a payment milestone's example
gives a signing date and the due and invoice dates, or the months' ranks and the share it should pay.
`gen validate` evaluates each against the year's rules and reports a mismatch at the example's line,
with the value the rule gives and how it got there. This is how an interpretation is checked before
signing.

When a later year changes a rule (a target, the points, a weight, the total) and the examples stay
inherited from before, they no longer hold: that is reported once per rule, at the change the user is
writing, with the examples recomputed as lines to paste under that year — offered, never written, since
examples exist so that a person checks them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
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
from generator.source.loader import PathKey, format_path


def example_problems(year: ContractYear) -> list[Problem]:
    """Every worked example of the year whose rule gives another result than the example states."""
    return [*_indicator_examples(year), *_milestone_examples(year)]


@dataclass(frozen=True)
class _Checked:
    """One worked example as the rule computes it: the fields it got wrong, with the rule's values."""

    example: Mapping[str, Any]
    wrong: dict[str, tuple[Any, str]]  # field -> (the rule's value, the message about it)
    note: str  # how the rule got there, in words


def _stale(year: ContractYear, owner: PathKey, rule_paths: Callable[[], list[PathKey]], checked: list[_Checked],
           name: str, identity: tuple[str, Any]) -> Iterator[Problem]:
    """Problems of a rule's examples: at the rule's change when they are inherited from before it, else each
    at its own line.

    ``rule_paths`` gives where the rule was written; finding them scans every merged path, so it is asked only
    when an example is wrong (a valid contract never asks).
    """
    wrong = [(number, c) for number, c in enumerate(checked) if c.wrong]
    if not wrong:
        return
    examples = (*owner, "examples")
    written = _year_written(year, [examples])
    changed = [p for p in rule_paths() if _year_written(year, [p]) > written]
    if not changed:
        for number, c in wrong:
            for field, (value, message) in c.wrong.items():
                where = (*examples, number, field)
                yield replace(year.source.problem(where, f"{_MISMATCH}{message}。可改为："), target=format_path(where),
                              fix=f"{field}: {_flow(value)}")
        return
    # The deepest path of the latest change: the line the user wrote (``target: 96``), not the item around it.
    since = max(_year_written(year, [p]) for p in changed)
    change = max((p for p in changed if _year_written(year, [p]) == since and p[-1] != identity[0]),
                 key=len, default=max(changed, key=len))
    details = "；".join(message for _, c in wrong for message in (m for _, m in c.wrong.values()))
    message = (f"“{name}”的算例是按 {since} 年度以前的规则写的，{since} 年度修改规则后有 {len(wrong)} 个不再成立（{details}）。"
               "下面按新规则重算了全部算例（说明为计算过程），请逐个核对，工具不会自动写入；"
               f"{_placement(year, since, owner, identity)}：")
    yield replace(year.source.problem(change, message), target=format_path(examples),
                  fix=_snippet(year, since, owner, identity, checked))


_MISMATCH = "算例不符："


def _year_written(year: ContractYear, paths: list[PathKey]) -> int:
    """The latest contract year in which any of ``paths`` was written (0 for the base contract)."""
    latest = 0
    for path in paths:
        source = year.source.source_path(path)
        if len(source) > 1 and source[0] == "years":
            latest = max(latest, int(source[1]))
    return latest


def _subtree(year: ContractYear, prefix: PathKey, skip: str = "") -> list[PathKey]:
    """Every merged path under ``prefix`` (``skip`` excluded at the next level)."""
    size = len(prefix)
    return [path for path in year.source.origins
            if path[:size] == prefix and not (skip and len(path) > size and path[size] == skip)]


def _placement(year: ContractYear, since: int, owner: PathKey, identity: tuple[str, Any]) -> str:
    """Where the recomputed lines go, in words: replacing what ``years.<since>`` says of the item, or beside it."""
    field, ident = identity
    section, listing = str(owner[0]), str(owner[1])
    entry = year.source.document.data.get("years", {}).get(str(since)) or {}
    items = (entry.get(section) or {}).get(listing) if isinstance(entry.get(section), dict) else None
    if any(isinstance(i, dict) and i.get(field) == ident for i in items or ()):
        return f"这几行是 years.{since} 中 {section}.{listing} 里 {field} 为 {ident} 的一项的完整写法，用它换掉该年度已写的这一项"
    if items is not None:
        return f"把这一项加进 years.{since} 已有的 {section}.{listing}"
    return f"把这几行写进 years.{since}（该年度已有 {section}: 时写在其中）"


def _snippet(year: ContractYear, since: int, owner: PathKey, identity: tuple[str, Any], checked: list[_Checked]) -> str:
    """The lines to write under ``years.<since>``, indented as they stand there: the item with what that year
    already says of it, and the examples recomputed (notes: how the rule got there)."""
    field, ident = identity
    section, listing = str(owner[0]), str(owner[1])
    entry = year.source.document.data.get("years", {}).get(str(since)) or {}
    items = (entry.get(section) or {}).get(listing) if isinstance(entry.get(section), dict) else None
    written = next((i for i in items or () if isinstance(i, dict) and i.get(field) == ident), None) or {}
    lines = [f"    {section}:", f"      {listing}:", f"        - {field}: {_flow(ident)}"]
    lines += [f"          {key}: {_flow(value)}" for key, value in written.items() if key not in (field, "examples")]
    lines.append("          examples:")
    for c in checked:
        fixed = {**c.example, **{k: v for k, (v, _) in c.wrong.items()}, "note": c.note}
        lines.append(f"            - {_flow(fixed)}")
    return "\n".join(lines)


def _flow(value: Any) -> str:
    """A value as YAML flow text this tool reads back as written (strings quoted)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_flow_key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, date):
        return value.isoformat()
    return _flow_key(value)


def _flow_key(value: Any) -> str:
    """A word as is (``answer_rate``, ``一般``); anything YAML could read otherwise, quoted."""
    text = str(value)
    if _WORD.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


_WORD = re.compile(r"[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"}


def _indicator_examples(year: ContractYear) -> Iterator[Problem]:
    specs = specs_of(year.data["scoring"])
    bounds = (year.rank_best, year.rank_worst)
    for index, indicator in enumerate(year.data["scoring"]["indicators"]):
        spec = specs.get(indicator["rule"]["input"])
        if spec is None:
            continue  # the checks report the undeclared input
        owner = ("scoring", "indicators", index)
        checked: list[_Checked] = []
        for number, example in enumerate(indicator.get("examples", ())):
            try:
                value = _value(spec, example["input"], bounds)
            except BadValue as exc:
                yield year.source.problem((*owner, "examples", number, "input"), f"算例的输入不符合 “{spec.name}” 的写法：{exc}")
                checked = []
                break
            result = score_item(year, index, indicator, value)
            expected = to_decimal(example["points"])
            wrong = {}
            if result.points != expected.quantize(Decimal("0.01")):
                wrong["points"] = (result.points, (
                    f"“{indicator['name']}” 输入 {_flow(example['input'])} 按规则得 {two_places(result.points)} 分，"
                    f"算例写的是 {two_places(expected)} 分。计算过程：{result.trace}"))
            checked.append(_Checked(example, wrong, result.trace))
        def rule_paths(owner: PathKey = owner, name: str = spec.name) -> list[PathKey]:
            return _subtree(year, owner, skip="examples") + _subtree(year, ("scoring", "inputs", name))

        yield from _stale(year, owner, rule_paths, checked, indicator["name"], ("key", indicator["key"]))


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
        owner = ("payment", "milestones", milestone.index)
        checked: list[_Checked] = []
        for number, example in enumerate(raw.get("examples", ())):
            here = (*owner, "examples", number)
            found = _share(year, milestone, example, here)
            if isinstance(found, Problem):
                yield found
                checked = []
                break
            dates = _dates(year, milestone.months_after_signing, example)
            checked.append(_Checked(example, {**dates[0], **found[0]}, "；".join(filter(None, (dates[1], found[1])))))
        def rule_paths(owner: PathKey = owner) -> list[PathKey]:
            return [*_subtree(year, owner, skip="examples"), ("fees", "total"), ("payment", "invoice_days_before"),
                    *_subtree(year, ("payment", "ranking")), *_subtree(year, ("rules", "money"))]

        yield from _stale(year, owner, rule_paths, checked, f"付款节点 {milestone.label}", ("id", milestone.id))


def _dates(year: ContractYear, months: int, example: Mapping[str, Any]) -> tuple[dict[str, tuple[Any, str]], str]:
    if "signed_on" not in example:
        return {}, ""
    due = add_months(date.fromisoformat(example["signed_on"]), months)
    invoice_by = due - timedelta(days=year.invoice_days_before)
    wrong = {}
    for key, value, how in (("due", due, f"签订日期加 {months} 个月（该月无对应日期时取月末）"),
                            ("invoice_by", invoice_by, f"付款日期前 {year.invoice_days_before} 日")):
        if key in example and date.fromisoformat(example[key]) != value:
            wrong[key] = (value, f"按规则为 {value.isoformat()}（{how}），算例写的是 {example[key]}")
    note = f"付款日期为签订日期加 {months} 个月，开票日期再提前 {year.invoice_days_before} 日"
    return wrong, note


def _share(year: ContractYear, milestone: Any, example: Mapping[str, Any],
           here: tuple[Any, ...]) -> Problem | tuple[dict[str, tuple[Any, str]], str]:
    if "percent" not in example and "amount" not in example:
        return {}, ""
    ranks = example.get("ranks", [])
    if milestone.ranked:
        if not ranks:
            return year.source.problem(here, "按排名支付的付款节点，算例须写各月名次 ranks")
        outside = [r for r in ranks if not year.rank_best <= r <= year.rank_worst]
        if outside:
            return year.source.problem((*here, "ranks"), f"名次 {outside[0]} 超出 {year.rank_best}-{year.rank_worst} 的范围")
        average = Decimal(sum(ranks)) / len(ranks)
        tier = milestone.tiers[choose_tier(milestone.tiers, average, year.fractional_rank)]
        how = f"平均名次 {two_places(average)}，归入第 {tier.rank_min}-{tier.rank_max} 名档"
    else:
        tier = milestone.tiers[0]
        how = "不按排名支付"
    wrong = {}
    if "percent" in example and to_decimal(example["percent"]) != tier.percent:
        wrong["percent"] = (tier.percent, f"按规则支付 {pct(tier.percent)}（{how}），算例写的是 {pct(to_decimal(example['percent']))}")
    if "amount" in example and to_decimal(example["amount"]) != tier.amount:
        wrong["amount"] = (tier.amount, f"按本年度合同总金额为 {tier.amount}（{how}，{pct(tier.percent)}），算例写的是 {example['amount']}")
    return wrong, how
