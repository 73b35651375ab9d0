"""The jinja2 environment for clause text: sandboxed, strict, pure and bounded, with the contract's filters.

Clause text renders in an immutable sandbox with StrictUndefined; every render counts against the budget
and size limits of ``template_limits``. Nothing non-deterministic is available (no random, lipsum,
cycler, joiner), so the same data always renders the same text. Compiled clauses are kept in the user's
cache. Only a text ``template_eval`` cannot render directly comes here, so most runs never import jinja2.
"""

from __future__ import annotations

import atexit
import marshal
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import jinja2
from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from generator.documents.template_limits import (
    bounded_binop,
    bounded_range,
    make_filters,
    sized,
    sized_filter,
    tick,
)

__all__ = ["SecurityError", "TemplateError", "environment", "explain", "render"]

# Globals that are not pure (random, lipsum), hold state across a loop (cycler, joiner, namespace) or are unbounded.
_REMOVED_GLOBALS = ("lipsum", "cycler", "joiner", "namespace")
_REMOVED_FILTERS = ("random",)
_WIDTH_METHODS = frozenset({"format", "format_map", "ljust", "rjust", "center", "zfill", "expandtabs"})
# Built-in filters that pad or format to a caller-given width: not needed for contract text.
_UNSAFE_FILTERS = ("format", "center", "indent", "wordwrap", "truncate", "filesizeformat", "urlize", "xmlattr")


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to a join that counts and is size-checked (jinja's own is neither)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_join((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox guards attribute access but not CPU or memory; these hooks bound the rest."""

    intercepted_binops = frozenset({"**", "*", "%", "+"})
    code_generator_class = _BoundedCodeGenerator

    @staticmethod
    def bounded_join(parts: Iterable[Any]) -> str:
        tick()
        return sized("".join(str(part) for part in parts))  # type: ignore[no-any-return]

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        tick()
        return sized(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Any:
        # jinja hands str.format out pre-wrapped, before is_safe_attribute is asked; refuse it here.
        if super().wrap_str_format(value) is None:
            return None

        def refuse(*_: Any, **__: Any) -> str:
            raise SecurityError("不允许在条款中调用 format")

        return refuse

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # str.format, ljust, center … take a width and would allocate whatever they are told.
        if isinstance(obj, str) and attr in _WIDTH_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        return bounded_binop(operator_name, left, right)


@cache
def environment(write_optional_zero: bool) -> ImmutableSandboxedEnvironment:
    """The sandbox for a money policy: strict undefined, no autoescape (output is Word text), our filters.

    One per policy and process, so that each clause template is compiled once however many
    documents and years a run builds.
    """
    env = _BoundedSandbox(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False, cache_size=2000
    )
    for name in (*_UNSAFE_FILTERS, *_REMOVED_FILTERS):
        env.filters.pop(name, None)
    env.filters.update(make_filters(write_optional_zero))
    env.filters = {name: sized_filter(function) for name, function in env.filters.items()}
    for name in _REMOVED_GLOBALS:
        env.globals.pop(name, None)
    env.globals["range"] = bounded_range
    env.policy_name = f"optional-zero={write_optional_zero}"  # type: ignore[attr-defined]
    return env


def render(write_optional_zero: bool, text: str, values: Mapping[str, Any]) -> str:
    """``text`` rendered by jinja2 in the sandbox of the money policy (its errors propagate)."""
    return str(_compiled(environment(write_optional_zero), text).render(values))


_MISSING = re.compile(r"has no attribute '([^']+)'|'([^']+)' is undefined")
_TEMPLATES: dict[tuple[int, str], Any] = {}


class _CompiledCache:
    """Clause templates compiled to Python code once, ever: kept in the user's cache per environment.

    Compiling the contract's clauses is most of what jinja2 costs a run; the code objects are
    marshalled, keyed by the tool's fingerprint and jinja2's version (``caching.key``), and new ones are
    written back once, when the process ends.
    """

    def __init__(self, name: str) -> None:
        from generator import caching

        self.name = name
        self.known: dict[str, bytes] = caching.load_object("templates", name) or {}
        self.new: dict[str, bytes] = {}

    def code(self, env: ImmutableSandboxedEnvironment, text: str) -> Any:
        kept = self.known.get(text)
        if kept is not None:
            try:
                return marshal.loads(kept)
            except (EOFError, ValueError, TypeError):
                pass
        code = env.compile(text)
        self.new[text] = marshal.dumps(code)
        if len(self.new) == 1:
            atexit.register(self.flush)
        return code

    def flush(self) -> None:
        from generator import caching

        if len(self.known) + len(self.new) <= MAX_CACHED_TEMPLATES:
            caching.store_object("templates", self.name, {**self.known, **self.new})


_CODE_CACHES: dict[int, _CompiledCache] = {}
MAX_CACHED_TEMPLATES = 5000


def _compiled(env: ImmutableSandboxedEnvironment, text: str) -> Any:
    key = (id(env), text)
    template = _TEMPLATES.get(key)
    if template is None:
        codes = _CODE_CACHES.get(id(env))
        if codes is None:
            from generator import caching

            policy = getattr(env, "policy_name", "default")
            codes = _CODE_CACHES[id(env)] = _CompiledCache(caching.key("templates", policy, jinja2.__version__))
        template = env.template_class.from_code(env, codes.code(env, text), env.make_globals(None), None)
        _TEMPLATES[key] = template
    return template


def explain(exc: TemplateError) -> str:
    """A jinja2 error in the words the report uses (a missing name is named)."""
    message = str(exc.message if hasattr(exc, "message") and exc.message else exc)
    missing = _MISSING.search(message)
    if missing:
        return f"引用了不存在的数据 “{missing.group(1) or missing.group(2)}”（请检查拼写）"
    return message
