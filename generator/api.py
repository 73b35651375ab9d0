"""The library API: the pipeline YAML → load → validate → resolve → document model → .docx.

The CLI calls these functions and nothing else of ours.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.documents.contract import build_contract, build_requirements
from generator.errors import GenError, InputError, Problem
from generator.jobs import Job, Output, run, split_problems
from generator.output.batch import write_batch
from generator.output.pdf import soffice, to_pdf
from generator.output.provenance import GENERATOR, digest, read_properties
from generator.resources import TEMPLATES
from generator.rules.checks import check_rules
from generator.rules.model import Contract, build_model
from generator.rules.resolve import renewal_problems, resolve_year
from generator.source.loader import Document, load_bytes, load_file
from generator.source.schema import schema_problems


@dataclass(frozen=True)
class Report:
    """The outcome of validating a contract (errors raise): its warnings and a one-line summary."""

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
        for builder in (build_contract, build_requirements):
            errors += builder(contract, resolved)[1]
        year_errors, year_warnings = split_problems(renewal_problems(contract, year), strict)
        errors += year_errors
        warnings += year_warnings
    if errors:
        raise InputError(set(errors))
    years = "、".join(str(y) for y in sorted(contract.years))
    summary = f"{path.name} 有效：{len(contract.years)} 个合同年度（{years}），{len(warnings)} 条警告"
    return Report(sorted(set(warnings)), summary)


def _produce(job: Job, pdf: bool) -> tuple[Contract, Output, dict[str, bytes]]:
    if pdf:
        soffice()  # fail before any work when LibreOffice is missing
    contract = load_contract(Path(job.contract))
    output = run(job, contract)
    files = dict(output.files)
    if pdf:
        files.update(to_pdf(output.files))
    return contract, output, files


def generate(job: Job, out_dir: Path, pdf: bool = False) -> tuple[list[Path], list[Problem]]:
    """Run one job and write its files (and PDF copies) into ``out_dir`` as one batch."""
    _, output, files = _produce(job, pdf)
    return write_batch(out_dir, files), output.warnings


def generate_contract(path: Path, year: int, out_dir: Path, strict: bool = False) -> tuple[list[Path], list[Problem]]:
    """Write the year's contract and its requirement document (appendix 5) as separate files."""
    return generate(Job("contract", str(path), year=year, strict=strict), out_dir)


def generate_requirements(path: Path, year: int, out_dir: Path, strict: bool = False) -> tuple[list[Path], list[Problem]]:
    """Write the year's requirement document (用户需求书) alone."""
    return generate(Job("requirements", str(path), year=year, strict=strict), out_dir)


def generate_assessment(
    job: Job, out_dir: Path, record_result: bool = False, pdf: bool = False
) -> tuple[list[Path], list[Problem]]:
    """Write the year's assessment; with ``record_result``, also store it in contract.yaml.

    The updated contract.yaml is built and validated before anything is written, so a record that
    would not validate leaves both the output folder and the contract untouched.
    """
    path = Path(job.contract)
    contract, output, files = _produce(job, pdf)
    updated = None
    if record_result:
        from generator.analysis.assessment import record

        updated = record(path, contract, output.result)
        _checked(load_bytes(updated, path.name))  # never write a contract.yaml that would not validate
    written = write_batch(out_dir, files)
    if updated is not None:
        written += write_batch(path.parent, {path.name: updated})
    return written, output.warnings


def generate_sample(out_dir: Path, year: int, month: str | None, seed: int, scale: float) -> list[Path]:
    """Write deterministic sample monthly data folders."""
    from generator.exports.sample_data import months_of, write_sample

    return write_sample(out_dir, months_of(year, month), seed, scale)


@dataclass(frozen=True)
class Plan:
    """What `gen all` will generate for a year, and what it skips and why."""

    jobs: list[Job]
    skipped: list[str]
    contract: Contract


def plan_all(path: Path, year: int, data_dir: Path, strict: bool = False) -> Plan:
    """Every document of a contract year that the data at hand allows."""
    from generator.rules.payment import service_months

    contract = load_contract(path)
    resolved = resolve_year(contract, year)
    common = {"contract": str(path), "strict": strict}
    jobs = [Job("contract", year=year, **common), Job("invoices", year=year, data=str(data_dir), **common)]
    months = service_months(resolved.term_start, contract.duration_months)
    present = [m for m in months if (data_dir / m).is_dir()]
    jobs += [Job("report", month=m, data=str(data_dir), **common) for m in present]
    skipped = [f"{m} 月报：没有数据目录 {data_dir / m}" for m in months if m not in present]
    first, last = contract.renewal.assessment_months
    missing = [m for m in months[first - 1 : last] if m not in present]
    if missing:
        skipped.append(f"年度考核：缺少 {'、'.join(missing)} 的数据（可单独运行 gen assess --partial）")
    else:
        jobs.append(Job("assessment", year=year, data=str(data_dir), **common))
    return Plan(jobs, skipped, contract)


def generate_all(
    plan: Plan, out_dir: Path, pdf: bool = False, progress: Callable[[Job], None] | None = None
) -> tuple[list[Path], list[Problem]]:
    """Run every planned job in memory, then write everything as one all-or-nothing batch."""
    if pdf:
        soffice()
    contract = plan.contract
    files: dict[str, bytes] = {}
    warnings: list[Problem] = []
    for job in plan.jobs:
        output = run(job, contract)
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


def _source_path(label: str) -> Path:
    return TEMPLATES / label.removeprefix("@templates/") if label.startswith("@templates/") else Path(label)


def verify(document: Path) -> Verdict:
    """Whether ``document`` is exactly what the current sources would generate, and if not, why."""
    props = read_properties(document)
    if "hcg.job" not in props:
        raise GenError(f"{document}：没有生成来源信息，不是本工具生成的文档（或已被其他软件另存）")
    job = Job(**json.loads(props["hcg.job"]))
    recorded: dict[str, str] = json.loads(props.get("hcg.sources", "{}"))
    findings = []
    if props.get("hcg.generator") != GENERATOR:
        findings.append(f"生成器版本不同：文档由 {props.get('hcg.generator')} 生成，当前为 {GENERATOR}")
    for label, old in sorted(recorded.items()):
        path = _source_path(label)
        if not path.is_file():
            findings.append(f"源文件已不存在：{label}")
        elif digest(path) != old:
            findings.append(f"源文件已修改：{label}（生成时 sha256 {old[:12]}…，现在 {digest(path)[:12]}…）")
    if findings:
        return Verdict(False, findings)
    regenerated = run(job, load_contract(Path(job.contract))).files.get(document.name)
    if regenerated is None:
        return Verdict(False, [f"按记录的命令重新生成时没有得到 {document.name}（文件可能被改名）"])
    if regenerated != document.read_bytes():
        return Verdict(False, ["源文件未变，但文档内容与重新生成的结果不同：文档在生成后被改动过"])
    return Verdict(True, [f"一致：{document.name} 与当前数据源生成的结果完全相同（{len(recorded)} 个源文件未改动）"])


