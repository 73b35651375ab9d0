"""What the data says about a year's performance, for the acceptance record (履约验收书).

《政府采购法实施条例》第四十五条 asks for the performance of each standard of the contract. Where the data
can say it, this module says it (each month's staffing against the minimum, an input month by month, the
assessment's indicators with their figures and points, the service objects' ratings); everything else is
left to the acceptance group. No figure is stated that the data cannot back: a month without data is
named as missing wherever a figure would include it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.analysis.assessment import Assessment, assess
from generator.analysis.periods import count, period
from generator.exports.month import load_month
from generator.rules.inputs import COMBINE_WORDS, KINDS, InputSpec, specs_of
from generator.rules.model import ContractYear
from generator.rules.numerals import cn_months
from generator.rules.statutes import statutes_of

MISSING = "缺数据"


@dataclass(frozen=True)
class Opinion:
    """One rating of the service objects over the present months (e.g. 满意率 with its counts)."""

    name: str
    value: str
    basis: str


@dataclass(frozen=True)
class Performance:
    """The acceptance period, its months with and without data, and what the data says."""

    year: int
    months: tuple[str, ...]
    present: tuple[str, ...]
    missing: tuple[str, ...]
    assessment: Assessment | None
    evidence: Mapping[str, str]  # a requirement's title → its performance in words
    opinions: tuple[Opinion, ...]

    @property
    def partial(self) -> bool:
        """Whether some months of the period have no data."""
        return bool(self.missing)


def performance(year: ContractYear, data_dir: Path) -> Performance:
    """Read the year's acceptance months and say, for each standard the data covers, how it was met."""
    first, last = year.renewal.assessment_months
    span = tuple(year.service_months()[first - 1 : last])
    present = tuple(m for m in span if (data_dir / m).is_dir())
    missing = tuple(m for m in span if m not in present)
    months = {m: load_month(data_dir, m, year) for m in present}
    per_month = period(year, present, months, scored=False).monthly_inputs if present else {}
    result = assess(year, data_dir, partial=True) if present else None
    specs = specs_of(year.data["scoring"])
    evidence = {}
    for title, kind in statutes_of(year).acceptance.get("evidence", {}).items():
        if kind == "staffing":
            evidence[title] = _staffing(year, span, per_month, specs)
        elif kind == "indicators":
            evidence[title] = _indicators(result, missing)
        else:
            evidence[title] = _input(specs[kind["input"]], span, per_month, result)
    opinions = tuple(_opinion(year, specs[name], result, missing) for name in statutes_of(year).acceptance.get("opinions", ()))
    return Performance(year.year, span, present, missing, result, evidence, opinions)


def _monthly(spec: InputSpec, span: tuple[str, ...], per_month: Mapping[str, Mapping[str, Any]]) -> str:
    """'2024年：1月26人，2月25人，…，7月缺数据'."""
    by_year: dict[str, list[str]] = {}
    for month in span:
        value = per_month.get(month, {}).get(spec.name)
        shown = MISSING if value is None else KINDS[spec.kind].show(spec, value)
        by_year.setdefault(month[:4], []).append(f"{int(month[5:])}月{shown}")
    return "；".join(f"{year}年：{'，'.join(parts)}" for year, parts in by_year.items())


def _staffing(year: ContractYear, span: tuple[str, ...], per_month: Mapping[str, Mapping[str, Any]],
              specs: Mapping[str, InputSpec]) -> str:
    name = year.data["report"]["staff_input"]
    minimum = year.data["terms"]["staffing"]["minimum"]
    spec = specs[name]
    short = [m for m in span if per_month.get(m, {}).get(name) is not None and per_month[m][name] < minimum]
    absent = [m for m in span if per_month.get(m, {}).get(name) is None]
    verdict = (f"{cn_months(short)}少于合同约定的{minimum}人" if short
               else f"有数据的月份均不少于合同约定的{minimum}人")
    if absent:
        verdict += f"；{cn_months(absent)}{MISSING}，无法确认"
    return f"各月{spec.name}：{_monthly(spec, span, per_month)}。{verdict}。"


def _input(spec: InputSpec, span: tuple[str, ...], per_month: Mapping[str, Mapping[str, Any]],
           result: Assessment | None) -> str:
    text = f"各月{spec.name}：{_monthly(spec, span, per_month)}。"
    if result is not None and spec.name in result.inputs:
        how = "各月分子、分母分别合计后计算" if spec.kind == "ratio" else COMBINE_WORDS[spec.combine]
        text += f"考核期（{how}）：{KINDS[spec.kind].show(spec, result.inputs[spec.name])}"
        text += f"，不含{MISSING}的{cn_months(result.missing)}。" if result.missing else "。"
    return text


def _indicators(result: Assessment | None, missing: tuple[str, ...]) -> str:
    if result is None:
        return f"考核期各月均{MISSING}，考核指标无法计算，见考核指标逐项。"
    note = f"（不含{MISSING}的{cn_months(missing)}）" if missing else ""
    return f"按考核标准逐项计算，年度考核得分{result.card.total:.2f}分{note}，见考核指标逐项。"


def _opinion(year: ContractYear, spec: InputSpec, result: Assessment | None, missing: tuple[str, ...]) -> Opinion:
    counts = year.data["scoring"]["counts"]
    if result is None:
        return Opinion(spec.name, MISSING, f"考核期各月均{MISSING}")
    numerator, denominator = (count(result.figures, counts, c) for c in (spec.numerator, spec.denominator))
    unit = year.data["exports"][counts[spec.denominator]["table"]]["unit"]
    basis = (f"{counts[spec.numerator]['label']}{numerator:,}{unit} ÷ {counts[spec.denominator]['label']}"
             f"{denominator:,}{unit}，{cn_months(result.months)}")
    if missing:
        basis += f"；{cn_months(missing)}{MISSING}，未计入"
    value = result.inputs.get(spec.name)
    return Opinion(spec.name, MISSING if value is None else KINDS["ratio"].show(spec, value), basis)
