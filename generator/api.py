"""The library API: the pipeline YAML → load → merge the year's layers → validate → resolve → document → .docx.

The CLI calls these functions and nothing else of ours.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from generator import caching
from generator.errors import GenError, InputError, Problem, UsageError
from generator.jobs import Output, document_model, run, split_problems
from generator.requests import (
    AcceptanceRequest,
    ArchiveRequest,
    AssessmentRequest,
    CalendarRequest,
    ContractRequest,
    DiffRequest,
    InvoicesRequest,
    NoticeRequest,
    ReportRequest,
    Request,
    RequirementsRequest,
    from_recorded,
)
from generator.resources import TEMPLATES
from generator.source.loader import load_bytes
from generator.validation import check_document, load_contract

if TYPE_CHECKING:
    from generator.documents.model import DocumentModel
    from generator.rules.model import Contract, ContractYear

# The requests of the generating commands are part of the API: a caller builds one and hands it to generate.
__all__ = ["AcceptanceRequest", "ArchiveRequest", "AssessmentRequest", "CalendarRequest", "ContractRequest", "DiffRequest",
           "InvoicesRequest", "NoticeRequest", "Plan", "Report", "ReportRequest", "Request", "RequirementsRequest", "Verdict",
           "check_text", "contract_model", "edit_contract", "generate", "generate_all", "generate_assessment",
           "generate_notice", "generate_sample", "init", "load_contract", "new_year", "plan_all", "record_assessment",
           "validate", "verify", "verify_archive"]


@dataclass(frozen=True)
class Report:
    """The outcome of validating a contract (errors raise): its warnings and a one-line summary."""

    warnings: list[Problem]
    summary: str


def validate(path: Path, strict: bool = False) -> Report:
    """Check everything `gen validate` checks, for every year; raise InputError if anything is wrong."""
    from generator.errors import merge_years

    contract = load_contract(path)
    errors, warnings = _contract_problems(contract, strict)
    if errors:
        raise InputError(merge_years(errors, contract.years))
    years = list(contract.years)
    summary = f"{path} 有效：{len(years)} 个合同年度（{'、'.join(map(str, years))}），{len(warnings)} 条警告"
    return Report(merge_years(warnings, contract.years), summary)


def _contract_problems(contract: Contract, strict: bool) -> tuple[list[Problem], list[Problem]]:
    """What `gen validate` checks beyond loading: every year's clause texts and the renewal conditions."""
    from generator.documents.contract import build_contract, build_requirements
    from generator.documents.notice import notice_problems
    from generator.rules.resolve import renewal_problems

    found: list[Problem] = list(contract.warnings)
    for year in contract.years.values():
        for builder in (build_contract, build_requirements):
            found += builder(year)[1]
        found += notice_problems(year)
        found += renewal_problems(contract, year.year)
    return split_problems(found, strict)


def check_text(text: str, name: str, strict: bool = False) -> tuple[Contract | None, list[Problem]]:
    """The contract a contract.yaml holding ``text`` would be, and every problem `gen validate` would report.

    Nothing is read or written: this is `gen validate` for text not yet saved (the editor checks each
    edit with it). The contract is None when it has errors.
    """
    from generator.errors import merge_years

    try:
        contract = check_document(load_bytes(text.encode("utf-8"), name))
    except InputError as error:
        return None, error.problems
    errors, warnings = _contract_problems(contract, strict)
    return (None if errors else contract), merge_years([*errors, *warnings], contract.years)


def contract_model(contract: Contract, year: int, against: int | None = None) -> DocumentModel:
    """The document model of ``year``'s contract, or with ``against`` its redline against that year: what
    `gen contract` and `gen diff` write as .docx, built by the same jobs."""
    from generator.documents.redline import build_redline

    after = contract.year(year)
    if against is None:
        return document_model(after, "contract")
    before = contract.year(against)
    return build_redline(before, after, document_model(before, "contract"), document_model(after, "contract"))


def _produce(job: Request, home: Path, pdf: bool) -> tuple[Contract, Output, dict[str, bytes]]:
    if pdf:
        from generator.output.pdf import soffice

        soffice()  # fail before any work when LibreOffice is missing
    contract = load_contract(home / job.contract)
    output = run(job, contract, home)
    files = dict(output.files)
    if pdf:
        from generator.output.pdf import to_pdf

        files.update(to_pdf(output.files))
    return contract, output, files


def generate(job: Request, home: Path, out_dir: Path, pdf: bool = False) -> tuple[list[Path], list[Problem]]:
    """Run one job (its contract and files relative to ``home``) and write its files as one batch."""
    from generator.output.batch import write_batch
    from generator.output.ics import revised_calendars

    _, output, files = _produce(job, home, pdf)
    return write_batch(out_dir, revised_calendars(files, out_dir)), output.warnings


def generate_notice(job: Request, home: Path, out_dir: Path, pdf: bool = False) -> tuple[list[Path], list[Problem], list[str]]:
    """Write the year's contract announcement; also return what it leaves out as confidential (labels only)."""
    from generator.output.batch import write_batch

    _, output, files = _produce(job, home, pdf)
    return write_batch(out_dir, files), output.warnings, list(output.result.left_out)


def generate_assessment(job: Request, home: Path, out_dir: Path, record_result: bool = False,
                        pdf: bool = False) -> tuple[list[Path], list[Problem]]:
    """Write the year's assessment; with ``record_result``, also store it in contract.yaml.

    The updated contract.yaml is built and validated before anything is written, so a record that
    would not validate leaves both the output folder and the contract untouched.
    """
    from generator.output.batch import write_batch

    path = home / job.contract
    _, output, files = _produce(job, home, pdf)
    if not record_result:
        return write_batch(out_dir, files), output.warnings
    from generator.analysis.assessment import record

    written: list[Path] = []

    def add_record(text: str) -> str:
        _check_writable(path)
        written.extend(write_batch(out_dir, files))
        return record(text, path.name, output.result)

    written.append(edit_contract(path, add_record)[0])
    return written, output.warnings


def record_assessment(path: Path, year: int, score: Decimal | None, passed: bool | None,
                      breaches: tuple[str, ...] = ()) -> tuple[Path, str]:
    """Record a result the buyer issued for ``year`` in contract.yaml, without reading any exports.

    Returns the file and what was recorded, in words, with what it replaced.
    """
    from generator.analysis.assessment import record_given, recorded_words

    previous: list[str] = []

    def add_record(text: str) -> str:
        contract = check_document(load_bytes(text.encode("utf-8"), path.name))
        previous.append(recorded_words(contract.year(year).entry.assessment))
        return record_given(text, path.name, contract.year(year), score, passed, breaches)

    _, checked = edit_contract(path, add_record)
    now = recorded_words(checked.year(year).entry.assessment)
    return path, f"已在 {path.name} 的 years.{year} 中记录考核结果：{now}（此前：{previous[0]}）"


def edit_contract(path: Path, change: Callable[[str], str]) -> tuple[Path, Contract]:
    """Apply ``change`` to the text of contract.yaml under the one edit lock; return the path and the result.

    The file is read only once the lock is held, so two editing commands run one after the other and
    the second edits what the first wrote. The edited text is loaded and checked before it replaces the
    file: an edit that would not validate writes nothing.
    """
    from generator.output.batch import contract_lock, replace_file

    with contract_lock(path):
        updated = change(_read_text(path)).encode("utf-8")
        checked = check_document(load_bytes(updated, path.name))
        _check_writable(path)
        replace_file(path, updated)
    return path, checked


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GenError(f"无法读取 {path}：{exc}") from None


def _check_writable(path: Path) -> None:
    """Fail before anything is written when the contract file could not be updated afterwards."""
    target = path.resolve()
    if not (os.access(target, os.W_OK) and os.access(target.parent, os.W_OK)):
        raise GenError(f"无法写入 {path}（没有写权限）：未生成任何文件，请检查文件和所在目录的权限后重试")


def init(folder: Path) -> tuple[list[Path], int]:
    """Write a working starter into ``folder``; return the files written and the starter contract's first year.

    The written contract is loaded and checked like any other, so a starter that does not work is never
    reported as done.
    """
    from generator.output.starter import write_starter

    written = write_starter(folder)
    contract = load_contract(folder / "contract.yaml")
    return written, min(contract.years)


def new_year(path: Path, year: int) -> tuple[list[str], list[Problem]]:
    """Append the skeleton of contract year ``year`` to contract.yaml; return what staff must fill in.

    The new year copies the previous year's signatories and is a renewal with an empty contract
    number; a commented example shows how a change (here a fee change) is written once, in its year.
    """
    from generator.source.edit import append_year, year_block

    last = 0

    def append(text: str) -> str:
        nonlocal last
        # The years as they are once the lock is held: another command may have just added one.
        current = check_document(load_bytes(text.encode("utf-8"), path.name))
        last = max(current.years)
        if year <= last:
            raise UsageError(f"{path.name} 中已有 {last} 年度，新年度应晚于它（例如 {last + 1}）")
        previous = current.year(last)
        return append_year(text, path.name, year_block(year, previous.signatories, previous.data["fees"]))

    _, checked = edit_contract(path, append)
    todo = [
        f"已在 {path.name} 的 years 中追加 {year} 年度。请填写或核对：",
        "  1. contract_number：合同编号（签订时由甲方编制；暂不知道可留空，文档中会留出空白）",
        f"  2. signed_on：签订日期（不写则为 {last} 年度服务期满的次日）",
        f"  3. signatories：双方签字人（已从 {last} 年度复制）",
        f"  4. {last} 年度的考核结果：gen assess --year {last} --record",
        "  5. 本年度变化的合同内容（预算、费用明细、付款、人员、考核指标……）：写在该年度下，只写变化的部分",
        f"然后运行 gen validate，再运行 gen contract --year {year} 和 gen diff --from {last} --to {year} 核对。",
    ]
    from generator.documents.statutory import checklist

    todo += ["法定事务（签订日期以实际为准；gen calendar 按实际日期列出）：", *(f"  - {w}" for w in checklist(checked.year(year)))]
    from generator.rules.resolve import renewal_problems

    return todo, sorted(renewal_problems(checked, year))


def generate_sample(path: Path, out_dir: Path, year: int | None, month: str | None, seed: int, scale: float,
                    force: bool = False) -> list[Path]:
    """Write deterministic sample monthly data folders for the contract (its regions, units, volumes, inputs).

    One month when given; else the service months of contract year ``year`` (the twelve calendar months of
    ``year`` when the contract has no such year); else those of the contract's first year.
    """
    from generator.exports.sample_data import sample_months
    from generator.output.batch import write_batch

    contract = load_contract(path)
    if month:
        months = [month]
    elif year is not None and year not in contract.years:
        months = [f"{year}-{m:02d}" for m in range(1, 13)]
    else:
        months = contract.year(year if year is not None else min(contract.years)).service_months()

    def year_of(service_month: str) -> ContractYear:
        try:
            return contract.year_of_month(service_month)
        except UsageError:
            # Months outside every term (e.g. the year before) borrow the nearest year's definitions.
            years = list(contract.years.values())
            return years[0] if service_month < years[0].service_months()[0] else years[-1]

    written = []
    for folder, files in sample_months(out_dir, [(int(m[:4]), int(m[5:])) for m in months], seed, scale, year_of, force):
        write_batch(folder, files)  # each month whole or not at all
        written.append(folder)
    return written


@dataclass(frozen=True)
class Plan:
    """What `gen all` will generate for a year, and what it skips and why."""

    jobs: list[Request]
    skipped: list[str]
    contract: Contract
    home: Path


def plan_all(path: Path, year: int, data_dir: Path, strict: bool = False) -> Plan:
    """Every document of a contract year that the data at hand allows."""
    contract = load_contract(path)
    current = contract.year(year)
    jobs: list[Request] = [ContractRequest.at(path, year=year, strict=strict),
                           InvoicesRequest.at(path, year=year, data=data_dir, strict=strict)]
    months = current.service_months()
    present = [m for m in months if (data_dir / m).is_dir()]
    jobs += [ReportRequest.at(path, month=m, data=data_dir, strict=strict) for m in present]
    skipped = [f"{m} 月报：没有数据目录 {data_dir / m}" for m in months if m not in present]
    first, last = current.renewal.assessment_months
    missing = [m for m in months[first - 1 : last] if m not in present]
    if missing:
        skipped.append(f"年度考核：缺少 {'、'.join(missing)} 的数据（可单独运行 gen assess --partial）")
    else:
        jobs.append(AssessmentRequest.at(path, year=year, data=data_dir, strict=strict))
    return Plan(jobs, skipped, contract, path.resolve().parent)


def generate_all(
    plan: Plan, out_dir: Path, pdf: bool = False, progress: Callable[[Request], None] | None = None
) -> tuple[list[Path], list[Problem]]:
    """Run every planned job in memory, then write everything as one all-or-nothing batch."""
    from generator.output.batch import write_batch
    from generator.output.pdf import soffice, to_pdf

    if pdf:
        soffice()
    files: dict[str, bytes] = {}
    warnings: list[Problem] = []
    for job in plan.jobs:
        output = run(job, plan.contract, plan.home)
        files.update(output.files)
        warnings += [w for w in output.warnings if w not in warnings]
        if progress:
            progress(job)
    if pdf:
        files.update(to_pdf(files))
    return write_batch(out_dir, files), warnings


@dataclass(frozen=True)
class Verdict:
    """The outcome of `gen verify`: whether the file matches, and the findings in words."""

    matches: bool
    findings: list[str]


@caching.bypassed()
def verify(document: Path, contract_path: Path, data_dir: Path | None = None) -> Verdict:
    """Whether ``document`` is exactly what the current sources would generate, and if not, why.

    An archive manifest (``archive-YYYY.json`` of `gen archive`) is checked file by file instead: every archived
    file and every source against the SHA-256 the manifest recorded. A data folder that lay outside the
    contract's folder is recorded by name only: ``data_dir`` says where it is now. Nothing comes from the
    user's cache: every source is read and every figure computed again.
    """
    from generator.output.provenance import GENERATOR, read_properties

    if document.suffix.lower() == ".json":
        return verify_archive(document, contract_path, data_dir)
    props = read_properties(document)
    if "hcg.job" not in props:
        raise GenError(f"{document}：没有生成来源信息，不是本工具生成的文档（或已被其他软件另存）")
    job, recorded = _recorded(document, props)
    home = contract_path.resolve().parent
    findings: list[str] = []
    unplaced: list[str] = []
    if props.get("hcg.generator") != GENERATOR:
        findings.append(f"生成器版本不同：文档由 {props.get('hcg.generator')} 生成，当前为 {GENERATOR}")
    contract = load_contract(contract_path)
    changed_parts: dict[tuple[str, str], list[str]] = {}
    for label, old in sorted(recorded.items()):
        name, _, year_part = label.partition("#")
        if year_part:
            year, _, part = year_part.partition("/")
            current = contract.years.get(int(year)) if year.isdigit() else None
            if current is None:
                findings.append(f"源文件已修改：{name}（其中已没有 {year} 年度）")
            elif current.parts.get(part) != old:
                changed_parts.setdefault((name, year), []).append(part)
            continue
        _source_finding(label, old, home, data_dir, "源文件", "生成时", findings, unplaced)
    for (name, year), parts in sorted(changed_parts.items()):
        findings.append(f"源文件已修改：{name}（{year} 年度的{_part_names(parts)}与生成时不同）")
    findings += _unplaced(unplaced, "文档")
    if findings:
        return Verdict(False, findings)
    try:
        regenerated = run(job, contract, home, data_dir).files.get(document.name)
    except InputError as error:
        # Only where, never what: a crafted document may name any file, whose lines must not be shown.
        where = "、".join(sorted({f"{p.file}:{p.line}" for p in error.problems}))
        return Verdict(False, [f"按记录的命令重新生成失败（{where} 有问题），请先单独运行该命令查看原因"])
    if regenerated is None:
        return Verdict(False, [f"按记录的命令重新生成时没有得到 {document.name}（文件可能被改名）"])
    if regenerated != document.read_bytes():
        return Verdict(False, ["源文件未变，但文档内容与重新生成的结果不同：文档在生成后被改动过"])
    return Verdict(True, [f"一致：{document.name} 与当前数据源生成的结果完全相同（{len(recorded)} 个源未改动）"])


def _part_names(parts: list[str]) -> str:
    """The changed parts of a year in words: their titles from the schema, with the YAML name."""
    from generator.rules.model import ASSESSMENT_PART, YEAR_PART
    from generator.source.schema import titles

    special = {YEAR_PART: "年度信息（合同编号、签订日期、签字人等）", ASSESSMENT_PART: "考核结果"}
    named = []
    for part in parts:
        title = special.get(part) or next(iter(titles("contract.schema.json", (part,))), "")
        named.append(f"{title}（{part}）" if title and title != part else part)
    return "、".join(named)


def verify_archive(manifest: Path, contract_path: Path, data_dir: Path | None = None) -> Verdict:
    """Whether every file of an archive and every source it was made from still has its recorded SHA-256."""
    from generator.output.archive import file_findings, read_manifest

    data = read_manifest(manifest)
    findings = file_findings(manifest.parent, data)
    unplaced: list[str] = []
    contract = load_contract(contract_path)
    home = contract_path.resolve().parent
    for label, old in sorted(data["sources"].items()):
        name, _, year = label.partition("#")
        if year:
            current = contract.years.get(int(year)) if year.isdigit() else None
            if current is None or current.fingerprint != old:
                findings.append(f"数据源已修改：{name}（{year} 年度的合同内容与归档时不同）")
            continue
        _source_finding(label, old, home, data_dir, "数据源", "归档时", findings, unplaced)
    findings += _unplaced(unplaced, "归档清单")
    if findings:
        return Verdict(False, findings)
    return Verdict(True, [f"一致：{manifest.name} 所列 {len(data['files'])} 个归档文件和 {len(data['sources'])} 项数据源"
                          "的 SHA-256 均与归档时相同"])


def _source_finding(label: str, old: str, home: Path, data_dir: Path | None, noun: str, when: str,
                    findings: list[str], unplaced: list[str]) -> None:
    """Whether one recorded file source still has its digest: a shipped template, a file in the contract's
    folder, or one outside it recorded by name (found under ``data_dir``, else listed as unplaced)."""
    from generator.output.provenance import EXTERNAL, digest, external_path

    if label.startswith(EXTERNAL):
        found = external_path(label, data_dir)
        if found is None:
            unplaced.append(label)
            return
        path = found
    else:
        path = TEMPLATES / label.removeprefix("@templates/") if label.startswith("@templates/") else home / label
    if not path.is_file():
        findings.append(f"{noun}已不存在：{label}")
    elif digest(path) != old:
        findings.append(f"{noun}已修改：{label}（{when} sha256 {old[:12]}…，现在 {digest(path)[:12]}…）")


def _unplaced(unplaced: list[str], what: str) -> list[str]:
    if not unplaced:
        return []
    return [f"{len(unplaced)} 个源文件在合同目录之外，{what}只记录了名称（如 {unplaced[0]}）："
            "请用 --data 指定数据目录现在的位置后再核对"]


def _recorded(document: Path, props: dict[str, str]) -> tuple[Request, dict[str, str]]:
    """The request and source fingerprints stored in a document, refusing anything malformed."""
    try:
        request = from_recorded(json.loads(props["hcg.job"]))
        sources = json.loads(props.get("hcg.sources", "{}"))
    except (ValueError, TypeError, GenError):
        raise GenError(f"{document}：生成来源信息已损坏或格式不对，无法核对") from None
    if not (isinstance(sources, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in sources.items())):
        raise GenError(f"{document}：生成来源信息已损坏或格式不对，无法核对")
    return request, sources
