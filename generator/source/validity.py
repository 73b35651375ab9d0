"""A fast yes/no answer to "does this data pass its JSON Schema?", compiled from the schema files.

Almost every document a user validates is valid, and jsonschema costs more to import (attrs,
referencing, its format checkers) than it then takes to validate. So the schema files are compiled
once per process into plain Python checks for the draft 2020-12 keywords they use; only a document
that fails is handed to jsonschema, which finds and explains its errors exactly as before.

The checks follow jsonschema's own semantics keyword by keyword (its type checker, its equality that
tells ``true`` from ``1``, ``re.search`` for patterns, its ``date`` format). A schema using any keyword
not listed here is not compiled at all: ``passes`` answers None and jsonschema decides, so a keyword
added to a schema later can never be silently ignored. ``tests/test_validity.py`` holds both answers
equal over the shipped files and thousands of mutated documents.
"""

from __future__ import annotations

import datetime
import json
import numbers
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.resources import SCHEMAS

Check = Callable[[Any], bool]

# Annotations: they never make an instance invalid.
_IGNORED = frozenset({"$schema", "$defs", "$comment", "title", "description", "default", "examples", "deprecated",
                      "readOnly", "writeOnly"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class Unsupported(Exception):
    """The schema uses something these checks do not implement; jsonschema must decide."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Number)


_TYPES: dict[str, Check] = {
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "integer": _is_integer,
    "null": lambda value: value is None,
    "number": _is_number,
    "object": lambda value: isinstance(value, dict),
    "string": lambda value: isinstance(value, str),
}

_TRUE, _FALSE = object(), object()


def _unbool(value: Any) -> Any:
    if value is True:
        return _TRUE
    if value is False:
        return _FALSE
    return value


def equal(one: Any, two: Any) -> bool:
    """JSON equality as jsonschema has it: ``true`` is not ``1``, in lists and mappings too."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(key in two and equal(value, two[key]) for key, value in one.items())
    return bool(_unbool(one) == _unbool(two))


def _unique(items: list[Any]) -> bool:
    """jsonschema's own test, quirks included: sorted neighbours when the items sort, else every pair."""
    try:
        ordered = sorted(_unbool(item) for item in items)
        return not any(equal(one, two) for one, two in pairwise(ordered))
    except (NotImplementedError, TypeError):
        seen: list[Any] = []
        for item in map(_unbool, items):
            if any(equal(other, item) for other in seen):
                return False
            seen.append(item)
        return True


def _date(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_FORMATS: dict[str, Check] = {"date": _date}


# -- keywords: each compiles its value into a check of one instance -----------------------------------------

Keyword = Callable[["_Compiler", Any, dict[str, Any], str], Check]
_KEYWORDS: dict[str, Keyword] = {}


def _keyword(*names: str) -> Callable[[Keyword], Keyword]:
    def register(function: Keyword) -> Keyword:
        for name in names:
            _KEYWORDS[name] = function
        return function
    return register


def _when(kind: str, test: Check) -> Check:
    """A check that applies only to instances of one JSON type (as most keywords do)."""
    is_kind = _TYPES[kind]
    return lambda value: not is_kind(value) or test(value)


@_keyword("type")
def _type(compiler: _Compiler, types: Any, schema: dict[str, Any], base: str) -> Check:
    names = [types] if isinstance(types, str) else list(types)
    if not all(isinstance(name, str) and name in _TYPES for name in names):
        raise Unsupported(f"type {types!r}")
    checks = [_TYPES[name] for name in names]
    if len(checks) == 1:
        return checks[0]
    return lambda value: any(check(value) for check in checks)


@_keyword("enum")
def _enum(compiler: _Compiler, values: Any, schema: dict[str, Any], base: str) -> Check:
    return lambda value: any(equal(each, value) for each in values)


@_keyword("const")
def _const(compiler: _Compiler, expected: Any, schema: dict[str, Any], base: str) -> Check:
    return lambda value: equal(value, expected)


def _same(value: Any) -> Any:
    return value


# Bounds, as jsonschema words them: the JSON type a bound applies to, what is measured, and when it fails.
_BOUNDS: dict[str, tuple[str, Callable[[Any], Any], Callable[[Any, Any], bool]]] = {
    "minimum": ("number", _same, operator.lt),
    "maximum": ("number", _same, operator.gt),
    "exclusiveMinimum": ("number", _same, operator.le),
    "exclusiveMaximum": ("number", _same, operator.ge),
    "minLength": ("string", len, operator.lt),
    "maxLength": ("string", len, operator.gt),
    "minItems": ("array", len, operator.lt),
    "maxItems": ("array", len, operator.gt),
    "minProperties": ("object", len, operator.lt),
    "maxProperties": ("object", len, operator.gt),
}


def _bound(kind: str, measure: Callable[[Any], Any], fails: Callable[[Any, Any], bool]) -> Keyword:
    def keyword(compiler: _Compiler, bound: Any, schema: dict[str, Any], base: str) -> Check:
        return _when(kind, lambda value: not fails(measure(value), bound))
    return keyword


for _name, _spec in _BOUNDS.items():
    _KEYWORDS[_name] = _bound(*_spec)


@_keyword("pattern")
def _pattern(compiler: _Compiler, pattern: Any, schema: dict[str, Any], base: str) -> Check:
    search = re.compile(pattern).search
    return _when("string", lambda value: search(value) is not None)


@_keyword("format")
def _format(compiler: _Compiler, name: Any, schema: dict[str, Any], base: str) -> Check:
    if name not in _FORMATS:
        raise Unsupported(f"format {name!r}")
    return _FORMATS[name]


@_keyword("uniqueItems")
def _unique_items(compiler: _Compiler, flag: Any, schema: dict[str, Any], base: str) -> Check:
    return _when("array", _unique) if flag else _always


@_keyword("prefixItems")
def _prefix_items(compiler: _Compiler, schemas: Any, schema: dict[str, Any], base: str) -> Check:
    checks = [compiler.compile(each, base) for each in schemas]
    return _when("array", lambda value: all(check(item) for check, item in zip(checks, value, strict=False)))


@_keyword("items")
def _items(compiler: _Compiler, items: Any, schema: dict[str, Any], base: str) -> Check:
    prefix = len(schema.get("prefixItems", []))
    check = compiler.lazy(items, base)
    return _when("array", lambda value: all(check(item) for item in value[prefix:]))


@_keyword("required")
def _required(compiler: _Compiler, names: Any, schema: dict[str, Any], base: str) -> Check:
    return _when("object", lambda value: all(name in value for name in names))


@_keyword("properties")
def _properties(compiler: _Compiler, properties: Any, schema: dict[str, Any], base: str) -> Check:
    checks = [(name, compiler.lazy(each, base)) for name, each in properties.items()]
    return _when("object", lambda value: all(check(value[name]) for name, check in checks if name in value))


@_keyword("additionalProperties")
def _additional_properties(compiler: _Compiler, extra: Any, schema: dict[str, Any], base: str) -> Check:
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    known = frozenset(schema.get("properties", {}))
    if extra is True:
        return _always
    if extra is False:
        return _when("object", lambda value: all(key in known for key in value))
    check = compiler.lazy(extra, base)
    return _when("object", lambda value: all(check(item) for key, item in value.items() if key not in known))


@_keyword("propertyNames")
def _property_names(compiler: _Compiler, names: Any, schema: dict[str, Any], base: str) -> Check:
    check = compiler.compile(names, base)
    return _when("object", lambda value: all(check(key) for key in value))


@_keyword("anyOf")
def _any_of(compiler: _Compiler, schemas: Any, schema: dict[str, Any], base: str) -> Check:
    checks = [compiler.compile(each, base) for each in schemas]
    return lambda value: any(check(value) for check in checks)


@_keyword("allOf")
def _all_of(compiler: _Compiler, schemas: Any, schema: dict[str, Any], base: str) -> Check:
    checks = [compiler.compile(each, base) for each in schemas]
    return lambda value: all(check(value) for check in checks)


@_keyword("oneOf")
def _one_of(compiler: _Compiler, schemas: Any, schema: dict[str, Any], base: str) -> Check:
    checks = [compiler.compile(each, base) for each in schemas]
    return lambda value: sum(1 for check in checks if check(value)) == 1


@_keyword("not")
def _not(compiler: _Compiler, negated: Any, schema: dict[str, Any], base: str) -> Check:
    check = compiler.compile(negated, base)
    return lambda value: not check(value)


@_keyword("if")
def _if(compiler: _Compiler, condition: Any, schema: dict[str, Any], base: str) -> Check:
    test = compiler.compile(condition, base)
    then = compiler.compile(schema.get("then", True), base)
    otherwise = compiler.compile(schema.get("else", True), base)
    return lambda value: then(value) if test(value) else otherwise(value)


@_keyword("then", "else")
def _branch(compiler: _Compiler, branch: Any, schema: dict[str, Any], base: str) -> Check:
    return _always  # applied by "if"; without an "if" they mean nothing, as in jsonschema


@_keyword("$ref")
def _ref(compiler: _Compiler, ref: Any, schema: dict[str, Any], base: str) -> Check:
    return compiler.reference(ref, base)


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


# -- compiling -------------------------------------------------------------------------------------------------


class _Compiler:
    """Compiles schemas of a set of sibling files; a ``$ref`` target is compiled once, when first reached."""

    def __init__(self, folder: Path) -> None:
        self.texts = {path.as_uri(): path.read_text("utf-8") for path in sorted(folder.glob("*.json"))}
        self.files: dict[str, Any] = {}
        self.targets: dict[str, Check] = {}
        # jsonschema registers every file of the folder and every $id in it, wherever it is: one of those
        # (or an anchor, or another draft) can change what a $ref means, so such a folder is jsonschema's.
        self.unsupported = next((f"{uri}: {marker}" for uri, text in self.texts.items()
                                 for marker in _addressing(text)), None)

    def compile(self, schema: Any, base: str) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        checks = []
        for name, value in schema.items():
            if name in _IGNORED:
                continue
            keyword = _KEYWORDS.get(name)
            if keyword is None:
                raise Unsupported(name)
            check = keyword(self, value, schema, base)
            if check is not _always:
                checks.append(check)
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        return lambda value: all(check(value) for check in checks)

    def lazy(self, schema: Any, base: str) -> Check:
        """The check of ``schema``, compiled when first used: most of a large schema is never reached.

        An unsupported keyword found this late is raised from the check, and ``passes`` answers None.
        """
        compiled: list[Check] = []

        def check(value: Any) -> bool:
            if not compiled:
                compiled.append(self.compile(schema, base))
            return compiled[0](value)

        return check

    def reference(self, ref: str, base: str) -> Check:
        """The check of a ``$ref`` relative to the file ``base``; a cycle is resolved on first use."""
        if self.unsupported:
            raise Unsupported(self.unsupported)
        target, _, pointer = ref.partition("#")
        file = base.rsplit("/", 1)[0] + "/" + target if target else base
        if "://" in target or file not in self.texts or (pointer and not pointer.startswith("/")):
            raise Unsupported(f"$ref {ref}")  # another site, another folder, or an anchor
        key = f"{file}#{pointer}"
        if key not in self.targets:
            if file not in self.files:
                self.files[file] = json.loads(self.texts[file])
            node = _pointed(self.files[file], pointer, ref)
            compiled: list[Check] = []
            self.targets[key] = lambda value: compiled[0](value)  # stands in while a recursive schema compiles
            try:
                compiled.append(self.compile(node, file))
            except BaseException:
                del self.targets[key]  # never leave the stand-in of a schema that did not compile
                raise
            self.targets[key] = compiled[0]
        return self.targets[key]


_ADDRESSING = ('"$id"', '"$anchor"', '"$dynamicRef"', '"$dynamicAnchor"', '"$recursiveRef"', '"$recursiveAnchor"')
_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_SCHEMA_URI = re.compile(r'"\$schema"\s*:\s*"([^"]*)"')


def _addressing(text: str) -> list[str]:
    """What in a schema file's text could make jsonschema resolve a $ref differently from a plain pointer."""
    found = [marker for marker in _ADDRESSING if marker in text]
    return found + [f"$schema {uri}" for uri in _SCHEMA_URI.findall(text) if uri != _DRAFT]


def _pointed(node: Any, pointer: str, ref: str) -> Any:
    """The part of a schema a JSON pointer names, read as the referencing library reads it."""
    if not pointer:
        return node
    for segment in unquote(pointer[1:]).split("/"):
        if isinstance(node, list):
            try:
                node = node[int(segment)]
            except (ValueError, IndexError):
                raise Unsupported(f"$ref {ref}") from None
        elif isinstance(node, dict) and (key := segment.replace("~1", "/").replace("~0", "~")) in node:
            node = node[key]
        else:
            raise Unsupported(f"$ref {ref}")
    return node


@cache
def _compiler(folder: Path) -> _Compiler:
    return _Compiler(folder)


@cache
def _check(folder: Path, schema_name: str, section: str | None) -> Check | None:
    uri = (folder / schema_name).as_uri()
    pointer = f"#/properties/{section}" if section is not None else ""
    try:
        return _compiler(folder).reference(f"{schema_name}{pointer}", uri)
    except (Unsupported, re.error, TypeError, ValueError):
        return None


def passes(schema_name: str, data: Any, only: Iterable[str] | None = None, folder: Path = SCHEMAS) -> bool | None:
    """True when ``data`` passes ``<folder>/<schema_name>``, False when it does not, None when unsure.

    With ``only``, just those top-level sections are checked, each against its own part of the schema,
    as ``schema.schema_problems`` does. None means the schema uses something not implemented here.
    """
    sections: list[tuple[str | None, Any]] = [(None, data)] if only is None else [(key, data[key]) for key in only]
    answer = True
    for section, value in sections:
        check = _check(folder, schema_name, section)
        if check is None:
            return None
        try:
            answer = answer and check(value)
        except (Unsupported, re.error, TypeError, ValueError, RecursionError):
            return None  # a keyword met late, or an odd value (a comparison between types): let jsonschema say
    return answer
