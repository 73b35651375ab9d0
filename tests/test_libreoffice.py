"""LibreOffice stands in for Word: every kind of generated document must convert and show Chinese text.

CI installs LibreOffice, poppler-utils and a CJK font (scripts/setup.sh); a missing tool fails here
with the fix named, rather than skipping.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from artifacts import documents

pytestmark = pytest.mark.libreoffice


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} 未安装：请运行 bash scripts/setup.sh（安装 LibreOffice、poppler-utils 和中文字体）"
    return found


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """What `gen all --year 2024` writes, the 2025 contract and the 2024→2025 redline, converted in one run
    with every other kind of document (tests/artifacts.py)."""
    _tool("soffice")
    made = documents(tmp_path_factory)
    docs = [*(made / "year").glob("*.docx"), made / "docx" / "contract-2025.docx", made / "docx" / "requirements-2025.docx",
            made / "docx" / "diff-2024-2025.docx"]
    return {doc.stem: made / "pdf" / f"{doc.stem}.pdf" for doc in docs}


def _pages(pdf: Path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _text(pdf: Path) -> str:
    return "".join(subprocess.run([_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split())


PAGES = {"contract-2024": (20, 45), "contract-2025": (20, 45), "requirements-2024": (4, 15), "requirements-2025": (4, 15),
         "invoices-2024": (1, 6), "report-2024-05": (5, 20), "assessment-2024": (2, 8), "diff-2024-2025": (20, 46)}
TEXT = {"contract-2024": "人民币玖拾万元整", "requirements-2024": "用户需求书", "invoices-2024": "付款及开票计划",
        "report-2024-05": "12345热线月报", "assessment-2024": "履约验收", "diff-2024-2025": "合同对照"}


def test_every_kind_of_document_converts(pdfs: dict[str, Path]) -> None:
    assert set(PAGES) <= set(pdfs)
    assert len(pdfs) == 4 + 10 + 2 + 1  # contract, requirements, invoices, assessment; ten reports; 2025 pair; redline
    for stem, pdf in pdfs.items():
        low, high = PAGES.get(stem, PAGES["report-2024-05"] if stem.startswith("report") else (1, 60))
        assert low <= _pages(pdf) <= high, stem


@pytest.mark.parametrize("stem", sorted(TEXT))
def test_chinese_text_comes_out_in_a_cjk_font(pdfs: dict[str, Path], stem: str) -> None:
    assert TEXT[stem] in _text(pdfs[stem])
    fonts = subprocess.run([_tool("pdffonts"), str(pdfs[stem])], check=True, capture_output=True, text=True).stdout
    assert "CJK" in fonts


def test_contract_page_numbers_render(pdfs: dict[str, Path]) -> None:
    squeezed = _text(pdfs["contract-2024"])
    assert "海南省12345政务服务便民热线陵水分平台服务外包项目合同" in squeezed
    assert "—2—" in squeezed  # the PAGE field between em dashes
