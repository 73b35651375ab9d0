"""Every layered section can appear, change and disappear in later years without breaking any command.

Each kind of section a renewal year may change — a clause override, an article, an appendix, an indicator,
a payment milestone, a fee item — is added in 2026, changed in 2027 and removed in 2028. Validate,
contract, diff and verify run on each year; LibreOffice itself accepts and rejects every redline, which
must give the newer and the older contract exactly. A property test draws the kinds, texts and amounts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import api
from generator.documents.model import Block, PageBreak, Paragraph, Table
from generator.documents.redline import build_redline
from generator.errors import GenError
from generator.jobs import document_model

import revisions
from conftest import CONTRACT, run_cli

YEARS = (2026, 2027, 2028)
Text = tuple[str, str]  # (first version, second version) of a text a kind writes


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def override(texts: Text, _: int) -> tuple[str, str, str]:
    return (f"    overrides:\n      late_payment: {_q(texts[0])}\n",
            f"    overrides:\n      late_payment: {_q(texts[1])}\n",
            "    overrides:\n      late_payment: null\n")


def article(texts: Text, _: int) -> tuple[str, str, str]:
    return (f"    articles:\n      - {{id: added_article, _after: maintenance, title: 话务安全, body: [{_q(texts[0])}]}}\n",
            f"    articles:\n      - {{id: added_article, title: 话务与数据安全, body: [{_q(texts[1])}]}}\n",
            "    articles:\n      - {id: added_article, _remove: true}\n")


def appendix(texts: Text, _: int) -> tuple[str, str, str]:
    return (f"    appendices:\n      - {{id: added_appendix, _after: confidentiality, title: 培训计划, body: [{_q(texts[0])}]}}\n",
            f"    appendices:\n      - {{id: added_appendix, body: [{_q(texts[1])}]}}\n",
            "    appendices:\n      - {id: added_appendix, _remove: true}\n")


def indicator(texts: Text, _: int) -> tuple[str, str, str]:
    added = (f"        - {{key: added_indicator, _after: maintenance, category: support, name: 应急演练, points: 5, "
             f"content: {_q(texts[0])}, method_text: \"未按计划组织一次扣{{{{ item.rule.per_event }}}}分。\", "
             "rule: {kind: deduction_per_event, input: 应急演练缺次, per_event: 1.25}, examples: [{input: 1, points: 3.75}]}\n")
    return ("    scoring:\n      inputs:\n        应急演练缺次: {kind: count, combine: sum, unit: 次}\n      indicators:\n"
            "        - {key: maintenance, points: 5, examples: [{input: 2, points: 3}]}\n" + added,
            f"    scoring:\n      indicators:\n        - {{key: added_indicator, content: {_q(texts[1])}, rule: {{per_event: 1}}, "
            "examples: [{input: 1, points: 4}]}\n",
            "    scoring:\n      indicators:\n        - {key: maintenance, points: 10, examples: [{input: 2, points: 8}]}\n"
            "        - {key: added_indicator, _remove: true}\n")


def milestone(_: Text, share: int) -> tuple[str, str, str]:
    first = 45 - share
    return (f"    payment:\n      milestones:\n        - {{id: m1, tiers: [{{rank_min: 1, rank_max: 19, percent: {first}}}], "
            f"examples: [{{signed_on: 2024-01-17, due: 2024-03-17, percent: {first}}}]}}\n"
            f"        - {{id: added_milestone, months_after_signing: 11, tiers: [{{rank_min: 1, rank_max: 19, percent: {share}}}]}}\n",
            "    payment:\n      milestones:\n        - {id: added_milestone, months_after_signing: 9}\n",
            "    payment:\n      milestones:\n        - {id: m1, tiers: [{rank_min: 1, rank_max: 19, percent: 45}], "
            "examples: [{signed_on: 2024-01-17, due: 2024-03-17, percent: 45}]}\n"
            "        - {id: added_milestone, _remove: true}\n")


def fee_item(texts: Text, share: int) -> tuple[str, str, str]:
    amount = share * 10000
    return (f"    fees:\n      items:\n        - {{id: management, amount: {280000 - amount}.00}}\n"
            f"        - {{id: added_item, _after: network, name: 培训费用, content: {_q(texts[0])}, quantity: 1, unit: 项, "
            f"amount: {amount}.00}}\n",
            f"    fees:\n      items:\n        - {{id: management, amount: {280000 - amount - 10000}.00}}\n"
            f"        - {{id: added_item, content: {_q(texts[1])}, amount: {amount + 10000}.00}}\n",
            "    fees:\n      items:\n        - {id: management, amount: 280000.00}\n        - {id: added_item, _remove: true}\n")


KINDS: dict[str, Callable[[Text, int], tuple[str, str, str]]] = {
    "override": override, "article": article, "appendix": appendix, "indicator": indicator,
    "milestone": milestone, "fee_item": fee_item}


def contract_with(kinds: Sequence[str], texts: Text = ("乙方每季度组织一次培训。", "乙方每月组织一次培训。"),
                  share: int = 5) -> str:
    """The shipped contract with 2026 adding, 2027 changing and 2028 removing a section of each kind."""
    years = ""
    for number, year in enumerate(YEARS):
        years += (f"  {year}:\n    kind: renewal\n    contract_number: \"\"\n    budget_year: {year}\n"
                  "    signatories: {buyer: 周永, supplier: 李永年}\n")
        years += "".join(KINDS[kind](texts, share)[number] for kind in kinds)
    text = CONTRACT.read_text("utf-8")
    marker = "\n# 多处重复使用的文字段落，只写一次\n"
    assert marker in text
    return text.replace(marker, "\n" + years + marker)


def accepted(blocks: Sequence[Block], accept: bool) -> list[str]:
    """The text of a redline's blocks once every change is accepted (or rejected), read from the model."""
    drop = "del" if accept else "ins"
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.change != drop:
                out.append("".join(t for k, t in block.segments if k != drop) if block.segments else block.text)
        elif isinstance(block, Table):
            for row, change in zip(block.rows, block.row_changes or ("",) * len(block.rows), strict=True):
                if change != drop:
                    out += ["".join(t for k, t in line.segments if k != drop) if isinstance(line, Paragraph) and
                            line.segments else (line.text if isinstance(line, Paragraph) else line)
                            for cell in row for line in cell.lines]
    return out


def plain(blocks: Sequence[Block]) -> list[str]:
    return accepted(blocks, True)


@pytest.fixture(scope="module")
def all_kinds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("layered")
    (folder / "contract.yaml").write_text(contract_with(list(KINDS)), "utf-8")
    return folder


def test_every_kind_added_changed_and_removed_validates_generates_and_verifies(all_kinds: Path) -> None:
    contract = str(all_kinds / "contract.yaml")
    result = run_cli("validate", "--contract", contract)
    assert result.exit_code == 0, result.stderr
    out = all_kinds / "out"
    for year in (2025, *YEARS):
        result = run_cli("contract", "--year", str(year), "--contract", contract, "--out", str(out))
        assert result.exit_code == 0, result.stderr
    for before, after in zip((2025, *YEARS), YEARS, strict=False):
        result = run_cli("diff", "--from", str(before), "--to", str(after), "--contract", contract, "--out", str(out))
        assert result.exit_code == 0, result.stderr
    for year in (2025, *YEARS):
        result = run_cli("verify", str(out / f"contract-{year}.docx"), "--contract", contract)
        assert result.exit_code == 0 and "一致" in result.stdout, result.stderr
    for name in (f"diff-{before}-{after}.docx" for before, after in zip((2025, *YEARS), YEARS, strict=False)):
        result = run_cli("verify", str(out / name), "--contract", contract)
        assert result.exit_code == 0, result.stderr


def test_the_data_change_page_names_what_was_added_and_removed(all_kinds: Path) -> None:
    contract = api.load_contract(all_kinds / "contract.yaml")
    from generator.documents.redline import data_changes

    added = data_changes(contract.year(2025), contract.year(2026))
    removed = data_changes(contract.year(2027), contract.year(2028))
    labels = [c[0] for c in added]
    assert "合同费用 · 合同总价明细 “培训费用”（新增）" in labels
    assert "运营考核标准 · 具体指标 “应急演练”（新增）" in labels
    assert "合同条款 “话务安全”（新增）" in labels or any("“话务安全”" in label for label in labels)
    assert "条款覆盖 late_payment" in labels
    assert any(label.endswith("（删除）") and "“应急演练”" in label for label, *_ in removed)
    assert not any("examples" in path for _, path, *_ in added + removed)
    assert len(added) == len(set(added))


@pytest.mark.libreoffice
def test_libreoffice_accepts_and_rejects_every_redline_exactly(all_kinds: Path, tmp_path: Path) -> None:
    out = all_kinds / "out"
    if not (out / "diff-2027-2028.docx").exists():
        test_every_kind_added_changed_and_removed_validates_generates_and_verifies(all_kinds)
    pairs = list(zip((2025, *YEARS), YEARS, strict=False))
    jobs = [(how, out / f"diff-{a}-{b}.docx") for a, b in pairs for how in ("accept", "reject")]
    jobs += [("text", out / f"contract-{year}.docx") for year in (2025, *YEARS)]
    texts = revisions.libreoffice_texts(tmp_path, jobs)
    contracts = dict(zip((2025, *YEARS), texts[len(pairs) * 2:], strict=True))
    for number, (before, after) in enumerate(pairs):
        accept, reject = texts[2 * number], texts[2 * number + 1]
        assert accept.endswith(contracts[after]), f"{before}→{after}: 接受全部修订后与 {after} 年度合同不同"
        assert reject.endswith(contracts[before]), f"{before}→{after}: 拒绝全部修订后与 {before} 年度合同不同"


CJK = st.text(st.sampled_from("甲乙双方应当按照约定组织培训考核每季度一次月报送数据安全保密１２３4５"), min_size=1, max_size=40)


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=3, unique=True),
       texts=st.tuples(CJK, CJK), share=st.integers(min_value=1, max_value=20))
def test_any_mix_of_kinds_gives_redlines_that_accept_and_reject_to_each_year(
        tmp_path_factory: pytest.TempPathFactory, kinds: list[str], texts: Text, share: int) -> None:
    path = tmp_path_factory.mktemp("mix") / "contract.yaml"
    path.write_text(contract_with(kinds, texts, share), "utf-8")
    try:
        contract = api.load_contract(path)
    except GenError as error:  # a draw the rules refuse (never a traceback): it must say where and why
        assert "contract.yaml:" in str(error)
        return
    models = {year: document_model(contract.year(year), "contract") for year in (2025, *YEARS)}
    for before, after in zip((2025, *YEARS), YEARS, strict=False):
        redline = build_redline(contract.year(before), contract.year(after), models[before], models[after])
        body = _body_of(list(redline.blocks))
        assert accepted(body, True) == plain(models[after].blocks), f"{before}→{after}"
        assert accepted(body, False) == plain(models[before].blocks), f"{before}→{after}"


def _body_of(blocks: list[Block]) -> list[Block]:
    """The redline's contract: what follows the untracked page of data changes and its page break."""
    return blocks[next(i for i, b in enumerate(blocks) if isinstance(b, PageBreak)) + 1:]
