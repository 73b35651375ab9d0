"""`gen notice` (合同公告) and `gen acceptance` (履约验收书, 验收结果公告) for both contracts: what they say, what
they leave out, where the figures come from, and that no caller's data reaches them."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import docx
import pytest
import yaml

from conftest import CONTRACT, ROOT, run_cli
from docx_inspect import body_text

SECOND = ROOT / "examples" / "second-contract" / "contract.yaml"
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
MONTHS = [f"2024-{m:02d}" for m in range(1, 11)]
MISSING = "2024-07"


def _gen(*args: str, contract: Path = CONTRACT) -> tuple[str, str]:
    result = run_cli(*args, "--contract", str(contract))
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def _copy(source: Path, tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = source.read_text("utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "contract.yaml"
    path.write_text(text, "utf-8")
    return path


# -- the announcement ----------------------------------------------------------------------------------

def test_notice_has_the_published_fields_and_leaves_out_what_is_marked(tmp_path: Path) -> None:
    _, stderr = _gen("notice", "--year", "2024", "--out", str(tmp_path))
    assert "未公告（statutes.confidential 标记为不公开）：乙方联系电话、乙方收款账户" in stderr
    text = body_text(tmp_path / "notice-2024.docx")
    pasted = (tmp_path / "notice-2024.txt").read_bytes()
    assert not pasted.startswith(b"\xef\xbb\xbf") and b"\r\n" in pasted and b"\n\n" not in pasted.replace(b"\r\n", b"")
    plain = pasted.decode("utf-8")
    assert not INVISIBLE.search(plain)
    for shown in ("一、合同编号：HILSB2400036CGN00", "合同名称：海南省12345政务服务便民热线陵水分平台服务外包项目合同",
                  "项目编号：HNZH-2022-311", "甲方（采购人）：陵水黎族自治县营商环境建设局", "乙方地址：海口市滨海大道52号",
                  "主要标的名称：", "服务要求：人员配置不少于25人", "合同金额：¥2,000,000.00（人民币贰佰万元整）/年",
                  "履约期限：2024年1月17日至2025年1月16日", "履约地点：采购人指定地点", "合同签订日期：2024年1月17日",
                  "合同公告日期：2024年1月19日前（签订之日起2个工作日内，《中华人民共和国政府采购法实施条例》第五十条）",
                  "不予公告：乙方联系电话、乙方收款账户"):
        assert shown in text and shown in plain, shown
    for secret in ("18907556661", "2201020129221188753", "91460000671060098G", "中国工商银行股份有限公司海口蓝天支行"):
        assert secret not in text and secret not in plain and secret not in stderr


def test_notice_of_the_second_contract_leaves_out_its_own_marks(tmp_path: Path) -> None:
    _, stderr = _gen("notice", "--year", "2026", "--out", str(tmp_path), contract=SECOND)
    text = body_text(tmp_path / "notice-2026.docx")
    assert "乙方法定代表人/负责人、乙方联系电话、乙方收款账户" in stderr
    assert "吉文峰" not in text and "13976021458" not in text and "1011203700045129876" not in text
    assert "DFZFCG-2026-006" in text and "2026年3月12日前" in text and "¥1,868,000.00" in text
    assert "东方市政务服务中心12345热线东方分平台" in text  # the place, from the contract's own data


def test_notice_is_verified_like_every_generated_document(tmp_path: Path) -> None:
    _gen("notice", "--year", "2025", "--out", str(tmp_path))
    result = run_cli("verify", str(tmp_path / "notice-2025.docx"), "--contract", str(CONTRACT))
    assert result.exit_code == 0 and "一致" in result.stdout


def test_notice_needs_its_section_and_checks_its_texts(tmp_path: Path) -> None:
    text = CONTRACT.read_text("utf-8")
    start = text.index("  notice:\n")
    end = text.index("  # 履约验收书（gen acceptance）")
    path = tmp_path / "contract.yaml"
    path.write_text(text[:start] + text[end:], "utf-8")
    result = run_cli("notice", "--year", "2024", "--contract", str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "合同中没有 statutes.notice" in result.stderr and not (tmp_path / "out").exists()
    broken = _copy(CONTRACT, tmp_path, ("    place: 采购人指定地点\n", "    place: \"{{ project.nmae }}\"\n"))
    result = run_cli("validate", "--contract", str(broken))
    assert result.exit_code == 1 and "statutes.notice.place" in result.stderr and "nmae" in result.stderr


# -- the acceptance record ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("acceptance-data")
    for month in MONTHS:
        if month != MISSING:
            assert run_cli("sample-data", "--month", month, "--seed", "5", "--scale", "0.1", "--out", str(folder)).exit_code == 0
    return folder


@pytest.fixture(scope="module")
def accepted(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("acceptance")
    result = run_cli("acceptance", "--year", "2024", "--data", str(data_dir), "--contract", str(CONTRACT), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out, result.stderr


def _rows(path: Path, table: int) -> list[list[str]]:
    """Each row's cell texts: a cell's paragraphs on lines, without the line breaks the writer put inside a
    paragraph to keep a token whole (layout, not text)."""
    document = docx.Document(str(path))
    return [["\n".join(p.text.replace("\n", "") for p in cell.paragraphs) for cell in row.cells]
            for row in document.tables[table].rows]


def test_acceptance_lists_each_standard_and_states_only_what_the_data_backs(accepted: tuple[Path, str], data_dir: Path) -> None:
    out, stderr = accepted
    assert f"缺少 {MISSING} 的数据" in stderr
    rows = _rows(out / "acceptance-2024.docx", 1)
    numbers = [row[0] for row in rows[1:]]
    # Every standard of appendix 5 except those the contract marks as describing the project itself.
    assert numbers == ["三", "四", "四（一）", "四（二）", "四（三）", "四（四）", "四（五）", "四（六）", "五", "五（一）", "五（二）",
                       "五（三）", "五（四）", "五（五）", "五（六）", "六", "八（1）", "八（2）"]
    staffing = next(row for row in rows if row[0] == "四（一）")
    for month in MONTHS:
        if month == MISSING:
            assert "7月缺数据" in staffing[2]
            continue
        staff = yaml.safe_load((data_dir / month / "month.yaml").read_text("utf-8"))["在岗人数"]
        assert f"{int(month[5:])}月{staff}人" in staffing[2]
    short = [m for m in MONTHS if m != MISSING and yaml.safe_load((data_dir / m / "month.yaml").read_text("utf-8"))["在岗人数"] < 25]
    assert ("少于合同约定的25人" in staffing[2]) is bool(short)
    assert "2024年7月缺数据，无法确认" in staffing[2]
    blank = next(row for row in rows if row[0] == "四（二）")
    assert blank[2] == "（验收小组填写）" and "□符合" in blank[3]


def test_acceptance_indicators_are_the_assessment_computation(accepted: tuple[Path, str], data_dir: Path, tmp_path: Path) -> None:
    out, _ = accepted
    result = run_cli("assess", "--year", "2024", "--data", str(data_dir), "--partial", "--contract", str(CONTRACT),
                     "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    card = json.loads((tmp_path / "assessment-2024.json").read_text("utf-8"))["card"]
    rows = _rows(out / "acceptance-2024.docx", 2)
    assert "不含缺数据的2024年7月" in rows[0][3]
    for item, row in zip(card["items"], rows[1:], strict=False):
        assert row[1] == item["name"] and row[3] == item["actual"] and row[5] == f"{item['points']:.2f}"
    assert rows[-1][-2] == f"{card['total']:.2f}"


def test_service_objects_opinion_is_counted_never_quoted(accepted: tuple[Path, str], data_dir: Path, tmp_path: Path) -> None:
    out, _ = accepted
    text = body_text(out / "acceptance-2024.docx")
    notice = (out / "acceptance-notice-2024.txt").read_text("utf-8")
    rated = satisfied = 0
    callers: list[str] = []
    for month in MONTHS:
        if month == MISSING:
            continue
        with (data_dir / month / "tickets.csv").open(encoding="utf-8-sig") as stream:
            for row in csv.DictReader(stream):
                rated += row["满意度"] in ("满意", "基本满意", "不满意")
                satisfied += row["满意度"] in ("满意", "基本满意")
                callers += [row["诉求内容"], row["诉求人"], row["来电号码"]]
    rate = (Decimal(satisfied) / Decimal(rated) * 100).quantize(Decimal("0.01"))
    expected = f"满意率：{rate}%（满意的工单{satisfied:,}件 ÷ 作出评价的工单{rated:,}件，2024年1月至6月、8月至10月；2024年7月缺数据，未计入）"
    assert expected in text
    assert f"满意率{rate}%" in notice and "验收结论：" in notice and "《中华人民共和国政府采购法实施条例》第四十五条" in notice
    for words in callers:
        assert words not in text and words not in notice


def test_acceptance_of_the_second_contract(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for month in ("2025-03", "2025-04"):
        assert run_cli("sample-data", "--contract", str(SECOND), "--month", month, "--scale", "0.05", "--out", str(data)).exit_code == 0
    _gen("acceptance", "--year", "2025", "--data", str(data), "--out", str(tmp_path / "out"), contract=SECOND)
    rows = _rows(tmp_path / "out" / "acceptance-2025.docx", 1)
    team = next(row for row in rows if row[1].startswith("人员团队"))
    assert "2025年：3月" in team[2] and "5月缺数据" in team[2] and "12月缺数据" in team[2]
    text = body_text(tmp_path / "out" / "acceptance-2025.docx")
    assert "实际解决率：" in text and "满意率：" in text
    assert "该得分只按已有的2个月计算，不作为验收结论" in text


def test_acceptance_without_any_data_states_nothing_it_cannot_back(tmp_path: Path) -> None:
    _, stderr = _gen("acceptance", "--year", "2025", "--data", str(tmp_path / "none"), "--out", str(tmp_path))
    assert "缺少 2025-01、2025-02" in stderr
    text = body_text(tmp_path / "acceptance-2025.docx")
    assert "年度考核得分无法计算" in text and "考核期各月均缺数据，指标无法计算" in text
    assert "满意率：缺数据（考核期各月均缺数据）" in text
    assert "各月在岗人数：2025年：1月缺数据" in text and "无法确认" in text
