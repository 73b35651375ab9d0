"""The schema files themselves: valid draft 2020-12, every $ref resolves, Chinese help on every property."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from generator.source.schema import iter_refs, validator

from conftest import ROOT

SCHEMAS = sorted((ROOT / "schemas").glob("*.json"))
CJK = range(0x4E00, 0xA000)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_and_refs_resolve(path: Path) -> None:
    schema = json.loads(path.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    resolver = validator(path.name)._resolver
    for ref in iter_refs(schema):
        assert resolver.lookup(ref).contents is not None


def _properties(schema: Any, where: str = "") -> list[tuple[str, Any]]:
    found = []
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            found.append((f"{where}.{name}", sub))
        for key, sub in schema.items():
            if key != "if":  # conditions name a property, they do not describe one
                found += _properties(sub, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, sub in enumerate(schema):
            found += _properties(sub, f"{where}[{index}]")
    return found


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_property_has_chinese_help(path: Path) -> None:
    schema = json.loads(path.read_text("utf-8"))
    missing = []
    for where, sub in _properties(schema):
        if sub is True or not isinstance(sub, dict):
            continue  # "kind": true inside conditional rules re-admits a property described elsewhere
        text = sub.get("title", "") + sub.get("description", "")
        if "$ref" in sub and not text:
            continue  # described by its target
        if not any(ord(ch) in CJK for ch in text):
            missing.append(where)
    assert not missing, missing


def test_contract_yaml_points_editors_at_the_schema() -> None:
    first = (ROOT / "contract.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schemas/contract.schema.json"


def test_patch_schema_is_current() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "patch_schemas.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_year_changes_get_hover_help_from_the_patch_schema() -> None:
    years = json.loads((ROOT / "schemas" / "years.schema.json").read_text("utf-8"))["$defs"]["years"]["additionalProperties"]
    patch = json.loads((ROOT / "schemas" / "patch.schema.json").read_text("utf-8"))["$defs"]
    for section in ("fees", "payment", "terms", "scoring", "articles"):
        assert years["properties"][section] == {"$ref": f"patch.schema.json#/$defs/{section}"}
        assert "只写变化的部分" in patch[section]["description"]
    item = patch["fees"]["properties"]["items"]["anyOf"][0]["items"]
    assert "required" not in item and {"_remove", "_after", "_before"} <= set(item["properties"])
