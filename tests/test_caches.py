"""The user's cache: same bytes out whether it is cold, warm, corrupt or off; never stale; really used.

Each test runs `gen` as a separate process with its own cache folder, as a user's shell would: what a
warm run imports is part of the behaviour (a cached contract needs no YAML parser, no JSON Schema, no
jinja2 and no XML library), so it is observed from the outside, in the process's own module table.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTRACT

# Runs gen's CLI in a fresh interpreter, then prints which heavy libraries it had to import.
_PROBE = """
import json, sys
from generator.cli import main
try:
    main(sys.argv[1:], prog_name="gen")
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in ("yaml", "jsonschema", "jinja2", "lxml", "polars") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def _gen(cache: Path | None, *args: str, cwd: Path) -> tuple[int, list[str], str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("HCG_NO_CACHE", None)
    if cache is None:
        env["HCG_NO_CACHE"] = "1"
    else:
        env["HCG_CACHE_DIR"] = str(cache)
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["heavy"], done.stderr


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.docx"))}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "contract.yaml").write_bytes(CONTRACT.read_bytes())
    return folder


def test_a_warm_contract_run_imports_nothing_heavy_and_writes_the_same_bytes(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    code, heavy, err = _gen(cache, "contract", "--year", "2025", "--out", "cold", cwd=home)
    assert code == 0, err
    assert "yaml" in heavy  # the cold run really did the work
    # A valid contract is never handed to jsonschema, and clauses of the usual shapes never to jinja2.
    assert not {"jsonschema", "jinja2", "lxml"} & set(heavy)
    code, heavy, err = _gen(cache, "contract", "--year", "2025", "--out", "warm", cwd=home)
    assert code == 0, err
    assert heavy == []
    code, _, err = _gen(None, "contract", "--year", "2025", "--out", "off", cwd=home)
    assert code == 0, err
    assert _digests(home / "cold") == _digests(home / "warm") == _digests(home / "off")
    assert not (tmp_path / "off-cache").exists()


def test_validate_on_an_unchanged_contract_needs_neither_parser_nor_schema(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _gen(cache, "validate", cwd=home)
    second = _gen(cache, "validate", cwd=home)
    assert first[0] == second[0] == 0
    assert "yaml" in first[1] and second[1] == []
    # The same warnings, in the same words, from the cache.
    assert first[2].splitlines()[:-1] == second[2].splitlines()[:-1]


def test_an_edit_is_never_served_stale(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _gen(cache, "validate", cwd=home)[0] == 0
    contract = home / "contract.yaml"
    good = contract.read_text("utf-8")
    contract.write_text(good.replace("total: 2000000.00", "total: 2000001.00", 1), "utf-8")
    code, heavy, err = _gen(cache, "validate", cwd=home)
    assert code == 1 and "yaml" in heavy and "合计" in err
    contract.write_text(good, "utf-8")
    assert _gen(cache, "validate", cwd=home)[:2] == (0, [])  # the good contract's entry is still there


def test_corrupt_entries_are_ignored_and_recomputed(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _gen(cache, "contract", "--year", "2024", "--out", "first", cwd=home)[0] == 0
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert {p.parent.name for p in entries} >= {"contracts", "models", "parts", "layouts"}
    for entry in entries:
        entry.write_bytes(b"\x80\x04 not a pickle" if entry.suffix == ".pickle" else b"{not json")
    code, heavy, err = _gen(cache, "contract", "--year", "2024", "--out", "second", cwd=home)
    assert code == 0, err
    assert "yaml" in heavy  # nothing usable was found: everything was made again
    assert _digests(home / "first") == _digests(home / "second")


def test_cache_entries_are_private_to_the_user(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _gen(cache, "validate", cwd=home)[0] == 0
    for folder in [p for p in cache.iterdir() if p.is_dir()]:
        assert folder.stat().st_mode & 0o077 == 0, folder
        for entry in folder.iterdir():
            assert entry.stat().st_mode & 0o077 == 0, entry


def test_the_tool_fingerprint_changes_with_any_file_of_the_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import caching

    package = tmp_path / "generator"
    (package / "rules").mkdir(parents=True)
    module = package / "rules" / "money.py"
    module.write_text("RATE = 1\n", "utf-8")
    monkeypatch.setattr(caching, "_PACKAGE", package)
    seen = []
    for change in (lambda: None, lambda: module.write_text("RATE = 2\n", "utf-8"),  # same size, new time
                   lambda: module.write_text("RATE = 10\n", "utf-8"),
                   lambda: (package / "new.py").write_text("", "utf-8")):
        change()
        os.utime(module, ns=(module.stat().st_atime_ns, module.stat().st_mtime_ns + len(seen) * 1000))
        caching.tool_fingerprint.cache_clear()
        seen.append(caching.tool_fingerprint())
    caching.tool_fingerprint.cache_clear()
    assert len(set(seen)) == len(seen)
