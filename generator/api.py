"""The library API: the pipeline YAML → load → validate → resolve → document model → .docx.

The CLI calls these functions and nothing else of ours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .assess_doc import build_assessment
from .assessment import assess, record
from .contract_doc import build_contract, build_requirements
from .docmodel import DocumentModel
from .docx_writer import render_docx
from .errors import InputError, Problem
from .export import to_json
from .inputs import load_payments, load_rankings, rankings_from_data
from .invoice_doc import build_invoices
from .layout import load_layout
from .model import Contract, build_model
from .monthly import build_month_report, contract_year_of
from .output import write_batch
from .packaging import normalise_zip
from .payment import build_schedule, service_months
from .redline import build_redline
from .report_doc import build_report
from .resolve import ResolvedYear, renewal_problems, resolve_year
from .rules import check_rules
from .sample_data import months_of, write_sample
from .schema_check import schema_problems
from .source import Document, load_bytes, load_file

Builder = Callable[[Contract, ResolvedYear], tuple[DocumentModel, list[Problem]]]


@dataclass(frozen=True)
class Report:
    """The outcome of validating a contract: errors, warnings and a one-line summary."""

    errors: list[Problem]
    warnings: list[Problem]
    summary: str


def load_contract(path: Path) -> Contract:
    """Load contract.yaml safely and check it against the schema and the contract's rules."""
    return _checked(load_file(path, path.name))


def _checked(document: Document) -> Contract:
    problems = schema_problems(document, "contract.schema.json")
    if problems:
        raise InputError(problems)
    contract = build_model(document)
    problems = check_rules(contract)
    if problems:
        raise InputError(problems)
    return contract


def validate(path: Path, strict: bool = False) -> Report:
    """Check everything `gen validate` checks, for every year; raise InputError if anything is wrong."""
    contract = load_contract(path)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for year in sorted(contract.years):
        resolved = resolve_year(contract, year)
        for build in (build_contract, build_requirements):
            errors += build(contract, resolved)[1]
        _split(renewal_problems(contract, year), strict, errors, warnings)
    if errors:
        raise InputError(set(errors))
    years = "、".join(str(y) for y in sorted(contract.years))
    summary = f"{path.name} 有效：{len(contract.years)} 个合同年度（{years}），{len(warnings)} 条警告"
    return Report([], sorted(set(warnings)), summary)


def _split(found: list[Problem], strict: bool, errors: list[Problem], warnings: list[Problem]) -> None:
    for problem in found:
        if problem.severity == "error" or strict:
            errors.append(replace(problem, severity="error"))
        else:
            warnings.append(problem)


def prepare_year(path: Path, year: int, strict: bool) -> tuple[Contract, ResolvedYear, list[Problem]]:
    """Load, validate and resolve one year; return the warnings (errors raise, warnings too when strict)."""
    contract = load_contract(path)
    resolved = resolve_year(contract, year)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    _split(renewal_problems(contract, year), strict, errors, warnings)
    if errors:
        raise InputError(errors)
    return contract, resolved, warnings


def render(model: DocumentModel) -> bytes:
    """A document model as normalised, deterministic .docx bytes."""
    return normalise_zip(render_docx(model, load_layout()))


def build(contract: Contract, resolved: ResolvedYear, builder: Builder) -> DocumentModel:
    """Run one document builder; template problems become an InputError."""
    model, problems = builder(contract, resolved)
    if problems:
        raise InputError(problems)
    return model


def generate_contract(path: Path, year: int, out_dir: Path, strict: bool = False) -> tuple[list[Path], list[Problem]]:
    """Write the year's contract and its requirement document (appendix 5) as separate files."""
    contract, resolved, warnings = prepare_year(path, year, strict)
    files = {
        f"contract-{year}.docx": render(build(contract, resolved, build_contract)),
        f"requirements-{year}.docx": render(build(contract, resolved, build_requirements)),
    }
    return write_batch(out_dir, files), warnings


def generate_requirements(
    path: Path, year: int, out_dir: Path, strict: bool = False
) -> tuple[list[Path], list[Problem]]:
    """Write the year's requirement document (用户需求书) alone."""
    contract, resolved, warnings = prepare_year(path, year, strict)
    files = {f"requirements-{year}.docx": render(build(contract, resolved, build_requirements))}
    return write_batch(out_dir, files), warnings


def generate_invoices(
    path: Path,
    year: int,
    out_dir: Path,
    rankings: Path | None = None,
    paid: Path | None = None,
    as_of: date | None = None,
    data_dir: Path | None = None,
    strict: bool = False,
) -> tuple[list[Path], list[Problem]]:
    """Write the year's payment and invoice schedule as .docx and JSON from the same computed objects."""
    contract, resolved, warnings = prepare_year(path, year, strict)
    months = service_months(resolved.term_start, contract.duration_months)
    if rankings is not None:
        ranks = load_rankings(rankings, contract, months)
    elif data_dir is not None and data_dir.is_dir():
        ranks = rankings_from_data(data_dir, contract, months)
    else:
        ranks = {}
    payments = load_payments(paid, contract) if paid is not None else []
    schedule = build_schedule(contract, resolved, ranks, payments, as_of)
    files = {
        f"invoices-{year}.docx": render(build_invoices(contract, schedule, with_payments=paid is not None)),
        f"invoices-{year}.json": to_json(schedule),
    }
    return write_batch(out_dir, files), warnings


def generate_report(
    path: Path, month: str, data_dir: Path, out_dir: Path, skip_bad_rows: bool = False, strict: bool = False
) -> tuple[list[Path], list[Problem]]:
    """Write the monthly report (.docx) and its figures (JSON) for ``month`` (YYYY-MM)."""
    contract = load_contract(path)
    year = contract_year_of(contract, month)
    _, _, warnings = prepare_year(path, year, strict)
    report = build_month_report(contract, data_dir, month, skip_bad_rows)
    warnings = warnings + [Problem(c.file, c.row, 1, c.column, c.message, "warning") for c in report.cleaned]
    files = {
        f"report-{month}.docx": render(build_report(contract, report)),
        f"report-{month}.json": to_json(report),
    }
    return write_batch(out_dir, files), warnings


def generate_sample(out_dir: Path, year: int, month: str | None, seed: int, scale: float) -> list[Path]:
    """Write deterministic sample monthly data folders."""
    return write_sample(out_dir, months_of(year, month), seed, scale)


def generate_assessment(
    path: Path, year: int, data_dir: Path, out_dir: Path, partial: bool = False, record_result: bool = False,
    strict: bool = False,
) -> tuple[list[Path], list[Problem]]:
    """Write the year's assessment (.docx and JSON); with ``record_result``, also store it in contract.yaml."""
    contract, _, warnings = prepare_year(path, year, strict)
    result = assess(contract, year, data_dir, partial)
    files = {
        f"assessment-{year}.docx": render(build_assessment(contract, result)),
        f"assessment-{year}.json": to_json(result),
    }
    updated = None
    if record_result:
        updated = record(path, contract, result)
        _checked(load_bytes(updated, path.name))  # never write a contract.yaml that would not validate
    written = write_batch(out_dir, files)
    if updated is not None:
        written += write_batch(path.parent, {path.name: updated})
    return written, warnings


def generate_diff(path: Path, from_year: int, to_year: int, out_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Write the ``to_year`` contract as a tracked-changes redline against ``from_year``."""
    contract = load_contract(path)
    before, after = resolve_year(contract, from_year), resolve_year(contract, to_year)
    old = build(contract, before, build_contract)
    new = build(contract, after, build_contract)
    model = build_redline(contract, before, after, old, new)
    return write_batch(out_dir, {f"diff-{from_year}-{to_year}.docx": render(model)}), []
