"""Exports as offices really produce them: Excel-resaved CSV, GBK, xlsx with title rows, mapped headers."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import CONTRACT, run_cli
from docx_inspect import body_text

MONTH = "2024-05"


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("orig")
    assert run_cli("sample-data", "--month", MONTH, "--seed", "9", "--scale", "0.15", "--out", str(folder)).exit_code == 0
    out = tmp_path_factory.mktemp("out")
    result = run_cli("report", "--month", MONTH, "--data", str(folder), "--contract", str(CONTRACT), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return folder, json.loads((out / f"report-{MONTH}.json").read_text("utf-8"), parse_float=Decimal)


def _table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def _excel_time(text: str) -> str:
    """How Excel writes a time cell back to CSV in a Chinese locale: 2024/5/1 0:49 (no seconds, no padding)."""
    if not text:
        return ""
    value = datetime.fromisoformat(text)
    return f"{value.year}/{value.month}/{value.day} {value.hour}:{value.minute:02d}"


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(folder / MONTH, target / MONTH)
    return target


def _report(data: Path, tmp_path: Path, *extra: str) -> tuple[int, str, dict | None]:
    out = tmp_path / "out"
    result = run_cli("report", "--month", MONTH, "--data", str(data), "--contract", str(CONTRACT), "--out", str(out), *extra)
    payload = json.loads((out / f"report-{MONTH}.json").read_text("utf-8"), parse_float=Decimal) if result.exit_code == 0 else None
    return result.exit_code, result.stderr, payload


def _same_figures(a: dict, b: dict) -> None:
    assert a["data"]["figures"] == b["data"]["figures"]
    assert [i["points"] for i in a["card"]["items"]] == [i["points"] for i in b["card"]["items"]]


def test_excel_resaved_gbk_csv_gives_the_same_figures(original: tuple[Path, dict], tmp_path: Path) -> None:
    folder, expected = original
    data = _copy(folder, tmp_path)
    for name, time_columns in (("calls.csv", ("来电时间",)), ("tickets.csv", ("受理时间", "办结时间", "回访时间"))):
        rows = _table(folder / MONTH / name)
        positions = [rows[0].index(c) for c in time_columns]
        for row in rows[1:]:
            for p in positions:
                row[p] = _excel_time(row[p])
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        (data / MONTH / name).write_bytes(out.getvalue().encode("gbk"))
    code, stderr, payload = _report(data, tmp_path)
    assert code == 0, stderr
    _same_figures(payload, expected)  # type: ignore[arg-type]


def test_xlsx_with_title_rows_serial_dates_and_text_cells(original: tuple[Path, dict], tmp_path: Path) -> None:
    from openpyxl import Workbook

    folder, expected = original
    data = _copy(folder, tmp_path)
    for name in ("calls", "tickets"):
        rows = _table(folder / MONTH / f"{name}.csv")
        book = Workbook()
        sheet = book.active
        sheet.append([f"某某热线平台{name}导出"])  # title rows above the header, as platforms write them
        sheet.append(["导出时间：2024年6月1日"])
        sheet.append(rows[0])
        for row in rows[1:]:
            cells: list[object] = []
            for header, cell in zip(rows[0], row, strict=True):
                if header.endswith("时间") and cell:
                    cells.append(datetime.fromisoformat(cell))  # a real date cell (Excel serial inside)
                elif header.endswith("(秒)"):
                    cells.append(int(cell))
                else:
                    cells.append(cell)
            sheet.append(cells)
        book.save(data / MONTH / f"{name}.xlsx")
        (data / MONTH / f"{name}.csv").unlink()
    code, stderr, payload = _report(data, tmp_path)
    assert code == 0, stderr
    _same_figures(payload, expected)  # type: ignore[arg-type]


def test_both_csv_and_xlsx_is_an_error_naming_both(original: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = original
    data = _copy(folder, tmp_path)
    shutil.copy(data / MONTH / "calls.csv", data / MONTH / "calls.xlsx")
    code, stderr, _ = _report(data, tmp_path)
    assert code == 1 and "同时有 calls.csv 和 calls.xlsx" in stderr


def test_the_nearest_columns_yaml_wins_and_keys_may_be_chinese(original: tuple[Path, dict], tmp_path: Path) -> None:
    folder, expected = original
    data = _copy(folder, tmp_path)
    path = data / MONTH / "tickets.csv"
    path.write_text(path.read_text("utf-8-sig").replace("满意度", "评价结果", 1), "utf-8-sig")
    (data / "columns.yaml").write_text("tickets:\n  满意度: 不存在的列\n", "utf-8")
    (data / MONTH / "columns.yaml").write_text("tickets:\n  满意度: 评价结果\n", "utf-8")
    code, stderr, payload = _report(data, tmp_path)
    assert code == 0, stderr
    _same_figures(payload, expected)  # type: ignore[arg-type]
    assert payload["data"]["columns_file"] == f"{MONTH}/columns.yaml"  # type: ignore[index]
    assert f"导出表的列名按 {MONTH}/columns.yaml 对照" in body_text(tmp_path / "out" / f"report-{MONTH}.docx")
    (data / MONTH / "columns.yaml").write_text("tickets:\n  满意程度: 评价结果\n", "utf-8")
    code, stderr, _ = _report(data, tmp_path)
    assert code == 1 and "工单明细没有列 “满意程度”（是不是 “满意度”？）" in stderr


def test_a_missing_column_prints_the_line_to_add(original: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = original
    data = _copy(folder, tmp_path)
    path = data / MONTH / "tickets.csv"
    path.write_text(path.read_text("utf-8-sig").replace("满意度", "满意度评价", 1), "utf-8-sig")
    code, stderr, _ = _report(data, tmp_path)
    assert code == 1
    assert "缺少列：满意度" in stderr and "tickets:\n    满意度: 满意度评价" in stderr


def test_too_many_bad_rows_are_refused_even_when_skipping(original: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = original
    data = _copy(folder, tmp_path)
    path = data / MONTH / "calls.csv"
    lines = path.read_text("utf-8-sig").splitlines(keepends=True)
    for index in range(1, len(lines), 10):  # one row in ten: far beyond the documented 5 %
        lines[index] = lines[index].replace(",是,", ",也许,", 1)
    path.write_text("".join(lines), "utf-8-sig")
    code, stderr, _ = _report(data, tmp_path, "--skip-bad-rows")
    assert code == 1 and "超过 5%" in stderr and "跳过坏行也不能生成" in stderr
    assert not (tmp_path / "out").exists()


def test_an_empty_table_is_refused(original: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = original
    data = _copy(folder, tmp_path)
    path = data / MONTH / "tickets.csv"
    path.write_text(path.read_text("utf-8-sig").splitlines()[0] + "\n", "utf-8-sig")
    code, stderr, _ = _report(data, tmp_path, "--skip-bad-rows")
    assert code == 1 and "没有数据行" in stderr


def test_a_rate_without_a_sample_is_said_on_the_cover(original: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = original
    data = _copy(folder, tmp_path)
    path = data / MONTH / "tickets.csv"
    rows = _table(path)
    kind = rows[0].index("诉求类型")
    for row in rows[1:]:
        if row[kind] == "咨询":
            row[kind] = "求助"  # no consultation at all: the instant-reply rate has no sample
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), "utf-8-sig")
    code, stderr, payload = _report(data, tmp_path)
    assert code == 0, stderr
    item = next(i for i in payload["card"]["items"] if i["key"] == "instant_reply_rate")  # type: ignore[index]
    assert item["actual"] == "无样本" and item["no_sample"] is True and "no_data: full" in item["trace"]
    cover = body_text(tmp_path / "out" / f"report-{MONTH}.docx").split("一、运行概况")[0]
    assert "“咨询类办件即时答复率”本月无样本" in cover


def test_hostile_time_forms_are_located(original: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = original
    data = _copy(folder, tmp_path)
    path = data / MONTH / "calls.csv"
    lines = path.read_text("utf-8-sig").splitlines(keepends=True)
    column = lines[0].lstrip("\ufeff").split(",").index("来电时间")
    lines[3] = lines[3].replace("2024-05-", "2024-05-01T00:00:00+08:00 x", 1)
    lines[4] = lines[4].replace(lines[4].split(",")[column], "2024-05-01T08:00:00+08:00", 1)
    path.write_text("".join(lines), "utf-8-sig")
    code, stderr, _ = _report(data, tmp_path)
    assert code == 1 and "calls.csv:5:1: 来电时间: 错误：时间带有时区" in stderr and "Traceback" not in stderr
