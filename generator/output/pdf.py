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


# PDF/A-2b (ISO 19005-2, level B) through the Writer PDF export filter's options, in the JSON form LibreOffice
# 7.4 and later read after the filter name.
PDFA_2B = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def to_pdf(files: Mapping[str, bytes], archival: bool = False) -> dict[str, bytes]:
    """``name.pdf`` for every ``name.docx`` in ``files`` (converted in a scratch folder, nothing written here);
    PDF/A-2b with ``archival``."""
    documents = {name: data for name, data in files.items() if name.endswith(".docx")}
    if not documents:
        return {}
    executable = soffice()
    with tempfile.TemporaryDirectory(prefix="hcg-pdf-") as scratch:
        folder = Path(scratch)
        for name, data in documents.items():
            (folder / name).write_bytes(data)
        command = [executable, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                   "--convert-to", PDFA_2B if archival else "pdf", "--outdir", str(folder), *(str(folder / n) for n in documents)]
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
# A PDF/A file repeats its dates in the XMP metadata, which must agree with the document information.
_XMP_DATE = re.compile(rb"<xmp:(CreateDate|ModifyDate|MetadataDate)>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z</xmp:")


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
    iso = b"%s-%s-%sT%s:%s:%sZ" % (stamp[:4], stamp[4:6], stamp[6:8], stamp[8:10], stamp[10:12], stamp[12:14])
    dated = _XMP_DATE.sub(lambda m: b"<xmp:" + m.group(1) + b">" + iso + b"</xmp:", dated)
    dated = _icc_dated(dated, stamp)
    # The file ID and LibreOffice's checksum are derived from the stamped time: derive both from the content.
    rest = _CHECKSUM.sub(b"/DocChecksum /0", _ID.sub(b"/ID [<0><0>]", dated))
    digest = hashlib.md5(rest, usedforsecurity=False).hexdigest().upper().encode()
    fixed = _ID.sub(lambda m: m.group(0).replace(m.group(1), digest).replace(m.group(2), digest), dated)
    return _CHECKSUM.sub(lambda m: m.group(0).replace(m.group(1), digest), fixed)


# The PDF/A output intent embeds an ICC colour profile that LibreOffice stamps with the conversion time (bytes 24-35
# of the profile header). It is set to the document's date like the other dates; its compressed length may change,
# so the cross-reference offsets after it are moved by the difference.
_ICC = re.compile(rb"<</N \d/Length (\d+) 0 R/Filter/FlateDecode>>\nstream\n")
_STARTXREF = re.compile(rb"startxref\n(\d+)\n%%EOF\s*$")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) n(?=\s)")


def _icc_dated(pdf: bytes, stamp: bytes) -> bytes:
    import struct
    import zlib

    when = struct.pack(">6H", int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]), int(stamp[8:10]), int(stamp[10:12]),
                       int(stamp[12:14]))
    for match in reversed(list(_ICC.finditer(pdf))):
        size = re.search(rb"\n%s 0 obj\n(\d+)\nendobj" % match.group(1), pdf)
        if size is None:
            continue
        start, length = match.end(), int(size.group(1))
        try:
            profile = zlib.decompress(pdf[start : start + length])
        except zlib.error:
            continue
        if profile[36:40] != b"acsp" or profile[24:36] == when:
            continue
        packed = zlib.compress(profile[:24] + when + profile[36:], 9)
        pdf = _splice(pdf, start, start + length, packed)
        size = re.search(rb"\n%s 0 obj\n(\d+)\nendobj" % match.group(1), pdf)
        assert size is not None  # found above; only the stream before or after it changed
        pdf = _splice(pdf, size.start(1), size.end(1), str(len(packed)).encode())
    return pdf


def _splice(pdf: bytes, start: int, end: int, new: bytes) -> bytes:
    """``pdf[start:end]`` replaced by ``new``, the offsets of the objects after it moved in the cross-reference table."""
    delta = len(new) - (end - start)
    out = pdf[:start] + new + pdf[end:]
    found = _STARTXREF.search(out)
    if not delta or found is None:
        return out
    table = int(found.group(1)) + (delta if int(found.group(1)) > start else 0)
    head = out.index(b"xref", table)
    tail = out.index(b"trailer", head)

    def moved(entry: re.Match[bytes]) -> bytes:
        offset = int(entry.group(1))
        return b"%010d %s n" % (offset + delta if offset > start else offset, entry.group(2))

    fixed = out[:head] + _XREF_ENTRY.sub(moved, out[head:tail]) + out[tail:]
    return fixed[: found.start(1)] + str(table).encode() + fixed[found.end(1) :]
