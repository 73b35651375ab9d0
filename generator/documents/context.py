"""The render context for one contract year: built by one pure function, and all that templates see."""

from __future__ import annotations

from typing import Any

from generator.rules.model import ContractYear, Milestone


def milestone_view(milestone: Milestone) -> dict[str, Any]:
    """A milestone with each tier's amount (Decimal, half-up to the fen; ``residual`` where one was absorbed)."""
    return {
        "id": milestone.id,
        "name": milestone.label,
        "months_after_signing": milestone.months_after_signing,
        "ranking_months": list(milestone.ranking_months or ()),
        "tiers": [
            {"rank_min": t.rank_min, "rank_max": t.rank_max, "percent": t.percent, "amount": t.amount,
             "residual": t.residual}
            for t in milestone.tiers
        ],
    }


def year_view(year: ContractYear) -> dict[str, Any]:
    """The year's resolved facts under the names templates use (``year.term_start`` …)."""
    return {
        "year": year.year,
        "kind": year.kind,
        "contract_number": year.number_or_blank,
        "signed_on": year.signed_on,
        "term_start": year.term_start,
        "term_end": year.term_end,
        "budget_year": year.budget_year,
        "prior_year": year.prior_year,
        "service_year": year.service_year,
    }


def contract_context(year: ContractYear) -> dict[str, Any]:
    """Everything clause text may reference, except ``snippets`` (rendered from this context first)."""
    data = year.data
    return {
        "project": data["project"],
        "parties": data["parties"],
        "fees": data["fees"],
        "payment": data["payment"],
        "terms": data["terms"],
        "rules": data["rules"],
        "scoring": data["scoring"],
        "appendices": {
            a["id"]: {"number": i + 1, "title": a["title"]} for i, a in enumerate(data["appendices"])
        },
        "milestones": {m.id: milestone_view(m) for m in year.milestones},
        "year": year_view(year),
    }
