"""The user's cache keeps data only, is never stale, never believed by `gen verify`, and refuses unsafe folders.

Each `gen` runs as a separate process with its own cache folder, as a user's shell would. The cases are
the red-team findings of issue 19: a crafted pickle, an edited month entry, an export edited in place
keeping its size and mtime (or removed and made again), a stale layout digest, a foreign or
world-writable cache folder, a cache left by another version of Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import caching
from generator.output.provenance import source_hashes
from generator.source.schema import validator

from conftest import CONTRACT, ROOT, sample_month

MONTH = "2024-05"


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Folders with the contract and a small sample month, old enough (by ctime) for the cache to vouch for.

    Made all at once, so that the wait for their ctimes to age is paid once.
    """
    month = sample_month(tmp_path_factory, MONTH, 7)
    made = []
    for number in range(12):
        folder = tmp_path_factory.mktemp(f"home-{number}")
        shutil.copytree(month, folder / "data")
        (folder / "contract.yaml").write_bytes(CONTRACT.read_bytes())
        (folder / "layout.yaml").write_text("page: {width: 210}\n", "utf-8")  # a source that is no export
        for path in folder.rglob("*"):
            os.utime(path, ns=(path.stat().st_atime_ns, 1_700_000_000_000_000_000))
        made.append(folder)
    time.sleep(caching.RACY_SECONDS + 0.2)
    return made


@pytest.fixture
def home(homes: list[Path]) -> Path:
    return homes.pop()


def _gen(cache: Path | None, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    env.pop("HCG_NO_CACHE", None)
    if cache is None:
        env["HCG_NO_CACHE"] = "1"
    else:
        env["HCG_CACHE_DIR"] = str(cache)
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


def _report(cache: Path | None, home: Path, out: str) -> dict[str, object]:
    done = _gen(cache, "report", "--month", MONTH, "--out", out, cwd=home)
    assert done.returncode == 0, done.stderr
    return json.loads((home / out / f"report-{MONTH}.json").read_text("utf-8"))["data"]["figures"]  # type: ignore[no-any-return]


def _entries(cache: Path, kind: str) -> list[Path]:
    return sorted((cache / kind).glob("*.json"))


def _one_second_more(data: bytes) -> tuple[int, bytes]:
    """Where the first call's line starts, and that line with its waiting time changed (same length)."""
    line = data.split(b"\n")[1]
    fields = line.split(b",")
    fields[4] = fields[4][:-1] + (b"1" if fields[4][-1:] != b"1" else b"2")
    return data.index(line), b",".join(fields)


def _edit_in_place_keeping_size_and_mtime(path: Path) -> None:
    """Change the first call's waiting time, bytes overwritten in place: same size, same mtime."""
    before = path.stat()
    at, line = _one_second_more(path.read_bytes())
    with path.open("r+b") as stream:
        stream.seek(at)
        stream.write(line)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_the_cache_holds_checked_json_data_and_the_same_bytes_come_out(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = _report(cache, home, "cold")
    assert _entries(cache, "month") and _entries(cache, "digest")
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert all(p.suffix == ".json" for p in files), files
    for path in files:
        entry = json.loads(path.read_bytes())
        assert validator(caching.SCHEMA).is_valid(entry), path
        assert entry["key"] == path.stem
    warm = _report(cache, home, "warm")
    off = _report(None, home, "off")
    assert cold == warm == off
    for name in (f"report-{MONTH}.docx", f"report-{MONTH}.json"):
        assert (home / "cold" / name).read_bytes() == (home / "warm" / name).read_bytes() == (home / "off" / name).read_bytes()


def test_the_cache_folder_and_its_entries_are_private(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "deep" / "cache"
    _report(cache, home, "out")
    if os.name == "nt":
        return  # mode bits mean nothing there
    assert cache.stat().st_mode & 0o777 == 0o700
    for path in cache.rglob("*"):
        assert path.stat().st_mode & 0o077 == 0, path


def test_an_export_edited_in_place_with_the_same_size_and_mtime_gives_the_new_figures(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = _report(cache, home, "before")
    _edit_in_place_keeping_size_and_mtime(home / "data" / MONTH / "calls.csv")
    after = _report(cache, home, "after")
    assert after == _report(None, home, "truth")
    assert after["calls"]["sums"] != before["calls"]["sums"]  # type: ignore[index]


def test_an_export_removed_and_made_again_with_the_same_mtime_gives_the_new_figures(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    calls = home / "data" / MONTH / "calls.csv"
    before = _report(cache, home, "before")
    old = calls.stat()
    data = calls.read_bytes()
    at, line = _one_second_more(data)
    calls.unlink()
    calls.write_bytes(data[:at] + line + data[at + len(line):])  # a new file: its freed inode is often handed out again
    os.utime(calls, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert (calls.stat().st_size, calls.stat().st_mtime_ns) == (old.st_size, old.st_mtime_ns)
    after = _report(cache, home, "after")
    assert after == _report(None, home, "truth") != before


def test_a_stale_digest_is_never_recorded(home: Path) -> None:
    """A source edited in place keeping size and mtime (layout.yaml, an export) is recorded by its new digest."""
    source = home / "layout.yaml"  # old enough for the cache to vouch for it
    first = source_hashes([source])[str(source)]
    stamp = source.stat()
    with source.open("r+b") as stream:
        stream.write(b"PAGE")
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    second = source_hashes([source])[str(source)]
    assert second == hashlib.sha256(source.read_bytes()).hexdigest() != first


class _Payload:
    """What a hostile pickle does when loaded: leaves a mark."""

    def __init__(self, mark: Path) -> None:
        self.mark = mark

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"echo pwned > {self.mark}",))


def test_crafted_pickles_and_code_in_the_cache_are_never_executed(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    clean = _report(cache, home, "clean")
    mark = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(mark))
    # Where the old cache kept objects and compiled templates, and where the new one keeps its entries.
    for kind in ("contracts", "validations", "models", "parts", "layouts", "templates", "valid-sections", "months"):
        (cache / kind).mkdir(parents=True, exist_ok=True)
        (cache / kind / f"{caching.key(kind)}.pickle").write_bytes(payload)
    for entry in [*_entries(cache, "month"), *_entries(cache, "digest")]:
        entry.write_bytes(payload)
    for args in (("contract", "--year", "2024", "--out", "c"), ("validate",), ("report", "--month", MONTH, "--out", "r")):
        done = _gen(cache, *args, cwd=home)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    assert not mark.exists()
    assert _report(cache, home, "again") == clean


def test_no_module_of_the_tool_loads_pickle_or_marshal() -> None:
    found = [str(path.relative_to(ROOT)) for path in (ROOT / "generator").rglob("*.py")
             if re.search(r"^\s*(import|from)\s+(pickle|marshal|shelve|dill|cloudpickle)\b", path.read_text("utf-8"), re.M)]
    assert found == []


def test_an_edited_month_entry_is_recomputed_and_never_believed_by_verify(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    truth = _report(cache, home, "truth")
    good = home / "truth" / f"report-{MONTH}.docx"
    for entry in _entries(cache, "month"):
        data = json.loads(entry.read_bytes())
        calls = data["value"]["tables"]["calls"]["figures"]
        calls["counts"] = {name: calls["rows"] for name in calls["counts"]}  # 接通率 100 %
        entry.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    # Edited by hand, its checksum no longer holds: computed again.
    assert _report(cache, home, "hand-edited") == truth
    # Edited with its checksum made to match (a deliberate forgery): a report may believe it …
    for entry in _entries(cache, "month"):
        data = json.loads(entry.read_bytes())
        calls = data["value"]["tables"]["calls"]["figures"]
        calls["counts"] = {name: calls["rows"] for name in calls["counts"]}
        value = json.dumps(data["value"], ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        data["sha256"] = hashlib.sha256(value).hexdigest()
        entry.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    forged = _report(cache, home, "forged")
    assert forged != truth
    # … but `gen verify` never does: it reads the exports again.
    checked = _gen(cache, "verify", str(home / "forged" / f"report-{MONTH}.docx"), cwd=home)
    assert checked.returncode == 1 and "一致" not in checked.stdout.replace("不一致", "")
    assert "改动过" in checked.stdout + checked.stderr
    confirmed = _gen(cache, "verify", str(good), cwd=home)
    assert confirmed.returncode == 0 and "一致" in confirmed.stdout


def test_an_entry_not_of_the_schema_is_recomputed(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    truth = _report(cache, home, "truth")
    for entry in _entries(cache, "month"):
        data = json.loads(entry.read_bytes())
        data["value"]["tables"]["calls"]["figures"]["rows"] = "many"
        entry.write_text(json.dumps(data), "utf-8")
    for entry in _entries(cache, "digest"):
        entry.write_text('{"format": 1}', "utf-8")
    assert _report(cache, home, "again") == truth


def test_a_cache_left_by_another_python_is_harmless(home: Path, tmp_path: Path) -> None:
    """Entries a future format, another interpreter's marshalled code, or truncated files: ignored, recomputed."""
    import marshal

    cache = tmp_path / "cache"
    truth = _report(cache, home, "truth")
    code = bytearray(marshal.dumps(compile("x = 1", "<template>", "exec")))
    code[1:9] = b"\xff" * 8  # bytecode no interpreter of this version can run
    (cache / "templates").mkdir()
    (cache / "templates" / f"{caching.key('templates')}.pickle").write_bytes(pickle.dumps({"{{ x }}": bytes(code)}))
    for number, entry in enumerate(_entries(cache, "month")):
        data = json.loads(entry.read_bytes())
        if number % 2:
            data["format"] = 2
            entry.write_text(json.dumps(data), "utf-8")
        else:
            entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
    for args in (("contract", "--year", "2025", "--out", "c"), ("validate",)):
        done = _gen(cache, *args, cwd=home)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert _report(cache, home, "again") == truth


@pytest.mark.skipif(os.name == "nt", reason="mode bits and owners are POSIX notions; Windows folders are private by ACL")
def test_a_world_writable_cache_folder_is_refused_with_one_warning(home: Path, tmp_path: Path) -> None:
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    done = _gen(cache, "report", "--month", MONTH, "--out", "out", cwd=home)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "缓存目录" in line]
    assert len(warnings) == 1 and "其他用户可写" in warnings[0] and "不使用缓存" in warnings[0]
    assert list(cache.iterdir()) == []  # nothing written into it, nothing read from it


@pytest.mark.skipif(os.name == "nt", reason="mode bits and owners are POSIX notions; Windows folders are private by ACL")
def test_a_cache_folder_of_another_user_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "theirs"
    cache.mkdir(mode=0o700)
    monkeypatch.setenv("HCG_CACHE_DIR", str(cache))
    monkeypatch.delenv("HCG_NO_CACHE", raising=False)
    monkeypatch.setattr(os, "getuid", lambda: cache.stat().st_uid + 1)  # as if the folder were someone else's
    caching.store("digest", "0" * 64, "1" * 64)
    assert caching.load("digest", "0" * 64) is None
    assert list(cache.iterdir()) == []
    warnings = [line for line in capsys.readouterr().err.splitlines() if "缓存目录" in line]
    assert len(warnings) == 1 and "不属于当前用户" in warnings[0]


def test_the_tool_fingerprint_changes_with_any_file_of_the_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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


def test_within_one_gen_all_no_month_is_read_twice_even_with_the_cache_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.exports import month as month_module

    from conftest import run_cli

    assert run_cli("sample-data", "--year", "2024", "--scale", "0.01", "--out", str(tmp_path / "data")).exit_code == 0
    reads: list[str] = []
    real = month_module.read_exports

    def counted(data_dir: Path, month: str, plan: object) -> object:
        reads.append(month)
        return real(data_dir, month, plan)  # type: ignore[arg-type]

    monkeypatch.setattr(month_module, "read_exports", counted)
    monkeypatch.setenv("HCG_NO_CACHE", "1")
    done = run_cli("all", "--year", "2024", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"))
    assert done.exit_code == 0, done.stderr
    assert len(list((tmp_path / "out").glob("report-*.docx"))) == 12
    assert sorted(reads) == sorted(set(reads)) and len(reads) == 12
