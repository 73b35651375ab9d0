"""The one jinja2 environment for clause text: sandboxed, strict, pure and bounded, with the contract's filters.

The limits of ``template_limits`` go in through jinja2's public means only: the sandbox's documented hooks
(``is_safe_attribute``, ``is_safe_callable``, ``call_binop``), filters and globals, and the syntax tree
``env.parse`` gives — every loop, macro body, output and ``~`` wrapped in a counting filter before
``env.from_string`` compiles it. Nothing non-deterministic is offered, so the same data renders the same text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from generator.documents.template_limits import (
    LimitExceeded,
    bounded_binop,
    bounded_concat,
    bounded_range,
    cost,
    counted_loop,
    counted_output,
    growing_filters,
    make_filters,
    sized_filter,
    tick,
)

__all__ = ["SecurityError", "TemplateError", "compiled", "environment", "explain"]

# Globals that are not pure (random, lipsum) or hold state across a loop (cycler, joiner, namespace).
_REMOVED_GLOBALS = ("lipsum", "cycler", "joiner", "namespace")
# Filters that are not pure (random), that build whatever size they are told (center, indent, wordwrap,
# format, batch, slice, filesizeformat …).
_REMOVED_FILTERS = ("random", "format", "center", "indent", "wordwrap", "truncate", "filesizeformat", "urlize",
                    "xmlattr", "batch", "slice")
# Methods of a text or a number that take a width or a count and build whatever size they are told.
_GROWING_METHODS = frozenset({"format", "format_map", "ljust", "rjust", "center", "zfill", "expandtabs", "replace",
                              "join", "translate", "to_bytes"})
# The names of the filters the syntax tree is rewritten to call; a clause may call them too, to no effect.
_LOOP, _COST, _OUTPUT, _CONCAT = "hcg_counted_loop", "hcg_cost", "hcg_counted_output", "hcg_concat"


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox guards attribute access, not CPU or memory; its documented hooks bound the rest."""

    intercepted_binops = frozenset({"**", "*", "%", "+"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str | int) and attr in _GROWING_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj: Any) -> bool:
        tick()
        # The sandbox hands out str.format wrapped (before is_safe_attribute is asked); refuse the call.
        if getattr(obj, "__name__", None) in ("format", "format_map") and isinstance(
                getattr(getattr(obj, "__wrapped__", obj), "__self__", None), str):
            raise SecurityError("不允许在条款中调用 format")
        return super().is_safe_callable(obj)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return bounded_binop(operator, left, right)


@cache
def environment(write_optional_zero: bool) -> ImmutableSandboxedEnvironment:
    """The sandbox for a money policy, every option chosen here rather than left to jinja2's defaults."""
    env = _BoundedSandbox(
        undefined=StrictUndefined,
        autoescape=False,
        finalize=None,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=False,
        newline_sequence="\n",
        optimized=False,  # its constant folding is quadratic in a chain of filters, and evaluates at compile time
        cache_size=0,  # from_string never uses jinja2's template cache: compiled() keeps what it compiles
        auto_reload=False,
        extensions=(),
    )
    builtin = env.filters
    filters = {name: f for name, f in builtin.items() if name not in _REMOVED_FILTERS}
    filters.update(growing_filters(builtin))
    filters.update(make_filters(write_optional_zero))
    env.filters = {name: sized_filter(function) for name, function in filters.items()}
    env.filters.update({_LOOP: counted_loop, _COST: cost, _OUTPUT: counted_output, _CONCAT: bounded_concat})
    for name in _REMOVED_GLOBALS:
        env.globals.pop(name, None)
    env.globals["range"] = bounded_range
    return env


def _filter(name: str, node: nodes.Node, *args: Any) -> nodes.Filter:
    return nodes.Filter(node, name, [nodes.Const(a) for a in args], [], None, None, lineno=node.lineno)


def _weight(body: list[nodes.Node]) -> int:
    """The steps one pass of a body costs: its syntax nodes, at least one."""
    return max(1, sum(1 + sum(1 for _ in node.find_all(nodes.Node)) for node in body))


def _bounded(node: nodes.Node) -> nodes.Node:
    """``node`` with every loop, macro body, output and ``~`` below it going through the budget.

    A loop's every step costs its body's size (so a long body in a loop is not cheaper than a nested
    loop), and so does every call of a macro or of a ``{% call %}`` block's caller.
    """
    for field, value in node.iter_fields():
        if isinstance(value, nodes.Node):
            setattr(node, field, _bounded(value))
        elif isinstance(value, list):
            setattr(node, field, [_bounded(item) if isinstance(item, nodes.Node) else item for item in value])
    if isinstance(node, nodes.For):
        if node.recursive:  # loop(x) would iterate x outside the counted iterable
            raise LimitExceeded("条款中不能使用递归循环（recursive）")
        weight = _weight([*node.body, *node.else_, *([node.test] if node.test else [])])
        node.iter = _filter(_LOOP, node.iter, weight)
    elif isinstance(node, nodes.Macro | nodes.CallBlock):
        cost = nodes.Output([_filter(_COST, nodes.Const(_weight(node.body)))], lineno=node.lineno)
        node.body = [cost, *node.body]
    elif isinstance(node, nodes.Output):
        node.nodes = [_filter(_OUTPUT, child) for child in node.nodes]
    elif isinstance(node, nodes.Concat):
        return _filter(_CONCAT, nodes.List(node.nodes, lineno=node.lineno))
    return node


@lru_cache(maxsize=4096)
def compiled(write_optional_zero: bool, text: str) -> Template:
    """``text`` compiled in the sandbox of the money policy, bounded; once per text and run, in memory."""
    env = environment(write_optional_zero)
    return env.from_string(_bounded(env.parse(text)))  # type: ignore[arg-type]  # from_string takes a Template node too


_MISSING = re.compile(r"has no attribute '([^']+)'|'([^']+)' is undefined")
_UNSAFE = re.compile(r"access to attribute '([^']+)' of '([^']+)' object is unsafe")


def explain(exc: Exception) -> str:
    """A jinja2 or limit error in the words the report uses (a missing name is named, an unsafe one too)."""
    message = str(getattr(exc, "message", None) or exc)
    unsafe = _UNSAFE.search(message)
    if unsafe:
        return f"不允许在条款中使用 {unsafe.group(2)} 的 {unsafe.group(1)}"
    missing = _MISSING.search(message)
    if missing:
        return f"引用了不存在的数据 “{missing.group(1) or missing.group(2)}”（请检查拼写）"
    return message


def render(write_optional_zero: bool, text: str, values: Mapping[str, Any]) -> str:
    """``text`` rendered in the sandbox of the money policy (its errors propagate; no budget of its own)."""
    return "".join(compiled(write_optional_zero, text).generate(values))
