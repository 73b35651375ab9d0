"""LibreOffice stands in for Word: every generated document must convert and show Chinese text.

CI installs LibreOffice, poppler-utils and a CJK font (scripts/setup.sh); a missing tool fails here
with the fix named, rather than skipping.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CONTRACT, run_cli


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} 未安装：请运行 bash scripts/setup.sh（安装 LibreOffice、poppler-utils 和中文字体）"
    return found


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("lo")
    for command in (("contract", "--year", "2024"), ("contract", "--year", "2025")):
        result = run_cli(*command, "--contract", str(CONTRACT), "--out", str(out))
        assert result.exit_code == 0
    docs = sorted(out.glob("*.docx"))
    profile = out / "profile"
    subprocess.run(
        [_tool("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, docs)],
        check=True, capture_output=True, timeout=300,
    )
    return {doc.stem: out / f"{doc.stem}.pdf" for doc in docs}


def _pages(pdf: Path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.parametrize(
    ("stem", "low", "high"),
    [("contract-2024", 20, 45), ("contract-2025", 20, 45), ("requirements-2024", 4, 15), ("requirements-2025", 4, 15)],
)
def test_documents_convert_with_sane_page_counts(pdfs: dict[str, Path], stem: str, low: int, high: int) -> None:
    assert pdfs[stem].is_file()
    assert low <= _pages(pdfs[stem]) <= high


def test_chinese_text_comes_out_in_a_cjk_font(pdfs: dict[str, Path]) -> None:
    text = subprocess.run([_tool("pdftotext"), str(pdfs["contract-2024"]), "-"], check=True, capture_output=True, text=True).stdout
    squeezed = "".join(text.split())
    assert "海南省12345政务服务便民热线陵水分平台服务外包项目合同" in squeezed
    assert "人民币玖拾万元整" in squeezed
    assert "—2—" in squeezed  # page number field rendered between dashes
    fonts = subprocess.run([_tool("pdffonts"), str(pdfs["contract-2024"])], check=True, capture_output=True, text=True).stdout
    assert "CJK" in fonts
