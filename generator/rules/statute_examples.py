"""Worked examples of the statutory deadlines (start date → due date), checked like the scoring rules' examples.

The shipped statutes file carries examples around Spring Festival and National Day of several years;
a contract may add its own under ``statutes.examples`` for the rules as it changes them. Each is counted
again with the working-day calendar; a mismatch is reported at the example's line with the date the rule
gives and how it was counted. A shipped example that no longer holds means the installed holiday data
changed: it is a warning (the user cannot fix the shipped file), a contract's own example an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from generator.errors import Problem
from generator.rules.model import ContractYear
from generator.rules.statutes import Rule, rule_of, shipped, statutes_of
from generator.source.loader import PathKey


def shipped_example_problems() -> list[Problem]:
    """The shipped examples that the installed working-day calendar no longer confirms (warnings)."""
    document = shipped()
    found = []
    for index, raw in enumerate(document.data["rules"]):
        rule = rule_of(raw)
        for number, example in enumerate(raw.get("examples", ())):
            here: PathKey = ("rules", index, "examples", number)
            found += [document.problem(path, message, "warning") for path, message, _ in _check(rule, example, here)]
    return found


def contract_example_problems(year: ContractYear) -> list[Problem]:
    """The contract's own examples (statutes.examples) checked against the rules as the year has them."""
    statutes = statutes_of(year)
    found = []
    for number, example in enumerate(year.data.get("statutes", {}).get("examples", ())):
        here: PathKey = ("statutes", "examples", number)
        rule = statutes.get(example["rule"])
        if rule is None:
            known = "、".join(r.id for r in statutes.rules)
            found.append(year.source.problem((*here, "rule"), f"没有标识为 “{example['rule']}” 的法定义务（现有：{known}）"))
            continue
        found += [year.source.problem(path, message, severity) for path, message, severity in _check(rule, example, here)]
    return found


def _check(rule: Rule, example: Mapping[str, Any], here: PathKey) -> Iterator[tuple[PathKey, str, str]]:
    if rule.days is None:
        yield (here, f"“{rule.title}” 没有天数（{rule.citation}未规定期限），不能写期限算例", "error")
        return
    deadline = rule.deadline(date.fromisoformat(example["start"]))
    if date.fromisoformat(example["due"]) != deadline.due:
        yield ((*here, "due"), (f"算例不符：“{rule.title}” 按{rule.citation}为 {deadline.due.isoformat()}（{deadline.how()}），"
                                f"算例写的是 {example['due']}"), "error")
    elif deadline.assumed:
        yield ((*here, "due"), f"算例按周一至周五推算：{deadline.assumption()}", "warning")
    if "latest" in example:
        if rule.max_days is None:
            yield ((*here, "latest"), f"“{rule.title}” 没有合同另行约定的最长期限，不能写 latest", "error")
            return
        latest = replace(rule, days=rule.max_days).deadline(date.fromisoformat(example["start"]))
        if date.fromisoformat(example["latest"]) != latest.due:
            yield ((*here, "latest"), (f"算例不符：合同另有约定时最迟为 {latest.due.isoformat()}（{latest.how()}），"
                                       f"算例写的是 {example['latest']}"), "error")
