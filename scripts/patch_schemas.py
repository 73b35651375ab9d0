"""Write schemas/patch.schema.json: what a year may write to change a section (CI checks it is current).

A year's change states only what changes, so its schema is the section's schema with nothing
required, ``null`` allowed for every key (it removes the key from that year on), and, in lists whose
items carry an ``id`` or ``key``, the control keys ``_remove``, ``_after`` and ``_before``. Editors use
it for hover help and completion under ``years.<year>``; `gen validate` checks the merged year
against the full schema.

    python scripts/patch_schemas.py          # rewrite schemas/patch.schema.json
    python scripts/patch_schemas.py --check  # exit 1 if it differs from what the section schemas give
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from generated import write_or_check

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
TARGET = SCHEMAS / "patch.schema.json"
SECTIONS = {
    "project": "contract.schema.json#/properties/project",
    "parties": "parties.schema.json",
    "fees": "fees.schema.json#/$defs/fees",
    "payment": "fees.schema.json#/$defs/payment",
    "terms": "contract.schema.json#/properties/terms",
    "rules": "contract.schema.json#/properties/rules",
    "exports": "exports.schema.json",
    "scoring": "scoring.schema.json",
    "sample": "sample.schema.json",
    "calendar": "contract.schema.json#/properties/calendar",
    "statutes": "statutes.schema.json#/$defs/section",
    "report": "contract.schema.json#/properties/report",
    "snippets": "contract.schema.json#/properties/snippets",
    "preamble": "contract.schema.json#/properties/preamble",
    "articles": "contract.schema.json#/properties/articles",
    "appendices": "contract.schema.json#/properties/appendices",
}
# Definitions that stay references: scalars, and clause text trees (a changed text is written whole).
KEEP_REFERENCES = ("common.schema.json",)
DROPPED = ("required", "minItems", "minProperties", "$schema", "$defs")
CONTROL = {
    "_remove": {"title": "删除这一项", "description": "写 true：从本年度起删除 id（或 key）相同的这一项。", "const": True},
    "_after": {"title": "放在哪一项之后", "description": "新增或移动的项放在这个 id（或 key）的项之后。", "type": "string"},
    "_before": {"title": "放在哪一项之前", "description": "新增或移动的项放在这个 id（或 key）的项之前。", "type": "string"},
}
NULL = {"type": "null", "title": "删除", "description": "写 null：从本年度起删除此项。"}


def _file(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text("utf-8"))


def _lookup(ref: str, current: str) -> tuple[Any, str]:
    target, _, pointer = ref.partition("#")
    name = target or current
    node = _file(name)
    for part in filter(None, pointer.split("/")):
        node = node[part]
    return node, name


def patch(node: Any, current: str) -> Any:
    """The patch variant of a schema node found in file ``current``."""
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = node["$ref"].partition("#")[0] or current
        if target in KEEP_REFERENCES:
            return node
        found, name = _lookup(node["$ref"], current)
        inlined = patch(found, name)
        return {**inlined, **{k: v for k, v in node.items() if k in ("title", "description")}}
    out: dict[str, Any] = {}
    properties = dict(node.get("properties", {}))
    for branch in node.get("allOf", []):
        # Conditional per-kind properties (a rule's kind may not be restated in a change): allow them all.
        properties.update({k: v for k, v in branch.get("then", {}).get("properties", {}).items() if v is not True})
    for key, value in node.items():
        if key in DROPPED or key in ("allOf", "properties"):
            continue
        if key == "items" and isinstance(value, dict):
            out[key] = patch(value, current)
        elif key == "additionalProperties" and isinstance(value, dict):
            out[key] = _nullable(patch(value, current))  # a free key (an input, a count, an advice) may be removed too
        elif key in ("anyOf", "oneOf"):
            out[key] = [patch(v, current) for v in value]
        else:
            out[key] = value
    if properties:
        out["properties"] = {name: _nullable(patch(value, current)) for name, value in properties.items()}
        if "id" in properties or "key" in properties:
            out["properties"].update(CONTROL)
    return out


def _nullable(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    labels = {k: node[k] for k in ("title", "description") if k in node}
    return {**labels, "anyOf": [node, NULL]}


def render() -> str:
    """The patch schema as JSON text."""
    defs = {}
    for section, ref in SECTIONS.items():
        node, name = _lookup(ref, "contract.schema.json")
        defs[section] = patch(node, name)
        defs[section]["description"] = "自本年度起变化的内容：只写变化的部分，以后年度沿用。" + defs[section].get("description", "")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "title": "年度变更", "description": "由 scripts/patch_schemas.py 根据各部分的结构生成，请勿手工修改。",
              "$defs": defs}
    return json.dumps(schema, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    """Rewrite or check the patch schema."""
    return write_or_check({TARGET: render()}, "python scripts/patch_schemas.py")

if __name__ == "__main__":
    sys.exit(main())
