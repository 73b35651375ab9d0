"""Contract years as layers: each change written once, in its year, inherited; signed years never change."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import InputError
from generator.source.loader import load_bytes
from generator.validation import check_document

from conftest import CONTRACT, run_cli
from docx_inspect import body_text

# The worked example of the user guide: a 2026 renewal whose budget drops to 1,900,000, whose staffing
# floor rises to 26 and whose answer-rate target rises to 96 %.
RENEWAL_2026 = """  2026:
    kind: renewal
    contract_number: HILSB2600012CGN00
    budget_year: 2026
    signatories:
      buyer: 周永
      supplier: 李永年
    fees:
      total: 1900000.00
      items:
        - {id: labour, amount: 1580000.00}
        - {id: management, amount: 260000.00}
      labour_cost: {min: 1500000.00, max: 1580000.00}
    terms:
      staffing: {minimum: 26}
    scoring:
      indicators:
        - key: answer_rate
          target: 96
          examples:
            - {input: 0.972, points: 10, note: 97.2% 比 96% 高 1.2 个百分点，封顶 10 分}
            - {input: 0.93, points: 7, note: 93% 比 96% 低 3 个百分点，扣 3 分}
"""


def with_years(text: str, *blocks: str) -> str:
    """The contract text with year entries appended after the last year (before ``snippets:``)."""
    marker = "\n# 多处重复使用的文字段落，只写一次\nsnippets:"
    assert text.count(marker) == 1
    return text.replace(marker, "".join(blocks).rstrip("\n") + "\n" + marker)


def contract_with(*blocks: str, base: str | None = None) -> str:
    return with_years(base if base is not None else CONTRACT.read_text("utf-8"), *blocks)


def year_data(text: str, year: int) -> dict:
    return check_document(load_bytes(text.encode("utf-8"), "contract.yaml")).year(year).data  # type: ignore[return-value]


def errors_of(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        check_document(load_bytes(text.encode("utf-8"), "contract.yaml"))
    return [p.format() for p in caught.value.problems]


# -- merge semantics ------------------------------------------------------------------------------


def test_mappings_merge_key_by_key_and_later_years_inherit() -> None:
    text = contract_with(RENEWAL_2026, "  2027:\n    kind: renewal\n    contract_number: \"\"\n    budget_year: 2027\n"
                                       "    signatories: {buyer: 周永, supplier: 李永年}\n    terms:\n      staffing: {fill_days: 10}\n")
    for year, minimum, fill, total in ((2025, 25, 15, "2000000.00"), (2026, 26, 15, "1900000.00"),
                                       (2027, 26, 10, "1900000.00")):
        data = year_data(text, year)
        assert data["terms"]["staffing"] == {"minimum": minimum, "fill_days": fill}, year
        assert f"{data['fees']['total']:.2f}" == total
    # Keys the change does not name are inherited untouched.
    assert year_data(text, 2027)["terms"]["repair_hours"] == year_data(text, 2024)["terms"]["repair_hours"]


def test_items_with_ids_merge_by_id_and_keep_their_order() -> None:
    data = year_data(contract_with(RENEWAL_2026), 2026)
    items = data["fees"]["items"]
    assert [i["id"] for i in items] == ["labour", "management", "network"]
    assert [str(i["amount"]) for i in items] == ["1580000.00", "260000.00", "60000.00"]
    assert items[0]["name"] == "人工成本费用"  # inherited from the base
    indicator = next(i for i in data["scoring"]["indicators"] if i["key"] == "answer_rate")
    assert indicator["target"] == 96 and indicator["rule"]["per_point"] == 1


def test_null_removes_a_key_and_lists_without_ids_are_replaced_whole() -> None:
    change = ("  2026:\n    kind: renewal\n    contract_number: \"\"\n    budget_year: 2026\n"
              "    signatories: {buyer: 周永, supplier: 李永年}\n"
              "    fees:\n      labour_cost: null\n"
              "    scoring:\n      counts:\n        satisfied: {where: {satisfaction: [满意]}}\n"
              "    parties:\n      buyer:\n        former_name: null\n")
    data = year_data(contract_with(change), 2026)
    assert "labour_cost" not in data["fees"]
    assert data["scoring"]["counts"]["satisfied"]["where"] == {"satisfaction": ["满意"]}
    assert data["scoring"]["counts"]["satisfied"]["label"] == "满意的工单"  # inherited beside the change
    assert "former_name" not in data["parties"]["buyer"]
    assert "labour_cost" in year_data(contract_with(change), 2025)["fees"]


def test_items_are_added_placed_and_removed() -> None:
    change = ("  2026:\n    kind: renewal\n    contract_number: \"\"\n    budget_year: 2026\n"
              "    signatories: {buyer: 周永, supplier: 李永年}\n"
              "    fees:\n      total: 2050000.00\n      items:\n"
              "        - {id: network, _remove: true}\n"
              "        - {id: platform, _after: labour, name: 平台运维费用, content: 平台运维, quantity: 1, unit: 项,"
              " amount: 110000.00}\n")
    data = year_data(contract_with(change), 2026)
    assert [i["id"] for i in data["fees"]["items"]] == ["labour", "platform", "management"]
    assert all(not key.startswith("_") for item in data["fees"]["items"] for key in item)


@pytest.mark.parametrize(
    ("change", "line_text", "message"),
    [
        ("    fes:\n      total: 1900000.00\n", "    fes:", "不认识的键 “fes”"),
        ("    fees:\n      total: 一百九十万\n", "      total: 一百九十万", "应为数字"),
        ("    fees:\n      items:\n        - {id: labor, amount: 1580000.00}\n", "        - {id: labor", "与现有各项都不匹配"),
        ("    fees:\n      items:\n        - {id: nothing, _remove: true}\n", "        - {id: nothing", "没有id为 “nothing” 的项可以删除"),
        ("    fees:\n      total: 1900000.00\n", "      total: 1900000.00", "2026 年度：明细小计合计"),
        ("    fees:\n      tax: 1\n", "      tax: 1", "不认识的键 “tax”"),
    ],
)
def test_a_bad_change_is_located_at_its_line(change: str, line_text: str, message: str, tmp_path: Path) -> None:
    text = contract_with("  2026:\n    kind: renewal\n    contract_number: \"\"\n    budget_year: 2026\n"
                         "    signatories: {buyer: 周永, supplier: 李永年}\n" + change)
    path = tmp_path / "contract.yaml"
    path.write_text(text, "utf-8")
    expected_line = text.splitlines().index(next(line for line in text.splitlines() if line.startswith(line_text))) + 1
    out = tmp_path / "out"
    result = run_cli("contract", "--year", "2026", "--contract", str(path), "--out", str(out))
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if message in line]
    assert lines, result.stderr
    assert any(line.startswith(f"contract.yaml:{expected_line}:") for line in lines), result.stderr
    assert not out.exists()


def test_an_inherited_problem_names_the_years_it_breaks() -> None:
    # 2026 cuts the total but not the items: only 2026 breaks, at the line of its change.
    problems = errors_of(contract_with("  2026:\n    kind: renewal\n    contract_number: \"\"\n    budget_year: 2026\n"
                                       "    signatories: {buyer: 周永, supplier: 李永年}\n"
                                       "    fees:\n      total: 1900000.00\n"))
    assert any("2026 年度：明细小计合计" in p for p in problems), problems
    # A base fact broken for every year names none.
    base = CONTRACT.read_text("utf-8").replace("  total: 2000000.00", "  total: 2000000.50")
    problems = errors_of(base)
    assert any(": fees.items: 错误：明细小计合计" in p for p in problems), problems


# -- signed years never change ----------------------------------------------------------------------


def _digests(contract: Path, out: Path) -> dict[str, str]:
    found = {}
    for year in ("2024", "2025"):
        result = run_cli("contract", "--year", year, "--contract", str(contract), "--out", str(out))
        assert result.exit_code == 0, result.stderr
        for line in result.stdout.split():
            found[Path(line).name] = hashlib.sha256(Path(line).read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _digests(CONTRACT, tmp_path_factory.mktemp("signed"))


def test_adding_a_year_leaves_earlier_documents_byte_identical(signed: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(contract_with(RENEWAL_2026), "utf-8")
    assert _digests(path, tmp_path / "out") == signed


AMOUNTS = st.decimals(min_value=Decimal("100000"), max_value=Decimal("9000000"), places=2)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(total=AMOUNTS, minimum=st.integers(1, 60), target=st.integers(50, 100), fill=st.integers(1, 30))
def test_history_is_preserved_whatever_a_later_year_changes(signed: dict[str, str], tmp_path_factory: pytest.TempPathFactory,
                                                            total: Decimal, minimum: int, target: int, fill: int) -> None:
    folder = tmp_path_factory.mktemp("h")
    change = (f"  2026:\n    kind: renewal\n    contract_number: \"\"\n    budget_year: 2026\n"
              f"    signatories: {{buyer: 周永, supplier: 李永年}}\n"
              f"    fees:\n      total: {total}\n      items:\n        - {{id: labour, amount: {total}}}\n"
              f"        - {{id: management, _remove: true}}\n        - {{id: network, _remove: true}}\n"
              f"      labour_cost: {{min: 0, max: {total}}}\n"
              f"    terms:\n      staffing: {{minimum: {minimum}, fill_days: {fill}}}\n"
              f"    scoring:\n      indicators:\n        - {{key: answer_rate, target: {target}, examples: []}}\n")
    path = folder / "contract.yaml"
    path.write_text(contract_with(change), "utf-8")
    assert run_cli("validate", "--contract", str(path)).exit_code == 0
    assert _digests(path, folder / "out") == signed


def test_verify_of_an_earlier_year_survives_a_new_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(CONTRACT, tmp_path / "contract.yaml")
    monkeypatch.chdir(tmp_path)
    assert run_cli("contract", "--year", "2025", "--out", "out").exit_code == 0
    (tmp_path / "contract.yaml").write_text(contract_with(RENEWAL_2026), "utf-8")
    result = run_cli("verify", "out/contract-2025.docx")
    assert result.exit_code == 0, result.stderr
    (tmp_path / "contract.yaml").write_text(contract_with(RENEWAL_2026).replace("  total: 2000000.00", "  total: 2000000.00 "), "utf-8")
    assert run_cli("verify", "out/contract-2025.docx").exit_code == 0  # a layout change of the text is no change


# -- every document uses the year in force --------------------------------------------------------------


@pytest.fixture(scope="module")
def renewal(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("r2026")
    path = folder / "contract.yaml"
    path.write_text(contract_with(RENEWAL_2026), "utf-8")
    out = folder / "out"
    for args in (("contract", "--year", "2026"), ("invoices", "--year", "2026", "--data", str(folder / "none")),
                 ("diff", "--from", "2025", "--to", "2026")):
        result = run_cli(*args, "--contract", str(path), "--out", str(out))
        assert result.exit_code == 0, result.stderr
    return {"contract": out / "contract-2026.docx", "requirements": out / "requirements-2026.docx",
            "invoices": out / "invoices-2026.json", "invoices_docx": out / "invoices-2026.docx",
            "diff": out / "diff-2025-2026.docx"}


def test_the_renewed_contract_shows_the_new_figures_and_nothing_stale(renewal: dict[str, Path]) -> None:
    text = body_text(renewal["contract"])
    assert "人民币¥1900000.00元/年，大写人民币壹佰玖拾万元整/年" in text
    assert "即¥855000.00元（大写：人民币捌拾伍万伍仟元整）" in text  # 45 %
    assert "即¥570000.00元（大写：人民币伍拾柒万元整）" in text  # 30 %
    assert "人员配置不少于26人" in text and "1. 接通率（96%）" in text and "以96%为满分值" in text
    assert "不高于158万元、不低于150万元" in text
    assert "2000000" not in text and "贰佰万" not in text and "不少于25人" not in text and "接通率（95%）" not in text
    requirements = body_text(renewal["requirements"])
    assert "不少于26人" in requirements and "不高于158万元、不低于150万元" in requirements and "（96%）" in requirements


def test_the_schedule_of_the_renewed_year_uses_its_total(renewal: dict[str, Path]) -> None:
    data = json.loads(renewal["invoices"].read_text("utf-8"), parse_float=Decimal)
    assert data["total"] == Decimal("1900000.00") and data["best_total"] == Decimal("1900000.00")
    assert [r["options"][0]["amount"] for r in data["rows"]] == [Decimal("855000.00"), Decimal("570000.00"), Decimal("475000.00")]
    assert data["rows"][0]["due"] == "2026-03-17"
    assert "人民币壹佰玖拾万元整" in body_text(renewal["invoices_docx"])


def test_the_redline_lists_every_changed_fact(renewal: dict[str, Path]) -> None:
    text = body_text(renewal["diff"])
    summary = text[: text.index("海南省12345政务服务便民热线陵水分平台服务外包项目合同")]
    for path, old, new in (("fees.total", "2000000.00", "1900000.00"),
                           ("fees.items[id=labour].amount", "1660000.00", "1580000.00"),
                           ("fees.items[id=management].amount", "280000.00", "260000.00"),
                           ("fees.labour_cost.min", "1580000.00", "1500000.00"),
                           ("terms.staffing.minimum", "25", "26"),
                           ("scoring.indicators[key=answer_rate].target", "95", "96"),
                           ("years.2026.contract_number", "（空，待手填）", "HILSB2600012CGN00")):
        assert re.search(rf"{re.escape(path)}\n{re.escape(old)}\n{re.escape(new)}", summary), path
    assert "“接通率” · 指标值（%）" in summary and "合同总金额" in summary
    assert "不少于26人" in text  # the body shows the changed clauses


# -- residuals, new-year ------------------------------------------------------------------------------


def test_a_total_with_a_residual_is_accepted_and_adds_up(tmp_path: Path) -> None:
    change = ("  2026:\n    kind: renewal\n    contract_number: \"\"\n    budget_year: 2026\n"
              "    signatories: {buyer: 周永, supplier: 李永年}\n"
              "    fees:\n      total: 2345678.90\n      items:\n        - {id: labour, amount: 1600000.00}\n"
              "        - {id: management, amount: 685678.90}\n")
    path = tmp_path / "contract.yaml"
    path.write_text(contract_with(change), "utf-8")
    for args in (("contract", "--year", "2026"), ("invoices", "--year", "2026", "--data", str(tmp_path / "none"))):
        result = run_cli(*args, "--contract", str(path), "--out", str(tmp_path / "out"))
        assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out" / "invoices-2026.json").read_text("utf-8"), parse_float=Decimal)
    best = [Decimal(r["options"][0]["amount"]) for r in data["rows"]]
    # 45 % → 1055555.505 → .51; 30 % → 703703.67; 25 % → 586419.725 → .73, less the fen that overshoots.
    assert best == [Decimal("1055555.51"), Decimal("703703.67"), Decimal("586419.72")]
    assert sum(best) == Decimal("2345678.90")
    assert data["rows"][2]["options"][0]["residual"] == Decimal("-0.01")
    text = body_text(tmp_path / "out" / "contract-2026.docx")
    assert "即¥586419.72元（大写：人民币伍拾捌万陆仟肆佰壹拾玖元柒角贰分）（含尾差-0.01元" in text
    assert "尾差" in body_text(tmp_path / "out" / "invoices-2026.docx")


def test_new_year_appends_a_skeleton_and_keeps_every_line(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    shutil.copy(CONTRACT, path)
    before = path.read_text("utf-8")
    result = run_cli("new-year", "2026", "--contract", str(path))
    assert result.exit_code == 0, result.stderr
    after = path.read_text("utf-8")
    opcodes = SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False).get_opcodes()
    assert [op for op, *_ in opcodes] == ["equal", "insert", "equal"]  # one block added, nothing else touched
    assert "  2026:\n    kind: renewal\n" in after and "    budget_year: 2026\n" in after and "#     - {id: labour" in after
    assert "contract_number" in result.stdout and "gen validate" in result.stdout
    assert run_cli("validate", "--contract", str(path)).exit_code == 0
    again = run_cli("new-year", "2026", "--contract", str(path))
    assert again.exit_code == 2 and "已有 2026 年度" in again.stderr
    assert path.read_text("utf-8") == after


def test_a_report_uses_the_contract_year_of_its_service_month(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(contract_with(RENEWAL_2026), "utf-8")
    data = tmp_path / "data"
    assert run_cli("sample-data", "--month", "2026-02", "--scale", "0.1", "--out", str(data)).exit_code == 0
    result = run_cli("report", "--month", "2026-02", "--data", str(data), "--contract", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.stderr
    report = json.loads((tmp_path / "o" / "report-2026-02.json").read_text("utf-8"), parse_float=Decimal)
    assert report["contract_year"] == 2026 and report["staff_minimum"] == 26
    assert report["card"]["items"][0]["target"] == "96%"
