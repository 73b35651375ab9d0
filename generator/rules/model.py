"""Frozen, typed views of a schema-valid contract.yaml; the rest of the code never reads raw dicts for rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from generator.rules.dates import parse_iso
from generator.rules.money import round_fen, to_decimal
from generator.source.loader import Document


@dataclass(frozen=True)
class Tier:
    """A ranking band of a milestone and the share of the total it pays."""

    rank_min: int
    rank_max: int
    percent: Decimal

    def amount(self, total: Decimal) -> Decimal:
        """The tier's payment: total × percent, half-up to the fen."""
        return round_fen(total * self.percent / 100)


@dataclass(frozen=True)
class Milestone:
    """A payment due some months after signing; ranked when it has more than one tier."""

    id: str
    index: int
    months_after_signing: int
    ranking_months: tuple[int, int] | None
    tiers: tuple[Tier, ...]

    @property
    def ranked(self) -> bool:
        """Whether the amount depends on the average provincial rank."""
        return self.ranking_months is not None


@dataclass(frozen=True)
class Assessment:
    """A service year's recorded assessment (score is optional: the text often records only the verdict)."""

    passed: bool
    breaches: tuple[str, ...]
    score: Decimal | None = None


@dataclass(frozen=True)
class ContractYear:
    """What one contract year states in contract.yaml (before defaults are resolved)."""

    year: int
    kind: str
    contract_number: str
    signed_on: date | None
    budget_year: int
    signatories: Mapping[str, str]
    assessment: Assessment | None
    overrides: Mapping[str, str]


@dataclass(frozen=True)
class HistoryYear:
    """A service year from before this tool (e.g. the original 2023 contract)."""

    year: int
    kind: str
    assessment: Assessment | None


@dataclass(frozen=True)
class RenewalRules:
    """Article 五.1 as data."""

    max_service_years: int
    max_automatic_renewals: int
    min_score: Decimal
    assessment_months: tuple[int, int]
    violation: str


@dataclass(frozen=True)
class Contract:
    """A validated contract: typed rule data plus the raw text tree and its source marks."""

    document: Document
    total: Decimal
    milestones: tuple[Milestone, ...]
    years: Mapping[int, ContractYear]
    history: tuple[HistoryYear, ...]
    renewal: RenewalRules
    duration_months: int
    invoice_days_before: int
    fractional_rank: str
    rank_best: int
    rank_worst: int
    write_optional_zero: bool
    data: Mapping[str, Any] = field(repr=False)

    @property
    def source_name(self) -> str:
        """The file name used in messages."""
        return self.document.file


def _assessment(raw: Mapping[str, Any] | None) -> Assessment | None:
    if raw is None:
        return None
    score = raw.get("score")
    return Assessment(bool(raw["passed"]), tuple(raw["breaches"]), None if score is None else to_decimal(score))


def _milestone(index: int, raw: Mapping[str, Any]) -> Milestone:
    months = raw.get("ranking_months")
    tiers = tuple(Tier(t["rank_min"], t["rank_max"], to_decimal(t["percent"])) for t in raw["tiers"])
    return Milestone(raw["id"], index, raw["months_after_signing"], tuple(months) if months else None, tiers)


def _year(key: str, raw: Mapping[str, Any]) -> ContractYear:
    signed = raw.get("signed_on")
    return ContractYear(
        year=int(key),
        kind=raw["kind"],
        contract_number=raw["contract_number"],
        signed_on=parse_iso(signed) if signed else None,
        budget_year=raw["budget_year"],
        signatories=MappingProxyType(dict(raw["signatories"])),
        assessment=_assessment(raw.get("assessment")),
        overrides=MappingProxyType(dict(raw.get("overrides", {}))),
    )


def build_model(document: Document) -> Contract:
    """Build the typed model from a schema-valid document."""
    data = document.data
    payment, rules = data["payment"], data["rules"]
    renewal = rules["renewal"]
    return Contract(
        document=document,
        total=to_decimal(data["fees"]["total"]),
        milestones=tuple(_milestone(i, m) for i, m in enumerate(payment["milestones"])),
        years=MappingProxyType({int(k): _year(k, v) for k, v in sorted(data["years"].items())}),
        history=tuple(
            HistoryYear(h["year"], h["kind"], _assessment(h.get("assessment"))) for h in data["history"]
        ),
        renewal=RenewalRules(
            renewal["max_service_years"],
            renewal["max_automatic_renewals"],
            to_decimal(renewal["min_score"]),
            tuple(renewal["assessment_months"]),
            renewal["violation"],
        ),
        duration_months=data["terms"]["duration_months"],
        invoice_days_before=payment["invoice_days_before"],
        fractional_rank=payment["ranking"]["fractional_average"],
        rank_best=payment["ranking"]["best"],
        rank_worst=payment["ranking"]["worst"],
        write_optional_zero=rules["money"]["capital_optional_zero"] == "write",
        data=data,
    )
