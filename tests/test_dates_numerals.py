"""Month arithmetic and Chinese numerals as the contract uses them."""

from __future__ import annotations

from datetime import date

import pytest

from generator.rules.dates import add_months, term_end
from generator.rules.numerals import article_label, cn_date, cn_num, cn_upper


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 17), 2, date(2024, 3, 17)),
        (date(2025, 8, 31), 2, date(2025, 10, 31)),
        (date(2025, 8, 31), 10, date(2026, 6, 30)),
        (date(2023, 12, 31), 2, date(2024, 2, 29)),  # leap year
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
        (date(2024, 1, 17), 12, date(2025, 1, 17)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_term_is_twelve_months_from_signing() -> None:
    assert term_end(date(2024, 1, 17), 12) == date(2025, 1, 16)
    assert term_end(date(2024, 2, 29), 12) == date(2025, 2, 27)


def test_numerals() -> None:
    assert [cn_num(n) for n in (1, 3, 7, 10, 11, 15, 30, 105)] == ["一", "三", "七", "十", "十一", "十五", "三十", "一百零五"]
    assert [cn_upper(n) for n in (2, 3, 5, 10, 12)] == ["贰", "叁", "伍", "壹拾", "壹拾贰"]
    assert article_label(11) == "第十一条"
    assert cn_date(date(2024, 1, 7)) == "2024年1月7日"
