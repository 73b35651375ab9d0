"""The one template environment: sandboxed, strict, pure and bounded, with the contract's filters by name.

Clause text comes from data that people edit, so it renders in an immutable sandbox with
StrictUndefined. The sandbox guards attribute access but neither CPU nor memory, so every render has
an operation budget (loop iterations, calls, joins) and every value it builds a size limit: a clause
that would run for minutes or build gigabytes is stopped within milliseconds and reported at its line.
Nothing non-deterministic is available (no random, lipsum, cycler, joiner), so the same data always
renders the same text. Errors are collected with the YAML path of the text, so every broken clause is
reported at once.
"""

from __future__ import annotations

import atexit
import functools
import marshal
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from decimal import Decimal
from functools import cache
from typing import Any

import jinja2
from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from generator.rules import money, numerals
from generator.source.loader import Document, PathKey

MAX_OUTPUT = 20_000
MAX_EXPONENT = 64
MAX_SEQUENCE = 10_000
MAX_RANGE = 1_000
MAX_BITS = 4_096
MAX_STEPS = 20_000  # loop iterations, calls and joins of one render: the whole contract needs a few hundred
# Globals that are not pure (random, lipsum), hold state across a loop (cycler, joiner, namespace) or are unbounded.
_REMOVED_GLOBALS = ("lipsum", "cycler", "joiner", "namespace")
_REMOVED_FILTERS = ("random",)
_WIDTH_METHODS = frozenset({"format", "format_map", "ljust", "rjust", "center", "zfill", "expandtabs"})
# Built-in filters that pad or format to a caller-given width: not needed for contract text.
_UNSAFE_FILTERS = ("format", "center", "indent", "wordwrap", "truncate", "filesizeformat", "urlize", "xmlattr")


class _Budget:
    """The steps left to one render."""

    def __init__(self) -> None:
        self.left = MAX_STEPS

    def tick(self, steps: int = 1) -> None:
        self.left -= steps
        if self.left < 0:
            raise SecurityError(f"计算量过大（超过 {MAX_STEPS} 步）：请简化条款中的循环")


_BUDGET: ContextVar[_Budget] = ContextVar("template_budget")


def _tick(steps: int = 1) -> None:
    budget = _BUDGET.get(None)
    if budget is not None:
        budget.tick(steps)


def _sized(value: Any) -> Any:
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_OUTPUT:
        raise SecurityError(f"生成的文字或列表过长（超过 {MAX_OUTPUT}）")
    return value


class _CountedList(list):  # type: ignore[type-arg]
    """A list of the contract's data whose every iteration step counts against the render's budget."""

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            _tick()
            yield item


def _counted(value: Any) -> Any:
    """The render context with its lists counted (data lists are small; a hostile nested loop is not)."""
    if isinstance(value, Mapping):
        return {key: _counted(item) for key, item in value.items()}
    if isinstance(value, list):
        return _CountedList(_counted(item) for item in value)
    return value


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
        _tick()
        return _sized("".join(str(part) for part in parts))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        return _sized(super().call(__context, __obj, *args, **kwargs))

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
        _tick()
        if operator_name == "+":
            return _sized(operator.add(left, right))
        if operator_name == "%":
            if isinstance(left, str):
                raise SecurityError("不允许在条款中使用 % 格式化文字")
            return operator.mod(left, right)
        if operator_name == "**":
            if not isinstance(right, int | Decimal) or abs(right) > MAX_EXPONENT:
                raise SecurityError(f"指数过大（上限 {MAX_EXPONENT}）")
            # A chain of powers grows the base each time: bound the size of the result, not only the exponent.
            if isinstance(left, int) and abs(left).bit_length() * abs(int(right)) > MAX_BITS:
                raise SecurityError("乘方结果过大")
            return operator.pow(left, right)
        if isinstance(left, str | list | tuple) or isinstance(right, str | list | tuple):
            count = right if isinstance(left, str | list | tuple) else left
            size = len(left if isinstance(left, str | list | tuple) else right)
            if not isinstance(count, int) or count * max(size, 1) > MAX_SEQUENCE:
                raise SecurityError("重复的文字或列表过长")
        return operator.mul(left, right)


def _bounded_range(*args: int) -> Iterator[int]:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise SecurityError(f"range 过大（上限 {MAX_RANGE}）")
    for value in result:
        _tick()
        yield value


def _sized_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose result is size-checked and whose call counts (``replace`` and ``join`` can explode)."""
    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        return _sized(function(*args, **kwargs))

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
    env.filters = {name: _sized_filter(function) for name, function in env.filters.items()}
    for name in _REMOVED_GLOBALS:
        env.globals.pop(name, None)
    env.globals["range"] = _bounded_range
    env.policy_name = f"optional-zero={write_optional_zero}"  # type: ignore[attr-defined]
    return env


class Renderer:
    """Renders text found at a YAML path and collects every failure as a located problem."""

    def __init__(self, document: Document, env: ImmutableSandboxedEnvironment, context: Mapping[str, Any]):
        self.document = document
        self.env = env
        self.context = _counted(dict(context))
        self.problems: list[Any] = []

    def render(self, text: Any, path: PathKey, **extra: Any) -> str:
        """Render ``text`` (found at ``path``); plain text passes through untouched."""
        if text is None:
            self.problems.append(self.document.problem(path, "此处需要文字，但值为空"))
            return ""
        if not isinstance(text, str):
            return str(text)
        if "{{" not in text and "{%" not in text and "{#" not in text:
            return text
        token = _BUDGET.set(_Budget())
        try:
            values = {**self.context, **_counted(extra)} if extra else self.context
            result = render_simple(self.env, text, values)
            if result is None:
                result = _compiled(self.env, text).render(values)
        except SecurityError as exc:
            self.problems.append(self.document.problem(path, f"模板表达式不安全或开销过大：{exc}"))
            return ""
        except TemplateError as exc:
            self.problems.append(self.document.problem(path, f"模板表达式错误：{_explain(exc)}"))
            return ""
        except RecursionError:
            self.problems.append(self.document.problem(path, "模板表达式无法计算：递归过深（宏不能调用自身）"))
            return ""
        except (ArithmeticError, TypeError, ValueError, AttributeError, KeyError, IndexError, LookupError) as exc:
            self.problems.append(self.document.problem(path, f"模板表达式无法计算：{str(exc)[:200]}"))
            return ""
        finally:
            _BUDGET.reset(token)
        if len(result) > MAX_OUTPUT:
            self.problems.append(self.document.problem(path, f"模板展开后过长（超过 {MAX_OUTPUT} 字）"))
            return ""
        return result


# -- simple clauses without jinja's compiler -------------------------------------------------------------
# Most clause texts only insert values: "合同总金额{{ fees.total | yuan }}元". Compiling each to Python
# code was most of a cold run's template time, so such a text is evaluated directly, exactly as the
# sandbox would: names from the context, ``.key`` and ``[0]`` / ``['key']`` on mappings and lists only
# (never an attribute of an object or a mapping's own method), the contract's filters only, each result
# turned to text with str(). Anything else, and anything that fails (a missing key, a filter's error),
# goes to jinja2, which renders it or reports its error in its usual words.

_NAME = r"[A-Za-z][A-Za-z0-9_]*"
_STEP = rf"\.{_NAME}|\[(?:0|[1-9][0-9]*)\]|\['[^'\\]*'\]|\[\"[^\"\\]*\"\]"
_EXPRESSION = re.compile(rf"\{{\{{[ \t\n]*({_NAME})((?:{_STEP})*)((?:[ \t\n]*\|[ \t\n]*{_NAME})*)[ \t\n]*\}}\}}")
_STEPS = re.compile(_STEP)
_NEWLINE = re.compile(r"\r\n|\r|\n")
# Words jinja reads as constants or operators, not as names of the context.
_KEYWORDS = frozenset({"true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else"})
_SIMPLE_FILTERS = frozenset(make_filters(False))
_Step = tuple[bool, str | int]  # (is an attribute, the name or key)
_Part = str | tuple[str, tuple[_Step, ...], tuple[str, ...]]
_SIMPLE: dict[str, tuple[_Part, ...] | None] = {}


class _NotSimple(Exception):
    """The text needs jinja2 after all."""


def _parse_simple(text: str) -> tuple[_Part, ...] | None:
    """The literal texts and value insertions of ``text``, or None when it is not that simple."""
    if "{%" in text or "{#" in text:
        return None
    lines = _NEWLINE.split(text)
    if lines[-1] == "":  # jinja drops one trailing newline (keep_trailing_newline is off)
        del lines[-1]
    source = "\n".join(lines)
    parts: list[_Part] = []
    position = 0
    for match in _EXPRESSION.finditer(source):
        name, steps, filters = match.groups()
        if name in _KEYWORDS:
            return None
        names = tuple(f.strip() for f in filters.split("|")[1:])
        if not set(names) <= _SIMPLE_FILTERS:
            return None
        path = tuple((False, int(s[1:-1])) if s[1].isdigit() else (False, s[2:-2]) if s[0] == "[" else (True, s[1:])
                     for s in _STEPS.findall(steps))
        parts += [source[position:match.start()], (name, path, names)]
        position = match.end()
    rest = source[position:]
    if "{{" in rest or any(isinstance(part, str) and "{{" in part for part in parts):
        return None  # an expression of another shape: jinja's
    parts.append(rest)
    return tuple(part for part in parts if part != "")


def _step(value: Any, step: _Step) -> Any:
    """``value.key`` or ``value[key]`` as the sandbox has it, for mappings and lists; else _NotSimple.

    ``.key`` asks for an attribute first, so on a mapping it means the key only when the mapping has no
    attribute of that name (``.items`` is dict.items); ``[key]`` asks for the item first.
    """
    attribute, key = step
    if not isinstance(value, dict | list | tuple) or (attribute and hasattr(value, key)):  # type: ignore[arg-type]
        raise _NotSimple
    try:
        return value[key]  # type: ignore[index]
    except (TypeError, LookupError):
        raise _NotSimple from None


def render_simple(env: ImmutableSandboxedEnvironment, text: str, values: Mapping[str, Any]) -> str | None:
    """``text`` rendered without compiling it, when it only inserts values (else None: use jinja2).

    Gives exactly what jinja2 gives for such a text (``tests/test_templating.py`` holds them equal).
    """
    if text in _SIMPLE:
        parts = _SIMPLE[text]
    else:
        parts = _SIMPLE[text] = _parse_simple(text)
    if parts is None:
        return None
    out = []
    try:
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            name, path, filters = part
            if name not in values:
                raise _NotSimple
            value = values[name]
            for step in path:
                value = _step(value, step)
            for name in filters:
                value = env.filters[name](value)
            out.append(str(value))
    except Exception:  # whatever went wrong, jinja2 renders it again and reports it its way
        return None
    return "".join(out)


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


def _explain(exc: TemplateError) -> str:
    message = str(exc.message if hasattr(exc, "message") and exc.message else exc)
    missing = _MISSING.search(message)
    if missing:
        return f"引用了不存在的数据 “{missing.group(1) or missing.group(2)}”（请检查拼写）"
    return message
