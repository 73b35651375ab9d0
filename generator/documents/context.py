"""The render context for one contract year: built by one pure function, and all that templates see."""

from __future__ import annotations

from typing import Any

from generator.rules.model import Contract, Milestone
from generator.rules.resolve import ResolvedYear


def milestone_view(contract: Contract, milestone: Milestone) -> dict[str, Any]:
    """A milestone with each tier's amount computed (Decimal, half-up to the fen)."""
    return {
        "id": milestone.id,
        "months_after_signing": milestone.months_after_signing,
        "ranking_months": list(milestone.ranking_months or ()),
        "tiers": [
            {"rank_min": t.rank_min, "rank_max": t.rank_max, "percent": t.percent, "amount": t.amount(contract.total)}
            for t in milestone.tiers
        ],
    }


def year_view(resolved: ResolvedYear) -> dict[str, Any]:
    """The year's resolved facts under the names templates use (``year.term_start`` …)."""
    return {
        "year": resolved.year,
        "contract_number": resolved.number_or_blank,
        "signed_on": resolved.signed_on,
        "term_start": resolved.term_start,
        "term_end": resolved.term_end,
        "budget_year": resolved.budget_year,
        "prior_year": resolved.prior_year,
        "service_year": resolved.service_year,
    }


def contract_context(contract: Contract, resolved: ResolvedYear) -> dict[str, Any]:
    """Everything clause text may reference, except ``snippets`` (rendered from this context first)."""
    data = contract.data
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
        "milestones": {m.id: milestone_view(contract, m) for m in contract.milestones},
        "year": year_view(resolved),
    }
