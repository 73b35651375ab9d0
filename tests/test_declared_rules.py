"""Rules as data: declared inputs and counts, worked examples, consistent ranges, clause citations."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import CONTRACT, ROOT, run_cli
from docx_inspect import body_text
from recompute import rows

MONTH = "2024-05"


@pytest.fixture(scope="module")
def month_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    for month in ("2024-04", MONTH):
        assert run_cli("sample-data", "--month", month, "--seed", "5", "--scale", "0.2", "--out", str(folder)).exit_code == 0
    return folder


def _errors(path: Path) -> str:
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 1, result.stdout
    assert "Traceback" not in result.output
    return result.stderr


@pytest.mark.parametrize(
    ("replacement", "path", "message"),
    [
        (("        input: 接通率\n", "        input: 接通律\n"), "scoring.indicators[0].rule.input", "没有在 scoring.inputs 中声明"),
        (("      rule: {kind: linear_rate, input: 满意率,", "      rule: {kind: linear_rate, input: 表扬,"),
         "scoring.indicators[4].rule.input", "不能读取分类次数类输入 “表扬”"),
        (("    满意率: {kind: ratio, numerator: satisfied, denominator: rated}",
          "    满意率: {kind: ratio, numerator: satisfied, denominator: graded}"), "scoring.inputs.满意率.denominator",
         "计数 “graded” 没有在 scoring.counts 中声明"),
        (("{label: 人工接通量, table: calls, where: {wants_agent: true, answered: true}}",
          "{label: 人工接通量, table: calls, where: {wants_agent: true, picked_up: true}}"),
         "scoring.counts.answered.where.picked_up", "没有列 “picked_up”"),
        (("{label: 满意的工单, table: tickets, where: {satisfaction: [满意, 基本满意]}}",
          "{label: 满意的工单, table: tickets, where: {satisfaction: [满意, 很满意]}}"),
         "scoring.counts.satisfied.where.satisfaction", "“很满意” 不是列 “satisfaction” 的取值"),
        (("  platforms: 19", "  platforms: 18"), "payment.ranking.worst", "应为第 1-18 名"),
        (("        weights: {一般: 1, 严重: 2}", "        weights: {一般: 1}"), "scoring.indicators[5].rule",
         "weights 的分类（一般）应与输入 “有理由投诉” 的分类一致"),
        (("  trend_rate: 接通率", "  trend_rate: 抽检达标率"), "report.trend_rate", "ratio 类型"),
        (("    clause: liability.late_payment", "    clause: liability.late_fees"), "payment.late_fee.clause",
         "没有条款 “liability.late_fees”"),
    ],
)
def test_inconsistent_declarations_are_located_errors(replacement: tuple[str, str], path: str, message: str,
                                                      edited: Callable[..., Path]) -> None:
    stderr = _errors(edited(replacement))
    assert any(f": {path}: 错误：" in line and message in line for line in stderr.splitlines()), stderr


def test_a_wrong_worked_example_is_reported_with_the_computed_value(edited: Callable[..., Path]) -> None:
    stderr = _errors(edited(("        - {input: 0.93, points: 8, note: 93% 比 95% 低 2 个百分点，扣 2 分}",
                             "        - {input: 0.93, points: 9, note: 93% 比 95% 低 2 个百分点，扣 2 分}")))
    line = next(n for n, text in enumerate(CONTRACT.read_text("utf-8").splitlines(), 1) if "{input: 0.93, points: 8" in text)
    assert f"contract.yaml:{line}:" in stderr
    assert "算例不符：“接通率” 输入 0.93 按规则得 8.00 分，算例写的是 9.00 分。计算过程：93.00% 低于指标值 95%" in stderr


def test_a_wrong_milestone_example_is_reported(edited: Callable[..., Path]) -> None:
    stderr = _errors(edited(("        - {ranks: [5, 5, 5, 5, 6], percent: 29,", "        - {ranks: [5, 5, 5, 5, 6], percent: 30,")))
    assert "算例不符：按规则支付 29%（平均名次 5.20，归入第 6-9 名档），算例写的是 30%" in stderr
    stderr = _errors(edited(("due: 2024-02-29, invoice_by: 2024-02-14", "due: 2024-02-28, invoice_by: 2024-02-14")))
    assert "算例不符：按规则为 2024-02-29" in stderr


def test_shipped_contract_has_two_examples_per_indicator_and_milestone() -> None:
    import yaml

    data = yaml.safe_load(CONTRACT.read_text("utf-8"))
    assert all(len(i.get("examples", [])) >= 2 for i in data["scoring"]["indicators"])
    assert all(len(m.get("examples", [])) >= 2 for m in data["payment"]["milestones"])


def test_a_new_input_in_month_yaml_is_declared_and_checked(edited: Callable[..., Path], month_data: Path,
                                                          tmp_path: Path) -> None:
    path = edited(("    在岗人数: {kind: count, combine: last, unit: 人, description: 当月实际在岗的服务人员数}",
                   "    在岗人数: {kind: count, combine: last, unit: 人, description: 当月实际在岗的服务人员数}\n"
                   "    知识库更新: {kind: count, combine: sum, unit: 条}"))
    data = tmp_path / "data"
    shutil.copytree(month_data / MONTH, data / MONTH)
    result = run_cli("report", "--month", MONTH, "--data", str(data), "--contract", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "2024-05/month.yaml:1:1: 错误：缺少 “知识库更新”：请加上一行 “知识库更新: 0”" in result.stderr
    month_yaml = data / MONTH / "month.yaml"
    month_yaml.write_text(month_yaml.read_text("utf-8") + "知识库更新: 十二\n", "utf-8")
    result = run_cli("report", "--month", MONTH, "--data", str(data), "--contract", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "知识库更新：应为数字；例如 知识库更新: 0" in result.stderr
    month_yaml.write_text(month_yaml.read_text("utf-8").replace("知识库更新: 十二", "知识库更新: 12\n满意度: 0.9"), "utf-8")
    result = run_cli("report", "--month", MONTH, "--data", str(data), "--contract", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "不认识的键 “满意度”" in result.stderr


@pytest.mark.parametrize(("written", "fraction"), [("0.985", "0.985"), ("98.5%", "0.985"), ("98.5（%）", "0.985"), ("98.5", "0.985"),
                                                  ("1", "1")])
def test_rates_in_month_yaml_have_one_reading(month_data: Path, tmp_path: Path, written: str, fraction: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(month_data / MONTH, data / MONTH)
    month_yaml = data / MONTH / "month.yaml"
    month_yaml.write_text(re.sub(r"抽检达标率: .*", f"抽检达标率: {written}", month_yaml.read_text("utf-8")), "utf-8")
    result = run_cli("report", "--month", MONTH, "--data", str(data), "--contract", str(CONTRACT), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.stderr
    report = json.loads((tmp_path / "o" / f"report-{MONTH}.json").read_text("utf-8"), parse_float=Decimal)
    assert report["data"]["inputs"]["抽检达标率"] == fraction or Fraction(report["data"]["inputs"]["抽检达标率"]) == Fraction(fraction)


def test_rank_beyond_the_platforms_is_refused_in_month_yaml(month_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(month_data / MONTH, data / MONTH)
    month_yaml = data / MONTH / "month.yaml"
    month_yaml.write_text(re.sub(r"全省排名: .*", "全省排名: 20", month_yaml.read_text("utf-8")), "utf-8")
    result = run_cli("report", "--month", MONTH, "--data", str(data), "--contract", str(CONTRACT), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "名次 20 超出范围：应为 1-19" in result.stderr


def test_changing_the_satisfied_answers_changes_only_the_numerator(edited: Callable[..., Path], month_data: Path,
                                                                   tmp_path: Path) -> None:
    path = edited(("{label: 满意的工单, table: tickets, where: {satisfaction: [满意, 基本满意]}}",
                   "{label: 满意的工单, table: tickets, where: {satisfaction: [满意]}}"))
    result = run_cli("report", "--month", MONTH, "--data", str(month_data), "--contract", str(path), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    report = json.loads((tmp_path / f"report-{MONTH}.json").read_text("utf-8"), parse_float=Decimal)
    tickets = rows(month_data / MONTH / "tickets.csv")
    satisfied = sum(t["满意度"] == "满意" for t in tickets)
    rated = sum(t["满意度"] in ("满意", "基本满意", "不满意") for t in tickets)
    counts = report["data"]["figures"]["tickets"]["counts"]
    assert (counts["satisfied"], counts["rated"]) == (satisfied, rated)
    item = next(i for i in report["card"]["items"] if i["key"] == "satisfaction_rate")
    shown = (Decimal(satisfied) / Decimal(rated) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert item["actual"] == f"{shown}%"
    text = body_text(tmp_path / f"report-{MONTH}.docx")
    assert "满意的工单指满意度为满意的工单" in text  # the data note defines the rate from the data


def test_a_revisit_window_from_the_data(edited: Callable[..., Path], month_data: Path, tmp_path: Path) -> None:
    path = edited(("where: {closed: present, revisited: {within_hours: 24, after: closed}}",
                   "where: {closed: present, revisited: {within_hours: 48, after: closed}}"))
    result = run_cli("report", "--month", MONTH, "--data", str(month_data), "--contract", str(path), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    from datetime import datetime, timedelta

    on_time = 0
    for t in rows(month_data / MONTH / "tickets.csv"):
        if t["办结时间"] and t["回访时间"]:
            done, back = datetime.fromisoformat(t["办结时间"]), datetime.fromisoformat(t["回访时间"])
            on_time += done <= back <= done + timedelta(hours=48)
    report = json.loads((tmp_path / f"report-{MONTH}.json").read_text("utf-8"), parse_float=Decimal)
    assert report["data"]["figures"]["tickets"]["counts"]["revisited_on_time"] == on_time
    assert "回访时间在办结时间之后48小时内" in body_text(tmp_path / f"report-{MONTH}.docx")


def test_year_kind_is_available_to_clause_text(edited: Callable[..., Path], tmp_path: Path) -> None:
    path = edited(("并根据调整后的用户需求书续签本合同", "并根据调整后的用户需求书{{ '自动续期' if year.kind == 'automatic' else '续签' }}本合同"))
    text = path.read_text("utf-8").replace("  2025:\n    kind: renewal", "  2025:\n    kind: automatic")
    path.write_text(text, "utf-8")
    for year, word in (("2024", "续签本合同"), ("2025", "自动续期本合同")):
        result = run_cli("contract", "--year", year, "--contract", str(path), "--out", str(tmp_path))
        assert result.exit_code == 0, result.stderr
        assert word in body_text(tmp_path / f"contract-{year}.docx")


def test_an_inserted_article_renumbers_the_citations(edited: Callable[..., Path], tmp_path: Path) -> None:
    path = edited(("  - id: cooperation\n", "  - id: definitions\n    title: 定义\n    body:\n      - 本合同所称平台，指本项目的热线平台。\n"
                                            "  - id: cooperation\n"))
    assert run_cli("invoices", "--year", "2024", "--contract", str(path), "--paid", str(_paid(tmp_path)), "--as-of", "2024-12-31",
                   "--out", str(tmp_path / "o"), "--data", str(tmp_path / "none")).exit_code == 0
    text = body_text(tmp_path / "o" / "invoices-2024.docx")
    assert "（合同第六条2）" in text and "依据合同第九条1：" in text


def _paid(tmp_path: Path) -> Path:
    path = tmp_path / "paid.yaml"
    path.write_text("- {milestone: m1, paid_on: 2024-03-20, amount: 900000.00}\n", "utf-8")
    return path


def test_no_contract_fact_in_the_code() -> None:
    facts = re.compile(r"陵水|椰林|英州|营商环境建设局|中国电信|469028|第[一二三四五六七八九十]+条[0-9]|24 ?小时|含基本满意|"
                       r"满意, 基本满意|全省19|19个|9万|三档")
    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if facts.search(code) and not code.strip().startswith(('"""', "``")):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_month_schema_is_current() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "month_schema.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
