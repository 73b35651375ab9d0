"""Chinese numerals and dates as the contract writes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

_LOWER = "零一二三四五六七八九"
_UPPER = "零壹贰叁肆伍陆柒捌玖"


def _small(number: int, digits: str, ten: str, hundred: str, leading_one: bool) -> str:
    if not 0 <= number < 1000:
        raise ValueError(f"{number} is outside the supported range 0–999")
    if number < 10:
        return digits[number]
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    out = ""
    if hundreds:
        out += digits[hundreds] + hundred
        if rest and tens == 0:
            out += digits[0]
    if tens:
        out += ("" if tens == 1 and not hundreds and not leading_one else digits[tens]) + ten
    if units:
        out += digits[units]
    return out


def cn_num(number: int) -> str:
    """Lower-case numerals as in running text: 7 → 七, 15 → 十五, 30 → 三十."""
    return _small(int(number), _LOWER, "十", "百", leading_one=False)


def cn_upper(number: int) -> str:
    """Financial (capital) numerals for counts: 5 → 伍, 12 → 壹拾贰."""
    return _small(int(number), _UPPER, "拾", "佰", leading_one=True)


def cn_date(value: date) -> str:
    """GB/T 9704 style date without leading zeros: 2024年1月17日."""
    return f"{value.year}年{value.month}月{value.day}日"


def article_label(number: int) -> str:
    """The article label: 第, the number in Chinese numerals, 条 (as the contract numbers its articles)."""
    return f"第{cn_num(number)}条"


def cn_month(month: str) -> str:
    """2024-05 → 2024年5月."""
    return f"{int(month[:4])}年{int(month[5:])}月"


def cn_months(months: Sequence[str]) -> str:
    """Months in Chinese prose, runs joined: 2024年1月至5月、7月；across years the year is repeated."""
    if not months:
        return "无"
    runs: list[list[str]] = []
    for month in sorted(months):
        if runs and _next(runs[-1][-1]) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    parts, year = [], ""
    for run in runs:
        first, last = run[0], run[-1]
        head = cn_month(first) if first[:4] != year else f"{int(first[5:])}月"
        year = last[:4]
        if len(run) == 1:
            parts.append(head)
        else:
            tail = f"{int(last[5:])}月" if last[:4] == first[:4] else cn_month(last)
            parts.append(f"{head}至{tail}")
    return "、".join(parts)


def _next(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"
