"""Calendar arithmetic the contract relies on."""

from __future__ import annotations

from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later; a day missing in the target month falls on its last day (8-31 + 2 → 10-31)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(start.day, last))


def term_end(start: date, months: int) -> date:
    """Last day of a term of ``months`` months starting on ``start`` (2024-01-17, 12 → 2025-01-16)."""
    return add_months(start, months) - timedelta(days=1)


def parse_iso(text: str) -> date:
    """Parse YYYY-MM-DD (already checked by the schema)."""
    return date.fromisoformat(text)
