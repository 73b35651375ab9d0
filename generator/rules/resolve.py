"""Resolve the contract years: typed rule data, signing dates and terms, the prior assessment, renewal checks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from generator.errors import Problem
from generator.rules.dates import term_end
from generator.rules.model import (
    Assessment,
    Contract,
    ContractYear,
    HistoryYear,
    YearEntry,
    assessment_of,
    entry_of,
    milestones_of,
    renewal_of,
)
from generator.rules.money import to_decimal
from generator.source.layers import YearSource, overrides_of
from generator.source.loader import Document


def history_of(document: Document) -> tuple[HistoryYear, ...]:
    """The service years before the first contract year of the file."""
    return tuple(HistoryYear(h["year"], h["kind"], assessment_of(h.get("assessment"))) for h in document.data["history"])


def resolve_years(document: Document, sources: Mapping[int, YearSource]) -> tuple[Contract, list[Problem]]:
    """Every year resolved in order (a year's default signing date follows the previous year's term)."""
    history = history_of(document)
    entries = {year: entry_of(year, document.data["years"][str(year)]) for year in sources}
    years: dict[int, ContractYear] = {}
    problems: list[Problem] = []
    previous_end: date | None = None
    for year, source in sources.items():
        entry = entries[year]
        signed = entry.signed_on or (previous_end + timedelta(days=1) if previous_end else None)
        if signed is None:
            problems.append(source.problem(("years", str(year)), (
                f"{year} 年度没有签订日期 signed_on，且没有上一年度可以推算")))
            previous_end = None
            continue
        years[year] = _year(document, source, entry, signed, history, entries)
        previous_end = years[year].term_end
    return Contract(document, MappingProxyType(years), history), problems


def _year(document: Document, source: YearSource, entry: YearEntry, signed: date, history: tuple[HistoryYear, ...],
          entries: Mapping[int, YearEntry]) -> ContractYear:
    data: Mapping[str, Any] = source.data
    payment, money = data["payment"], data["rules"]["money"]
    total = to_decimal(data["fees"]["total"])
    duration = data["terms"]["duration_months"]
    prior_year, prior = _prior(entry.year, history, entries)
    service = tuple((h.year, h.kind) for h in history if h.year < entry.year)
    service += tuple((y, e.kind) for y, e in entries.items() if y <= entry.year)
    # A year of kind "original" starts a new contract (a new procurement): the service term counts from it.
    starts = [index for index, (_, kind) in enumerate(service) if kind == "original"]
    service = service[starts[-1]:] if starts else service
    return ContractYear(
        year=entry.year,
        source=source,
        entry=entry,
        total=total,
        milestones=milestones_of(data, total, money["residual"]),
        residual_rule=money["residual"],
        renewal=renewal_of(data),
        duration_months=duration,
        invoice_days_before=payment["invoice_days_before"],
        fractional_rank=payment["ranking"]["fractional_average"],
        rank_best=payment["ranking"]["best"],
        rank_worst=payment["ranking"]["worst"],
        write_optional_zero=money["capital_optional_zero"] == "write",
        overrides=MappingProxyType(overrides_of(document, entry.year)),
        signed_on=signed,
        term_end=term_end(signed, duration),
        prior_year=prior_year,
        prior_assessment=prior,
        service_years=service,
    )


def _prior(year: int, history: tuple[HistoryYear, ...], entries: Mapping[int, YearEntry]) -> tuple[int | None, Assessment | None]:
    if year - 1 in entries:
        return year - 1, entries[year - 1].assessment
    for past in history:
        if past.year == year - 1:
            return past.year, past.assessment
    return None, None


def renewal_problems(contract: Contract, year: int) -> list[Problem]:
    """The renewal article checked against the recorded service history for ``year``.

    Violations are warnings or errors as ``rules.renewal.violation`` says; a recorded prior score
    under the minimum is always an error, because renewing then contradicts the contract outright.
    """
    current = contract.year(year)
    rules, doc = current.renewal, contract.document
    here = ("years", str(year))
    severity = "error" if rules.violation == "error" else "warning"
    found: list[Problem] = []
    if not current.contract_number:
        found.append(doc.problem((*here, "contract_number"), "合同编号为空，文档中将留出空白待签订时手填", "warning"))
    if current.kind == "original":
        return found
    service = current.service_years
    if len(service) > rules.max_service_years:
        found.append(doc.problem((*here, "kind"), (
            f"{year} 年是本项目第 {len(service)} 个服务年度（服务年度：{'、'.join(str(y) for y, _ in service)}），"
            f"超过续签条款约定的最多服务期限 {rules.max_service_years} 年（rules.renewal.max_service_years）。"
            f"按该条款，期满后不能再按续签延续：如已重新组织采购并签订新合同，请把该年度写成 kind: original"
            f"（服务年限从该年度重新计算）；如双方以书面补充协议延长了服务期限，请在 years.{year} 下写 "
            f"rules: {{renewal: {{max_service_years: 新的年数}}}}；否则请与采购部门核实后再续签"), severity))
    automatic = [y for y, kind in service if kind == "automatic"]
    if len(automatic) > rules.max_automatic_renewals:
        found.append(doc.problem((*here, "kind"), (
            f"自动续期已有 {len(automatic)} 次（{'、'.join(map(str, automatic))}），"
            f"超过约定的最多 {rules.max_automatic_renewals} 次"), severity))
    prior_year, prior = current.prior_year, current.prior_assessment
    if prior is None:
        found.append(doc.problem(here, (
            f"续签需要上一年度（{year - 1} 年）考核合格且无违约，但没有记录该年度的考核结果"), severity))
        return found
    prior_path = ("years", str(prior_year), "assessment") if prior_year in contract.years else ("history",)
    if prior.score is not None and prior.score < rules.min_score:
        found.append(doc.problem(prior_path, (
            f"{prior_year} 年度考核得分 {prior.score} 低于续签最低分 {rules.min_score}，按续签条款次年不再续签"), "error"))
    if not prior.passed:
        found.append(doc.problem(prior_path, f"{prior_year} 年度考核不合格，不满足续签条件", severity))
    if prior.breaches:
        found.append(doc.problem(prior_path, (
            f"{prior_year} 年度记录了违约行为（{'；'.join(prior.breaches)}），不满足续签条件"), severity))
    return found
