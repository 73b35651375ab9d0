"""Chinese numerals and dates as the contract writes them."""

from __future__ import annotations

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
