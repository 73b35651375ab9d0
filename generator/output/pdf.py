"""PDF copies of generated documents through LibreOffice (headless), made byte-stable afterwards.

LibreOffice stamps each PDF with the time of conversion and a random file ID. Both are rewritten in
place with values of the same length (so no offset in the file moves): the date the document itself
carries, and an ID hashed from the rest of the PDF. The same .docx then gives the same PDF bytes with
the same LibreOffice.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

from generator.errors import EnvironmentProblem, GenError

TIMEOUT_SECONDS = 600


def soffice() -> str:
    """The LibreOffice executable: on PATH, else where its Windows or macOS installer puts it; or the fix, named."""
    roots = [os.environ.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
    installed = ([Path(root, "LibreOffice", "program", "soffice.exe") for root in filter(None, roots)] if os.name == "nt"
                 else [Path(home, "Applications/LibreOffice.app/Contents/MacOS/soffice") for home in ("/", Path.home())])
    found = shutil.which("soffice") or shutil.which("libreoffice") or next(
        (str(path) for path in installed if path.is_file()), None)
    if found:
        return found
    if os.name == "nt" or sys.platform == "darwin":
        fix = "请从 https://zh-cn.libreoffice.org 下载安装 LibreOffice（安装后无需重启），或把 soffice 所在目录加入 PATH"
    else:
        fix = "请运行 bash scripts/setup.sh，或安装：sudo apt-get install libreoffice-writer-nogui"
    raise EnvironmentProblem(f"未找到 LibreOffice（soffice），无法生成 PDF。{fix}")


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
            out[pdf.name] = stable(pdf.read_bytes(), documents[name])
        return out


_CREATED = re.compile(rb"<dcterms:created[^>]*>(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})")
_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:\d{14}[^)]{0,8}\)")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]{32})")


def stable(pdf: bytes, docx: bytes) -> bytes:
    """The PDF with its conversion time replaced by the document's own date and its ID derived from content."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            found = _CREATED.search(archive.read("docProps/core.xml"))
    except (KeyError, zipfile.BadZipFile):
        found = None
    stamp = b"".join(found.groups()) if found else b"20000101000000"

    def date(match: re.Match[bytes]) -> bytes:
        old = match.group(0)
        value = b"(D:" + stamp + b"Z')"
        return old[: old.index(b"(")] + value.ljust(len(old) - old.index(b"("), b" ")[: len(old) - old.index(b"(")]

    dated = _DATE.sub(date, pdf)
    # The file ID and LibreOffice's checksum are derived from the stamped time: derive both from the content.
    rest = _CHECKSUM.sub(b"/DocChecksum /0", _ID.sub(b"/ID [<0><0>]", dated))
    digest = hashlib.md5(rest, usedforsecurity=False).hexdigest().upper().encode()
    fixed = _ID.sub(lambda m: m.group(0).replace(m.group(1), digest).replace(m.group(2), digest), dated)
    return _CHECKSUM.sub(lambda m: m.group(0).replace(m.group(1), digest), fixed)
