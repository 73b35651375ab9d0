"""Money: Decimal only, rounded half-up to the fen, written in figures or in capitals.

Capitals follow 《支付结算办法》 附一 and 《会计基础工作规范》 art. 52: 人民币 directly before the amount,
整 after 元 and after 角 (never after 分), one 零 for a run of inner zeros, 零 after 元 when 角 is 0 and
分 is not, and 壹拾 for a leading ten. The 零 that the rules leave optional (the 万 or 元 digit is 0 while
the next digit is not) follows the contract's ``rules.money.capital_optional_zero`` setting.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from generator.rules.numerals import cn_num

FEN = Decimal("0.01")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")
CAPITAL_PREFIX = "人民币"


def to_decimal(value: object) -> Decimal:
    """Convert a YAML number or numeric text to Decimal, refusing binary floats."""
    if isinstance(value, float):
        raise TypeError("binary floats are not accepted on the money path")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def round_fen(value: object) -> Decimal:
    """Round half-up to the fen (0.005 → 0.01)."""
    return to_decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(value: object) -> str:
    """Figures without grouping, as contracts write them: ``1234567.00``."""
    return f"{round_fen(value):f}"


def two_places(value: object) -> str:
    """Any figure shown with two decimals, rounded half-up like money (5.125 → ``5.13``)."""
    return f"{round_fen(value):f}"


def pct(value: object) -> str:
    """A percentage number as the contract writes it: 45 → ``45%``, 12.5 → ``12.5%``."""
    return f"{to_decimal(value).normalize():f}%"


def rate_pct(value: object) -> str:
    """A fractional rate as a percentage: 0.02 → ``2%``, 0.0005 → ``0.05%``."""
    return pct(to_decimal(value) * 100)


def rate_words(value: object) -> str:
    """A rate as contracts write it: a whole percent (2%), else whole per-mille (千分之一), else a percent (0.05%)."""
    rate = to_decimal(value)
    per_cent, per_mille = rate * 100, rate * 1000
    if per_cent == per_cent.to_integral_value():
        return rate_pct(rate)
    if per_mille == per_mille.to_integral_value():
        return "千分之" + cn_num(int(per_mille))
    return rate_pct(rate)


def cny(value: object) -> str:
    """Figures with thousands separators and the yuan sign: ``¥900,000.00`` (``-¥0.01`` below zero)."""
    amount = round_fen(value)
    return f"-¥{-amount:,.2f}" if amount < 0 else f"¥{amount:,.2f}"


def _integer_capital(number: int, write_optional_zero: bool) -> str:
    """Capital digits with units for a non-negative integer (no currency words)."""
    if number == 0:
        return DIGITS[0]
    text = str(number)
    out: list[str] = []
    zero_pending = False
    width = len(text)
    for index, char in enumerate(text):
        position = width - 1 - index
        digit = int(char)
        if digit == 0:
            zero_pending = True
        else:
            if zero_pending and out:
                out.append(DIGITS[0])
            zero_pending = False
            out.append(DIGITS[digit] + SMALL_UNITS[position % 4])
        if position % 4 == 0 and position > 0:
            group = text[max(0, index - 3) : index + 1]
            if int(group):
                out.append(GROUP_UNITS[position // 4])
                next_digit = text[index + 1]
                # The 零 for a zero 万 digit followed by a non-zero 千 digit is the optional one.
                if digit == 0 and next_digit != "0" and not write_optional_zero:
                    zero_pending = False
    return "".join(out)


def capital(value: object, write_optional_zero: bool = True) -> str:
    """The amount in capitals with 人民币 before it, e.g. ``人民币玖拾万元整``."""
    amount = round_fen(value)
    if amount < 0:
        raise ValueError("negative amounts have no capital form here")
    cents = int(amount * 100)
    integer, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    parts: list[str] = []
    if integer:
        parts.append(_integer_capital(integer, write_optional_zero) + "元")
    if jiao:
        if integer and integer % 10 == 0 and write_optional_zero:
            parts.append(DIGITS[0])
        parts.append(DIGITS[jiao] + "角")
    if fen:
        if integer and not jiao:
            parts.append(DIGITS[0])
        parts.append(DIGITS[fen] + "分")
    if not integer and not fraction:
        parts.append("零元")
    if not fen:
        parts.append("整")
    return CAPITAL_PREFIX + "".join(parts)


def parse_capital(text: str) -> Decimal:
    """Read a capital amount back into a Decimal (the inverse of ``capital``, for checks and tests)."""
    body = text.removeprefix(CAPITAL_PREFIX).removesuffix("整").removesuffix("正")
    total = Decimal(0)
    section = 0
    group = 0
    digit = 0
    for char in body:
        if char in DIGITS:
            digit = DIGITS.index(char)
        elif char in "拾佰仟":
            group += (digit or 0) * 10 ** (SMALL_UNITS.index(char))
            digit = 0
        elif char == "万":
            section += (group + digit) * 10_000
            group = digit = 0
        elif char == "亿":
            section = (section + group + digit) * 100_000_000
            group = digit = 0
        elif char == "元":
            total += section + group + digit
            section = group = digit = 0
        elif char == "角":
            total += Decimal(digit) / 10
            digit = 0
        elif char == "分":
            total += Decimal(digit) / 100
            digit = 0
        else:
            raise ValueError(f"unexpected character {char!r} in capital amount")
    return total.quantize(FEN)
