"""One month's data as the contract year in force defines it: the exports' counts and month.yaml's inputs.

A month is refused (a located Chinese message) when a table is missing or empty, when rows cannot be
read (unless the caller skips them, and even then when too many are bad), when duplicates and
impossible times are too many, or when month.yaml does not hold exactly the inputs the year declares.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from generator import caching
from generator.errors import InputError, Problem
from generator.exports import cases as staff_cases
from generator.exports.cases import StaffCase
from generator.exports.ingest import month_files, read_exports
from generator.exports.tables import (
    MAX_BAD_SHARE,
    MAX_QUALITY_SHARE,
    BadRow,
    Case,
    Figures,
    Plan,
    Quality,
    TableRead,
    plan_of,
    summarised,
)
from generator.rules.inputs import KINDS, BadValue, InputSpec, specs_of
from generator.rules.model import ContractYear
from generator.source.loader import load_file


@dataclass(frozen=True)
class MonthData:
    """Everything read for one month (what staff wrote reaches the JSON only as the report's cases)."""

    # The report's cases are what it publishes; the tickets they may be composed from and what staff wrote
    # before the checks stay out of the JSON.
    json_hidden: ClassVar[tuple[str, ...]] = ("staff_cases", "cases")

    month: str
    figures: Mapping[str, Figures]
    inputs: Mapping[str, Any]
    cases: Mapping[str, Case]
    quality: Mapping[str, Quality] = field(default_factory=dict)
    skipped: tuple[BadRow, ...] = ()
    skipped_count: int = 0
    cleaned: tuple[BadRow, ...] = ()
    columns_file: str | None = None
    rows: Mapping[str, int] = field(default_factory=dict)
    staff_cases: tuple[StaffCase, ...] = ()  # the typical cases staff wrote in month.yaml, screened
    summaries: tuple[BadRow, ...] = ()  # the exports' own total rows, skipped


def entered_inputs(year: ContractYear) -> dict[str, InputSpec]:
    """The inputs staff enter in month.yaml in this year."""
    return {name: spec for name, spec in specs_of(year.data["scoring"]).items() if spec.entered}


def read_month_file(path: Path, display: str, year: ContractYear) -> tuple[dict[str, Any], list[StaffCase]]:
    """month.yaml: the inputs the year declares and the typical cases staff wrote; every problem located."""
    specs = entered_inputs(year)
    bounds = (year.rank_best, year.rank_worst)
    if not path.exists() and not path.is_symlink():
        lines = "\n".join(f"  {name}: {KINDS[s.kind].example(s, bounds)}" for name, s in specs.items())
        raise InputError([Problem(display, 1, 1, "", f"缺少 month.yaml：请在该月目录中新建，写入以下各项（按实际填写）：\n{lines}")])
    document = load_file(path, display)
    data = document.data if document.data is not None else {}
    if not isinstance(data, Mapping):
        raise InputError([document.problem((), "month.yaml 应为 “名称: 数值” 的映射，每行一项")])
    problems: list[Problem] = []
    cases: list[StaffCase] = []
    if staff_cases.KEY in data and staff_cases.KEY not in specs:
        cases, found = staff_cases.read_cases(document, data[staff_cases.KEY])
        problems += found
    for key in data:
        if key == staff_cases.KEY and key not in specs:
            continue
        if key not in specs:
            close = [n for n in specs if n[:2] == str(key)[:2]]
            hint = f"（是不是 “{close[0]}”？）" if close else ""
            problems.append(document.problem((key,), f"不认识的键 “{key}”{hint}：本年度 month.yaml 应填写 {'、'.join(specs)}"))
    values: dict[str, Any] = {}
    for name, spec in specs.items():
        kind = KINDS[spec.kind]
        if name not in data:
            problems.append(document.problem((), (
                f"缺少 “{name}”：请加上一行 “{name}: {kind.example(spec, bounds)}”" + (f"（{spec.description}）" if spec.description else ""))))
            continue
        try:
            values[name] = kind.read(spec, data[name], bounds)
        except BadValue as exc:
            problems.append(document.problem((name,), f"{name}：{exc}；例如 {name}: {kind.example(spec, bounds)}"))
    if problems:
        raise InputError(problems)
    return values, cases


def _month_file(path: Path, display: str, year: ContractYear) -> tuple[dict[str, Any], list[StaffCase]]:
    """month.yaml's inputs and cases, read once per run while the file is unchanged (a missing one: what to write)."""
    ident = caching.identity(path)[0] if path.is_file() else "missing"
    return caching.remembered("inputs", f"{path.resolve()}\0{ident}\0{year.fingerprint}",
                              lambda: read_month_file(path, display, year))


def load_month(data_dir: Path, month: str, year: ContractYear, skip_bad_rows: bool = False) -> MonthData:
    """Read one month's folder by the year's definitions (once per run; counts from the cache when unchanged)."""
    folder = data_dir / month
    if not folder.is_dir():
        raise InputError([Problem(str(folder), 1, 1, "", (
            f"没有 {month} 的数据目录 {folder}（示例数据可用 gen sample-data --month {month} 生成）"))])
    inputs, written = _month_file(folder / "month.yaml", f"{month}/month.yaml", year)
    plan = plan_of(year.data)
    tables, columns_file = _tables(data_dir, month, plan)
    _refuse(month, tables, skip_bad_rows)
    cases: dict[str, Case] = {}
    for table in tables.values():
        cases.update(table.cases)
    skipped = tuple(b for t in tables.values() for b in t.bad)
    return MonthData(
        month=month,
        figures={name: t.figures for name, t in tables.items()},
        inputs=inputs,
        cases=cases,
        quality={name: t.quality for name, t in tables.items()},
        skipped=skipped,
        skipped_count=sum(t.bad_count for t in tables.values()),
        cleaned=tuple(c for t in tables.values() for c in t.cleaned),
        columns_file=columns_file,
        rows={name: t.figures.rows + t.bad_count for name, t in tables.items()},
        staff_cases=tuple(written),
        summaries=tuple(b for t in tables.values() for b in t.summaries),
    )


def _tables(data_dir: Path, month: str, plan: Plan) -> tuple[dict[str, TableRead], str | None]:
    """The month's tables: read once per run, and kept in the user's cache while its files are unchanged.

    Keyed by each file's identity (``caching.identity``), the counting definitions in force and the
    tool: an export edited in any way, a changed definition or another version of the tool reads anew.
    """
    folder = data_dir / month
    files = list(month_files(folder, plan, month).values())
    files += [p for p in (folder / "columns.yaml", data_dir / "columns.yaml") if p.is_file()]
    found = [(path, *caching.identity(path)) for path in files]
    name = caching.key("month", plan.fingerprint, month, *(f"{path.name}\0{ident}" for path, ident, _ in found))
    durable = all(keep for _, _, keep in found)
    return caching.remembered("month", name, lambda: _read(data_dir, month, plan, name if durable else None))


def _read(data_dir: Path, month: str, plan: Plan, name: str | None) -> tuple[dict[str, TableRead], str | None]:
    """The month's tables from the cache entry ``name``, else read from the exports (and kept when clean)."""
    hit = caching.load("month", name) if name else None
    if hit is not None:
        return {t: _table_from_json(v) for t, v in hit["tables"].items()}, hit["columns_file"]
    tables, columns_file = read_exports(data_dir, month, plan)
    if name and not any(t.bad_count or t.cleaned for t in tables.values()):
        caching.store("month", name, {"tables": {t: _table_to_json(v) for t, v in tables.items()}, "columns_file": columns_file})
    return tables, columns_file


def _table_to_json(read: TableRead) -> dict[str, Any]:
    raw = asdict(read)
    # A sum of fractional seconds is exact (a Decimal): kept as its text.
    raw["figures"]["sums"] = {k: str(v) if isinstance(v, Decimal) else v for k, v in read.figures.sums.items()}
    return raw


def _table_from_json(raw: Mapping[str, Any]) -> TableRead:
    quality = raw["quality"]
    figures = Figures(**raw["figures"])
    figures.sums = {k: Decimal(v) if isinstance(v, str) else v for k, v in figures.sums.items()}
    return TableRead(
        raw["name"], raw["file"], figures, raw["bad_count"], [BadRow(**b) for b in raw["bad"]],
        [BadRow(**b) for b in raw["cleaned"]],
        Quality(quality["duplicates"], quality["out_of_order"], quality["personal_labels"],
                [BadRow(**b) for b in quality["examples"]]),
        {k: Case(**v) for k, v in raw["cases"].items()},
        [BadRow(**b) for b in raw["summaries"]],
    )


def _refuse(month: str, tables: Mapping[str, TableRead], skip_bad_rows: bool) -> None:
    """Stop before a report rests on rows that cannot be read, on an empty table or on unusable data."""
    problems: list[Problem] = []
    notes: list[str] = []
    for table in tables.values():
        total = table.figures.rows + table.bad_count
        if table.figures.rows == 0:
            reason = f"全部 {total} 行都无法读取" if total else "没有数据行"
            problems.append(Problem(table.file, 1, 1, "", f"{reason}：没有可统计的数据，不能生成月报（请检查导出表）"))
            continue
        if table.bad_count and total and table.bad_count / total > MAX_BAD_SHARE:
            problems.append(Problem(table.file, 1, 1, "", (
                f"{table.bad_count} 行无法读取，占 {table.bad_count * 100 / total:.1f}%，超过 {MAX_BAD_SHARE * 100:.0f}%："
                "这样的月报不可靠，跳过坏行也不能生成，请先修正导出表（前几处问题见下）")))
            problems += summarised(table.bad)[:10]
        elif table.bad_count and not skip_bad_rows:
            problems += summarised(table.bad)
            listed = f"，以上列出前 {len(table.bad)} 行" if table.bad_count > len(table.bad) else ""
            notes.append(f"{table.file} 共 {table.bad_count} 行无法读取{listed}：请按提示修正；"
                         "确认无误后也可加 --skip-bad-rows 跳过这些行（月报中会注明）。")
        doubtful = table.quality.duplicates + table.quality.out_of_order
        if doubtful and doubtful / max(table.figures.rows, 1) > MAX_QUALITY_SHARE:
            problems.append(Problem(table.file, 1, 1, "", (
                f"重复编号或时间先后不可能的行共 {doubtful} 行，超过 {MAX_QUALITY_SHARE * 100:.0f}%：请先核实导出表")))
            problems += summarised(table.quality.examples)[:10]
    if problems:
        raise InputError(problems, "\n".join(notes))
