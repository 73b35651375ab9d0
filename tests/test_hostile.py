"""Hostile and faulty input of every kind ends in a located Chinese message (or a correct result), in bounded time."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from artifacts import requirements_pdf
from conftest import CONTRACT, copy_month, run_cli, sample_month
from docx_inspect import body_text

MONTH = "2024-03"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_month(tmp_path_factory, MONTH, seed=4)


def _copy(data: Path, tmp_path: Path) -> Path:
    return copy_month(data, MONTH, tmp_path)


def _report(data: Path, tmp_path: Path, *extra: str):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = run_cli("report", "--month", MONTH, "--data", str(data), "--contract", str(CONTRACT), "--out",
                     str(tmp_path / "out"), *extra)
    assert time.perf_counter() - started < 10
    assert "Traceback" not in result.output
    return result


def test_a_shifted_confidential_row_is_never_quoted(data: Path, tmp_path: Path) -> None:
    folder = _copy(data, tmp_path)
    path = folder / MONTH / "tickets.csv"
    lines = path.read_text("utf-8-sig").splitlines(keepends=True)
    header = lines[0].lstrip("\ufeff").rstrip("\n").split(",")
    content = header.index("诉求内容")
    cells = lines[1].rstrip("\n").split(",")
    # The secret text with an unquoted comma: every later column shifts, the 保密 flag with them.
    cells[content] = "王建国电话13812345678,住3栋201"
    cells[-1] = "是"
    lines[1] = ",".join(cells) + "\n"
    path.write_text("".join(lines), "utf-8-sig")
    result = _report(folder, tmp_path, "--skip-bad-rows")
    assert result.exit_code == 0, result.stderr
    text = body_text(tmp_path / "out" / f"report-{MONTH}.docx")
    payload = (tmp_path / "out" / f"report-{MONTH}.json").read_text("utf-8")
    for secret in ("王建国", "13812345678", "3栋201", "住3栋"):
        assert secret not in text and secret not in payload
    assert "比表头多出 1 个单元格" in text


def test_a_refused_cell_is_named_never_quoted(data: Path, tmp_path: Path) -> None:
    folder = _copy(data, tmp_path)
    path = folder / MONTH / "calls.csv"
    lines = path.read_text("utf-8-sig").splitlines(keepends=True)
    column = lines[0].lstrip("\ufeff").split(",").index("请求人工")
    cells = lines[2].split(",")
    cells[column] = "13812345678"
    lines[2] = ",".join(cells)
    path.write_text("".join(lines), "utf-8-sig")
    result = _report(folder, tmp_path, "--skip-bad-rows")
    assert result.exit_code == 0
    # The console names the cell, and says what is wrong, without repeating a value that looks personal.
    assert "calls.csv:3:1: 请求人工: 警告：应为“是”或“否”，实际是 （含个人信息，不显示）" in result.stderr
    assert "13812345678" not in result.stderr
    assert b"13812345678" not in (tmp_path / "out" / f"report-{MONTH}.json").read_bytes()
    with zipfile.ZipFile(tmp_path / "out" / f"report-{MONTH}.docx") as archive:
        assert all(b"13812345678" not in archive.read(n) for n in archive.namelist())
    assert "calls.csv 第3行 请求人工：应为“是”或“否”" in body_text(tmp_path / "out" / f"report-{MONTH}.docx")


def test_personal_data_in_a_category_column_is_not_printed(data: Path, tmp_path: Path) -> None:
    folder = _copy(data, tmp_path)
    path = folder / MONTH / "tickets.csv"
    text = path.read_text("utf-8-sig")
    first = text.splitlines()[1].split(",")[6]  # 所属乡镇 of the first ticket
    path.write_text(text.replace(f",{first},", ",张三13800001111,", 3), "utf-8-sig")
    result = _report(folder, tmp_path)
    assert result.exit_code == 0, result.stderr
    blob = (tmp_path / "out" / f"report-{MONTH}.json").read_text("utf-8") + body_text(tmp_path / "out" / f"report-{MONTH}.docx")
    assert "13800001111" not in blob and "张三" not in blob and "含个人信息" in blob


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.write_text(p.read_text("utf-8-sig").replace("\n", "\n\"unclosed", 1), "utf-8-sig"), "引号没有闭合"),
        (lambda p: p.write_bytes(p.read_bytes() + b"," + b"x" * 200_000 + b"\n"), "单元格过长"),
        (lambda p: p.write_text("", "utf-8"), "文件是空的"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00\x00garbage\x00"), "编码"),
    ],
)
def test_broken_csv_files_are_located(data: Path, tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    folder = _copy(data, tmp_path)
    mutate(folder / MONTH / "calls.csv")
    result = _report(folder, tmp_path)
    assert result.exit_code == 1 and message in result.stderr, result.stderr


def test_unreadable_files_and_folders(data: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root reads everything: make the file a directory instead, which no one can read as a table
        folder = _copy(data, tmp_path)
        (folder / MONTH / "calls.csv").unlink()
        (folder / MONTH / "calls.csv").mkdir()
        result = _report(folder, tmp_path)
        assert result.exit_code == 1 and "不是普通文件" in result.stderr
        return
    folder = _copy(data, tmp_path)
    (folder / MONTH / "calls.csv").chmod(0)
    result = _report(folder, tmp_path)
    assert result.exit_code == 1 and "没有读取权限" in result.stderr


def _xlsx(folder: Path, name: str, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = folder / MONTH / name
    book.save(path)
    return path


def test_an_xlsx_with_a_stale_dimension_is_read_whole(data: Path, tmp_path: Path) -> None:
    import csv

    folder = _copy(data, tmp_path)
    with (folder / MONTH / "tickets.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    path = _xlsx(folder, "tickets.xlsx", rows)
    (folder / MONTH / "tickets.csv").unlink()
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    import re

    parts[sheet] = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:N20"/>', parts[sheet])
    with zipfile.ZipFile(path, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    result = _report(folder, tmp_path)
    assert result.exit_code == 0, result.stderr
    payload = json.loads((tmp_path / "out" / f"report-{MONTH}.json").read_text("utf-8"), parse_float=Decimal)
    assert payload["data"]["figures"]["tickets"]["rows"] == len(rows) - 1  # not the 19 the dimension claims


def test_an_xlsx_bomb_is_refused_quickly(data: Path, tmp_path: Path) -> None:
    folder = _copy(data, tmp_path)
    (folder / MONTH / "calls.csv").unlink()
    path = folder / MONTH / "calls.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (60 << 20) + b"</worksheet>")
    result = _report(folder, tmp_path)
    assert result.exit_code == 1 and "展开后过大" in result.stderr


def test_not_an_xlsx_at_all(data: Path, tmp_path: Path) -> None:
    folder = _copy(data, tmp_path)
    (folder / MONTH / "calls.csv").unlink()
    (folder / MONTH / "calls.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    result = _report(folder, tmp_path)
    assert result.exit_code == 1 and "不是有效的 Excel" in result.stderr


def test_a_device_as_contract_or_month_yaml(data: Path, tmp_path: Path) -> None:
    result = run_cli("validate", "--contract", "/dev/zero")
    assert result.exit_code in (1, 2) and "Traceback" not in result.output
    folder = _copy(data, tmp_path)
    (folder / MONTH / "month.yaml").unlink()
    (folder / MONTH / "month.yaml").symlink_to("/dev/zero")
    result = _report(folder, tmp_path)
    assert result.exit_code == 1 and "不是普通文件" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  total: 2000000.00", "  total: 2000000000000000000000000000000000000.00", "位数过多"),
        ("  annual_calls: 90000", "  annual_calls: " + "9" * 5000, "位数过多"),
        ("    signed_on: 2024-01-17", "    signed_on: 9999-12-31", "格式不正确"),
    ],
)
def test_huge_numbers_and_far_dates_are_located(edited, old: str, new: str, message: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("validate", "--contract", str(edited((old, new))))
    assert result.exit_code == 1 and message in result.stderr and "Traceback" not in result.output


def test_provenance_does_not_depend_on_how_a_path_is_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(CONTRACT, tmp_path / "contract.yaml")
    monkeypatch.chdir(tmp_path)
    assert run_cli("contract", "--year", "2024", "--contract", "contract.yaml", "--out", "a").exit_code == 0
    assert run_cli("contract", "--year", "2024", "--contract", str(tmp_path / "contract.yaml"), "--out", "b").exit_code == 0
    digests = {hashlib.sha256((tmp_path / d / "contract-2024.docx").read_bytes()).hexdigest() for d in ("a", "b")}
    assert len(digests) == 1
    with zipfile.ZipFile(tmp_path / "a" / "contract-2024.docx") as archive:
        custom = archive.read("docProps/custom.xml").decode("utf-8")
    assert str(tmp_path) not in custom


def _generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, bytes]]:
    """A freshly generated contract-2024.docx in tmp_path/out, and its parts."""
    shutil.copy(CONTRACT, tmp_path / "contract.yaml")
    monkeypatch.chdir(tmp_path)
    assert run_cli("contract", "--year", "2024", "--out", "out").exit_code == 0
    path = tmp_path / "out" / "contract-2024.docx"
    with zipfile.ZipFile(path) as archive:
        return path, {n: archive.read(n) for n in archive.namelist()}


def test_verify_refuses_malformed_provenance_and_prints_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, parts = _generated(tmp_path, monkeypatch)
    for bad in (b'{"kind": "contract", "year": "x", "paid": "/etc/passwd"', b"[1, 2]", b'{"kind": "evil"}'):
        custom = parts["docProps/custom.xml"]
        start = custom.index(b"hcg.job")
        value_start = custom.index(b"<vt:lpwstr>", start) + len(b"<vt:lpwstr>")
        value_end = custom.index(b"</vt:lpwstr>", value_start)
        with zipfile.ZipFile(path, "w") as archive:
            for name, blob in parts.items():
                archive.writestr(name, custom[:value_start] + bad.replace(b"&", b"&amp;") + custom[value_end:]
                                 if name == "docProps/custom.xml" else blob)
        result = run_cli("verify", str(path))
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "root:" not in result.output


@pytest.mark.libreoffice
def test_the_same_pdf_twice(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    first = requirements_pdf(tmp_path_factory) / "out"  # the run test_daily_tools' test_pdf_next_to_the_docx looks at
    result = run_cli("requirements", "--year", "2024", "--contract", str(CONTRACT), "--out", str(tmp_path), "--pdf")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "requirements-2024.pdf").read_bytes() == (first / "requirements-2024.pdf").read_bytes()


def test_verify_refuses_entity_tricks_in_the_document_properties(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, parts = _generated(tmp_path, monkeypatch)
    laughs = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><Properties>&c;</Properties>')
    external = b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Properties>&x;</Properties>'
    for bad in (laughs, external):
        with zipfile.ZipFile(path, "w") as archive:
            for name, blob in parts.items():
                archive.writestr(name, bad if name == "docProps/custom.xml" else blob)
        started = time.perf_counter()
        result = run_cli("verify", str(path))
        assert time.perf_counter() - started < 5
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "不是可读取的 Word 文档" in result.output and "root:" not in result.output
