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
from docx_inspect import body_text, part_names
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
    data = json.loads(report["json"].read_text("utf-8"))
    assert data["counts"]["calls"] == expected["calls"]
    assert data["counts"]["tickets"] == expected["tickets"]
    text = body_text(report["docx"])
    indicator = {"接通率": "接通率", "咨询类即时答复率": "咨询类办件即时答复率", "按时回访率": "按时回访率", "满意率": "满意率"}
    for rate, name in indicator.items():
        item = next(i for i in data["card"]["items"] if i["name"] == name)
        assert item["actual"] == pct(expected[rate]), name
    assert f"接通率{pct(expected['接通率'])}" in text


def test_score_matches_an_independent_computation(report: dict[str, Path], data_dir: Path) -> None:
    parts = points(rates(counts(data_dir / MONTH)), [month_extra(data_dir / MONTH)])
    data = json.loads(report["json"].read_text("utf-8"))
    assert [Decimal(i["points"]) for i in data["card"]["items"]] == parts
    assert Decimal(data["card"]["total"]) == sum(parts)
    assert f"本月得分{sum(parts)}分" in body_text(report["docx"])


def test_month_over_month_and_year_to_date(report: dict[str, Path], data_dir: Path) -> None:
    data = json.loads(report["json"].read_text("utf-8"))
    previous = independent_figures(data_dir / "2024-04")
    assert data["previous"]["calls"] == previous["calls"]
    assert data["last_year"] is None
    assert data["ytd_months"] == ["2024-03", "2024-04", "2024-05"]
    total = sum(independent_figures(data_dir / m)["calls"] for m in data["ytd_months"])
    assert data["ytd_counts"]["calls"] == total
    assert "（2024-03至2024-05，共3个月）" in body_text(report["docx"])


def test_report_layout_and_charts(report: dict[str, Path]) -> None:
    text = body_text(report["docx"])
    assert text.startswith("12345热线月报\n2024年第5期（总第17期）")
    for heading in ("一、总体运行情况", "二、诉求分析", "三、热点诉求", "四、运行指标与考核得分", "五、人员配置",
                    "六、全省排名与付款档位", "七、存在问题与下步工作", "附表　承办单位办理情况"):
        assert heading in text.splitlines()
    media = [n for n in part_names(report["docx"]) if n.startswith("word/media/")]
    assert len(media) == 5
    import zipfile

    with zipfile.ZipFile(report["docx"]) as archive:
        png = archive.read(media[0])
    width = int.from_bytes(png[16:20], "big")
    assert width >= 1500  # 300 dpi at about 15 cm


PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def test_no_personal_data_reaches_the_report(report: dict[str, Path], data_dir: Path) -> None:
    import zipfile

    with zipfile.ZipFile(report["docx"]) as archive:
        texts = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")]
    texts.append(report["json"].read_text("utf-8"))
    names = {t["诉求人"] for t in rows(data_dir / MONTH / "tickets.csv") if len(t["诉求人"]) >= 2}
    for text in texts:
        assert not PHONE.search(text)
        assert not ID.search(text)
        assert not re.search(r"0898-8\d{6}", text)
        leaked = [n for n in names if n in text]
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
    assert "典型案例" not in body_text(tmp_path / "out" / f"report-{MONTH}.docx")


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
    again = json.loads((tmp_path / "out" / f"report-{MONTH}.json").read_text("utf-8"))
    original = json.loads(report["json"].read_text("utf-8"))
    assert again["counts"]["answered"] == original["counts"]["answered"]
    assert again["card"]["items"][:5] == original["card"]["items"][:5]


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
    assert not out.exists()
    result = run_cli("report", "--month", MONTH, "--data", str(folder), "--contract", str(CONTRACT), "--out", str(out), "--skip-bad-rows")
    assert result.exit_code == 0, result.stderr
    assert "本月共有1行数据无法读取" in body_text(out / f"report-{MONTH}.docx")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [("2024-05-", "2024/13/", "无法识别的时间"), ("2024-05-", "2024-06-", "不在 2024-05 月内")],
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


def test_a_machine_without_a_cjk_font_gets_the_fix_named(data_dir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    from generator.documents import charts

    charts._pyplot.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [f for f in font_manager.fontManager.ttflist
                                                             if f.name not in charts.CJK_FAMILIES])
    try:
        out = tmp_path / "out"
        result = run_cli("report", "--month", MONTH, "--data", str(data_dir), "--contract", str(CONTRACT), "--out", str(out))
        assert result.exit_code == 1
        assert "没有可用的中文字体" in result.stderr and "fonts-noto-cjk" in result.stderr
        assert not out.exists()
    finally:
        monkeypatch.undo()
        charts._pyplot.cache_clear()


def test_breakdowns_match_an_independent_count(report: dict[str, Path], data_dir: Path) -> None:
    from collections import Counter

    tickets = rows(data_dir / MONTH / "tickets.csv")
    data = json.loads(report["json"].read_text("utf-8"))["counts"]
    assert data["by_type"] == dict(Counter(t["诉求类型"] for t in tickets))
    assert data["by_town"] == dict(Counter(t["所属乡镇"] for t in tickets))
    assert data["by_category"] == dict(Counter(t["诉求分类"] for t in tickets))
    units = Counter(t["承办单位"] for t in tickets)
    assert {name: unit["tickets"] for name, unit in data["by_unit"].items()} == dict(units)
    calls = rows(data_dir / MONTH / "calls.csv")
    assert data["daily_calls"] == dict(sorted(Counter(c["来电时间"][:10] for c in calls).items()))


def _with_details(row: dict[str, str], number: int) -> dict[str, str]:
    """A ticket whose free text holds every kind of personal detail appendix 3 protects."""
    body = f"469028199{number % 10}0101{number % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    id_number = body + "10X98765432"[total % 11]
    row["诉求内容"] = (f"市民{row['诉求人']}（{row['来电号码']}）反映{row['所属乡镇']}建设路{100 + number}号{number % 30 + 1}栋"
                     f"{200 + number}室漏水，身份证号{id_number}，座机0898-8{number:06d}，联系人：{row['诉求人']}。")
    return row


def test_every_kind_of_personal_detail_is_masked(data_dir: Path, tmp_path: Path) -> None:
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
        texts = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")]
    texts.append((out / f"report-{MONTH}.json").read_text("utf-8"))
    assert "典型案例：市民" in body_text(out / f"report-{MONTH}.docx")  # cases are quoted, masked
    names = {t["诉求人"] for t in detailed if len(t["诉求人"]) >= 2}
    for text in texts:
        assert not PHONE.search(text) and not ID.search(text)
        assert not re.search(r"0898-8\d{6}", text)
        assert not re.search(r"[0-9]+[号栋室]", text)
        assert not [n for n in names if n in text]
