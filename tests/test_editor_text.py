"""What the editor writes and shows: years.<y> rewritten line by line (source/year_text.py), the year's
changes and problems placed at fields, clause placeholders as chips, and the document model as HTML."""

from __future__ import annotations

import copy
import difflib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import api
from generator.documents.html import render_html
from generator.documents.model import Cell, DocumentModel, PageBreak, Paragraph, Table
from generator.editor import workspace
from generator.source.loader import load_bytes
from generator.source.year_text import replace_year

from conftest import CONTRACT, ROOT, run_cli

SECOND = ROOT / "examples" / "second-contract" / "contract.yaml"


def _entry(text: str, year: int) -> dict[str, Any]:
    return copy.deepcopy(load_bytes(text.encode("utf-8"), "contract.yaml").data["years"][str(year)])


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize(("path", "year"), [(CONTRACT, 2024), (CONTRACT, 2025), (SECOND, 2025), (SECOND, 2026)])
def test_one_changed_value_changes_one_line(path: Path, year: int) -> None:
    text = path.read_text("utf-8")
    entry = _entry(text, year)
    assert replace_year(text, "contract.yaml", year, entry) == text  # nothing to change: the very same text
    entry["budget_year"] = 2099
    after = replace_year(text, "contract.yaml", year, entry)
    assert _changed_lines(text, after) == [f"-    budget_year: {year}", "+    budget_year: 2099"]


def test_a_dropped_key_keeps_the_comment_lines_that_followed_it() -> None:
    text = CONTRACT.read_text("utf-8")
    entry = _entry(text, 2025)
    del entry["kind"]
    assert _changed_lines(text, replace_year(text, "contract.yaml", 2025, entry)) == ["-    kind: renewal"]
    entry = _entry(text, 2024)
    del entry["signatories"]
    after = replace_year(text, "contract.yaml", 2024, entry)
    assert _changed_lines(text, after) == ["-    signatories:", "-      buyer: 周永", "-      supplier: 李永年"]
    assert "    # 本年度履约验收结果（下一年度续签依据）\n    assessment:" in after


def test_changes_of_the_second_contract_are_edited_in_place() -> None:
    text = SECOND.read_text("utf-8")
    entry = _entry(text, 2026)
    entry["fees"]["items"][1]["amount"] = Decimal("240000.00")
    entry["fees"]["items"].append({"id": "training", "_after": "labour", "name": "培训费用", "content": "新人培训",
                                   "quantity": 1, "unit": "项", "amount": Decimal("10000.00")})
    after = replace_year(text, "contract.yaml", 2026, entry)
    assert _changed_lines(text, after) == [
        "-        - {id: management, amount: 250000.00}",
        "+        - {id: management, amount: 240000.00}",
        "+        - {id: training, _after: labour, name: 培训费用, content: 新人培训, quantity: 1, unit: 项, amount: 10000.00}",
    ]


# Any printable text (control characters are refused by the loader, with a message at the line).
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)
VALUES = st.one_of(st.integers(0, 10**6), TEXT,
                   st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False), st.booleans(),
                   st.lists(st.integers(1, 19), max_size=4))
CHANGES = st.dictionaries(st.sampled_from(["total", "period", "note", "值", "ranks"]), VALUES, min_size=1, max_size=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CHANGES, CHANGES)
# Words YAML 1.2 writes unquoted that a loader may read otherwise: "E0" once was refused as a number.
@example({"total": 0}, {"total": "E0"})
@example({"note": "1e5", "值": "0123"}, {"note": "~", "period": "+.5e3", "ranks": [3]})  # ruamel leaves the last plain
def test_whatever_is_written_reads_back_as_written(first: dict[str, Any], second: dict[str, Any]) -> None:
    """Any values, written and rewritten: the file reads back to them, and everything outside the year stays."""
    text = CONTRACT.read_text("utf-8")
    entry = _entry(text, 2025)
    for change in (first, second):
        entry["fees"] = change
        written = replace_year(text, "contract.yaml", 2025, entry)
        assert workspace.same_data(load_bytes(written.encode("utf-8"), "c").data["years"]["2025"], entry)
        head = text.split("  2025:\n")[0]
        tail = text.split("\n\n# 多处重复使用的文字段落")[1]
        assert written.startswith(head) and written.endswith(tail)
        text = written


def test_the_year_view_places_changes_problems_and_chips(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(CONTRACT.read_text("utf-8"), "utf-8")
    assert run_cli("new-year", "2026", "--contract", str(path)).exit_code == 0
    text = path.read_text("utf-8")
    view = workspace.year_view(text, "contract.yaml", 2026)
    assert view["changes"] == [] and view["valid"] and view["inherits_from"] == 2025
    sections = view["sections"]
    sections["fees"]["total"] = 1900000  # as a browser sends it
    proposed = workspace.propose(text, "contract.yaml", 2026, view["entry"], sections)
    assert "      total: 1900000.00\n" in proposed
    result = workspace.examine(text, "contract.yaml", 2026, proposed)
    errors = [p for p in result["problems"] if p["severity"] == "error"]
    assert errors and errors[0]["where"] == {"section": "fees", "path": "fees.total"}
    assert [(c["path"], c["old"], c["new"]) for c in result["changes"]] == [("fees.total", "2000000.00", "1900000.00")]
    # Reverting the change removes it from the file again.
    reverted = workspace.revert(text, "contract.yaml", 2026, sections, result["changes"][0]["key"])
    assert workspace.propose(text, "contract.yaml", 2026, view["entry"], reverted) == text
    chips = view["chips"]["fees|fees.items.0.content"]
    assert {"expr": "fees.labour_cost.max | wan", "label": "薪资福利支出总额上限", "value": "166", "error": ""} in chips


def test_a_clause_with_an_unknown_name_is_refused_at_the_clause(tmp_path: Path) -> None:
    text = CONTRACT.read_text("utf-8")
    view = workspace.year_view(text, "contract.yaml", 2025)
    sections = view["sections"]
    sections["fees"]["items"][1]["content"] = "运维管理费 {{ fees.totl | cny }}"
    proposed = workspace.propose(text, "contract.yaml", 2025, view["entry"], sections)
    result = workspace.examine(text, "contract.yaml", 2025, proposed)
    assert not result["valid"]
    problem = next(p for p in result["problems"] if p["severity"] == "error")
    assert problem["where"] == {"section": "fees", "path": "fees.items.1.content"} and "totl" in problem["message"]
    contract, _ = api.check_text(text, "contract.yaml")
    assert contract is not None


def test_html_escapes_every_text_and_marks_every_change() -> None:
    from datetime import datetime

    hostile = '<script>alert("x")</script>&amp;'
    model = DocumentModel((
        Paragraph(hostile, "title"),
        Paragraph("", segments=(("", "合同金额"), ("del", "贰佰万元"), ("ins", "壹佰玖拾万元"))),
        Paragraph("删去的段落", change="del"),
        Table(((Cell.of("指标"), Cell.of("分数")), (Cell.of(hostile, span=2),), (Cell.of("应急演练"), Cell.of("5"))),
              (40, 20), row_changes=("", "", "ins")),
        PageBreak(),
    ), "标题<b>", "", datetime(2026, 1, 1))
    html = render_html(model)
    assert "<script>" not in html and "<b>" not in html and "&lt;script&gt;" in html and "&amp;amp;" in html
    assert '<del title="删除">贰佰万元</del><ins title="插入">壹佰玖拾万元</ins>' in html
    assert 'class="s-body changed-del"><del title="删除">删去的段落</del>' in html
    assert '<tr class="row-ins"><td><ins title="插入"><p class="s-table">应急演练</p></ins></td>' in html
    assert 'colspan="2"' in html and 'class="page-break"' in html


def test_an_offered_fix_is_applied_as_the_years_change_or_as_one_field() -> None:
    text = CONTRACT.read_text("utf-8")
    sections = workspace.year_view(text, "contract.yaml", 2025)["sections"]
    snippet = ("  2025:\n    scoring:\n      indicators:\n        - key: answer_rate\n          examples:\n"
               "            - {input: 0.93, points: 8, note: 重算}\n")
    fixed = workspace.apply_fix(sections, 2025, "scoring.indicators[0].examples", snippet)
    assert fixed["scoring"]["indicators"][0]["examples"] == [{"input": Decimal("0.93"), "points": 8, "note": "重算"}]
    assert fixed["scoring"]["indicators"][1] == sections["scoring"]["indicators"][1]
    one = workspace.apply_fix(sections, 2025, "scoring.indicators[0].examples[1].points", "points: 7")
    assert one["scoring"]["indicators"][0]["examples"][1]["points"] == 7
    with pytest.raises(workspace.EditorError):
        workspace.apply_fix(sections, 2025, "fees.total", "请改正金额")
