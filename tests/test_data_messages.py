"""What a person working with the month's data sees: every gap shown where the figure is, messages one
can act on, and one reading of the same values whatever the file type.

* a month whose exports are absent keeps its place in the trend chart, empty and not joined across, with a
  note under the chart; texts that list months name it; statements resting on it carry the caveat; the
  console lists it;
* a rule many cells break is said once (how many, the first rows, the fix); the export's own total row is
  skipped with a note; one bad date is one message;
* a spreadsheet and a CSV holding the same values give the same figures (fractions of a second, TRUE).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import CONTRACT, run_cli, sample_month
from docx_inspect import body_text

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), "utf-8-sig")


def _report(data: Path, out: Path, month: str, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli("report", "--month", month, "--data", str(data), "--contract", str(CONTRACT), "--out", str(out), *extra)


# ------------------------------------------------------------------------------------------- a missing month


@pytest.fixture(scope="module")
def gap(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A report of May with January to March and no April; every rank 8 (not the best tier)."""
    data = tmp_path_factory.mktemp("gap") / "data"
    for month in ("2024-01", "2024-02", "2024-03", "2024-05"):
        assert run_cli("sample-data", "--month", month, "--scale", "0.05", "--out", str(data)).exit_code == 0
        path = data / month / "month.yaml"
        inputs = yaml.safe_load(path.read_text("utf-8"))
        inputs["全省排名"] = 8
        inputs["抽检达标率"] = 0.9  # below its target: the report lists the last three months of it
        path.write_text(yaml.safe_dump(inputs, allow_unicode=True), "utf-8")
    out = data.parent / "out"
    result = _report(data, out, "2024-05")
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out / "report-2024-05.docx") as archive:
        charts = {name: archive.read(name) for name in archive.namelist() if re.fullmatch(r"word/charts/chart\d+\.xml", name)}
    return {"stderr": result.stderr, "text": body_text(out / "report-2024-05.docx"), "charts": charts,
            "json": json.loads((out / "report-2024-05.json").read_text("utf-8"), parse_float=Decimal)}


def _trend(charts: dict[str, bytes]):  # type: ignore[no-untyped-def]
    from lxml import etree

    for data in charts.values():
        root = etree.fromstring(data)
        title = "".join(root.find(f"{C}chart/{C}title").itertext())
        if title.startswith("近"):
            return title, root
    raise AssertionError("no trend chart")


def test_the_trend_chart_keeps_the_missing_month_empty(gap: dict) -> None:
    title, root = _trend(gap["charts"])
    assert title.startswith("近5个月")
    categories = [v.text for v in root.find(f".//{C}ser/{C}cat").iter(f"{C}v")]
    assert categories == ["1月", "2月", "3月", "4月", "5月"]
    for series in root.iter(f"{C}ser"):
        cache = series.find(f"{C}val/{C}numRef/{C}numCache")
        assert cache.find(f"{C}ptCount").get("val") == "5"
        assert [int(pt.get("idx")) for pt in cache.iter(f"{C}pt")] == [0, 1, 2, 4]  # April: no point, not a zero
    assert root.find(f"{C}chart/{C}dispBlanksAs").get("val") == "gap"  # the line is broken, not joined across
    assert "注：2024年4月缺少数据（数据目录中没有该月的导出表），图中留空，前后月份不相连。" in gap["text"]
    assert [m for m, rows, _ in gap["json"]["trend"] if rows is None] == ["2024-04"]


def test_texts_that_list_months_name_the_missing_one(gap: dict) -> None:
    issue = next(line for line in gap["text"].splitlines() if line.startswith(("1.", "2.", "3.", "4.")) and "抽检达标率" in line)
    assert "近3个月：3月90.00%、4月缺少数据、5月90.00%" in issue


def test_statements_resting_on_the_missing_month_carry_the_caveat(gap: dict) -> None:
    text = gap["text"]
    # The year to date, the average rank and its tier: each says which month it lacks.
    assert "本服务年度累计（2024年1月至3月、5月，共4个月，缺少2024年4月的数据）" in text
    assert "缺少2024年4月的排名，付款档位待定" in text
    ranking = next(line for line in text.splitlines() if "付款所依据的平均排名目前为" in line)
    assert "缺少2024年4月的排名" in ranking and "档位待定" in ranking
    assert "阅读提示：本服务年度累计数据缺少2024年4月" in text


def test_the_console_lists_the_missing_month(gap: dict) -> None:
    assert "警告：缺少2024年4月的数据" in gap["stderr"]


# ------------------------------------------------------------------------------------------------ messages


@pytest.fixture(scope="module")
def march(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_month(tmp_path_factory, "2024-03", seed=9)


def _month_copy(march: Path, tmp_path: Path) -> Path:
    shutil.copytree(march / "2024-03", tmp_path / "data" / "2024-03")
    return tmp_path / "data"


def test_a_rule_many_cells_break_is_said_once(march: Path, tmp_path: Path) -> None:
    data = _month_copy(march, tmp_path)
    path = data / "2024-03" / "tickets.csv"
    rows = _rows(path)
    phone = rows[0].index("来电号码")
    for row in rows[1:]:
        row[phone] = "1.38123E+10"  # the whole column as Excel leaves it
    _write(path, rows)
    result = _report(data, tmp_path / "out", "2024-03")
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "疑似被 Excel 截断的号码" in line]
    assert lines == [f"2024-03/tickets.csv:2:1: 来电号码: 警告：疑似被 Excel 截断的号码（科学计数法或末尾变为 000），不作为数据使用；"
                     f"以后导出前请在 Excel 中把这一列设为“文本”格式（共 {len(rows) - 1} 行，例如第 2、3、4 行）"]


def _with_total(rows: list[list[str]]) -> list[list[str]]:
    total = ["合计", ""] + [""] * (len(rows[0]) - 2)
    total[-1] = str(len(rows) - 1)
    return [*rows, total]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_total_row_at_the_bottom_is_skipped_with_a_note(march: Path, tmp_path: Path, kind: str) -> None:
    from openpyxl import Workbook

    plain = _report(_month_copy(march, tmp_path / "plain"), tmp_path / "plain-out", "2024-03")
    assert plain.exit_code == 0
    data = _month_copy(march, tmp_path)
    path = data / "2024-03" / "tickets.csv"
    rows = _with_total(_rows(path))
    if kind == "csv":
        _write(path, rows)
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path.with_suffix(".xlsx"))
        path.unlink()
    result = _report(data, tmp_path / "out", "2024-03")  # no --skip-bad-rows needed
    assert result.exit_code == 0, result.stderr
    line = len(rows)
    assert (f"2024-03/tickets.{kind}:{line}:1: 整行: 警告：是导出表的“合计”行，不是工单记录，已跳过（不计入统计）"
            in result.stderr)
    assert "不能为空" not in result.stderr
    assert f"第{line}行是导出表的“合计”行" in body_text(tmp_path / "out" / "report-2024-03.docx")
    figures = json.loads((tmp_path / "out" / "report-2024-03.json").read_text("utf-8"), parse_float=Decimal)["data"]["figures"]
    expected = json.loads((tmp_path / "plain-out" / "report-2024-03.json").read_text("utf-8"), parse_float=Decimal)["data"]["figures"]
    assert figures == expected


def test_one_bad_date_gives_one_message(march: Path, tmp_path: Path) -> None:
    data = _month_copy(march, tmp_path)
    path = data / "2024-03" / "tickets.csv"
    rows = _rows(path)
    rows[4][rows[0].index("受理时间")] = "2024-03-32 10:00:00"
    _write(path, rows)
    result = _report(data, tmp_path / "out", "2024-03")
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if ":5:" in line] == [
        "2024-03/tickets.csv:5:1: 受理时间: 错误：日期或时间不存在（如 13 月、2 月 30 日、25 点）：应写成 2024-05-03 10:22:11 或 "
        "2024/5/3 10:22，实际是 “2024-03-32 10:00:00”"]


# --------------------------------------------------------------------------------------- one reading of data


def test_a_spreadsheet_and_a_csv_of_the_same_values_give_the_same_figures(march: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    rows = _rows(march / "2024-03" / "calls.csv")
    header = rows[0]
    wait, agent, answered, stamp = (header.index(c) for c in ("等待时长(秒)", "请求人工", "人工接通", "来电时间"))
    for number, row in enumerate(rows[1:]):
        row[wait] = f"{int(row[wait])}.5" if number % 3 == 0 else row[wait]  # fractions of a second
        row[agent] = "TRUE" if row[agent] == "是" else "FALSE"  # as a spreadsheet writes truth values
        row[answered] = "TRUE" if row[answered] == "是" else "FALSE"
    as_csv = _month_copy(march, tmp_path / "csv")
    _write(as_csv / "2024-03" / "calls.csv", rows)
    as_xlsx = _month_copy(march, tmp_path / "xlsx")
    book = Workbook()
    book.active.append(header)
    for row in rows[1:]:
        cells: list[object] = list(row)
        cells[wait] = float(row[wait]) if "." in row[wait] else int(row[wait])
        cells[agent], cells[answered] = row[agent] == "TRUE", row[answered] == "TRUE"
        cells[stamp] = datetime.fromisoformat(row[stamp])
        book.active.append(cells)
    book.save(as_xlsx / "2024-03" / "calls.xlsx")
    (as_xlsx / "2024-03" / "calls.csv").unlink()
    figures = []
    for data in (as_csv, as_xlsx):
        result = _report(data, data.parent / "out", "2024-03")
        assert result.exit_code == 0, result.stderr
        figures.append(json.loads((data.parent / "out" / "report-2024-03.json").read_text("utf-8"), parse_float=Decimal)["data"]["figures"]["calls"])
    assert figures[0] == figures[1]
    # The halves were counted, not cut off: the sum of waits is exact.
    exact = sum(Decimal(r[wait]) for r in rows[1:] if r[agent] == "TRUE" and r[answered] == "TRUE")
    assert exact != int(exact) and Decimal(str(figures[0]["sums"]["平均等待时长"])) == exact


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_truth_value_is_no_number_of_seconds_in_either_file(march: Path, tmp_path: Path, kind: str) -> None:
    from openpyxl import Workbook

    data = _month_copy(march, tmp_path)
    rows = _rows(data / "2024-03" / "calls.csv")
    wait = rows[0].index("等待时长(秒)")
    rows[3][wait] = "TRUE"
    if kind == "csv":
        _write(data / "2024-03" / "calls.csv", rows)
    else:
        book = Workbook()
        for number, row in enumerate(rows):
            cells: list[object] = list(row)
            if number:
                cells[wait] = True if number == 3 else int(row[wait])
            book.active.append(cells)
        book.save(data / "2024-03" / "calls.xlsx")
        (data / "2024-03" / "calls.csv").unlink()
    result = _report(data, tmp_path / "out", "2024-03")
    assert result.exit_code == 1
    assert f"2024-03/calls.{kind}:4:1: 等待时长(秒): 错误：应为秒数（如 12 或 12.5），不是“是/否”" in result.stderr


# ------------------------------------------------------------------------------------------------ sample data


def test_sample_data_fills_every_declared_column(edited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    contract = edited(
        ("      accepted: {name: 受理时间, type: time}\n",
         "      accepted: {name: 受理时间, type: time}\n      responded: {name: 响应时间, type: time, optional: true}\n"
         "      verified: {name: 核实, type: flag}\n      grid: {name: 网格, type: label}\n"),
        ("    satisfied: {label: 满意的工单, table: tickets, where: {satisfaction: [满意, 基本满意]}}\n",
         "    satisfied: {label: 满意的工单, table: tickets, where: {satisfaction: [满意, 基本满意]}}\n"
         "    responded: {label: 24小时内响应的工单, table: tickets, where: {responded: {within_hours: 24, after: accepted}}}\n"
         "    verified: {label: 经核实的工单, table: tickets, where: {verified: true}}\n"),
        ("    满意率: {kind: ratio, numerator: satisfied, denominator: rated}\n",
         "    满意率: {kind: ratio, numerator: satisfied, denominator: rated}\n"
         "    响应率: {kind: ratio, numerator: responded, denominator: closed}\n"
         "    核实率: {kind: ratio, numerator: verified, denominator: closed}\n"))
    assert run_cli("validate", "--contract", str(contract)).exit_code == 0
    data = tmp_path / "data"
    assert run_cli("sample-data", "--month", "2024-05", "--scale", "0.05", "--out", str(data),
                   "--contract", str(contract)).exit_code == 0
    rows = _rows(data / "2024-05" / "tickets.csv")
    for column in ("响应时间", "核实", "网格"):
        values = [row[rows[0].index(column)] for row in rows[1:]]
        assert sum(bool(v) for v in values) > 0.8 * len(values), column
    result = _report(data, tmp_path / "out", "2024-05", "--contract", str(contract))
    assert result.exit_code == 0, result.stderr
    text = body_text(tmp_path / "out" / "report-2024-05.docx")
    for name in ("响应率", "核实率"):
        shown = re.search(name + r"\n([0-9.]+)%", text)
        assert shown and 0 < float(shown.group(1)) <= 100, name


def test_a_very_long_label_is_laid_out_in_bounded_time(march: Path, tmp_path: Path) -> None:
    import time

    data = _month_copy(march, tmp_path)
    path = data / "2024-03" / "tickets.csv"
    rows = _rows(path)
    unit = rows[0].index("承办单位")
    for row in rows[1:4]:
        row[unit] = "县住房和城乡建设局第1名" * 8000  # 96,000 characters, in three rows: shown by name
    _write(path, rows)
    started = time.monotonic()
    result = _report(data, tmp_path / "out", "2024-03")
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 60
    assert ("县住房和城乡建设局第1名" * 8000) in body_text(tmp_path / "out" / "report-2024-03.docx").replace("\n", "")
