"""Rendered pages pass the client's layout review: no blank page, no token broken inside a table cell, no
heading left at the foot of a page, no page holding a line or two, a lone note or a lone signature.

Every kind of generated document is rendered by LibreOffice (the stand-in for Word) in one batch and read
back by tests/pagecheck.py. Small hand-made .docx files that reintroduce each defect prove the checker
can fail. CI installs LibreOffice and poppler-utils (scripts/setup.sh); a missing tool fails, never skips.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph

import pagecheck
from artifacts import documents
from pagecheck import Finding, body_lines, check, expectations, pages, recurring, require

SHIPPED = ["acceptance-2024", "archive-2024", "assessment-2024", "contract-2024", "contract-2025", "diff-2024-2025",
           "invoices-2024", "invoices-2024-late-fees", "invoices-2024-ranked", "notice-2024", "report-2024-05",
           "requirements-2024", "requirements-2025"]
# Another county's contract, written as YAML only: its own tables, parties and texts must lay out as well.
OTHER = ["second-acceptance-2025", "second-archive-2025", "second-contract-2025", "second-contract-2026",
         "second-diff-2025-2026", "second-invoices-2025", "second-notice-2025", "second-report-2025-06",
         "second-requirements-2025", "second-requirements-2026"]
DOCS = SHIPPED + OTHER

pytestmark = pytest.mark.libreoffice  # the controls as well: their pages are LibreOffice's


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Finding]]:
    """Every kind of document, rendered in one LibreOffice run (tests/artifacts.py), checked one by one."""
    require("soffice", "pdftotext", "pdfimages")
    made = documents(tmp_path_factory)
    docs = {path.stem: path for path in (made / "docx").glob("*.docx")}
    assert set(DOCS) <= set(docs)
    return {stem: check(made / "pdf" / f"{stem}.pdf", docs[stem]) for stem in DOCS}


@pytest.mark.parametrize("stem", DOCS)
def test_pages_pass_layout_review(findings: dict[str, list[Finding]], stem: str) -> None:
    found = findings[stem]
    assert not found, f"{stem}: {len(found)} layout defect(s):\n" + "\n".join(map(str, found))


# ------------------------------------------------------------------------------------ negative controls
# A4 with 1-inch margins leaves 697.9 pt of body: 34 lines of exactly 20 pt fill a page to the last line.
LINE = Pt(20)
FULL_PAGE = 34


def _document() -> Document:
    """An empty A4 document with a running header and a "— N —" page-number footer, like the generator's."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.header.paragraphs[0].text = "合同编号：TEST-0001"
    footer = section.footer.paragraphs[0]
    footer.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" —")
    return document


def _line(document: Document, text: str, style: str | None = None) -> Paragraph:
    """A paragraph one line high: exactly 20 pt, no spacing around it."""
    return _exact(document.add_paragraph(text, style=style))


def _exact(paragraph: Paragraph) -> Paragraph:
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = LINE
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _lines(document: Document, count: int, start: int = 1) -> None:
    for number in range(start, start + count):
        _line(document, f"第{number}行：正文内容，用于填充页面。")


def _blank_page() -> Document:
    document = _document()
    _lines(document, FULL_PAGE)
    # An empty paragraph carrying a page break, after a page that is already full: it goes onto a page
    # of its own and breaks from there.
    _exact(document.add_page_break())
    _lines(document, 5, FULL_PAGE + 1)
    return document


def _narrow_column() -> Document:
    document = _document()
    _lines(document, 5)
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(4), Cm(1.5), Cm(1.5)]  # too narrow for a date, an amount
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice lays out by
    for row, texts in enumerate([("项目", "日期", "金额"), ("首付", "2024-03-17", "¥21,000.00"),
                                 ("尾款", "2024-11-17", "¥9,000.00")]):
        for column, text in enumerate(texts):
            table.cell(row, column).width = widths[column]
            table.cell(row, column).text = text
    _lines(document, 5, 6)
    return document


def _heading_at_foot() -> Document:
    document = _document()
    _lines(document, FULL_PAGE - 1)
    heading = _line(document, "二、付款安排", style="Heading 1")
    heading.paragraph_format.keep_with_next = False  # what the writer gets wrong: nothing holds it down
    _lines(document, 5, FULL_PAGE)
    return document


def _one_line_page() -> Document:
    document = _document()
    _lines(document, 10)
    document.add_page_break()
    _line(document, "（六）本协议与合同同时生效。")
    document.add_page_break()
    _lines(document, 10, 11)
    return document


def _note_page() -> Document:
    document = _document()
    _lines(document, 10)
    document.add_page_break()
    _line(document, "注：逾期付款不视为甲方违约。")
    return document


def _signature_page() -> Document:
    document = _document()
    _lines(document, 10)
    document.add_page_break()
    _line(document, "甲方代表（签字）：")
    _line(document, "乙方代表（签字）：")
    _line(document, "日期（签字时填写）：")
    return document


def _orphan_row() -> Document:
    document = _document()
    _lines(document, FULL_PAGE - 4)  # room for four of the five rows
    table = document.add_table(rows=5, cols=2)
    table.style = "Table Grid"
    for index, row in enumerate(table.rows):
        row.height = Pt(20)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        row.cells[0].text, row.cells[1].text = f"第{index + 1}项服务", f"说明文字第{index + 1}条"
    _lines(document, 3, FULL_PAGE)
    return document


def _clean() -> Document:
    document = _document()
    # A running header taller than the top margin: LibreOffice pushes the body down and the header's
    # last lines sit below the margin, where only their text and their recurrence tell them apart.
    for text in ("海南省12345政务服务便民热线陵水分平台", "服务外包项目文件", "第二册 共三册"):
        document.sections[0].header.add_paragraph(text).paragraph_format.space_after = Pt(6)
    _line(document, "一、总则", style="Heading 1")
    _lines(document, 40)
    table = document.add_table(rows=2, cols=3)
    table.style = "Table Grid"
    for column, (head, value) in enumerate([("日期", "2024-03-17"), ("金额", "¥21,000.00"), ("比例", "20.98%")]):
        table.cell(0, column).text, table.cell(1, column).text = head, value
    _lines(document, 5, 41)
    return document


CONTROLS: dict[str, tuple[Callable[[], Document], str, int, str]] = {
    # name: (builder, expected kind, page, a piece of the description)
    "blank-page": (_blank_page, "blank-page", 2, ""),
    "narrow-date": (_narrow_column, "split-token", 1, "2024-03-17"),
    "narrow-amount": (_narrow_column, "split-token", 1, "¥21,000.00"),
    "heading-at-foot": (_heading_at_foot, "stranded-heading", 1, "二、付款安排"),
    "one-line-page": (_one_line_page, "sparse-page", 2, "本协议"),
    "note-only-page": (_note_page, "note-only-page", 2, ""),
    "signature-only-page": (_signature_page, "signature-only-page", 2, ""),
    "orphan-row": (_orphan_row, "orphan-row", 2, "第5项服务"),
}


@pytest.fixture(scope="module")
def controls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Build each defective document and a clean one and render them in one batch: name → (pdf, docx)."""
    require("soffice", "pdftotext", "pdfimages")
    root = tmp_path_factory.mktemp("controls")
    builders = {builder.__name__.strip("_"): builder for builder, *_ in CONTROLS.values()} | {"clean": _clean}
    docs = {}
    for name, builder in builders.items():
        docs[name] = root / f"{name}.docx"
        builder().save(docs[name])
    pdfs = pagecheck.to_pdfs(docs.values(), root / "pdf")
    return {name: (pdfs[name], docs[name]) for name in docs}


@pytest.mark.parametrize("control", sorted(CONTROLS))
def test_checker_reports_each_defect(controls: dict[str, tuple[Path, Path]], control: str) -> None:
    builder, kind, page, piece = CONTROLS[control]
    found = check(*controls[builder.__name__.strip("_")])
    assert any(f.kind == kind and f.page == page and piece in f.detail for f in found), "\n".join(map(str, found))


def test_checker_passes_a_clean_document(controls: dict[str, tuple[Path, Path]]) -> None:
    assert check(*controls["clean"]) == []


def test_running_header_below_the_margin_is_not_body_text(controls: dict[str, tuple[Path, Path]]) -> None:
    pdf, document = controls["clean"]
    book = pages(pdf)
    assert len(book) == 2
    expect = expectations(document)
    for page in book:
        body = body_lines(page, expect, recurring(book))
        # The header's lines below the margin are recognised by their text; the footer by position.
        assert not any("服务外包项目文件" in line.text or "共三册" in line.text or "—" in line.text for line in body)
    assert body_lines(book[0], expect, recurring(book))[0].squeezed == "一、总则"
