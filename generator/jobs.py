"""Generation jobs: a serialisable description of one command, run into files in memory.

A Job is what `gen verify` finds in a document's properties and runs again, so it holds the
command's arguments as given and nothing else. Running a job writes nothing; the caller writes the
files as one all-or-nothing batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from generator.documents.contract import build_contract, build_requirements
from generator.documents.docx.packaging import package
from generator.documents.docx.writer import render_docx
from generator.documents.layout import load_layout
from generator.documents.model import DocumentModel
from generator.errors import InputError, Problem
from generator.output.provenance import custom_xml, properties, source_hashes
from generator.resources import TEMPLATES
from generator.rules.model import Contract
from generator.rules.resolve import ResolvedYear, renewal_problems, resolve_year

# The modules of the other document kinds are imported inside their runners: `gen contract` is run
# often and interactively, and should not pay for the report's and assessment's imports.

Builder = Callable[[Contract, ResolvedYear], tuple[DocumentModel, list[Problem]]]
KINDS = ("contract", "requirements", "invoices", "report", "assessment", "diff")


@dataclass(frozen=True)
class Job:
    """One generating command and its arguments, as the user gave them."""

    kind: str
    contract: str = "contract.yaml"
    year: int | None = None
    month: str | None = None
    data: str | None = None
    rankings: str | None = None
    paid: str | None = None
    as_of: str | None = None
    partial: bool = False
    skip_bad_rows: bool = False
    from_year: int | None = None
    to_year: int | None = None
    strict: bool = False

    def describe(self) -> dict[str, Any]:
        """The arguments that differ from the defaults (what provenance records)."""
        return {k: v for k, v in asdict(self).items() if v not in (None, False) or k == "kind"}


@dataclass
class Output:
    """What a job produced: file name → bytes, warnings, the source files it read, and what it computed."""

    files: dict[str, Any] = field(default_factory=dict)  # .docx as parts until `run` packages them
    warnings: list[Problem] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)
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


def year_checks(contract: Contract, year: int, strict: bool) -> tuple[ResolvedYear, list[Problem]]:
    """Resolve a year and apply article 五.1's checks (errors raise; warnings are returned)."""
    resolved = resolve_year(contract, year)
    errors, warnings = split_problems(renewal_problems(contract, year), strict)
    if errors:
        raise InputError(errors)
    return resolved, warnings


def document_model(contract: Contract, resolved: ResolvedYear, builder: Builder) -> DocumentModel:
    """Run one document builder; template problems become an InputError."""
    model, problems = builder(contract, resolved)
    if problems:
        raise InputError(problems)
    return model


def _template_sources() -> list[Path]:
    return [TEMPLATES / "layout.yaml"]


def _month_sources(data_dir: Path, months: Iterable[str]) -> list[Path]:
    found = [data_dir / "columns.yaml", TEMPLATES / "columns.yaml"]
    for month in months:
        folder = data_dir / month
        found += [folder / name for name in ("calls.csv", "calls.xlsx", "tickets.csv", "tickets.xlsx", "month.yaml")]
    return found


def _label(path: Path) -> str:
    """Sources the tool ships are named relative to its templates folder, so they verify on any install."""
    resolved = path.resolve()
    return f"@templates/{resolved.relative_to(TEMPLATES)}" if resolved.is_relative_to(TEMPLATES) else str(path)


def run(job: Job, contract: Contract) -> Output:
    """Run ``job`` against an already validated contract; every .docx carries the job's provenance."""
    output = _RUNNERS[job.kind](job, contract)
    output.sources = [Path(job.contract), *_template_sources(), *output.sources]
    hashes = {_label(Path(p)): d for p, d in source_hashes(output.sources).items()}
    custom = custom_xml(properties(job.describe(), hashes))
    output.files = {name: package(data, custom) if isinstance(data, dict) else data
                    for name, data in output.files.items()}
    return output


def _docx(model: DocumentModel) -> dict[str, bytes]:
    """The document's parts; `run` zips them with the provenance properties."""
    return render_docx(model, load_layout())


def _contract(job: Job, contract: Contract) -> Output:
    resolved, warnings = year_checks(contract, job.year, job.strict)  # type: ignore[arg-type]
    files = {f"contract-{job.year}.docx": _docx(document_model(contract, resolved, build_contract))}
    files[f"requirements-{job.year}.docx"] = _docx(document_model(contract, resolved, build_requirements))
    return Output(files, warnings)


def _requirements(job: Job, contract: Contract) -> Output:
    resolved, warnings = year_checks(contract, job.year, job.strict)  # type: ignore[arg-type]
    return Output({f"requirements-{job.year}.docx": _docx(document_model(contract, resolved, build_requirements))}, warnings)


def _invoices(job: Job, contract: Contract) -> Output:
    from generator.documents.invoices import build_invoices
    from generator.exports.side_inputs import load_payments, load_rankings, rankings_from_data
    from generator.output.json_export import to_json
    from generator.rules.payment import build_schedule, service_months

    resolved, warnings = year_checks(contract, job.year, job.strict)  # type: ignore[arg-type]
    months = service_months(resolved.term_start, contract.duration_months)
    sources: list[Path] = []
    if job.rankings:
        ranks = load_rankings(Path(job.rankings), contract, months)
        sources.append(Path(job.rankings))
    elif job.data and Path(job.data).is_dir():
        ranks = rankings_from_data(Path(job.data), contract, months)
        sources += [Path(job.data) / m / "month.yaml" for m in months]
    else:
        ranks = {}
    payments = load_payments(Path(job.paid), contract) if job.paid else []
    if job.paid:
        sources.append(Path(job.paid))
    as_of = date.fromisoformat(job.as_of) if job.as_of else None
    schedule = build_schedule(contract, resolved, ranks, payments, as_of)
    files = {
        f"invoices-{job.year}.docx": _docx(build_invoices(contract, schedule, with_payments=bool(job.paid))),
        f"invoices-{job.year}.json": to_json(schedule),
    }
    return Output(files, warnings, sources)


def _report(job: Job, contract: Contract) -> Output:
    from generator.analysis.monthly import build_month_report, contract_year_of, shift
    from generator.documents.report import build_report
    from generator.output.json_export import to_json

    month, data_dir = job.month, Path(job.data or "data")
    year = contract_year_of(contract, month)  # type: ignore[arg-type]
    _, warnings = year_checks(contract, year, job.strict)
    report = build_month_report(contract, data_dir, month, job.skip_bad_rows)  # type: ignore[arg-type]
    warnings += [Problem(c.file, c.row, 1, c.column, c.message, "warning") for c in report.cleaned]
    # The month itself and the twelve before it (previous month, trend, the same month last year).
    months = [shift(month, -k) for k in range(13)]  # type: ignore[arg-type]
    files = {f"report-{month}.docx": _docx(build_report(contract, report)), f"report-{month}.json": to_json(report)}
    return Output(files, warnings, _month_sources(data_dir, months))


def _assessment(job: Job, contract: Contract) -> Output:
    from generator.analysis.assessment import assess
    from generator.documents.assessment import build_assessment
    from generator.output.json_export import to_json

    _, warnings = year_checks(contract, job.year, job.strict)  # type: ignore[arg-type]
    data_dir = Path(job.data or "data")
    result = assess(contract, job.year, data_dir, job.partial)  # type: ignore[arg-type]
    files = {
        f"assessment-{job.year}.docx": _docx(build_assessment(contract, result)),
        f"assessment-{job.year}.json": to_json(result),
    }
    return Output(files, warnings, _month_sources(data_dir, result.months), result)


def _diff(job: Job, contract: Contract) -> Output:
    from generator.documents.redline import build_redline

    before, after = resolve_year(contract, job.from_year), resolve_year(contract, job.to_year)  # type: ignore[arg-type]
    old = document_model(contract, before, build_contract)
    new = document_model(contract, after, build_contract)
    model = build_redline(contract, before, after, old, new)
    return Output({f"diff-{job.from_year}-{job.to_year}.docx": _docx(model)})


_RUNNERS: dict[str, Callable[[Job, Contract], Output]] = {
    "contract": _contract, "requirements": _requirements, "invoices": _invoices, "report": _report,
    "assessment": _assessment, "diff": _diff,
}
