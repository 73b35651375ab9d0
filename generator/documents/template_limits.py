"""What a clause template may compute, and how much: the budget, the size limits and the named filters.

Clause text comes from data that people edit. Every render has a budget of steps (each pass of a loop over
anything — a list, a mapping, a string, a range, a literal — costing its body's size; calls, filters and
operators one each) and of text (every piece the template emits, wherever it goes: the result, a
``{% set %}`` block, a macro). Every value it builds has a size limit, checked before the value is built
where it could be large. The counts are of work, never of time: the same clause is refused the same way
on any machine, within milliseconds, at its line. ``sandbox`` puts these hooks into jinja2.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jinja2 import pass_context, pass_environment, pass_eval_context

from generator.rules import money, numerals

MAX_OUTPUT = 20_000  # characters a render may emit in all, and the size of any value it builds
MAX_EXPONENT = 64
MAX_SEQUENCE = 10_000
MAX_RANGE = 1_000
MAX_BITS = 4_096
# Steps of one render: each pass of a loop or macro body costs its size in syntax nodes, each call, filter
# and operator one. The clauses of a whole contract cost a few hundred.
MAX_STEPS = 50_000

_SIZED = (str, list, tuple, dict)


class LimitExceeded(Exception):
    """A render went over its budget or built a value over the size limits (the message says which)."""


@dataclass
class Budget:
    """The steps and the characters of output left to one render."""

    steps: int = MAX_STEPS
    text: int = MAX_OUTPUT

    def tick(self, steps: int = 1) -> None:
        """Spend ``steps``; over the budget, stop the render."""
        self.steps -= steps
        if self.steps < 0:
            raise LimitExceeded(f"计算量过大（超过 {MAX_STEPS} 步）：请简化条款中的循环")

    def emit(self, characters: int) -> None:
        """Spend ``characters`` of output; over the limit, stop the render before the text is joined."""
        self.text -= characters
        if self.text < 0:
            raise LimitExceeded(f"模板展开后过长（超过 {MAX_OUTPUT} 字）")


BUDGET: ContextVar[Budget] = ContextVar("template_budget")


def tick(steps: int = 1) -> None:
    """Count ``steps`` against the budget of the render in progress (if any)."""
    budget = BUDGET.get(None)
    if budget is not None:
        budget.tick(steps)


def _refuse_size(size: int) -> None:
    if size > MAX_OUTPUT:
        raise LimitExceeded(f"生成的文字或列表过长（超过 {MAX_OUTPUT}）")


def sized(value: Any) -> Any:
    """``value`` itself, unless it is a text or collection over the size limit."""
    _refuse_size(len(value) if isinstance(value, _SIZED) else 0)
    return value


# -- the three filters the sandbox wraps around a template's loops, outputs and ``~`` -------------------


class _Counted:
    """An iterable whose every step costs ``weight``; its length is its source's (``loop.length`` is free)."""

    def __init__(self, items: Iterable[Any], weight: int = 1) -> None:
        self.items = items
        self.weight = weight

    def __len__(self) -> int:
        return len(self.items)  # type: ignore[arg-type]  # TypeError when unsized: jinja then counts by iterating

    def __iter__(self) -> Iterator[Any]:
        budget = BUDGET.get(None)
        for item in self.items:
            if budget is not None:
                budget.tick(self.weight)
            yield item


@pass_context  # also keeps jinja2 from evaluating it ahead, when it compiles a loop over a literal
def counted_loop(_context: Any, items: Iterable[Any], weight: int = 1) -> _Counted:
    """The iterable of a ``{% for %}``, each step costing the loop body's size (characters and keys too)."""
    return _Counted(items, weight)


@pass_context
def cost(_context: Any, weight: int) -> str:
    """Spend ``weight`` steps (a macro's body, at each call); emits nothing."""
    tick(weight)
    return ""


@pass_context
def counted_output(_context: Any, value: Any) -> Any:
    """A piece of text about to be emitted (printed, or gathered by a block), counted before it is joined."""
    budget = BUDGET.get(None)
    if budget is not None:
        budget.emit(len(value) if isinstance(value, str) else len(str(value)))
    return value


@pass_context
def bounded_concat(_context: Any, parts: Iterable[Any]) -> str:
    """``a ~ b ~ c``: the texts joined, refused before joining when the result would be over the limit."""
    tick()
    texts = [str(part) for part in parts]
    _refuse_size(sum(map(len, texts)))
    return "".join(texts)


# -- operators, ranges and the filters that can grow a value ----------------------------------------------


def bounded_binop(operator_name: str, left: Any, right: Any) -> Any:
    """``left <op> right`` for the operators that can build huge values (``+ * % **``), counted and bounded."""
    tick()
    if operator_name == "+":
        if isinstance(left, _SIZED) and isinstance(right, _SIZED):
            _refuse_size(len(left) + len(right))
        return operator.add(left, right)
    if operator_name == "%":
        if isinstance(left, str):
            raise LimitExceeded("不允许在条款中使用 % 格式化文字")
        return operator.mod(left, right)
    if operator_name == "**":
        if not isinstance(right, int | Decimal) or abs(Decimal(right)) > MAX_EXPONENT:
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
    elif isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_BITS:
        raise LimitExceeded("乘积过大")
    return operator.mul(left, right)


def bounded_range(*args: int) -> range:
    """``range`` for clause text: at most MAX_RANGE numbers (each counted when a loop takes it)."""
    tick()
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise LimitExceeded(f"range 过大（上限 {MAX_RANGE}）")
    return result


def sized_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose call counts and whose result is size-checked."""
    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        tick()
        return sized(function(*args, **kwargs))

    return bounded  # functools.wraps also carries over how jinja2 passes its first argument


def growing_filters(builtin: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """jinja2's ``replace``, ``join`` and ``sum``, refused before they build a value over the size limit.

    The other filters that can be told to build any size (``center``, ``indent``, ``batch`` …) are not
    offered at all (``sandbox``); every other filter keeps its input's size within a small factor.
    """
    replace, join, total = builtin["replace"], builtin["join"], builtin["sum"]

    @pass_eval_context
    def bounded_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> Any:
        text, old, new = str(s), str(old), str(new)
        found = text.count(old) if old else len(text) + 1
        if count is not None and count >= 0:
            found = min(found, count)
        _refuse_size(len(text) + found * max(len(new) - len(old), 0))
        return replace(eval_ctx, text, old, new, count)

    @pass_eval_context
    def bounded_join(eval_ctx: Any, value: Iterable[Any], d: Any = "", attribute: Any = None) -> Any:
        items = list(_Counted(value))
        _refuse_size(len(str(d)) * max(len(items) - 1, 0) + sum(len(str(item)) for item in items))
        return join(eval_ctx, items, d, attribute)

    @pass_environment
    def bounded_sum(environment: Any, iterable: Iterable[Any], attribute: Any = None, start: Any = 0) -> Any:
        items = list(_Counted(iterable))
        if attribute is None and isinstance(start, _SIZED):
            _refuse_size(len(start) + sum(len(item) for item in items if isinstance(item, _SIZED)))
        return total(environment, items, attribute, start)

    return {"replace": bounded_replace, "join": bounded_join, "sum": bounded_sum}


# -- the contract's own filters ------------------------------------------------------------------------


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
