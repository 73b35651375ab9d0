"""Frozen, typed views of a schema-valid contract: the whole file, and each contract year in force.

A ``ContractYear`` is everything one year's documents and rules need: the merged contract (base plus
the changes of every year up to it), its rule data typed, and the year's resolved dates. Nothing
downstream reads another year's data through it, so a later year can never change an earlier one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Any

from generator.errors import Problem, UsageError
from generator.rules.dates import add_months
from generator.rules.money import round_fen, to_decimal
from generator.source.layers import LAYERED, YearSource
from generator.source.loader import Document, PathKey

RESIDUAL_ABSORB = "absorb_last"
RESIDUAL_REPORT = "report"


@dataclass(frozen=True)
class Tier:
    """A ranking band of a milestone, the share of the total it pays, and that amount.

    ``residual`` is the rounding remainder this amount absorbed so that the best tiers of all
    milestones add up to the total exactly (zero for every other tier).
    """

    rank_min: int
    rank_max: int
    percent: Decimal
    amount: Decimal
    residual: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class Milestone:
    """A payment due some months after signing; ranked when it has more than one tier."""

    id: str
    index: int
    months_after_signing: int
    ranking_months: tuple[int, int] | None
    tiers: tuple[Tier, ...]
    name: str = ""

    @property
    def ranked(self) -> bool:
        """Whether the amount depends on the average provincial rank."""
        return self.ranking_months is not None

    @property
    def label(self) -> str:
        """How documents name the milestone: its name from the data, else 第N笔."""
        return self.name or f"第{self.index + 1}笔"


@dataclass(frozen=True)
class Assessment:
    """A service year's recorded assessment (score is optional: the text often records only the verdict)."""

    passed: bool
    breaches: tuple[str, ...]
    score: Decimal | None = None


@dataclass(frozen=True)
class YearEntry:
    """What ``years.<year>`` states about the year itself (not inherited by later years)."""

    year: int
    kind: str
    contract_number: str
    signed_on: date | None
    budget_year: int
    signatories: Mapping[str, str]
    assessment: Assessment | None


@dataclass(frozen=True)
class HistoryYear:
    """A service year from before this tool (e.g. the original 2023 contract)."""

    year: int
    kind: str
    assessment: Assessment | None


@dataclass(frozen=True)
class RenewalRules:
    """The renewal article as data."""

    max_service_years: int
    max_automatic_renewals: int
    min_score: Decimal
    assessment_months: tuple[int, int]
    violation: str


@dataclass(frozen=True)
class ContractYear:
    """The contract in force in one year: merged data, typed rule data and the resolved dates."""

    year: int
    source: YearSource = field(repr=False)
    entry: YearEntry
    total: Decimal
    milestones: tuple[Milestone, ...]
    residual_rule: str
    renewal: RenewalRules
    duration_months: int
    invoice_days_before: int
    fractional_rank: str
    rank_best: int
    rank_worst: int
    write_optional_zero: bool
    overrides: Mapping[str, tuple[str, PathKey]]
    signed_on: date
    term_end: date
    prior_year: int | None
    prior_assessment: Assessment | None
    service_years: tuple[tuple[int, str], ...]

    @property
    def data(self) -> Mapping[str, Any]:
        """The merged contract sections in force this year."""
        return self.source.data

    @property
    def term_start(self) -> date:
        """The first day of service: the signing date."""
        return self.signed_on

    @property
    def kind(self) -> str:
        """original, renewal or automatic."""
        return self.entry.kind

    @property
    def contract_number(self) -> str:
        """The contract number ('' while not yet assigned)."""
        return self.entry.contract_number

    @property
    def number_or_blank(self) -> str:
        """The contract number, or a blank to fill in by hand."""
        return self.contract_number or "＿＿＿＿＿＿＿＿＿＿"

    @property
    def budget_year(self) -> int:
        """The buyer's budget year."""
        return self.entry.budget_year

    @property
    def signatories(self) -> Mapping[str, str]:
        """Who signs for each party."""
        return self.entry.signatories

    @property
    def service_year(self) -> int:
        """The project's n-th service year."""
        return len(self.service_years)

    def service_month(self, number: int) -> str:
        """``YYYY-MM`` of the n-th service month (the calendar month holding start + n-1 months)."""
        day = add_months(self.term_start, number - 1)
        return f"{day.year:04d}-{day.month:02d}"

    def service_months(self) -> list[str]:
        """All ``YYYY-MM`` months of this year's term."""
        return [self.service_month(n) for n in range(1, self.duration_months + 1)]

    @cached_property
    def parts(self) -> Mapping[str, str]:
        """sha256 of each part of the year that documents are made from, by part name.

        Every layered section in force (``fees``, ``articles`` …); ``year``: what the year states about
        itself that documents print (kind, number, dates, budget year, signatories, clause overrides, the
        service years it follows); ``assessment``: the result recorded for this year, which only the
        year's assessment document reads. Adding or editing a later year, a comment or this year's
        recorded result leaves every other part as it was.
        """
        entry = self.entry
        digests = {name: _digest(self.data[name]) for name in LAYERED if name in self.data}
        digests[YEAR_PART] = _digest({
            "kind": entry.kind, "contract_number": entry.contract_number, "budget_year": entry.budget_year,
            "signatories": entry.signatories, "signed_on": self.signed_on, "term_end": self.term_end,
            "overrides": dict(self.overrides), "prior_year": self.prior_year, "service_years": self.service_years})
        digests[ASSESSMENT_PART] = _digest(entry.assessment)
        return MappingProxyType(digests)

    def parts_used(self, reads_assessment: bool = False) -> dict[str, str]:
        """The parts a document of this year is made from: all but the recorded assessment, unless it reads it."""
        return {name: digest for name, digest in self.parts.items() if reads_assessment or name != ASSESSMENT_PART}

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of every part of the year together, and of the prior year's recorded result."""
        return _digest({"parts": dict(self.parts), "prior": self.prior_assessment})


YEAR_PART = "year"
ASSESSMENT_PART = "assessment"


def _digest(value: Any) -> str:
    text = json.dumps(value, default=_canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    if hasattr(value, "__dataclass_fields__"):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    raise TypeError(type(value))


@dataclass(frozen=True)
class Contract:
    """The validated file: every contract year in force, and the service history before them."""

    document: Document = field(repr=False)
    years: Mapping[int, ContractYear]
    history: tuple[HistoryYear, ...]
    warnings: tuple[Problem, ...] = ()

    def warnings_for(self, year: int) -> list[Problem]:
        """The data warnings that concern ``year`` (those naming no year concern every year)."""
        return [w for w in self.warnings if not w.years or year in w.years]

    @property
    def source_name(self) -> str:
        """The file name used in messages."""
        return self.document.file

    def year(self, year: int) -> ContractYear:
        """The contract in force in ``year``; an unknown year is a usage error naming the years that exist."""
        if year not in self.years:
            known = "、".join(str(y) for y in self.years)
            raise UsageError(f"{self.source_name} 中没有 {year} 年度（已有：{known}）")
        return self.years[year]

    def year_of_month(self, month: str) -> ContractYear:
        """The contract year whose term contains service month ``month`` (YYYY-MM)."""
        for year in self.years.values():
            if month in year.service_months():
                return year
        known = "、".join(str(y) for y in self.years)
        raise UsageError(f"{month} 不在任何合同年度的服务期内（{self.source_name} 中的年度：{known}）")


def assessment_of(raw: Mapping[str, Any] | None) -> Assessment | None:
    """A recorded assessment from its YAML mapping."""
    if raw is None:
        return None
    score = raw.get("score")
    return Assessment(bool(raw["passed"]), tuple(raw["breaches"]), None if score is None else to_decimal(score))


def entry_of(year: int, raw: Mapping[str, Any]) -> YearEntry:
    """The year's own statements from ``years.<year>``."""
    signed = raw.get("signed_on")
    return YearEntry(
        year=year,
        kind=raw["kind"],
        contract_number=raw["contract_number"],
        signed_on=date.fromisoformat(signed) if signed else None,
        budget_year=raw["budget_year"],
        signatories=MappingProxyType(dict(raw["signatories"])),
        assessment=assessment_of(raw.get("assessment")),
    )


def milestones_of(data: Mapping[str, Any], total: Decimal, residual_rule: str) -> tuple[Milestone, ...]:
    """The payment milestones with each tier's amount; the residual rule decides who absorbs the rounding."""
    raw = data["payment"]["milestones"]
    amounts = [[round_fen(total * to_decimal(t["percent"]) / 100) for t in m["tiers"]] for m in raw]
    residual = total - sum((row[0] for row in amounts), Decimal(0))
    best_sum = sum((to_decimal(m["tiers"][0]["percent"]) for m in raw), Decimal(0))
    # Only when the best tiers cover the whole total is there a remainder to absorb (else checks report it).
    absorb = residual_rule == RESIDUAL_ABSORB and best_sum == 100 and residual != 0
    out = []
    for index, (milestone, row) in enumerate(zip(raw, amounts, strict=True)):
        tiers = []
        for position, (tier, amount) in enumerate(zip(milestone["tiers"], row, strict=True)):
            taken = residual if absorb and index == len(raw) - 1 and position == 0 else Decimal("0.00")
            tiers.append(Tier(tier["rank_min"], tier["rank_max"], to_decimal(tier["percent"]), amount + taken, taken))
        months = milestone.get("ranking_months")
        out.append(Milestone(milestone["id"], index, milestone["months_after_signing"],
                             tuple(months) if months else None, tuple(tiers), milestone.get("name", "")))
    return tuple(out)


def renewal_of(data: Mapping[str, Any]) -> RenewalRules:
    """The renewal rules in force."""
    renewal = data["rules"]["renewal"]
    return RenewalRules(renewal["max_service_years"], renewal["max_automatic_renewals"],
                        to_decimal(renewal["min_score"]), tuple(renewal["assessment_months"]), renewal["violation"])
