"""The schemas of schemas/ as the form library reads them, and labels of data paths for people.

The form library (json-editor) resolves only references inside one schema, in the draft-4 dialect. So
each section's schema is given with every schema file's definitions under ``definitions`` and each
``$ref`` pointed there; the few 2020-12 keywords it lacks are restated (``prefixItems`` as a tuple,
``const`` as a one-value ``enum``). The titles and descriptions are the schemas' own, in Chinese.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from generator.resources import SCHEMAS
from generator.source.layers import LAYERED

__all__ = ["ENTRY_FIELDS", "TABS", "form_schemas", "label_of", "titles_of"]

# What the page shows, tab by tab: the year's own facts, then the contract's sections (schemas' titles).
TABS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("entry", "年度信息", ("entry",)),
    ("parties", "合同双方", ("parties",)),
    ("fees", "费用明细", ("fees",)),
    ("payment", "付款节点与档位", ("payment",)),
    ("terms", "合同条件与人员配置", ("terms",)),
    ("scoring", "考核指标与规则", ("scoring",)),
    ("texts", "条款文字", ("snippets", "preamble", "articles", "appendices")),
    ("other", "其他设置", ("project", "rules", "report", "calendar", "exports", "sample")),
)
# The year's own facts that the editor changes (the assessment is recorded by gen assess --record).
ENTRY_FIELDS = ("kind", "contract_number", "signed_on", "budget_year", "signatories")
_NAMED = re.compile(r"([A-Za-z0-9_]+) = ([^；;。，,]+)")
_REF = re.compile(r"^(?:(?P<file>[a-z]+)\.schema\.json)?(?:#/\$defs/(?P<name>[A-Za-z_][A-Za-z0-9_]*))?$")


@cache
def form_schemas() -> dict[str, Any]:
    """``sections``: per section (and ``entry``) its schema for the form library; ``definitions``: the table
    they all refer to (the page adds it to each)."""
    # The years' change schemas (patch.schema.json) describe what a year writes, not what a form shows.
    files = {path.name.removesuffix(".schema.json"): json.loads(path.read_text("utf-8"))
             for path in sorted(SCHEMAS.glob("*.schema.json")) if path.name != "patch.schema.json"}
    files = {stem: _inlined(schema, schema) for stem, schema in files.items()}
    definitions: dict[str, Any] = {}
    for stem, schema in files.items():
        root = {k: v for k, v in schema.items() if k not in ("$defs", "$schema", "$id")}
        definitions[stem] = _convert(root, stem)
        for name, part in schema.get("$defs", {}).items():
            definitions[f"{stem}__{name}"] = _convert(part, stem)
    # A clause is a paragraph or more: a text box, not a one-line field.
    definitions["common__text"] = {**definitions["common__text"], "format": "textarea"}
    properties = files["contract"]["properties"]
    out = {section: _convert(properties[section], "contract") for section in LAYERED if section in properties}
    year = files["years"]["$defs"]["years"]["additionalProperties"]
    entry = {"title": "年度信息", "description": year["description"].split("：", 1)[0], "type": "object",
             "required": [f for f in year["required"] if f in ENTRY_FIELDS],
             "properties": {f: _convert(year["properties"][f], "years") for f in ENTRY_FIELDS}}
    out["entry"] = entry
    return {"sections": out, "definitions": definitions}


def _inlined(node: Any, schema: dict[str, Any]) -> Any:
    """``node`` with every pointer deeper than one definition (``#/$defs/rule/properties/id``) replaced by
    what it points at: the form library resolves definitions, not paths inside them."""
    if isinstance(node, list):
        return [_inlined(item, schema) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and ref.count("/") > 2:
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return _inlined({**target, **rest}, schema)
    return {key: _inlined(value, schema) for key, value in node.items()}


def _convert(node: Any, stem: str) -> Any:
    if isinstance(node, list):
        return [_convert(item, stem) for item in node]
    if not isinstance(node, dict):
        return node
    node = _flattened(node)
    out: dict[str, Any] = _choices(node)
    for key, value in node.items():
        if key == "$ref":
            out[key] = _local(value, stem)
        elif key == "prefixItems":
            out["items"] = _convert(value, stem)
            out["additionalItems"] = False
        elif key == "items" and value is False:
            continue
        elif key in ("anyOf", "oneOf") and isinstance(value, list):
            out[key] = [_named(_convert(part, stem)) for part in value]
        elif key == "options":
            out[key] = {**out.get(key, {}), **value}
        elif key == "const":
            out["enum"] = [value]
        elif key in ("propertyNames", "$defs", "$schema", "exclusiveMinimum", "exclusiveMaximum"):
            continue
        elif key in ("properties", "patternProperties"):
            out[key] = {name: _convert(part, stem) for name, part in value.items()}
        else:
            out[key] = _convert(value, stem)
    return out


def _flattened(node: dict[str, Any]) -> dict[str, Any]:
    """A schema whose ``allOf`` of ``if``/``then`` adds properties by kind (a rule's ``per_event``) offers them
    all as optional properties: the form library knows no ``if``, and must not drop what the data holds.
    An open map (``additionalProperties`` a schema) may get new keys from the user."""
    out = dict(node)
    extra: dict[str, Any] = {}
    for part in node.get("allOf", ()):
        then = part.get("then", {}) if isinstance(part, dict) else {}
        for name, schema in then.get("properties", {}).items():
            if isinstance(schema, dict) and name not in node.get("properties", {}):
                extra.setdefault(name, schema)
    if extra:
        out["properties"] = {**node.get("properties", {}), **extra}
        out.pop("allOf")
    if isinstance(node.get("additionalProperties"), dict):
        out["options"] = {**out.get("options", {}), "disable_properties": False}
    return out


_KINDS = {"number": "数值", "integer": "整数", "string": "文字", "object": "分类次数等（映射）", "array": "列表",
          "boolean": "是/否", "null": "空"}


def _named(part: Any) -> Any:
    """An alternative of ``anyOf`` named in words in the form's switch (not ``number`` / ``string``)."""
    if isinstance(part, dict) and "title" not in part and part.get("type") in _KINDS:
        return {**part, "title": _KINDS[part["type"]]}
    return part


def _choices(node: dict[str, Any]) -> dict[str, Any]:
    """For a list of allowed values: their type (else the form offers a type switch) and, where the
    description names each value (``original = 原合同；renewal = 续签``), those names in the list."""
    values = node.get("enum")
    if not isinstance(values, list) or not values:
        return {}
    out: dict[str, Any] = {}
    if "type" not in node:
        kinds = {"string" if isinstance(v, str) else "integer" if isinstance(v, int) and not isinstance(v, bool)
                 else "other" for v in values}
        if len(kinds) == 1 and "other" not in kinds:
            out["type"] = kinds.pop()
    named = dict(_NAMED.findall(str(node.get("description", ""))))
    if all(str(v) in named for v in values):
        out["options"] = {"enum_titles": [f"{named[str(v)]}（{v}）" for v in values]}
    return out


def _local(ref: str, stem: str) -> str:
    match = _REF.match(ref)
    if not match:
        raise ValueError(f"unsupported $ref {ref!r}")
    file, name = match.group("file") or stem, match.group("name")
    return f"#/definitions/{file}__{name}" if name else f"#/definitions/{file}"


def titles_of(path: tuple[Any, ...]) -> list[str]:
    """The titles along a path of the merged contract, as the forms show them (a rule's ``per_event`` too)."""
    schemas = form_schemas()
    node: Any = schemas["sections"].get(path[0]) if path else None
    found: list[str] = []
    for depth in range(len(path)):
        node = _resolved(node, schemas["definitions"])
        if not isinstance(node, dict):
            break
        if isinstance(node.get("title"), str):
            found.append(node["title"])
        following = path[depth + 1] if depth + 1 < len(path) else None
        if isinstance(following, int):
            node = node.get("items", {})
        elif following is not None:
            node = node.get("properties", {}).get(following) or node.get("additionalProperties") or {}
    return found


def _resolved(node: Any, definitions: dict[str, Any]) -> Any:
    for _ in range(20):
        if not isinstance(node, dict) or "$ref" not in node:
            break
        title = node.get("title")
        node = {**definitions[node["$ref"].rsplit("/", 1)[-1]], **({"title": title} if title else {})}
    return node


def label_of(path: tuple[Any, ...], item_name: str = "") -> str:
    """A data path for people: the schema titles along it (``合同费用 · “人工成本费用” · 单价（元）``)."""
    names = titles_of(path)
    if not names:
        return ".".join(map(str, path))
    parts = [names[0]]
    if item_name:
        parts.append(f"“{item_name}”")
    if len(names) > 1:
        parts.append(names[-1])
    return " · ".join(parts)
