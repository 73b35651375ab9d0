"""The .docx zip is written by our own code, byte for byte as zipfile writes it, and reads back everywhere."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from generator.documents.docx.packaging import FIXED_TIME, package, zip_members

CASES = {
    "parts": [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", "<w:t>合同</w:t>".encode() * 500),
              ("docProps/core.xml", b"")],
    "non-ascii name": [("图表/数据.xml", b"<x/>"), ("a.bin", os.urandom(70_000))],
    "empty": [],
}


def _zipfile(members: list[tuple[str, bytes]]) -> bytes:
    """What the writer produced before it had its own zip code: zipfile with fixed properties."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, data, compresslevel=1)
    return out.getvalue()


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_same_bytes_as_zipfile_and_readable(case: str) -> None:
    members = CASES[case]
    written = zip_members(members)
    assert written == _zipfile(members)
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert [(info.filename, archive.read(info)) for info in archive.infolist()] == members
        assert all(info.date_time == FIXED_TIME and info.external_attr == 0o644 << 16 for info in archive.infolist())


def test_content_types_come_first_and_the_order_is_stable() -> None:
    parts = {"word/document.xml": b"<d/>", "_rels/.rels": b"<r/>", "[Content_Types].xml": b"<t/>"}
    first = package(parts)
    assert first == package(dict(reversed(list(parts.items()))))
    assert zipfile.ZipFile(io.BytesIO(first)).namelist() == ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]
