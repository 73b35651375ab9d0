"""Clause templates of the shapes contract text uses, evaluated directly instead of compiled by jinja2.

Importing jinja2 and compiling a contract's clauses to Python code was a fifth of a first run. Clause
text needs little of jinja: values inserted with filters (``{{ fees.total | yuan }}``), a top-level
``{% set %}``, ``{% if %}`` and ``{% for %}`` with ``loop.first/last/index``, arithmetic, comparisons,
``and/or/not`` and ``a if c else b``. Those are evaluated here with the sandbox's own rules: names from
the context; ``.key`` and ``[key]`` on mappings and lists only (never an object's attribute, never a
mapping's method: ``.items`` is jinja's business); the contract's filters and ``length``; ``+ * %``
through the same bounded operator as the sandbox; every value printed with ``str()``; the same budget.

Anything else — another statement, a call, a test, whitespace control, a name read before it is set —
and anything that fails makes ``render`` answer None, and jinja2 renders the text (or reports its error
in its usual words). ``tests/test_template_eval.py`` holds both renderings equal for every clause of the
shipped contracts and for generated templates of every shape handled here.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from generator.documents.template_limits import bounded_binop

__all__ = ["render"]


class Unsupported(Exception):
    """The text needs jinja2: a shape not handled here, or a failure jinja2 should report."""


# -- lexing ------------------------------------------------------------------------------------------------

_NEWLINE = re.compile(r"\r\n|\r|\n")
_OPEN = re.compile(r"\{\{|\{%|\{#")
_TOKEN = re.compile(r"""
    (?P<space>[ \t\n]+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<integer>(?:0|[1-9][0-9]*)(?![0-9_.eE]))
  | (?P<string>'[^'\\\n]*'|"[^"\\\n]*")
  | (?P<operator>\*\*|//|==|!=|<=|>=|[-+*/%<>()\[\].|=,~:])
""", re.VERBOSE)
_CONSTANTS = {"true": True, "false": False, "True": True, "False": False, "none": None, "None": None}
_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else"})

Token = tuple[str, Any]  # (kind, value): name, integer, string, operator
# Sizes jinja2 itself cannot compile (Python refuses 20 nested loops, 200 nested parentheses, deep recursion)
# must not render here: a tag of more tokens, deeper nesting or more open blocks is jinja2's to refuse.
MAX_TAG_TOKENS = 150
MAX_NESTING = 20
MAX_OPEN_BLOCKS = 8
# Names jinja2 gives a meaning of its own whatever the context holds.
_SPECIAL_NAMES = frozenset({"self", "loop"})


def _tokens(source: str, start: int, close: str) -> tuple[list[Token], int]:
    """The expression tokens from ``start`` up to the tag's ``close``; and the position after it."""
    if source[start:start + 1] in ("-", "+"):
        raise Unsupported("whitespace control")
    tokens: list[Token] = []
    position = start
    while True:
        if source.startswith(close, position):
            if source[position - 1] in "-+":
                raise Unsupported("whitespace control")
            return tokens, position + len(close)
        match = _TOKEN.match(source, position)
        if match is None:
            raise Unsupported(f"cannot read {source[position:position + 10]!r}")
        kind = match.lastgroup
        assert kind is not None
        text = match.group()
        if kind == "integer":
            tokens.append((kind, int(text)))
        elif kind == "string":
            tokens.append((kind, text[1:-1]))
        elif kind != "space":
            tokens.append((kind, text))
        if len(tokens) > MAX_TAG_TOKENS:
            raise Unsupported("a long expression")
        position = match.end()


# -- parsing -----------------------------------------------------------------------------------------------
# Expressions are tuples: ("const", v), ("name", n), ("attr", e, n), ("item", e, k), ("filter", e, n),
# ("neg", e), ("pos", e), ("not", e), ("binop", op, l, r), ("compare", op, l, r), ("and"|"or", l, r),
# ("cond", test, then, else).

Node = tuple[Any, ...]


class _Expression:
    """A recursive-descent parser with jinja's precedence (condexpr, or, and, not, compare, + -, * / // %)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.depth = 0

    def nested(self, parse: Callable[[], Node]) -> Node:
        """``parse()`` one level deeper (parentheses, prefixes, an else branch), within MAX_NESTING."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise Unsupported("deep nesting")
        try:
            return parse()
        finally:
            self.depth -= 1

    def peek(self, offset: int = 0) -> Token:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", None)

    def take(self) -> Token:
        token = self.peek()
        self.at += 1
        return token

    def skip(self, kind: str, value: Any) -> bool:
        if self.peek() == (kind, value):
            self.at += 1
            return True
        return False

    def expect(self, kind: str, value: Any = None) -> Any:
        token = self.take()
        if token[0] != kind or (value is not None and token[1] != value):
            raise Unsupported(f"expected {value or kind}")
        return token[1]

    def done(self) -> None:
        if self.at != len(self.tokens):
            raise Unsupported("more after the expression")

    def expression(self) -> Node:
        node = self.or_()
        if self.skip("name", "if"):
            test = self.or_()
            otherwise = self.nested(self.expression) if self.skip("name", "else") else None
            if otherwise is None:
                raise Unsupported("if without else")  # jinja would give an undefined value
            node = ("cond", test, node, otherwise)
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.skip("name", "or"):
            node = ("or", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.skip("name", "and"):
            node = ("and", node, self.not_())
        return node

    def not_(self) -> Node:
        if self.skip("name", "not"):
            return ("not", self.nested(self.not_))
        return self.compare()

    def compare(self) -> Node:
        node = self.additive()
        kind, value = self.peek()
        if kind == "operator" and value in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            node = ("compare", value, node, self.additive())
        elif (kind, value) == ("name", "in"):
            self.take()
            node = ("compare", "in", node, self.additive())
        elif (kind, value) == ("name", "not") and self.peek(1) == ("name", "in"):
            self.at += 2
            node = ("compare", "not in", node, self.additive())
        else:
            return node
        kind, value = self.peek()
        if (kind == "operator" and value in ("==", "!=", "<", "<=", ">", ">=")) or value in ("in", "not"):
            raise Unsupported("chained comparison")
        return node

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.peek() in (("operator", "+"), ("operator", "-")):
            node = ("binop", self.take()[1], node, self.multiplicative())
        return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while self.peek() in (("operator", "*"), ("operator", "/"), ("operator", "//"), ("operator", "%")):
            node = ("binop", self.take()[1], node, self.unary())
        return node

    def unary(self, with_filters: bool = True) -> Node:
        if self.skip("operator", "-"):
            node: Node = ("neg", self.nested(lambda: self.unary(with_filters=False)))
        elif self.skip("operator", "+"):
            node = ("pos", self.nested(lambda: self.unary(with_filters=False)))
        else:
            node = self.primary()
        node = self.postfix(node)
        if with_filters:
            while self.skip("operator", "|"):
                node = ("filter", node, self.expect("name"))
            if self.peek() in (("operator", "("), ("name", "is"), ("operator", "|")):
                raise Unsupported("call, test or filter arguments")
        if self.peek() == ("operator", "**"):
            raise Unsupported("power")
        return node

    def postfix(self, node: Node) -> Node:
        while True:
            if self.skip("operator", "."):
                kind, value = self.take()
                if kind == "name":
                    node = ("attr", node, value)
                elif kind == "integer":
                    node = ("item", node, ("const", value))
                else:
                    raise Unsupported("attribute")
            elif self.skip("operator", "["):
                key = self.nested(self.expression)
                self.expect("operator", "]")
                node = ("item", node, key)
            elif self.peek() == ("operator", "("):
                raise Unsupported("call")
            else:
                return node

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "name" and value in _CONSTANTS:
            return ("const", _CONSTANTS[value])
        if kind == "name" and value not in _KEYWORDS:
            return ("name", value)
        if kind == "integer":
            return ("const", value)
        if kind == "string":
            while self.peek()[0] == "string":  # adjacent strings join, as in jinja
                value += self.take()[1]
            return ("const", value)
        if (kind, value) == ("operator", "("):
            node = self.nested(self.expression)
            self.expect("operator", ")")
            return node
        raise Unsupported(f"unexpected {value!r}")


# Statements: ("text", s), ("print", e), ("set", name, e), ("for", name, e, body), ("if", [(test, body)...], else).


def _parse(text: str) -> tuple[list[Node], frozenset[str]]:
    """The statements of ``text`` and the names it sets (at its top level only)."""
    lines = _NEWLINE.split(text)
    if lines[-1] == "":  # jinja drops one trailing newline (keep_trailing_newline is off)
        del lines[-1]
    source = "\n".join(lines)
    root: list[Node] = []
    stack: list[tuple[str, list[Node], Node | None]] = []  # open blocks: (for|if, the body they sit in, the if)
    body = root
    assigned: set[str] = set()
    position = 0
    while True:
        match = _OPEN.search(source, position)
        if match is None:
            if source[position:]:
                body.append(("text", source[position:]))
            break
        if match.start() > position:
            body.append(("text", source[position:match.start()]))
        opener = match.group()
        if opener == "{#":
            raise Unsupported("comment")
        tokens, position = _tokens(source, match.end(), "}}" if opener == "{{" else "%}")
        parser = _Expression(tokens)
        if opener == "{{":
            node = parser.expression()
            parser.done()
            body.append(("print", node))
            continue
        keyword = parser.expect("name")
        if keyword == "set":
            if stack:
                raise Unsupported("set inside a block")  # jinja's scoping rules there are subtle
            name = parser.expect("name")
            parser.expect("operator", "=")
            node = parser.expression()
            parser.done()
            if name in _KEYWORDS or name in _CONSTANTS or name in _SPECIAL_NAMES:
                raise Unsupported("set of a reserved name")
            assigned.add(name)
            body.append(("set", name, node))
        elif keyword == "for":
            name = parser.expect("name")
            parser.expect("name", "in")
            node = parser.or_()  # jinja reads no "a if b else c" here without parentheses
            parser.done()
            if name in _KEYWORDS or name in _CONSTANTS or name in _SPECIAL_NAMES:
                raise Unsupported("loop over a reserved name")
            if len(stack) >= MAX_OPEN_BLOCKS:
                raise Unsupported("deeply nested blocks")
            loop: list[Node] = []
            body.append(("for", name, node, loop))
            stack.append(("for", body, None))
            body = loop
        elif keyword == "if":
            node = parser.or_()
            parser.done()
            if len(stack) >= MAX_OPEN_BLOCKS:
                raise Unsupported("deeply nested blocks")
            branches: list[Any] = [(node, [])]
            statement = ("if", branches, [])
            body.append(statement)
            stack.append(("if", body, statement))
            body = branches[0][1]
        elif keyword in ("elif", "else"):
            if not stack or stack[-1][0] != "if":
                raise Unsupported(f"{keyword} outside if")  # for … else, among others
            statement = stack[-1][2]
            assert statement is not None
            if body is statement[2]:
                raise Unsupported("branch after else")
            if keyword == "elif":
                node = parser.or_()
                parser.done()
                statement[1].append((node, []))
                body = statement[1][-1][1]
            else:
                parser.done()
                body = statement[2]
        elif keyword in ("endfor", "endif"):
            parser.done()
            if not stack or stack[-1][0] != keyword[3:]:
                raise Unsupported(f"unmatched {keyword}")
            body = stack.pop()[1]
        else:
            raise Unsupported(f"statement {keyword}")
    if stack:
        raise Unsupported("unclosed block")
    return root, frozenset(assigned)


# -- evaluating --------------------------------------------------------------------------------------------


class _Loop:
    """What ``loop`` offers inside a for loop (the attributes clause text reads)."""

    __slots__ = ("index0", "length")

    def __init__(self, index0: int, length: int) -> None:
        self.index0, self.length = index0, length

    def get(self, name: str) -> Any:
        values = {"index0": self.index0, "index": self.index0 + 1, "first": self.index0 == 0,
                  "last": self.index0 == self.length - 1, "length": self.length,
                  "revindex": self.length - self.index0, "revindex0": self.length - self.index0 - 1}
        if name not in values:
            raise Unsupported(f"loop.{name}")
        return values[name]


_PLAIN_BINOPS: dict[str, Callable[[Any, Any], Any]] = {"-": operator.sub, "/": operator.truediv,
                                                       "//": operator.floordiv}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}


class _Evaluator:
    def __init__(self, filters: Mapping[str, Callable[..., Any]], assigned: frozenset[str]) -> None:
        self.filters = filters
        self.assigned = assigned  # names the template sets: never read before they are set

    def run(self, statements: Iterable[Node], scope: dict[str, Any], own: set[str], out: list[str]) -> None:
        for statement in statements:
            kind = statement[0]
            if kind == "text":
                out.append(statement[1])
            elif kind == "print":
                out.append(str(self.value(statement[1], scope, own)))
            elif kind == "set":
                scope[statement[1]] = self.value(statement[2], scope, own)
                own.add(statement[1])
            elif kind == "for":
                _, name, iterable, body = statement
                items = list(self.value(iterable, scope, own))  # a counted list counts each step, as in jinja
                for index, item in enumerate(items):
                    inner = {**scope, name: item, "loop": _Loop(index, len(items))}
                    self.run(body, inner, {*own, name, "loop"}, out)
            else:  # if
                for test, body in statement[1]:
                    if self.value(test, scope, own):
                        self.run(body, scope, own, out)
                        break
                else:
                    self.run(statement[2], scope, own, out)

    def value(self, node: Node, scope: dict[str, Any], own: set[str]) -> Any:
        kind = node[0]
        if kind == "const":
            return node[1]
        if kind == "name":
            name = node[1]
            if name in _SPECIAL_NAMES:
                raise Unsupported(f"{name} itself")  # jinja's self, and its LoopContext (only loop.x is the same)
            if name in self.assigned and name not in own:
                raise Unsupported(f"{name} read before it is set")
            if name not in scope:
                raise Unsupported(f"{name} is undefined")
            return scope[name]
        if kind == "attr":
            name = node[2]
            if node[1] == ("name", "loop"):
                if "loop" not in own:
                    raise Unsupported("loop outside a for")
                return scope["loop"].get(name)
            target = self.value(node[1], scope, own)
            if not isinstance(target, dict) or name.startswith("_") or hasattr(target, name) or name not in target:
                raise Unsupported(f"attribute {name}")  # the sandbox decides (a method, a missing key …)
            return target[name]
        if kind == "item":
            target, key = self.value(node[1], scope, own), self.value(node[2], scope, own)
            if not isinstance(target, dict | list | tuple):
                raise Unsupported("item of a value that is neither a mapping nor a list")
            return target[key]  # a missing key or index raises: jinja2 reports it
        if kind == "filter":
            function = self.filters.get(node[2])
            if function is None:
                raise Unsupported(f"filter {node[2]}")
            return function(self.value(node[1], scope, own))
        if kind == "neg":
            return -self.value(node[1], scope, own)
        if kind == "pos":
            return +self.value(node[1], scope, own)
        if kind == "not":
            return not self.value(node[1], scope, own)
        if kind == "and":
            return self.value(node[1], scope, own) and self.value(node[2], scope, own)
        if kind == "or":
            return self.value(node[1], scope, own) or self.value(node[2], scope, own)
        if kind == "cond":
            branch = node[2] if self.value(node[1], scope, own) else node[3]
            return self.value(branch, scope, own)
        left, right = self.value(node[2], scope, own), self.value(node[3], scope, own)
        if kind == "compare":
            return _COMPARE[node[1]](left, right)
        operation = node[1]
        if operation in _PLAIN_BINOPS:
            return _PLAIN_BINOPS[operation](left, right)
        return bounded_binop(operation, left, right)


_PARSED: dict[str, tuple[list[Node], frozenset[str]] | None] = {}
MAX_PARSED = 5000


def _parsed(text: str) -> tuple[list[Node], frozenset[str]] | None:
    if text in _PARSED:
        return _PARSED[text]
    try:
        parsed: tuple[list[Node], frozenset[str]] | None = _parse(text)
    except (Unsupported, RecursionError, ValueError):  # ValueError: an integer of thousands of digits
        parsed = None
    if len(_PARSED) < MAX_PARSED:
        _PARSED[text] = parsed
    return parsed


def render(text: str, values: Mapping[str, Any], filters: Mapping[str, Callable[..., Any]]) -> str | None:
    """``text`` rendered as jinja2 would render it in the sandbox, or None when jinja2 must do it.

    ``values`` is the render context (lists counted), ``filters`` the bounded filters by name.
    """
    parsed = _parsed(text)
    if parsed is None or not all(isinstance(name, str) for name in values):
        return None
    statements, assigned = parsed
    out: list[str] = []
    try:
        _Evaluator(filters, assigned).run(statements, dict(values), set(), out)
    except Exception:  # whatever went wrong, jinja2 renders the text again and reports it its way
        return None
    return "".join(out)
