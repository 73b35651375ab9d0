"""A year's archive: every document as PDF/A-2b, and a manifest of SHA-256 digests that `gen verify` checks later.

《政府采购法》第四十二条 has procurement files kept at least fifteen years (the period comes from the statutes
file). The archive is what is kept: the documents in the archival PDF form, the pasted texts, and a manifest
(JSON for the tool, text and PDF/A for people) naming each file's digest and the digests of the sources the
documents were made from. Checking an archive later recomputes them all: a changed file or a changed source
is named.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.errors import GenError

FORMAT = "hotline-contract-gen/archive/1"
MAX_MANIFEST_BYTES = 1 << 20
_PDFAID = re.compile(rb"<pdfaid:part>(\d)</pdfaid:part>\s*<pdfaid:conformance>([A-Za-z])</pdfaid:conformance>")
_PRODUCER = re.compile(rb"<pdf:Producer>([^<]{1,80})</pdf:Producer>")
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")
# What each kind of file of a year is, for people reading the manifest.
TITLES = (("contract-", "合同（含附件）"), ("requirements-", "用户需求书"), ("invoices-", "付款及开票计划"),
          ("report-", "12345热线月报"), ("assessment-", "年度考核（履约验收）报告"),
          ("acceptance-notice-", "履约验收结果公告（文本）"), ("acceptance-", "履约验收书及验收结果公告"),
          ("notice-", "合同公告"), ("archive-", "归档清单"))


@dataclass(frozen=True)
class Entry:
    """One archived file: its name, what it is, its size and its SHA-256."""

    name: str
    title: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Retention:
    """How long the archive is kept and on what authority."""

    citation: str
    text: str
    years: int
    start: date
    until: date
    basis: str


def title_of(name: str) -> str:
    """What a file of the archive is, from its name (contract-2024.pdf → 合同（含附件）)."""
    title = next((t for prefix, t in TITLES if name.startswith(prefix)), name)
    if name.startswith("report-"):
        stem = name.split(".", 1)[0].removeprefix("report-")
        title += f"（{int(stem[:4])}年{int(stem[5:7])}月）"
    return title + ("（文本）" if name.endswith(".txt") and "文本" not in title else "")


def entry(name: str, data: bytes) -> Entry:
    """The manifest entry of one file."""
    return Entry(name, title_of(name), len(data), hashlib.sha256(data).hexdigest())


def pdfa_level(pdf: bytes) -> str:
    """'2B' when the PDF declares PDF/A-2b in its XMP metadata ('' when it declares no PDF/A level)."""
    found = _PDFAID.search(pdf)
    return (found.group(1) + found.group(2).upper()).decode() if found else ""


def producer(pdf: bytes) -> str:
    """The PDF's producer as its metadata names it (LibreOffice 7.4)."""
    found = _PRODUCER.search(pdf)
    return found.group(1).decode("utf-8", "replace") if found else ""


def require_pdfa(pdfs: Mapping[str, bytes]) -> None:
    """Refuse an archive whose PDFs are not PDF/A-2b (an old LibreOffice ignores the export option)."""
    wrong = sorted(name for name, data in pdfs.items() if pdfa_level(data) != "2B")
    if wrong:
        raise GenError(f"LibreOffice 没有生成 PDF/A-2b：{'、'.join(wrong)}（需要 LibreOffice 7.4 或更新版本）；未写入任何文件")


def manifest(head: Mapping[str, Any], entries: Sequence[Entry], sources: Mapping[str, str], retention: Retention | None,
             skipped: Sequence[str]) -> dict[str, Any]:
    """The manifest as data: what was archived, the digests, the sources' digests and the retention."""
    return {"format": FORMAT, **head,
            "retention": None if retention is None else {**asdict(retention), "start": retention.start.isoformat(),
                                                         "until": retention.until.isoformat()},
            "files": [asdict(e) for e in entries], "sources": dict(sorted(sources.items())), "skipped": list(skipped)}


def manifest_json(data: Mapping[str, Any]) -> bytes:
    """The manifest for `gen verify`: stable key order, UTF-8."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest_lines(data: Mapping[str, Any]) -> list[str]:
    """The manifest for people (the .txt, and the lines of the PDF copy)."""
    lines = [f"{data['project']}归档清单（{data['year']}年度）", "",
             f"合同编号：{data['contract_number'] or '（未填写）'}", f"生成工具：{data['generator']}",
             f"文件格式：{data['pdf']}（{data['converter']}）", ""]
    retention = data.get("retention")
    if retention:
        lines += [f"保存期限：依据{retention['citation']}，保存期限为从采购结束之日起至少{retention['years']}年。"
                  f"{retention['basis']}，自{retention['start']}起算，至{retention['until']}届满。", ""]
    lines.append("归档文件（SHA-256）：")
    lines += [f"  {n}. {f['name']}（{f['title']}，{f['bytes']:,} 字节）\n     {f['sha256']}"
              for n, f in enumerate(data["files"], start=1)]
    lines += ["", "数据源（合同按年度记录内容指纹，其余为文件的 SHA-256）："]
    lines += [f"  {label}\n     {digest}" for label, digest in data["sources"].items()]
    if data.get("skipped"):
        lines += ["", "未归档：", *(f"  {reason}" for reason in data["skipped"])]
    lines += ["", f"核对：gen verify {data['manifest']}（重新计算上列文件和数据源的 SHA-256，不一致时指出是哪一个）"]
    return lines


def read_manifest(path: Path) -> dict[str, Any]:
    """A manifest written by `gen archive`, refusing anything else."""
    try:
        raw = path.read_bytes()[: MAX_MANIFEST_BYTES + 1]
        data = json.loads(raw) if len(raw) <= MAX_MANIFEST_BYTES else None
    except (OSError, ValueError):
        data = None
    valid = (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("files"), list)
             and isinstance(data.get("sources"), dict)
             and all(isinstance(f, dict) and isinstance(f.get("name"), str) and _SAFE.match(f["name"])
                     and isinstance(f.get("sha256"), str) for f in data["files"])
             and all(isinstance(k, str) and isinstance(v, str) for k, v in data["sources"].items()))
    if not valid:
        raise GenError(f"{path}：不是 gen archive 写出的归档清单，或清单已损坏，无法核对")
    assert isinstance(data, dict)  # checked just above, in the same words the refusal gives
    return data


def file_findings(folder: Path, data: Mapping[str, Any]) -> list[str]:
    """Each archived file that is missing or differs from its recorded digest."""
    findings = []
    for item in data["files"]:
        path = folder / item["name"]
        if not path.is_file():
            findings.append(f"归档文件不存在：{item['name']}")
            continue
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                digest.update(block)
        if digest.hexdigest() != item["sha256"]:
            findings.append(f"归档文件已改变：{item['name']}（归档时 sha256 {item['sha256'][:12]}…，现在 {digest.hexdigest()[:12]}…）")
    return findings
