"""JSON Schema validation (draft 2020-12, by jsonschema) with errors mapped back to YAML lines and told in Chinese.

One validator per schema file and run, with every file of ``schemas/`` in its registry (so ``$ref``
resolves between siblings and nowhere else) and formats checked (a date must be a real date).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

from generator.errors import Problem
from generator.resources import SCHEMAS
from generator.source.layers import LAYERED
from generator.source.loader import Document, PathKey

_TYPE_NAMES = {
    "object": "映射（键: 值）",
    "array": "列表",
    "string": "文字",
    "number": "数字",
    "integer": "整数",
    "boolean": "true 或 false",
    "null": "空值",
}


def _missing(uri: str) -> Resource:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # an attrs class; mypy sees its fields only with the attrs plugin


@cache
def _schemas() -> dict[str, Any]:
    """Every schema file, keyed by its file URI."""
    return {path.as_uri(): json.loads(path.read_text("utf-8")) for path in sorted(SCHEMAS.glob("*.json"))}


@cache
def _registry() -> tuple[Registry, dict[str, Any]]:
    """Every schema file in a registry, so relative ``$ref`` resolve between siblings."""
    schemas = _schemas()
    registry: Registry = Registry(retrieve=_missing).with_resources(  # type: ignore[call-arg]  # attrs fields (see above)
        (uri, Resource.from_contents(schema)) for uri, schema in schemas.items()
    )
    return registry.crawl(), schemas


@cache
def validator(schema_name: str) -> Draft202012Validator:
    """A validator for ``schemas/<schema_name>``, resolving ``$ref`` to sibling files."""
    registry, schemas = _registry()
    uri = (SCHEMAS / schema_name).as_uri()
    schema = {**schemas[uri], "$id": uri}
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def schema_of(schema_name: str) -> Mapping[str, Any]:
    """The JSON Schema ``schemas/<schema_name>`` as loaded (read once per run)."""
    return _registry()[1][(SCHEMAS / schema_name).as_uri()]


def schema_problems(document: Document, schema_name: str, only: Iterable[str] | None = None) -> list[Problem]:
    """Every schema violation in ``document``, one problem each, located at the offending node.

    With ``only``, just those top-level sections are validated, each against its own part of the schema;
    the caller vouches for the rest and for the top level itself (see ``validation._schema_check``).
    """
    whole = validator(schema_name)
    errors: list[tuple[ValidationError, PathKey]] = []
    if only is None:
        errors += [(error, ()) for error in whole.iter_errors(document.data)]
    else:
        for key in only:
            section = whole.evolve(schema={"$ref": f"{(SCHEMAS / schema_name).as_uri()}#/properties/{key}"})
            errors += [(error, (key,)) for error in section.iter_errors(document.data[key])]
    return sorted({_to_problem(document, _most_specific(error), prefix) for error, prefix in errors})


def _most_specific(error: ValidationError) -> ValidationError:
    while error.context:
        error = best_match(error.context)
    return error


def _to_problem(document: Document, error: ValidationError, prefix: PathKey = ()) -> Problem:
    path = (*prefix, *error.absolute_path)
    message = _message(error)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = _extra_keys(error)
        if extra:
            path = (*path, extra[0])
    return document.problem(path, message)


def _schema_of(error: ValidationError) -> Mapping[str, Any]:
    """The (sub)schema an error is about, as a mapping (jsonschema types it loosely)."""
    return error.schema if isinstance(error.schema, Mapping) else {}


def _extra_keys(error: ValidationError) -> list[str]:
    allowed = _schema_of(error).get("properties", {})
    return [str(key) for key in error.instance if key not in allowed] if isinstance(error.instance, dict) else []


def _message(error: ValidationError) -> str:
    kind, instance = error.validator, error.instance
    value: Any = error.validator_value
    title = _schema_of(error).get("title")
    label = f"（{title}）" if title else ""
    if kind == "required":
        missing = [key for key in value if isinstance(instance, dict) and key not in instance]
        return f"缺少必填项 “{missing[0] if missing else value}”"
    if kind == "additionalProperties":
        allowed = sorted(_schema_of(error).get("properties", {}))
        extra = _extra_keys(error)
        hint = f"；可用的键：{', '.join(allowed)}" if allowed else ""
        # A section of the contract (fees, terms, scoring …) written at the wrong indentation, usually meant as
        # a renewal year's change but appended to whatever came last in the file.
        misplaced = [key for key in extra if key in LAYERED]
        if misplaced and error.absolute_path and error.absolute_path[0] != "years":
            hint += ("。如果这是某个年度的变化，应写在 years.<年度> 下（比 years 中的年度多缩进两格）："
                     f"{'、'.join(misplaced)} 现在被读成了上一项的一部分")
        names = "、".join(f"“{key}”" for key in extra) or "“”"
        return f"不认识的键 {names}（可能拼写错误）{hint}"
    if kind == "type":
        expected = "或".join(_TYPE_NAMES.get(t, t) for t in ([value] if isinstance(value, str) else value))
        hint = ""
        if "string" in str(value) and isinstance(instance, int | Decimal) and not isinstance(instance, bool):
            hint = "；号码、账号、编号请加引号"
        if isinstance(instance, str) and instance.lower() in {"yes", "no", "on", "off", "y", "n"}:
            hint = "；是/否请写 true 或 false"
        return f"应为{expected}{label}，实际是 {_show(instance)}{hint}"
    if kind == "enum":
        return f"取值 {_show(instance)} 无效{label}，应为以下之一：{'、'.join(_show(v) for v in value)}"
    if kind == "const":
        return f"取值应为 {_show(value)}{label}"
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        sign = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}[kind]
        return f"数值 {_show(instance)} 超出范围{label}：应 {sign} {_show(value)}"
    if kind == "minLength":
        return f"不能为空{label}"
    if kind == "pattern":
        return f"格式不正确{label}：{_show(instance)}"
    if kind == "format":
        return f"不是有效的日期{label}：{_show(instance)}（应为 YYYY-MM-DD 且日期真实存在）"
    if kind in ("minItems", "minProperties"):
        return f"至少需要 {value} 项{label}"
    if kind in ("items", "prefixItems", "maxItems"):
        return f"列表项数不对{label}"
    if kind == "uniqueItems":
        return f"列表中有重复项{label}"
    if kind == "propertyNames":
        return f"键名格式不正确{label}"
    return f"{error.message}{label}"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"“{value}”"
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    return str(value)


def iter_refs(schema: Any) -> Iterable[str]:
    """Every ``$ref`` in a schema tree (used to check that each one resolves)."""
    if isinstance(schema, dict):
        for key, item in schema.items():
            if key == "$ref" and isinstance(item, str):
                yield item
            else:
                yield from iter_refs(item)
    elif isinstance(schema, list):
        for item in schema:
            yield from iter_refs(item)


def _resolve(node: Any, resolver: Any) -> tuple[Any, Any]:  # a referencing Resolver (not exported by name)
    """Follow ``$ref`` (by the registry's resolver) until a schema without one, keeping the referrer's title."""
    for _ in range(20):
        if not isinstance(node, dict) or "$ref" not in node:
            break
        resolved = resolver.lookup(node["$ref"])
        title, found, resolver = node.get("title"), resolved.contents, resolved.resolver
        node = {**found, "title": title} if title and isinstance(found, dict) else found
    return node, resolver


def titles(schema_name: str, path: PathKey) -> list[str]:
    """The schema titles along ``path`` (a list index or an ``id=x`` part stands for a list item)."""
    node, resolver = _resolve({"$ref": schema_name}, _registry()[0].resolver(base_uri=(SCHEMAS / schema_name).as_uri()))
    found: list[str] = []
    for part in path:
        if not isinstance(node, dict):
            break
        if isinstance(part, int) or (isinstance(part, str) and "=" in part and "items" in node):
            node = node.get("items", {})
        else:
            properties = node.get("properties", {})
            node = properties.get(part) or node.get("additionalProperties") or {}
        node, resolver = _resolve(node, resolver)
        if isinstance(node, dict) and isinstance(node.get("title"), str):
            found.append(node["title"])
    return found
