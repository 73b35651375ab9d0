"""`gen contract` and `gen requirements`: fidelity, layout in the Word XML, determinism, single source."""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.output.batch import LOCK_NAME

from conftest import CONTRACT, SEED, run_cli
from docx_inspect import W, body_text, part, part_names
from fidelity import docx_text, score


@pytest.fixture(scope="module")
def docs_2024(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    result = run_cli("contract", "--year", "2024", "--contract", str(CONTRACT), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    paths = [Path(line) for line in result.stdout.splitlines()]
    assert [p.name for p in paths] == ["contract-2024.docx", "requirements-2024.docx"]
    return {p.stem.split("-")[0]: p for p in paths}


def fidelity(path: Path) -> float:
    return score(docx_text(path), SEED.read_text("utf-8"))


def test_2024_contract_reproduces_the_signed_text(docs_2024: dict[str, Path]) -> None:
    assert fidelity(docs_2024["contract"]) >= 0.985


def test_fees_and_milestones_are_derived(docs_2024: dict[str, Path]) -> None:
    text = body_text(docs_2024["contract"])
    assert "人民币¥2000000.00元/年，大写人民币贰佰万元整/年" in text
    assert "即¥900000.00元（大写：人民币玖拾万元整）" in text
    assert "平均排名第6-9名，支付合同总金额的29%，即¥580000.00元（大写：人民币伍拾捌万元整）" in text
    assert "本合同确定的服务期限时间从2024年1月17日至2025年1月16日止" in text
    assert "乙方2023年度考核合格且无任何违约行为" in text
    assert "本合同一式伍份，中文书写。甲方执叁份，乙方执贰份" in text


def test_east_asian_fonts_language_and_page_setup(docs_2024: dict[str, Path]) -> None:
    styles = part(docs_2024["contract"], "word/styles.xml")
    body = styles.find(f".//{W}style[@{W}styleId='HCGBody']")
    assert body.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "仿宋"
    assert body.find(f"{W}rPr/{W}sz").get(f"{W}val") == "32"  # 三号 = 16 pt
    assert styles.find(f".//{W}style[@{W}styleId='HCGHeading1']/{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "黑体"
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    assert defaults.find(f"{W}rFonts").get(f"{W}eastAsiaTheme") is None
    document = part(docs_2024["contract"], "word/document.xml")
    margins = document.find(f".//{W}sectPr/{W}pgMar")
    assert [round(int(margins.get(f"{W}{side}")) / 1440 * 25.4) for side in ("top", "bottom", "left", "right")] == [37, 35, 28, 26]


def test_running_header_and_page_numbers(docs_2024: dict[str, Path]) -> None:
    names = part_names(docs_2024["contract"])
    headers = [n for n in names if re.match(r"word/header\d+\.xml", n)]
    texts = ["".join(t.text or "" for t in part(docs_2024["contract"], n).iter(f"{W}t")) for n in headers]
    assert "合同编号：HILSB2400036CGN00" in texts
    footers = [n for n in names if re.match(r"word/footer\d+\.xml", n)]
    instructions = ["".join(t.text or "" for t in part(docs_2024["contract"], n).iter(f"{W}instrText")) for n in footers]
    assert sum("PAGE" in i for i in instructions) == 2  # odd and even footers
    settings = part(docs_2024["contract"], "word/settings.xml")
    assert settings.find(f"{W}evenAndOddHeaders") is not None


def test_tables_merges_and_page_breaks(docs_2024: dict[str, Path]) -> None:
    document = part(docs_2024["contract"], "word/document.xml")
    tables = document.findall(f".//{W}tbl")
    # price breakdown, then the scoring table in appendix 1 and again in appendix 5 §七 (the signature
    # block is paragraphs, one under the other, as on the signed copy)
    assert len(tables) == 3
    for scoring in tables[1:]:
        # 服务指标 spans 6 rows and 保障指标 4; the one-row categories need no merge.
        assert len(scoring.findall(f".//{W}vMerge[@{W}val='restart']")) == 2
        assert len(scoring.findall(f".//{W}vMerge[@{W}val='continue']")) == 5 + 3
        assert len(scoring.findall(f"{W}tr")) == 1 + 12 + 1
    assert tables[1].xpath("string()") == tables[2].xpath("string()")
    # Pages turn by page-break-before on the next paragraph, never by an empty paragraph holding a
    # break: such a paragraph lands on a page of its own whenever the page before it is full.
    assert document.findall(f".//{W}br[@{W}type='page']") == []
    turning = [p for p in document.iter(f"{W}p") if p.find(f"{W}pPr/{W}pageBreakBefore") is not None]
    assert len(turning) == 1 + 5  # after the cover, then each appendix
    assert all(p.xpath("string()").strip() for p in turning)


def test_requirements_document_is_appendix_5(docs_2024: dict[str, Path]) -> None:
    text = body_text(docs_2024["requirements"])
    assert text.splitlines()[1] == "用户需求书"
    assert "一、项目名称" in text and "八、项目相关要求" in text
    assert "1. 接通率（95%）" in text
    assert "第一条" not in text


def test_output_is_byte_identical(tmp_path: Path) -> None:
    digests = []
    for run in ("a", "b"):
        result = run_cli("contract", "--year", "2025", "--contract", str(CONTRACT), "--out", str(tmp_path / run))
        assert result.exit_code == 0
        digests.append([hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in result.stdout.split()])
    assert digests[0] == digests[1]
    with zipfile.ZipFile(tmp_path / "a" / "contract-2025.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "python-docx" not in core and "2025-01-17T00:00:00" in core


def test_2025_renewal_derives_its_dates_and_leaves_a_blank_number(tmp_path: Path) -> None:
    result = run_cli("contract", "--year", "2025", "--contract", str(CONTRACT), "--out", str(tmp_path))
    assert result.exit_code == 0
    assert "合同编号为空" in result.stderr
    text = body_text(tmp_path / "contract-2025.docx")
    assert "从2025年1月17日至2026年1月16日止" in text
    assert "乙方2024年度考核合格" in text and "2025年年度预算" in text
    assert "签订日期：2025年1月17日" in text
    assert "合同编号：＿＿＿" in text


def test_changing_the_total_changes_every_document(edited: Callable[..., Path], tmp_path: Path) -> None:
    path = edited(
        ("  total: 2000000.00", "  total: 2100000.00"),
        ("      amount: 280000.00", "      amount: 380000.00"),
    )
    result = run_cli("contract", "--year", "2024", "--contract", str(path), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    text = body_text(tmp_path / "contract-2024.docx")
    assert "¥2100000.00元/年，大写人民币贰佰壹拾万元整/年" in text
    assert "即¥945000.00元（大写：人民币玖拾肆万伍仟元整）" in text
    assert "即¥525000.00元（大写：人民币伍拾贰万伍仟元整）" in text
    assert "2000000" not in text and "贰佰万" not in text


def test_strict_refuses_2025_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("contract", "--year", "2025", "--contract", str(CONTRACT), "--out", str(out), "--strict")
    assert result.exit_code == 1
    assert not out.exists()


def test_bad_input_writes_nothing_and_keeps_older_files(edited: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "contract-2024.docx").write_bytes(b"older")
    path = edited(("  total: 2000000.00", "  total: 2000000.01"))
    result = run_cli("contract", "--year", "2024", "--contract", str(path), "--out", str(out))
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir() if p.name != LOCK_NAME) == ["contract-2024.docx"]
    assert (out / "contract-2024.docx").read_bytes() == b"older"


def test_written_files_are_ordinary_files(docs_2024: dict[str, Path]) -> None:
    folder = docs_2024["contract"].parent
    assert sorted(p.name for p in folder.iterdir() if p.name != LOCK_NAME) == ["contract-2024.docx", "requirements-2024.docx"]
    assert docs_2024["contract"].stat().st_mode & 0o044 == 0o044  # readable by group and others under umask 022


def test_unknown_year_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("contract", "--year", "2031", "--contract", str(CONTRACT), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "没有 2031 年度（已有：2024、2025）" in result.stderr


def test_requirements_command_writes_one_file(tmp_path: Path) -> None:
    result = run_cli("requirements", "--year", "2025", "--contract", str(CONTRACT), "--out", str(tmp_path))
    assert result.exit_code == 0
    assert [Path(p).name for p in result.stdout.split()] == ["requirements-2025.docx"]
    assert "（2025年度，合同附件5）" in body_text(tmp_path / "requirements-2025.docx")


def test_clause_override_replaces_text_for_one_year(edited: Callable[..., Path], tmp_path: Path) -> None:
    path = edited(
        ("          - 本合同适用中华人民共和国法律。", "          - id: governing_law\n            text: 本合同适用中华人民共和国法律。"),
        ("    budget_year: 2025\n", "    budget_year: 2025\n    overrides:\n      governing_law: 本合同适用中华人民共和国法律（{{ year.year }}年修订）。\n"),
    )
    for year, expected in (("2024", "1.本合同适用中华人民共和国法律。"), ("2025", "1.本合同适用中华人民共和国法律（2025年修订）。")):
        result = run_cli("contract", "--year", year, "--contract", str(path), "--out", str(tmp_path))
        assert result.exit_code == 0, result.stderr
        assert expected in body_text(tmp_path / f"contract-{year}.docx").splitlines()
