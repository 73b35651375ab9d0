"""Money in figures and capitals (《支付结算办法》 附一), and half-up rounding to the fen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.rules.money import capital, cny, parse_capital, round_fen, yuan

# (amount, capital with the optional 零 written, capital with it omitted)
VECTORS = [
    ("1409.50", "人民币壹仟肆佰零玖元伍角整", "人民币壹仟肆佰零玖元伍角整"),
    ("6007.14", "人民币陆仟零柒元壹角肆分", "人民币陆仟零柒元壹角肆分"),
    ("1680.32", "人民币壹仟陆佰捌拾元零叁角贰分", "人民币壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "人民币壹拾万零柒仟元零伍角叁分", "人民币壹拾万柒仟元伍角叁分"),
    ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分", "人民币壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "人民币叁佰贰拾伍元零肆分", "人民币叁佰贰拾伍元零肆分"),
    ("10.05", "人民币壹拾元零伍分", "人民币壹拾元零伍分"),
    ("0.50", "人民币伍角整", "人民币伍角整"),
    ("0.05", "人民币伍分", "人民币伍分"),
    ("0.00", "人民币零元整", "人民币零元整"),
    ("10.00", "人民币壹拾元整", "人民币壹拾元整"),
    ("15.00", "人民币壹拾伍元整", "人民币壹拾伍元整"),
    ("105000.00", "人民币壹拾万零伍仟元整", "人民币壹拾万伍仟元整"),
    ("100100.00", "人民币壹拾万零壹佰元整", "人民币壹拾万零壹佰元整"),
    ("1010010.01", "人民币壹佰零壹万零壹拾元零壹分", "人民币壹佰零壹万零壹拾元零壹分"),
    ("100000001.00", "人民币壹亿零壹元整", "人民币壹亿零壹元整"),
    ("900000.00", "人民币玖拾万元整", "人民币玖拾万元整"),
    ("2000000.00", "人民币贰佰万元整", "人民币贰佰万元整"),
    ("580000.00", "人民币伍拾捌万元整", "人民币伍拾捌万元整"),
    ("1000000.10", "人民币壹佰万元零壹角整", "人民币壹佰万元壹角整"),
    ("1001000.00", "人民币壹佰万零壹仟元整", "人民币壹佰万壹仟元整"),
    ("1000100.00", "人民币壹佰万零壹佰元整", "人民币壹佰万零壹佰元整"),
    ("120000000.00", "人民币壹亿贰仟万元整", "人民币壹亿贰仟万元整"),
]


@pytest.mark.parametrize(("amount", "written", "omitted"), VECTORS)
def test_capital_vectors(amount: str, written: str, omitted: str) -> None:
    assert capital(Decimal(amount), write_optional_zero=True) == written
    assert capital(Decimal(amount), write_optional_zero=False) == omitted


def test_official_examples_are_reproduced_by_one_policy_or_the_other() -> None:
    # The People's Bank lists both spellings for these two amounts; each policy gives one of them
    # except where the bank lists a mixed form, which it also accepts.
    assert capital(Decimal("1680.32"), True) == "人民币壹仟陆佰捌拾元零叁角贰分"
    assert capital(Decimal("1680.32"), False) == "人民币壹仟陆佰捌拾元叁角贰分"


def test_rounding_is_half_up_to_the_fen() -> None:
    assert round_fen(Decimal("0.005")) == Decimal("0.01")
    assert round_fen(Decimal("2.675")) == Decimal("2.68")  # a binary float would give 2.67
    assert round_fen(Decimal("-0.005")) == Decimal("-0.01")
    assert capital(Decimal("1.005")) == "人民币壹元零壹分"


def test_figures() -> None:
    assert yuan(Decimal("900000")) == "900000.00"
    assert cny(Decimal("900000")) == "¥900,000.00"
    assert cny(Decimal("0.5")) == "¥0.50"


def test_binary_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        yuan(0.1)


def test_negative_amounts_have_no_capital() -> None:
    with pytest.raises(ValueError):
        capital(Decimal("-1"))


amounts = st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False)


@given(amounts, st.booleans())
def test_capital_round_trips(amount: Decimal, write_zero: bool) -> None:
    text = capital(amount, write_zero)
    assert text.startswith("人民币")
    assert parse_capital(text) == amount
    assert not text.endswith("分整")
    assert "零零" not in text


def test_figures_shown_with_two_decimals_round_half_up() -> None:
    from generator.rules.money import pct, two_places

    assert two_places(Decimal("5.125")) == "5.13"  # an average of eight monthly ranks; half-even would give 5.12
    assert two_places(Decimal(4)) == "4.00"
    assert pct(Decimal("45")) == "45%" and pct(Decimal("12.50")) == "12.5%"
