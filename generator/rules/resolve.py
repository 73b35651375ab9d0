"""Resolve one contract year: defaults, the derived term, the prior assessment, and article 五.1's checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from generator.errors import Problem, UsageError
from generator.rules.dates import term_end
from generator.rules.model import Assessment, Contract


@dataclass(frozen=True)
class ResolvedYear:
    """Everything year-specific that documents show, with nothing left to default."""

    year: int
    kind: str
    contract_number: str
    signed_on: date
    term_start: date
    term_end: date
    budget_year: int
    prior_year: int | None
    prior_assessment: Assessment | None
    signatories: Mapping[str, str]
    service_year: int
    overrides: Mapping[str, str]

    @property
    def number_or_blank(self) -> str:
        """The contract number, or a blank to fill in by hand."""
        return self.contract_number or "＿＿＿＿＿＿＿＿＿＿"


def available_years(contract: Contract) -> list[int]:
    """The years contract.yaml defines, in order."""
    return sorted(contract.years)


def signing_date(contract: Contract, year: int) -> date | None:
    """The year's signing date: as written, else the day after the previous year's term ends."""
    spec = contract.years[year]
    if spec.signed_on is not None:
        return spec.signed_on
    earlier = [y for y in contract.years if y < year]
    if not earlier:
        return None
    previous = signing_date(contract, max(earlier))
    if previous is None:
        return None
    return term_end(previous, contract.duration_months) + timedelta(days=1)


def resolve_year(contract: Contract, year: int) -> ResolvedYear:
    """Resolve ``year``; an unknown year is a usage error naming the years that exist."""
    if year not in contract.years:
        known = "、".join(str(y) for y in available_years(contract))
        raise UsageError(f"{contract.source_name} 中没有 {year} 年度（已有：{known}）")
    spec = contract.years[year]
    signed = signing_date(contract, year)
    if signed is None:  # rules.check_rules reports this; guard for library callers
        raise UsageError(f"{year} 年度没有签订日期，且没有上一年度可以推算")
    prior_year, prior = _prior(contract, year)
    return ResolvedYear(
        year=year,
        kind=spec.kind,
        contract_number=spec.contract_number,
        signed_on=signed,
        term_start=signed,
        term_end=term_end(signed, contract.duration_months),
        budget_year=spec.budget_year,
        prior_year=prior_year,
        prior_assessment=prior,
        signatories=spec.signatories,
        service_year=len(_service_years(contract, year)),
        overrides=spec.overrides,
    )


def _service_years(contract: Contract, year: int) -> list[tuple[int, str]]:
    past = [(h.year, h.kind) for h in contract.history if h.year < year]
    return past + [(y, s.kind) for y, s in contract.years.items() if y <= year]


def _prior(contract: Contract, year: int) -> tuple[int | None, Assessment | None]:
    if year - 1 in contract.years:
        return year - 1, contract.years[year - 1].assessment
    for entry in contract.history:
        if entry.year == year - 1:
            return entry.year, entry.assessment
    return None, None


def renewal_problems(contract: Contract, year: int) -> list[Problem]:
    """Article 五.1 checked against the recorded service history for ``year``.

    Violations are warnings or errors as ``rules.renewal.violation`` says; a recorded prior score
    under the minimum is always an error, because renewing then contradicts the contract outright.
    """
    spec, rules, doc = contract.years[year], contract.renewal, contract.document
    here = ("years", str(year))
    severity = "error" if rules.violation == "error" else "warning"
    found: list[Problem] = []
    if not spec.contract_number:
        found.append(doc.problem((*here, "contract_number"), "合同编号为空，文档中将留出空白待签订时手填", "warning"))
    if spec.kind == "original":
        return found
    service = _service_years(contract, year)
    if len(service) > rules.max_service_years:
        found.append(doc.problem((*here, "kind"), (
            f"{year} 年是本项目第 {len(service)} 个服务年度，超过第五条 1 约定的最多服务期限"
            f" {rules.max_service_years} 年（服务年度：{'、'.join(str(y) for y, _ in service)}）"), severity))
    automatic = [y for y, kind in service if kind == "automatic"]
    if len(automatic) > rules.max_automatic_renewals:
        found.append(doc.problem((*here, "kind"), (
            f"自动续期已有 {len(automatic)} 次（{'、'.join(map(str, automatic))}），"
            f"超过约定的最多 {rules.max_automatic_renewals} 次"), severity))
    prior_year, prior = _prior(contract, year)
    if prior is None:
        found.append(doc.problem(here, (
            f"续签需要上一年度（{year - 1} 年）考核合格且无违约，但没有记录该年度的考核结果"), severity))
        return found
    prior_path = ("years", str(prior_year), "assessment") if prior_year in contract.years else ("history",)
    if prior.score is not None and prior.score < rules.min_score:
        found.append(doc.problem(prior_path, (
            f"{prior_year} 年度考核得分 {prior.score} 低于续签最低分 {rules.min_score}，按第五条 1 次年不再续签"), "error"))
    if not prior.passed:
        found.append(doc.problem(prior_path, f"{prior_year} 年度考核不合格，不满足续签条件", severity))
    if prior.breaches:
        found.append(doc.problem(prior_path, (
            f"{prior_year} 年度记录了违约行为（{'；'.join(prior.breaches)}），不满足续签条件"), severity))
    return found
