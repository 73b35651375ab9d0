"""What a clause template may compute, and how much: the budget, the size limits and the named filters.

Clause text comes from data that people edit. Every render has an operation budget (loop iterations,
calls, joins, arithmetic) and every value it builds a size limit, so a clause that would run for minutes
or build gigabytes is stopped within milliseconds and reported at its line. Both ways of rendering a
clause (``template_eval`` directly, ``sandbox`` through jinja2) count against the same budget with the
same rules; this module needs neither.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from generator.rules import money, numerals

MAX_OUTPUT = 20_000
MAX_EXPONENT = 64
MAX_SEQUENCE = 10_000
MAX_RANGE = 1_000
MAX_BITS = 4_096
MAX_STEPS = 20_000  # loop iterations, calls and joins of one render: the whole contract needs a few hundred


class LimitExceeded(Exception):
    """A render went over its budget or built a value over the size limits (the message says which)."""


class Budget:
    """The steps left to one render."""

    def __init__(self) -> None:
        self.left = MAX_STEPS

    def tick(self, steps: int = 1) -> None:
        self.left -= steps
        if self.left < 0:
            raise LimitExceeded(f"计算量过大（超过 {MAX_STEPS} 步）：请简化条款中的循环")


BUDGET: ContextVar[Budget] = ContextVar("template_budget")


def tick(steps: int = 1) -> None:
    """Count ``steps`` against the budget of the render in progress (if any)."""
    budget = BUDGET.get(None)
    if budget is not None:
        budget.tick(steps)


def sized(value: Any) -> Any:
    """``value`` itself, unless it is a text or collection over the size limit."""
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_OUTPUT:
        raise LimitExceeded(f"生成的文字或列表过长（超过 {MAX_OUTPUT}）")
    return value


class CountedList(list):  # type: ignore[type-arg]
    """A list of the contract's data whose every iteration step counts against the render's budget."""

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            tick()
            yield item


def counted(value: Any) -> Any:
    """The render context with its lists counted (data lists are small; a hostile nested loop is not)."""
    if isinstance(value, Mapping):
        return {key: counted(item) for key, item in value.items()}
    if isinstance(value, list):
        return CountedList(counted(item) for item in value)
    return value


def bounded_binop(operator_name: str, left: Any, right: Any) -> Any:
    """``left <op> right`` for the operators that can build huge values (``+ * % **``), counted and bounded."""
    tick()
    if operator_name == "+":
        return sized(operator.add(left, right))
    if operator_name == "%":
        if isinstance(left, str):
            raise LimitExceeded("不允许在条款中使用 % 格式化文字")
        return operator.mod(left, right)
    if operator_name == "**":
        if not isinstance(right, int | Decimal) or abs(right) > MAX_EXPONENT:
            raise LimitExceeded(f"指数过大（上限 {MAX_EXPONENT}）")
        # A chain of powers grows the base each time: bound the size of the result, not only the exponent.
        if isinstance(left, int) and abs(left).bit_length() * abs(int(right)) > MAX_BITS:
            raise LimitExceeded("乘方结果过大")
        return operator.pow(left, right)
    if isinstance(left, str | list | tuple) or isinstance(right, str | list | tuple):
        count = right if isinstance(left, str | list | tuple) else left
        size = len(left if isinstance(left, str | list | tuple) else right)
        if not isinstance(count, int) or count * max(size, 1) > MAX_SEQUENCE:
            raise LimitExceeded("重复的文字或列表过长")
    return operator.mul(left, right)


def bounded_range(*args: int) -> Iterator[int]:
    """``range`` for clause text: at most MAX_RANGE numbers, each counted."""
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise LimitExceeded(f"range 过大（上限 {MAX_RANGE}）")
    for value in result:
        tick()
        yield value


def sized_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose result is size-checked and whose call counts (``replace`` and ``join`` can explode)."""
    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        tick()
        return sized(function(*args, **kwargs))

    if hasattr(function, "jinja_pass_arg"):
        bounded.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
    return bounded


def _permille(value: object) -> str:
    """0.001 → 千分之一 (falls back to a percentage when not a whole number of per-mille)."""
    per_mille = money.to_decimal(value) * 1000
    if per_mille == per_mille.to_integral_value():
        return "千分之" + numerals.cn_num(int(per_mille))
    return money.rate_pct(value)


def _wan(value: object) -> str:
    """1660000 → 166 (an amount in units of 10,000)."""
    return f"{(money.to_decimal(value) / 10_000).normalize():f}"


def make_filters(write_optional_zero: bool) -> dict[str, Callable[..., str]]:
    """The filters clause text may use, configured by the contract's money rules."""
    return {
        "yuan": money.yuan,
        "cny": money.cny,
        "capital": lambda value: money.capital(value, write_optional_zero),
        "pct": money.pct,
        "rate_pct": money.rate_pct,
        "permille": _permille,
        "wan": _wan,
        "cn_date": numerals.cn_date,
        "cn_num": numerals.cn_num,
        "cn_upper": numerals.cn_upper,
    }


@functools.cache
def direct_filters(write_optional_zero: bool) -> Mapping[str, Callable[..., Any]]:
    """The filters a clause evaluated without jinja2 may use: the contract's, and jinja's ``length``/``count``.

    Bounded exactly as in the jinja2 environment, which holds the same functions under the same names.
    """
    plain: dict[str, Callable[..., Any]] = {**make_filters(write_optional_zero), "length": len, "count": len}
    return {name: sized_filter(function) for name, function in plain.items()}
