"""Running a generating command's request into files in memory, with the provenance `gen verify` reads.

Each kind of request (``generator.requests``) has one registered runner here. Running writes nothing; the
caller writes the files as one all-or-nothing batch.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from generator.errors import InputError, Problem, UsageError
from generator.requests import (
    FILE_ARGUMENTS,
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
)
from generator.resources import TEMPLATES
from generator.rules.model import ASSESSMENT_PART

if TYPE_CHECKING:
    from generator.documents.model import DocumentModel
    from generator.rules.model import Contract, ContractYear

# The modules that build and write documents are imported inside the runners: `gen validate` should not
# pay for the writer's imports.

# The parts of a contract year a document does not read (see ContractYear.parts). The contract's text never
# reads the export columns, the report's settings, the sample, the calendar or the statutes, nor the year's
# own recorded result; the schedule, the calendar and the notice read the statutes; a monthly report reads
# the exports and their settings; only the assessment and the acceptance record read the result.
# `gen verify` compares the parts a document was made from, so a change elsewhere leaves it verified
# (and regenerating it byte for byte is still the last word). A kind not listed reads every part but the
# recorded result.
_NOT_READ_BY_TEXT = frozenset({"exports", "report", "sample", "calendar", "statutes", ASSESSMENT_PART})
NOT_READ = {"contract": _NOT_READ_BY_TEXT, "requirements": _NOT_READ_BY_TEXT, "diff": _NOT_READ_BY_TEXT,
            "invoices": _NOT_READ_BY_TEXT - {"statutes"}, "calendar": _NOT_READ_BY_TEXT - {"calendar", "statutes"},
            "notice": _NOT_READ_BY_TEXT - {"statutes"},
            "report": frozenset({"sample", "calendar", "statutes", ASSESSMENT_PART}),
            "assessment": frozenset({"sample", "calendar", "statutes"}), "acceptance": frozenset({"sample", "calendar"})}


@dataclass
class Output:
    """What a job produced: file name → bytes, warnings, the sources it read, the years and what it computed."""

    files: dict[str, Any] = field(default_factory=dict)  # .docx as parts until `run` packages them
    warnings: list[Problem] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    result: Any = None


def split_problems(found: Iterable[Problem], strict: bool) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings); with ``strict`` every warning is an error."""
    errors, warnings = [], []
    for problem in found:
        if problem.severity == "error" or strict:
            errors.append(replace(problem, severity="error"))
        else:
            warnings.append(problem)
    return errors, warnings


def year_checks(contract: Contract, year: int, strict: bool) -> tuple[ContractYear, list[Problem]]:
    """The year in force and the renewal article's checks (errors raise; warnings are returned)."""
    from generator.rules.resolve import renewal_problems

    current = contract.year(year)
    errors, warnings = split_problems([*renewal_problems(contract, year), *contract.warnings_for(year)], strict)
    if errors:
        raise InputError(errors)
    return current, warnings


def document_model(year: ContractYear, builder: str) -> DocumentModel:
    """The model of a document made from one contract year; template problems become an InputError."""
    from generator.documents.contract import build_contract, build_requirements

    model, problems = {"contract": build_contract, "requirements": build_requirements}[builder](year)
    if problems:
        raise InputError(problems)
    return model


def month_sources(data_dir: Path, months: Iterable[str]) -> list[Path]:
    """The files a month's figures may be read from."""
    found = [data_dir / "columns.yaml"]
    for month in months:
        folder = data_dir / month
        found += [folder / name for name in ("calls.csv", "calls.xlsx", "tickets.csv", "tickets.xlsx", "month.yaml",
                                             "columns.yaml")]
    return found


def _label(path: Path, home: Path, roots: Iterable[Path]) -> str:
    """Shipped sources are named relative to the templates folder, others relative to the contract's folder,
    or, outside it, by the name of the argument they came from (``roots``) and their path inside it."""
    from generator.output.provenance import recorded_path

    resolved = path.resolve()
    if resolved.is_relative_to(TEMPLATES):
        return f"@templates/{resolved.relative_to(TEMPLATES).as_posix()}"
    root = next((r for r in roots if resolved.is_relative_to(r.resolve())), None)
    return recorded_path(path, home, root)


def run(request: Request, contract: Contract, home: Path, external: Path | None = None) -> Output:
    """Run ``request`` against a validated contract (file arguments relative to ``home``, a data folder recorded
    by name placed at ``external``); attach provenance."""
    from generator.documents.docx.packaging import package
    from generator.output.provenance import custom_xml, properties, source_hashes

    running = request.placed(external) if external is not None else request
    output = _RUNNERS[request.kind](running, contract, home)
    roots = [p for p in (running.path(home, n) for n in FILE_ARGUMENTS) if p is not None]
    hashes = {_label(Path(p), home, roots): d for p, d in source_hashes([TEMPLATES / "layout.yaml", *output.sources]).items()}
    for year in sorted(set(output.years)):
        # Each part of the year on its own, so `gen verify` can say which one changed; only the
        # assessment document reads the year's recorded result (recording it leaves the others verified).
        for part, digest in contract.year(year).parts_used(NOT_READ.get(request.kind, frozenset({ASSESSMENT_PART}))).items():
            hashes[f"{request.contract}#{year}/{part}"] = digest
    custom = custom_xml(properties(request.recorded(home).describe(), hashes))
    output.files = {name: package(data, custom) if isinstance(data, dict) else data
                    for name, data in output.files.items()}
    return output


_RUNNERS: dict[str, Callable[[Any, Contract, Path], Output]] = {}
_Runner = TypeVar("_Runner", bound=Callable[..., Output])


def _runs(kind: type[Request]) -> Callable[[_Runner], _Runner]:
    """Register the runner of one kind of request."""
    def register(runner: _Runner) -> _Runner:
        _RUNNERS[kind.kind] = runner
        return runner
    return register


def _docx(model: DocumentModel) -> dict[str, bytes]:
    """The document's parts; `run` zips them with the provenance properties."""
    from generator.documents.docx.writer import render_docx
    from generator.documents.layout import load_layout

    return render_docx(model, load_layout())


@_runs(ContractRequest)
def _contract(job: ContractRequest, contract: Contract, _: Path) -> Output:
    year, warnings = year_checks(contract, job.year, job.strict)
    files = {f"contract-{job.year}.docx": _docx(document_model(year, "contract")),
             f"requirements-{job.year}.docx": _docx(document_model(year, "requirements"))}
    return Output(files, warnings, years=[year.year])


@_runs(RequirementsRequest)
def _requirements(job: RequirementsRequest, contract: Contract, _: Path) -> Output:
    year, warnings = year_checks(contract, job.year, job.strict)
    return Output({f"requirements-{job.year}.docx": _docx(document_model(year, "requirements"))}, warnings,
                  years=[year.year])


@_runs(InvoicesRequest)
def _invoices(job: InvoicesRequest, contract: Contract, home: Path) -> Output:
    from generator.documents.invoices import build_invoices
    from generator.exports.side_inputs import load_payments, load_rankings, rankings_from_data
    from generator.output.json_export import to_json
    from generator.rules.payment import Payment, build_schedule, payment_warnings

    year, warnings = year_checks(contract, job.year, job.strict)
    months = year.service_months()
    sources: list[Path] = []
    rankings, data, paid = job.path(home, "rankings"), job.path(home, "data"), job.path(home, "paid")
    if rankings:
        ranks = load_rankings(rankings, year, months)
        sources.append(rankings)
    elif data and data.is_dir():
        ranks = rankings_from_data(data, year, months)
        sources += [data / m / "month.yaml" for m in months]
    else:
        ranks = {}
    payments: list[Payment] = []
    if paid:
        if not job.as_of:
            raise UsageError("计算逾期违约金须给出截止日期：--as-of 2024-12-31（算到今天请写 --as-of today）")
        payments, found = load_payments(paid, year)
        warnings += found
        sources.append(paid)
    as_of = date.fromisoformat(job.as_of) if job.as_of else None
    schedule = build_schedule(year, ranks, payments, as_of)
    if paid:
        lines = payment_warnings(schedule.rows, payments)
        warnings += [Problem(paid.name, line, 1, "", message, "warning") for line, message in lines]
    files = {
        f"invoices-{job.year}.docx": _docx(build_invoices(year, schedule, with_payments=bool(paid))),
        f"invoices-{job.year}.json": to_json(schedule),
    }
    return Output(files, warnings, sources, [year.year])


@_runs(ReportRequest)
def _report(job: ReportRequest, contract: Contract, home: Path) -> Output:
    from generator.analysis.monthly import build_month_report
    from generator.analysis.periods import shift
    from generator.documents.report import build_report
    from generator.output.json_export import to_json

    month, data_dir = job.month, job.path(home, "data") or home / "data"
    year = contract.year_of_month(month)
    _, warnings = year_checks(contract, year.year, job.strict)
    report = build_month_report(contract, data_dir, month, job.skip_bad_rows)
    warnings += month_warnings(report)
    # The month itself and the twelve before it (previous month, trend, the same month last year).
    months = [shift(month, -k) for k in range(13)]
    years = {year.year}
    for m in months:
        with contextlib.suppress(UsageError):
            years.add(contract.year_of_month(m).year)
    files = {f"report-{month}.docx": _docx(build_report(year, report)), f"report-{month}.json": to_json(report)}
    return Output(files, warnings, month_sources(data_dir, months), sorted(years))


def month_warnings(report: Any) -> list[Problem]:
    """What the console says about a month's data: a rule broken by many cells once, with the count and the
    first rows; skipped total rows; the notes of the report (missing months, drafts of typical cases)."""
    from generator.exports.tables import summarised

    found = summarised([*report.cleaned, *report.skipped, *report.data.summaries], "warning")
    for quality in report.quality.values():
        found += summarised(quality.examples, "warning")
    return [*report.notes, *found]


@_runs(AssessmentRequest)
def _assessment(job: AssessmentRequest, contract: Contract, home: Path) -> Output:
    from generator.analysis.assessment import assess
    from generator.documents.assessment import build_assessment
    from generator.output.json_export import to_json

    year, warnings = year_checks(contract, job.year, job.strict)
    data_dir = job.path(home, "data") or home / "data"
    result = assess(year, data_dir, job.partial)
    files = {
        f"assessment-{job.year}.docx": _docx(build_assessment(year, result)),
        f"assessment-{job.year}.json": to_json(result),
    }
    return Output(files, warnings, month_sources(data_dir, result.months), [year.year], result)


@_runs(DiffRequest)
def _diff(job: DiffRequest, contract: Contract, _: Path) -> Output:
    from generator.documents.redline import build_redline

    before, after = contract.year(job.from_year), contract.year(job.to_year)
    model = build_redline(before, after, document_model(before, "contract"), document_model(after, "contract"))
    return Output({f"diff-{job.from_year}-{job.to_year}.docx": _docx(model)}, years=[before.year, after.year])


@_runs(CalendarRequest)
def _calendar(job: CalendarRequest, contract: Contract, _: Path) -> Output:
    from datetime import datetime

    from generator.output.ics import calendar_bytes
    from generator.rules.duties import duties

    year, warnings = year_checks(contract, job.year, job.strict)
    settings = year.data.get("calendar")
    if settings is None:
        raise InputError([year.source.problem((), "合同中没有 calendar 设置（提醒天数等），无法生成日历：请在 contract.yaml 中加上 calendar 部分")])
    stamp = datetime.combine(year.signed_on, datetime.min.time(), tzinfo=UTC)
    data = calendar_bytes(duties(year), year.data["project"]["name"], year.data["project"]["number"], year.year, stamp,
                          settings["alarm_days"])
    return Output({f"calendar-{job.year}.ics": data}, warnings, years=[year.year])


@_runs(NoticeRequest)
def _notice(job: NoticeRequest, contract: Contract, _: Path) -> Output:
    from generator.documents.notice import announcement, build_notice, notice_text
    from generator.rules.statutes import SHIPPED

    year, warnings = year_checks(contract, job.year, job.strict)
    if year.data.get("statutes", {}).get("notice") is None:
        raise InputError([year.source.problem((), "合同中没有 statutes.notice（主要标的、服务要求、履约地点和方式），"
                                                  "无法生成合同公告：请在 contract.yaml 的 statutes 部分加上 notice")])
    notice, problems = announcement(year)
    if problems:
        raise InputError(problems)
    files = {f"notice-{job.year}.docx": _docx(build_notice(year, notice)), f"notice-{job.year}.txt": notice_text(notice)}
    return Output(files, warnings, [SHIPPED], [year.year], notice)


@_runs(AcceptanceRequest)
def _acceptance(job: AcceptanceRequest, contract: Contract, home: Path) -> Output:
    from generator.analysis.acceptance import performance
    from generator.documents.acceptance import announcement_text, build_acceptance, standards
    from generator.rules.statutes import SHIPPED

    year, warnings = year_checks(contract, job.year, job.strict)
    data_dir = job.path(home, "data") or home / "data"
    result = performance(year, data_dir)
    rows, problems = standards(year, result)
    if problems:
        raise InputError(problems)
    if result.missing:
        warnings.append(Problem(os.path.normpath(data_dir), 1, 1, "", (
            f"{job.year} 年度验收期内缺少 {'、'.join(result.missing)} 的数据：验收书中凡包含这些月份的数字均注明缺数据，"
            "年度考核得分只按已有月份计算，不作为验收结论"), "warning"))
    files = {f"acceptance-{job.year}.docx": _docx(build_acceptance(year, result, rows)),
             f"acceptance-notice-{job.year}.txt": announcement_text(year, result)}
    return Output(files, warnings, [SHIPPED, *month_sources(data_dir, result.months)], [year.year], result)


def archive_requests(job: ArchiveRequest, year: ContractYear, data_dir: Path) -> tuple[list[Request], list[str]]:
    """The requests whose documents make up a year's archive, and what is left out for want of data."""
    contract, strict = job.contract, job.strict
    requests: list[Request] = [ContractRequest(contract=contract, strict=strict, year=job.year),
                               InvoicesRequest(contract=contract, strict=strict, year=job.year, data=job.data)]
    months = year.service_months()
    present = [m for m in months if (data_dir / m).is_dir()]
    requests += [ReportRequest(contract=contract, strict=strict, month=m, data=job.data) for m in present]
    skipped = [f"{m} 月报：没有数据目录" for m in months if m not in present]
    first, last = year.renewal.assessment_months
    if all(m in present for m in months[first - 1 : last]):
        requests.append(AssessmentRequest(contract=contract, strict=strict, year=job.year, data=job.data))
    else:
        skipped.append("年度考核报告：考核期数据不全（验收书中已注明缺数据的月份）")
    requests.append(AcceptanceRequest(contract=contract, strict=strict, year=job.year, data=job.data))
    if year.data.get("statutes", {}).get("notice") is not None:
        requests.append(NoticeRequest(contract=contract, strict=strict, year=job.year))
    else:
        skipped.append("合同公告：合同中没有 statutes.notice")
    return requests, skipped


@_runs(ArchiveRequest)
def _archive(job: ArchiveRequest, contract: Contract, home: Path) -> Output:
    from generator.documents.docx.packaging import package
    from generator.documents.manifest import build_manifest
    from generator.output import archive
    from generator.output.pdf import to_pdf
    from generator.output.provenance import GENERATOR, source_hashes
    from generator.rules.statutes import retention_period, statutes_of

    year, warnings = year_checks(contract, job.year, job.strict)
    jobs, skipped = archive_requests(job, year, job.path(home, "data") or home / "data")
    documents: dict[str, bytes] = {}
    sources: set[Path] = {TEMPLATES / "layout.yaml"}
    for sub in jobs:
        output = run(sub, contract, home)
        documents.update({n: d for n, d in output.files.items() if n.endswith((".docx", ".txt"))})
        sources.update(Path(s) for s in output.sources)
        warnings += [w for w in output.warnings if w not in warnings]
    pdfs = to_pdf(documents, archival=True)
    archive.require_pdfa(pdfs)
    files = {**pdfs, **{n: d for n, d in documents.items() if n.endswith(".txt")}}
    roots = [p for p in (job.path(home, n) for n in FILE_ARGUMENTS) if p is not None]
    hashes = {_label(Path(p), home, roots): d for p, d in source_hashes(sources).items()}
    hashes[f"{job.contract}#{year.year}"] = year.fingerprint
    rule = next(iter(statutes_of(year).of_kind("retention")), None)
    retention = None
    if rule is not None:
        start, until = retention_period(year, rule)
        retention = archive.Retention(rule.citation, rule.text, rule.years or 0, start, until,
                                      f"采购结束之日按本年度合同服务期满之日（{year.term_end.isoformat()}）计")
    name = f"archive-{job.year}"
    head = {"project": year.data["project"]["name"], "year": year.year, "contract_number": year.contract_number,
            "generator": GENERATOR, "pdf": "PDF/A-2b", "converter": archive.producer(next(iter(pdfs.values()))),
            "manifest": f"{name}.json", "job": job.describe()}
    data = archive.manifest(head, [archive.entry(n, files[n]) for n in sorted(files)], hashes, retention, skipped)
    sheet = to_pdf({f"{name}.docx": package(_docx(build_manifest(year, data)))}, archival=True)
    archive.require_pdfa(sheet)
    files.update(sheet)
    text = ("\r\n".join(archive.manifest_lines(data)) + "\r\n").encode("utf-8")
    files[f"{name}.txt"] = text
    final = archive.manifest({**head}, [archive.entry(n, files[n]) for n in sorted(files)], hashes, retention, skipped)
    files[f"{name}.json"] = archive.manifest_json(final)
    return Output(files, warnings, sorted(sources), [year.year], final)
