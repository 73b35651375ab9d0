"""The .docx zip (written by zipfile) is byte-identical for the same parts, whenever and in whatever order made."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from generator.documents.docx.packaging import FIXED_TIME, package, zip_members

from conftest import CONTRACT, run_cli

CASES = {
    "parts": [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", "<w:t>合同</w:t>".encode() * 500),
              ("docProps/core.xml", b"")],
    "non-ascii name": [("图表/数据.xml", b"<x/>"), ("a.bin", os.urandom(70_000))],
    "empty": [],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_members_read_back_with_fixed_dates_and_modes(case: str) -> None:
    members = CASES[case]
    written = zip_members(members)
    assert written == zip_members(list(members))
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert [(info.filename, archive.read(info)) for info in archive.infolist()] == members
        for info in archive.infolist():
            assert info.date_time == FIXED_TIME and info.external_attr == 0o644 << 16
            assert info.compress_type == zipfile.ZIP_DEFLATED and info.extra == b""
            assert bool(info.flag_bits & 0x800) is (not info.filename.isascii())  # UTF-8 names are marked


def test_content_types_come_first_and_the_order_is_stable() -> None:
    parts = {"word/document.xml": b"<d/>", "_rels/.rels": b"<r/>", "[Content_Types].xml": b"<t/>"}
    first = package(parts)
    assert first == package(dict(reversed(list(parts.items()))))
    assert zipfile.ZipFile(io.BytesIO(first)).namelist() == ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]


def test_custom_properties_are_declared_and_related() -> None:
    parts = {"[Content_Types].xml": b"<Types></Types>", "_rels/.rels": b"<Relationships></Relationships>"}
    archive = zipfile.ZipFile(io.BytesIO(package(parts, b"<Properties/>")))
    assert archive.read("docProps/custom.xml") == b"<Properties/>"
    assert b'PartName="/docProps/custom.xml"' in archive.read("[Content_Types].xml")
    assert b'Target="docProps/custom.xml"' in archive.read("_rels/.rels")


def test_the_same_contract_twice_is_the_same_bytes(tmp_path: Path) -> None:
    contract = tmp_path / "contract.yaml"
    contract.write_bytes(CONTRACT.read_bytes())
    first = run_cli("contract", "--year", "2024", "--contract", str(contract), "--out", str(tmp_path / "a"))
    os.utime(contract, (1_000_000_000, 1_000_000_000))  # another time of the source: nothing in the zip says when
    second = run_cli("contract", "--year", "2024", "--contract", str(contract), "--out", str(tmp_path / "b"))
    assert first.exit_code == second.exit_code == 0
    for name in ("contract-2024.docx", "requirements-2024.docx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
