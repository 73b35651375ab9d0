"""Hostile and broken input beyond the YAML loader: exports, output names, atomic batches, random mutations."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import GenError, InputError
from generator.output.batch import LOCK_NAME, safe_name, write_batch
from generator.source.loader import load_bytes

from conftest import CONTRACT, copy_month, run_cli, sample_month
from docx_inspect import body_text

MONTH = "2024-03"


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_month(tmp_path_factory, MONTH, seed=3)


def _copy(small_data: Path, tmp_path: Path) -> Path:
    return copy_month(small_data, MONTH, tmp_path)


def _report(data: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli("report", "--month", MONTH, "--data", str(data), "--contract", str(CONTRACT), "--out", str(out), *extra)


def test_control_characters_in_exports_are_removed_and_reported(small_data: Path, tmp_path: Path) -> None:
    data = _copy(small_data, tmp_path)
    path = data / MONTH / "tickets.csv"
    lines = path.read_text("utf-8-sig").splitlines(keepends=True)
    lines[3] = lines[3].replace("反映", "反\x07映", 1) if "反映" in lines[3] else lines[3].replace("，", "\x01，", 1)
    path.write_text("".join(lines), "utf-8-sig")
    result = _report(data, tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert f"{MONTH}/tickets.csv:4:1: 诉求内容: 警告：含有 Word 不允许的控制字符，已删除" in result.stderr
    assert "不可见控制字符" in body_text(tmp_path / "out" / f"report-{MONTH}.docx")


def test_excel_mangled_numbers_are_reported(small_data: Path, tmp_path: Path) -> None:
    data = _copy(small_data, tmp_path)
    path = data / MONTH / "tickets.csv"
    lines = path.read_text("utf-8-sig").splitlines(keepends=True)
    cells = lines[2].split(",")
    cells[2] = "1.38123E+10"
    lines[2] = ",".join(cells)
    path.write_text("".join(lines), "utf-8-sig")
    result = _report(data, tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert f"{MONTH}/tickets.csv:3:1: 来电号码: 警告：疑似被 Excel 截断的号码" in result.stderr


@pytest.mark.parametrize("name", ["../escape.docx", "CON.docx", "con", "a:b.docx", "x*?.docx", "x" * 300, "", ".hidden"])
def test_unsafe_output_names_are_refused(name: str) -> None:
    with pytest.raises(GenError):
        safe_name(name)


def test_a_failed_batch_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "doc-2.docx").write_bytes(b"older")
    files = {f"doc-{i}.docx": f"new {i}".encode() for i in range(1, 6)}
    real_replace, calls = os.replace, []

    def failing(src: str | Path, dst: str | Path) -> None:
        calls.append(dst)
        if str(dst).endswith("doc-4.docx"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(GenError, match="No space left on device"):
        write_batch(out, files)
    monkeypatch.undo()
    assert sorted(p.name for p in out.iterdir() if p.name != LOCK_NAME) == ["doc-2.docx"]
    assert (out / "doc-2.docx").read_bytes() == b"older"


def test_a_failed_report_leaves_older_files_untouched(small_data: Path, tmp_path: Path) -> None:
    data = _copy(small_data, tmp_path)
    out = tmp_path / "out"
    assert _report(data, out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (data / MONTH / "month.yaml").write_text("全省排名: 第四\n", "utf-8")
    result = _report(data, out)
    assert result.exit_code == 1 and "month.yaml" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


LINES = CONTRACT.read_text("utf-8").splitlines(keepends=True)
JUNK = st.sampled_from(["", "  ", "- ", ": ", "#", "{{", "}}", "{% for %}", "&a ", "*a", "!!python/object ", "NO", "010",
                        "2024-02-30", "\t", "'", '"', "[", "]", "{", "}", "中文", "1e9", "- - -", "---", "~", "|", ">"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(LINES) - 1), st.integers(0, 3), JUNK), min_size=1, max_size=4))
def test_mutated_contract_gives_output_or_a_clean_error(tmp_path: Path, edits: list[tuple[int, int, str]]) -> None:
    lines = list(LINES)
    for index, action, junk in edits:
        if action == 0:
            lines[index] = junk + lines[index]
        elif action == 1:
            lines[index] = lines[index].rstrip("\n") + junk + "\n"
        elif action == 2:
            lines[index] = ""
        else:
            lines.insert(index, lines[index])
    path = tmp_path / "contract.yaml"
    path.write_text("".join(lines), "utf-8")
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert result.stderr.startswith("contract.yaml:")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**32 - 1))
def test_mutated_exports_give_a_report_or_a_clean_error(small_data: Path, tmp_path_factory: pytest.TempPathFactory,
                                                      seed: int) -> None:
    tmp_path = tmp_path_factory.mktemp("mut")
    data = _copy(small_data, tmp_path)
    rng = random.Random(seed)
    name = rng.choice(["calls.csv", "tickets.csv"])
    path = data / MONTH / name
    rows = path.read_text("utf-8-sig").splitlines()
    for _ in range(rng.randrange(1, 4)):
        row = rng.randrange(len(rows))
        cells = rows[row].split(",")
        cells[rng.randrange(len(cells))] = rng.choice(["", "是否", "-1", "2024-13-01 00:00:00", "\x00", "咨询?", "1e400", "是"])
        rows[row] = ",".join(cells)
    path.write_text("\n".join(rows) + "\n", "utf-8-sig")
    result = _report(data, tmp_path / "out", *(["--skip-bad-rows"] if rng.random() < 0.5 else []))
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=300).map(str.encode))
def test_fuzz_the_loader(raw: bytes) -> None:
    try:
        document = load_bytes(raw, "fuzz.yaml")
    except InputError as error:
        assert all(p.file == "fuzz.yaml" and p.line >= 1 for p in error.problems)
        return
    from generator.source.schema import schema_problems

    schema_problems(document, "contract.schema.json")  # must not raise
