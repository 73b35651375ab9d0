"""`gen report` and `gen sample-data`: figures recomputed independently from the raw rows, privacy, inputs."""

from __future__ import annotations

import csv
import json
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import CONTRACT, run_cli
from docx_inspect import W, body_text, part, part_names
from recompute import counts, month_extra, points, rates, rows

MONTH = "2024-05"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    for month in ("2024-03", "2024-04", MONTH):
        result = run_cli("sample-data", "--month", month, "--seed", "7", "--out", str(folder))
        assert result.exit_code == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def report(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("report")
    result = run_cli("report", "--month", MONTH, "--data", str(data_dir), "--contract", str(CONTRACT), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    docx, js = (Path(p) for p in result.stdout.split())
    return {"docx": docx, "json": js}


def pct(fraction: Fraction) -> str:
    value = Decimal(fraction.numerator) / Decimal(fraction.denominator) * 100
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def independent_figures(folder: Path) -> dict[str, Fraction]:
    c = counts(folder)
    return {"calls": Fraction(c["calls"]), "tickets": Fraction(c["tickets"]), **rates(c)}


def test_figures_match_an_independent_count(report: dict[str, Path], data_dir: Path) -> None:
    expected = independent_figures(data_dir / MONTH)
    data = json.loads(report["json"].read_text("utf-8"), parse_float=Decimal)
    assert data["data"]["figures"]["calls"]["rows"] == expected["calls"]
    assert data["data"]["figures"]["tickets"]["rows"] == expected["tickets"]
    text = body_text(report["docx"])
    indicator = {"接通率": "接通率", "咨询类即时答复率": "咨询类办件即时答复率", "按时回访率": "按时回访率", "满意率": "满意率"}
    for rate, name in indicator.items():
        item = next(i for i in data["card"]["items"] if i["name"] == name)
        assert item["actual"] == pct(expected[rate]), name
    assert f"接通率{pct(expected['接通率'])}" in text


def test_score_matches_an_independent_computation(report: dict[str, Path], data_dir: Path) -> None:
    parts = points(rates(counts(data_dir / MONTH)), [month_extra(data_dir / MONTH)])
    data = json.loads(report["json"].read_text("utf-8"), parse_float=Decimal)
    assert [Decimal(i["points"]) for i in data["card"]["items"]] == parts
    assert Decimal(data["card"]["total"]) == sum(parts)
    assert f"本月得分{sum(parts)}分" in body_text(report["docx"])


def test_month_over_month_and_year_to_date(report: dict[str, Path], data_dir: Path) -> None:
    data = json.loads(report["json"].read_text("utf-8"), parse_float=Decimal)
    previous = independent_figures(data_dir / "2024-04")
    assert data["previous"]["figures"]["calls"]["rows"] == previous["calls"]
    assert data["last_year"] is None
    assert data["ytd"]["months"] == ["2024-03", "2024-04", "2024-05"]
    assert data["ytd"]["missing"] == ["2024-01", "2024-02"]
    total = sum(independent_figures(data_dir / m)["calls"] for m in data["ytd"]["months"])
    assert data["ytd"]["figures"]["calls"]["rows"] == total
    text = body_text(report["docx"])
    assert "（2024年3月至5月，共3个月，缺少2024年1月至2月的数据）" in text
    assert "阅读提示：本服务年度累计数据缺少2024年1月至2月" in text
    assert "同比无去年同期数据" in text  # said in words, never a bare dash


def test_report_layout_and_charts(report: dict[str, Path]) -> None:
    import zipfile

    text = body_text(report["docx"])
    assert text.startswith("12345热线月报\n2024年第5期（总第17期）")
    headings = ["一、运行概况", "二、诉求分析", "三、承办单位办理情况", "四、热点诉求与典型案例", "五、运行指标与考核得分",
                "六、人员配置与全省排名", "七、存在问题", "八、下步工作", "附表　承办单位办理情况", "数据说明"]
    lines = text.splitlines()
    assert [h for h in headings if h in lines] == headings
    figures = [int(n) for n in re.findall(r"^图(\d+)　", text, re.M)]
    tables = [int(n) for n in re.findall(r"^表(\d+)　", text, re.M)]
    assert figures == list(range(1, len(figures) + 1)) and len(figures) == 5  # contiguous numbering
    assert tables == list(range(1, len(tables) + 1))
    names = part_names(report["docx"])
    charts = [n for n in names if re.fullmatch(r"word/charts/chart\d+\.xml", n)]
    assert len(charts) == 5 and not [n for n in names if n.startswith("word/media/")]  # native, editable charts
    with zipfile.ZipFile(report["docx"]) as archive:
        chart = archive.read(charts[0]).decode("utf-8")
        workbook = [n for n in names if n.startswith("word/embeddings/")]
        assert len(workbook) == 5 and archive.read(workbook[0])[:2] == b"PK"
    assert 'typeface="宋体"' in chart and "<c:numCache>" in chart
    # A chart sits in a line that grows with it: an exact line height (the caption style's) clips it to a
    # sliver in LibreOffice and Word, leaving only its axis labels.
    document = part(report["docx"], "word/document.xml")
    holders = [p for p in document.iter(f"{W}p") if p.find(f".//{W}drawing") is not None]
    assert len(holders) == 5
    for holder in holders:
        spacing = holder.find(f"{W}pPr/{W}spacing")
        assert spacing is not None and spacing.get(f"{W}lineRule") == "auto"


def test_dependent_figures_name_their_months(data_dir: Path, tmp_path: Path) -> None:
    # Only May present: the payment tier and the year to date must say that January–April are missing.
    folder = tmp_path / "data"
    shutil.copytree(data_dir / MONTH, folder / MONTH)
    out = tmp_path / "out"
    result = run_cli("report", "--month", MONTH, "--data", str(folder), "--contract", str(CONTRACT), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    text = body_text(out / f"report-{MONTH}.docx")
    assert "缺少2024年1月至4月的排名，付款档位待定" in text
    assert "环比无上月数据，同比无去年同期数据" in text
    invoices = run_cli("invoices", "--year", "2024", "--data", str(folder), "--contract", str(CONTRACT), "--out", str(out))
    assert invoices.exit_code == 0
    schedule = json.loads((out / "invoices-2024.json").read_text("utf-8"), parse_float=Decimal)
    assert schedule["rows"][1]["chosen"] is None and schedule["rows"][1]["missing_months"][:4] == [
        "2024-01", "2024-02", "2024-03", "2024-04"]  # the report and the schedule agree: pending


def _without_digests(text: str) -> str:
    """Provenance stores sha256 digests, whose hex digits may happen to spell a phone-shaped run."""
    return re.sub(r"[0-9a-f]{64}", "", text)


PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def test_no_personal_data_reaches_the_report(report: dict[str, Path], data_dir: Path) -> None:
    import zipfile

    with zipfile.ZipFile(report["docx"]) as archive:
        texts = [_without_digests(archive.read(n).decode("utf-8")) for n in archive.namelist() if n.endswith(".xml")]
    texts.append(report["json"].read_text("utf-8"))
    names = {t["诉求人"] for t in rows(data_dir / MONTH / "tickets.csv") if len(t["诉求人"]) >= 2}
    any_name = re.compile("|".join(map(re.escape, sorted(names))))
    for text in texts:
        assert not PHONE.search(text)
        assert not ID.search(text)
        assert not re.search(r"0898-8\d{6}", text)
        leaked = sorted({found.group() for found in any_name.finditer(text)})
        assert not leaked, leaked
        assert not re.search(r"[0-9]+号", text)  # house numbers are starred (**号)


def test_confidential_tickets_are_never_quoted(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(data_dir / MONTH, folder / MONTH)
    path = folder / MONTH / "tickets.csv"
    text = path.read_text("utf-8-sig")
    path.write_text(re.sub(r",否\n", ",是\n", text), "utf-8-sig")
    result = run_cli("report", "--month", MONTH, "--data", str(folder), "--contract", str(CONTRACT), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert "典型案例：" not in body_text(tmp_path / "out" / f"report-{MONTH}.docx")


def test_gbk_xlsx_and_renamed_columns_give_the_same_figures(report: dict[str, Path], data_dir: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    folder = tmp_path / "data" / MONTH
    folder.mkdir(parents=True)
    shutil.copy(data_dir / MONTH / "month.yaml", folder)
    tickets = (data_dir / MONTH / "tickets.csv").read_text("utf-8-sig")
    (folder / "tickets.csv").write_bytes(tickets.replace("人工接通", "接通").encode("gbk"))
    book = Workbook()
    sheet = book.active
    with (data_dir / MONTH / "calls.csv").open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.reader(stream):
            sheet.append(["接通" if cell == "人工接通" else cell for cell in row])
    book.save(folder / "calls.xlsx")
    (tmp_path / "data" / "columns.yaml").write_text("calls:\n  answered: 接通\n", "utf-8")
    result = run_cli("report", "--month", MONTH, "--data", str(tmp_path / "data"), "--contract", str(CONTRACT), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    again = json.loads((tmp_path / "out" / f"report-{MONTH}.json").read_text("utf-8"), parse_float=Decimal)
    original = json.loads(report["json"].read_text("utf-8"), parse_float=Decimal)
    assert again["data"]["figures"] == original["data"]["figures"]
    assert again["card"]["items"][:5] == original["card"]["items"][:5]
    assert "columns.yaml" in (again["data"]["columns_file"] or "")


def _broken_copy(data_dir: Path, tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(data_dir / MONTH, folder / MONTH)
    path = folder / MONTH / "calls.csv"
    lines = path.read_text("utf-8-sig").splitlines(keepends=True)
    lines[5] = lines[5].replace(old, new, 1)
    path.write_text("".join(lines), "utf-8-sig")
    return folder


def test_bad_row_fails_with_file_row_and_column(data_dir: Path, tmp_path: Path) -> None:
    folder = _broken_copy(data_dir, tmp_path, ",是,", ",也许,")
    out = tmp_path / "out"
    result = run_cli("report", "--month", MONTH, "--data", str(folder), "--contract", str(CONTRACT), "--out", str(out))
    assert result.exit_code == 1
    assert re.search(r"2024-05/calls\.csv:6:1: (请求人工|人工接通): 错误：应为“是”或“否”，实际是 “也许”", result.stderr)
    assert "--skip-bad-rows" in result.stderr.splitlines()[-1]
    assert not out.exists()
    result = run_cli("report", "--month", MONTH, "--data", str(folder), "--contract", str(CONTRACT), "--out", str(out), "--skip-bad-rows")
    assert result.exit_code == 0, result.stderr
    assert "本月共有1行数据无法读取" in body_text(out / f"report-{MONTH}.docx")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [("2024-05-", "2024/13/", "日期或时间不存在"), ("2024-05-", "2024-06-", "时间不在 2024-05 月内"), ("2024-05-", "五月", "无法识别的时间")],
)
def test_bad_times(data_dir: Path, tmp_path: Path, old: str, new: str, message: str) -> None:
    folder = _broken_copy(data_dir, tmp_path, old, new)
    result = run_cli("report", "--month", MONTH, "--data", str(folder), "--contract", str(CONTRACT), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and message in result.stderr


def test_missing_column_and_missing_month(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(data_dir / MONTH, folder / MONTH)
    path = folder / MONTH / "tickets.csv"
    path.write_text(path.read_text("utf-8-sig").replace("满意度", "评价", 1), "utf-8-sig")
    result = run_cli("report", "--month", MONTH, "--data", str(folder), "--contract", str(CONTRACT), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "缺少列：满意度" in result.stderr
    result = run_cli("report", "--month", "2024-09", "--data", str(folder), "--contract", str(CONTRACT), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "gen sample-data --month 2024-09" in result.stderr
    result = run_cli("report", "--month", "2030-01", "--data", str(folder), "--contract", str(CONTRACT), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "不在任何合同年度的服务期内" in result.stderr
    result = run_cli("report", "--month", "2024-5", "--data", str(folder))
    assert result.exit_code == 2 and "YYYY-MM" in result.stderr


def test_report_is_deterministic(data_dir: Path, tmp_path: Path, report: dict[str, Path]) -> None:
    result = run_cli("report", "--month", MONTH, "--data", str(data_dir), "--contract", str(CONTRACT), "--out", str(tmp_path))
    assert result.exit_code == 0
    assert (tmp_path / f"report-{MONTH}.docx").read_bytes() == report["docx"].read_bytes()


def test_sample_data_is_deterministic(tmp_path: Path) -> None:
    for name, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        assert run_cli("sample-data", "--month", "2024-02", "--seed", seed, "--scale", "0.1", "--out", str(tmp_path / name)).exit_code == 0
    a, b, c = ((tmp_path / n / "2024-02" / "tickets.csv").read_bytes() for n in "abc")
    assert a == b and a != c
    calls = rows(tmp_path / "a" / "2024-02" / "calls.csv")
    assert 700 <= len(calls) <= 1000  # 90,000 a year × 0.1, February's seasonal share


def test_breakdowns_match_an_independent_count(report: dict[str, Path], data_dir: Path) -> None:
    from collections import Counter

    tickets = rows(data_dir / MONTH / "tickets.csv")
    figures = json.loads(report["json"].read_text("utf-8"), parse_float=Decimal)["data"]["figures"]
    groups = figures["tickets"]["groups"]
    for field, column in (("type", "诉求类型"), ("town", "所属乡镇"), ("category", "诉求分类"), ("unit", "承办单位")):
        assert {k: v["rows"] for k, v in groups[field].items()} == dict(Counter(t[column] for t in tickets)), field
    satisfied = Counter(t["承办单位"] for t in tickets if t["满意度"] in ("满意", "基本满意"))
    assert {k: v.get("satisfied", 0) for k, v in groups["unit"].items()} == {k: satisfied.get(k, 0) for k in groups["unit"]}
    calls = rows(data_dir / MONTH / "calls.csv")
    assert {d: v["rows"] for d, v in figures["calls"]["daily"].items()} == dict(sorted(Counter(c["来电时间"][:10] for c in calls).items()))


def _with_details(row: dict[str, str], number: int) -> dict[str, str]:
    """A ticket whose free text holds every kind of personal detail appendix 3 protects."""
    body = f"469028199{number % 10}0101{number % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    id_number = body + "10X98765432"[total % 11]
    row["诉求内容"] = (f"市民{row['诉求人']}（{row['来电号码']}）反映{row['所属乡镇']}建设路{100 + number}号{number % 30 + 1}栋"
                     f"{200 + number}室漏水，身份证号{id_number}，座机0898-8{number:06d}，联系人：{row['诉求人']}。")
    return row


def _pieces(text: str, sizes: set[int]) -> set[str]:
    """Every piece of ``text`` whose length is one of ``sizes``."""
    return {text[i : i + size] for size in sizes for i in range(len(text) - size + 1)}


def test_no_caller_text_reaches_the_report(data_dir: Path, tmp_path: Path) -> None:
    import zipfile

    folder = tmp_path / "data" / MONTH
    shutil.copytree(data_dir / MONTH, folder)
    tickets = rows(folder / "tickets.csv")
    detailed = [_with_details(dict(t), i) for i, t in enumerate(tickets)]
    with (folder / "tickets.csv").open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(tickets[0]))
        writer.writeheader()
        writer.writerows(detailed)
    out = tmp_path / "out"
    result = run_cli("report", "--month", MONTH, "--data", str(tmp_path / "data"), "--contract", str(CONTRACT), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out / f"report-{MONTH}.docx") as archive:
        texts = [_without_digests(archive.read(n).decode("utf-8")) for n in archive.namelist() if n.endswith(".xml")]
    texts.append((out / f"report-{MONTH}.json").read_text("utf-8"))
    # Each hot category has a case composed from its ticket's fields; none of any caller's words is copied.
    assert body_text(out / f"report-{MONTH}.docx").count("典型案例（按工单信息概述）：") == 3
    assert "典型案例" in result.stderr and "案例: " in result.stderr  # the draft offered on the console
    names = {t["诉求人"] for t in detailed if len(t["诉求人"]) >= 2}
    labels = {t[column] for t in detailed for column in ("所属乡镇", "诉求分类", "承办单位")}
    words = {t["诉求内容"][i:i + 8] for t in detailed for i in range(0, len(t["诉求内容"]) - 8, 4)}
    words = {w for w in words if not any(w in label for label in labels)}  # a town's name is not the caller's
    sizes = {len(n) for n in names} | {len(w) for w in words}
    for text in texts:
        assert not PHONE.search(text) and not ID.search(text)
        assert not re.search(r"0898-8\d{6}", text)
        assert not re.search(r"[0-9]+[号栋室]", text)
        pieces = _pieces(text, sizes)  # "n in pieces" is "n in text", for thousands of names at once
        assert not [n for n in names if n in pieces]
        assert not [w for w in words if w in pieces]
