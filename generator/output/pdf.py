"""PDF copies of generated documents through LibreOffice (headless)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from generator.errors import EnvironmentProblem, GenError

TIMEOUT_SECONDS = 600


def soffice() -> str:
    """The LibreOffice executable, or a clear error naming the fix."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise EnvironmentProblem("未找到 LibreOffice（soffice），无法生成 PDF。请运行 bash scripts/setup.sh，"
                                 "或安装：sudo apt-get install libreoffice-writer-nogui")
    return found


def to_pdf(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """``name.pdf`` for every ``name.docx`` in ``files`` (converted in a scratch folder, nothing written here)."""
    documents = {name: data for name, data in files.items() if name.endswith(".docx")}
    if not documents:
        return {}
    executable = soffice()
    with tempfile.TemporaryDirectory(prefix="hcg-pdf-") as scratch:
        folder = Path(scratch)
        for name, data in documents.items():
            (folder / name).write_bytes(data)
        command = [executable, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(folder), *(str(folder / n) for n in documents)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise GenError(f"LibreOffice 转换 PDF 失败：{exc}") from None
        out = {}
        for name in documents:
            pdf = folder / (name[: -len(".docx")] + ".pdf")
            if not pdf.is_file():
                raise GenError(f"LibreOffice 没有生成 {pdf.name}")
            out[pdf.name] = pdf.read_bytes()
        return out
