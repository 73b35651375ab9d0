"""`gen archive` (every document of a year as PDF/A-2b with a SHA-256 manifest) and `gen verify` of an archive.

LibreOffice and poppler are required (scripts/setup.sh installs them); a missing tool fails, never skips.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from artifacts import SECOND, archived_second, archived_year
from conftest import CONTRACT, run_cli
from pagecheck import require

MONTHS = [f"2024-{m:02d}" for m in range(1, 11)]
DOCUMENTS = ["acceptance-2024.pdf", "archive-2024.pdf", "assessment-2024.pdf", "contract-2024.pdf", "invoices-2024.pdf",
             "notice-2024.pdf", *(f"report-{m}.pdf" for m in MONTHS), "requirements-2024.pdf"]
TEXTS = ["acceptance-notice-2024.txt", "archive-2024.txt", "notice-2024.txt"]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a copy of the contract and ten months of data beside it, archived once (tests/artifacts.py)."""
    require("soffice", "pdffonts")
    return archived_year(tmp_path_factory)


def _verify(manifest: Path, contract: Path) -> tuple[int, str]:
    result = run_cli("verify", str(manifest), "--contract", str(contract))
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.libreoffice
def test_archive_holds_every_document_as_pdfa_2b(home: Path) -> None:
    names = sorted(p.name for p in (home / "archive").iterdir() if not p.name.startswith("."))  # the batch lock aside
    assert names == sorted([*DOCUMENTS, *TEXTS, "archive-2024.json"])
    for name in DOCUMENTS:
        pdf = (home / "archive" / name).read_bytes()
        assert re.search(rb"<pdfaid:part>2</pdfaid:part>\s*<pdfaid:conformance>B</pdfaid:conformance>", pdf), name
        # The XMP dates agree with the document information (PDF/A requires it), both the document's own date.
        xmp = re.search(rb"<xmp:CreateDate>(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z<", pdf)
        info = re.search(rb"/CreationDate\s*\(D:(\d{14})", pdf)
        assert xmp and info and b"".join(xmp.groups()) == info.group(1), name
        _check_cross_references(pdf, name)
        fonts = subprocess.run(["pdffonts", str(home / "archive" / name)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(line.split()[-5] == "yes" for line in rows), fonts  # every font embedded


def _check_cross_references(pdf: bytes, name: str) -> None:
    """Every object the cross-reference table names starts at its offset (the table is exact, not repaired)."""
    table = int(re.search(rb"startxref\n(\d+)\n%%EOF", pdf).group(1))  # type: ignore[union-attr]
    head = re.match(rb"xref\n0 (\d+)\n", pdf[table:])
    assert head, name
    entries = re.findall(rb"(\d{10}) (\d{5}) ([nf])", pdf[table + head.end() : table + head.end() + 20 * int(head.group(1))])
    assert len(entries) == int(head.group(1)), name
    for number, (offset, _, kind) in enumerate(entries):
        if kind == b"n":
            assert pdf[int(offset) :].startswith(b"%d 0 obj" % number), (name, number)
    # The colour profile of the PDF/A output intent carries the document's date, not the conversion time.
    stream = re.search(rb"<</N \d/Length (\d+) 0 R/Filter/FlateDecode>>\nstream\n", pdf)
    assert stream, name
    length = int(re.search(rb"\n%s 0 obj\n(\d+)\nendobj" % stream.group(1), pdf).group(1))  # type: ignore[union-attr]
    profile = zlib.decompress(pdf[stream.end() : stream.end() + length])
    info = re.search(rb"/CreationDate\s*\(D:(\d{14})", pdf).group(1)  # type: ignore[union-attr]
    assert struct.unpack(">6H", profile[24:36]) == tuple(int(info[a:b]) for a, b in ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14)))


@pytest.mark.libreoffice
def test_manifest_lists_every_file_its_digest_the_sources_and_the_retention(home: Path) -> None:
    manifest = json.loads((home / "archive" / "archive-2024.json").read_text("utf-8"))
    listed = {f["name"]: f for f in manifest["files"]}
    assert sorted(listed) == sorted([*DOCUMENTS, *TEXTS])
    for name, item in listed.items():
        data = (home / "archive" / name).read_bytes()
        assert item["sha256"] == hashlib.sha256(data).hexdigest() and item["bytes"] == len(data)
    sources = manifest["sources"]
    assert "contract.yaml#2024" in sources and "@templates/statutes.yaml" in sources and "data/2024-05/month.yaml" in sources
    assert sources["data/2024-05/calls.csv"] == hashlib.sha256((home / "data" / "2024-05" / "calls.csv").read_bytes()).hexdigest()
    retention = manifest["retention"]
    assert retention["years"] == 15 and "第四十二条" in retention["citation"] and "至少保存十五年" in retention["text"]
    assert (retention["start"], retention["until"]) == ("2025-01-17", "2040-01-16")
    assert manifest["skipped"] == ["2024-11 月报：没有数据目录", "2024-12 月报：没有数据目录"]
    text = (home / "archive" / "archive-2024.txt").read_text("utf-8")
    assert "至2040-01-16届满" in text and listed["contract-2024.pdf"]["sha256"] in text


@pytest.mark.libreoffice
def test_an_untouched_archive_verifies(home: Path) -> None:
    code, said = _verify(home / "archive" / "archive-2024.json", home / "contract.yaml")
    assert code == 0 and f"所列 {len(DOCUMENTS) + len(TEXTS)} 个归档文件" in said


@pytest.mark.libreoffice
def test_archiving_again_gives_the_same_bytes(home: Path, tmp_path: Path) -> None:
    result = run_cli("archive", "--year", "2024", "--contract", str(home / "contract.yaml"), "--data", str(home / "data"),
                     "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    for name in [*DOCUMENTS, *TEXTS, "archive-2024.json"]:
        assert (tmp_path / name).read_bytes() == (home / "archive" / name).read_bytes(), name


@pytest.mark.libreoffice
def test_verify_names_a_changed_or_missing_file_and_a_changed_source(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(home, folder)
    manifest, contract = folder / "archive" / "archive-2024.json", folder / "contract.yaml"
    with (folder / "archive" / "notice-2024.pdf").open("ab") as stream:
        stream.write(b"%")
    (folder / "archive" / "notice-2024.txt").unlink()
    code, said = _verify(manifest, contract)
    assert code == 1 and "归档文件已改变：notice-2024.pdf" in said and "归档文件不存在：notice-2024.txt" in said
    shutil.copytree(home / "archive", folder / "archive", dirs_exist_ok=True)
    month = folder / "data" / "2024-03" / "month.yaml"
    month.write_text(month.read_text("utf-8").replace("在岗人数:", "在岗人数:  "), "utf-8")
    contract.write_text(contract.read_text("utf-8").replace("budget_year: 2024", "budget_year: 2023"), "utf-8")
    code, said = _verify(manifest, contract)
    assert code == 1 and "数据源已修改：data/2024-03/month.yaml" in said and "2024 年度的合同内容与归档时不同" in said


@pytest.mark.parametrize("content", [b"{}", b"not json", b'{"format": "hotline-contract-gen/archive/1", "files": [{"name": "../x", "sha256": "0"}], "sources": {}}'])
def test_a_manifest_that_is_not_one_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "archive-2024.json"
    path.write_bytes(content)
    code, said = _verify(path, CONTRACT)
    assert code == 1 and "不是 gen archive 写出的归档清单" in said and "Traceback" not in said


@pytest.mark.libreoffice
def test_the_second_contract_archives_too(tmp_path_factory: pytest.TempPathFactory) -> None:
    require("soffice")
    made = archived_second(tmp_path_factory)  # four months of data, in a folder of their own
    manifest = json.loads((made / "archive" / "archive-2025.json").read_text("utf-8"))
    names = {f["name"] for f in manifest["files"]}
    assert {"contract-2025.pdf", "notice-2025.pdf", "acceptance-2025.pdf", "report-2025-04.pdf"} <= names
    assert "assessment-2025.pdf" not in names and any("年度考核报告" in s for s in manifest["skipped"])
    assert manifest["retention"]["until"] == "2041-03-09"
    code, said = _verify(made / "archive" / "archive-2025.json", SECOND)
    # The data folder lies outside the contract's folder: recorded by name, found again with --data.
    assert code == 1 and "请用 --data 指定数据目录" in said
    result = run_cli("verify", str(made / "archive" / "archive-2025.json"), "--contract", str(SECOND),
                     "--data", str(made / "data"))
    assert result.exit_code == 0, result.stderr
