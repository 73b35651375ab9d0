"""What a month's exports are read into, shared by both readers: the tables and counts the contract year
asks for (its plan), and the results — additive figures, refused rows, quality findings and the structured
fields of the tickets a typical case may be composed from.

The careful reader (``ingest``) and the fast one (``columnar``) both fill these; neither imports the other's
code to do it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from generator.errors import Problem
from generator.exports.deidentify import contains_personal_data
from generator.exports.fields import FieldSpec

TABLES = ("calls", "tickets")
MAX_LISTED = 50  # refused rows and quality findings kept as examples
MAX_FIELD_CHARS = 100_000  # one CSV cell; larger is a broken quote or not an export
# A table with more than this share of unreadable rows is refused even with --skip-bad-rows: the report
# would rest on too little of the month.
MAX_BAD_SHARE = Decimal("0.05")
# Duplicates and impossible times beyond this share make the month's data unusable as it stands.
MAX_QUALITY_SHARE = Decimal("0.05")
PERSONAL_LABEL = "其他（含个人信息，已隐去）"
# A label fewer rows of the month share than this is not shown by name: a town, a category or a unit is
# shared by many tickets, an address, a phone number or a name typed into the column by one.
DEFAULT_MIN_LABEL_ROWS = 2
# A row whose first cell says this and whose time is empty is the export's own total, not a record.
SUMMARY_WORDS = frozenset({"合计", "总计", "小计", "合计：", "总计：", "合  计", "总  计", "合 计", "总 计"})
# A row of nothing but blanks, or the DOS end-of-file mark (^Z) some old exports end with, is no record.
EMPTY_CELL = " \t\r\n\x1a\u3000\xa0"


# -- what the contract year asks to be counted ---------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    """One declared export table."""

    name: str
    title: str
    noun: str
    unit: str
    month_field: str
    fields: Mapping[str, FieldSpec]

    @property
    def times(self) -> list[str]:
        """The time columns, in the order a record moves through them."""
        return [f for f, s in self.fields.items() if s.type == "time"]

    @property
    def identifier(self) -> str | None:
        """The record-number column, if the table has one."""
        return next((f for f, s in self.fields.items() if s.type == "id"), None)

    @property
    def people(self) -> list[str]:
        """The columns holding a caller's name, phone or ID number (kept only to mask them)."""
        return [f for f, s in self.fields.items() if s.type in ("person", "personal")]


@dataclass(frozen=True)
class CountSpec:
    """Rows of a table that meet every condition."""

    id: str
    label: str
    table: str
    where: Mapping[str, Any]


@dataclass(frozen=True)
class Plan:
    """Everything a month's reading computes, from one contract year's definitions."""

    tables: Mapping[str, TableSpec]
    counts: tuple[CountSpec, ...]
    breakdowns: Mapping[str, tuple[str, str]]  # role → (field, title), all on tickets
    cases: Mapping[str, Any]
    averages: tuple[Mapping[str, Any], ...]
    min_label_rows: int = DEFAULT_MIN_LABEL_ROWS

    def counts_of(self, table: str) -> tuple[CountSpec, ...]:
        """The counts made on one table, in declaration order."""
        return tuple(c for c in self.counts if c.table == table)

    @property
    def fingerprint(self) -> str:
        """What the counts depend on: a change of any definition invalidates cached months."""
        text = repr((sorted((n, t.month_field, sorted((f.id, f.name, f.type, f.values, f.empty, f.optional)
                                                       for f in t.fields.values())) for n, t in self.tables.items()),
                     [(c.id, c.table, sorted((k, repr(v)) for k, v in c.where.items())) for c in self.counts],
                     sorted(self.breakdowns.items()), repr(self.cases), repr(self.averages), self.min_label_rows))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_of(data: Mapping[str, Any]) -> Plan:
    """The reading plan of a merged contract year."""
    tables = {}
    for name, raw in data["exports"].items():
        fields = {fid: FieldSpec(fid, f["name"], f["type"], tuple(f.get("values", ())), f.get("empty"),
                                 bool(f.get("optional", False))) for fid, f in raw["fields"].items()}
        tables[name] = TableSpec(name, raw["title"], raw["noun"], raw["unit"], raw["month_field"], fields)
    counts = tuple(CountSpec(cid, c["label"], c["table"], c["where"]) for cid, c in data["scoring"]["counts"].items())
    report = data["report"]
    breakdowns = {role: _breakdown(role, value) for role, value in report["breakdowns"].items()}
    return Plan(tables, counts, breakdowns, report["cases"], tuple(report.get("averages", ())),
                report.get("min_label_rows", DEFAULT_MIN_LABEL_ROWS))


def _breakdown(role: str, value: Any) -> tuple[str, str]:
    return (value["field"], value["title"]) if isinstance(value, Mapping) else (role, value)


# -- what a month's reading gives ---------------------------------------------------------------------


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read (or a cell that had to be cleaned)."""

    json_hidden: ClassVar[tuple[str, ...]] = ("value",)  # a refused cell's text never reaches an output file

    file: str
    row: int
    column: str
    message: str
    value: str = ""  # the cell's text, for the console only: never written into a document

    @property
    def shown(self) -> str:
        """The cell's text for the console, unless it looks personal (then the console says so instead)."""
        if not self.value:
            return ""
        return "（含个人信息，不显示）" if contains_personal_data(self.value) else f"“{self.value}”"

    def format(self) -> str:
        """``file:row: column: message`` (with the cell's text, for the console)."""
        shown = f"（实际是 {self.shown}）" if self.value else ""
        return f"{self.file}:{self.row}: {self.column}: {self.message}{shown}"

    def problem(self, severity: str = "error") -> Problem:
        """As a located problem for the console."""
        shown = f"，实际是 {self.shown}" if self.value else ""
        return Problem(self.file, self.row, 1, self.column, f"{self.message}{shown}", severity)


def summarised(rows: Sequence[BadRow], severity: str = "error", examples: int = 3) -> list[Problem]:
    """The rows as console problems, one per file, column and rule: a rule many rows break is said once,
    with how many rows and the first few of them (the message itself says how to fix it)."""
    groups: dict[tuple[str, str, str], list[BadRow]] = {}
    for row in rows:
        groups.setdefault((row.file, row.column, row.message), []).append(row)
    out: list[Problem] = []
    for (file, column, message), found in groups.items():
        if len(found) <= examples:
            out += [row.problem(severity) for row in found]
            continue
        listed = "、".join(str(row.row) for row in found[:examples])
        out.append(Problem(file, found[0].row, 1, column, f"{message}（共 {len(found)} 行，例如第 {listed} 行）", severity))
    return out


@dataclass(frozen=True)
class Case:
    """The ticket a typical case of a category may be composed from: its structured fields, never its words.

    The earliest ticket of the category that may be cited (not confidential, not excluded); labels that
    are not shown by name are empty here.
    """

    category: str
    accepted: str  # the day (ISO)
    region: str = ""
    unit: str = ""
    kind: str = ""  # the type of demand (投诉, 求助 …), when the report breaks tickets down by type
    closed: str = ""  # the day it was closed (ISO), if it was


@dataclass
class Figures:
    """Additive counts of one table for one or more months (JSON-serialisable)."""

    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    daily: dict[str, dict[str, int]] = field(default_factory=dict)
    groups: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    sums: dict[str, int | Decimal] = field(default_factory=dict)
    cross: dict[str, dict[str, int]] = field(default_factory=dict)  # category → unit → rows

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.rows + other.rows,
            _add(self.counts, other.counts),
            _add_nested(self.daily, other.daily),
            {f: _add_nested(self.groups.get(f, {}), other.groups.get(f, {})) for f in sorted({*self.groups, *other.groups})},
            _add(self.sums, other.sums),
            _add_nested(self.cross, other.cross),
        )

    def group(self, field: str) -> dict[str, dict[str, int]]:
        """Rows and counts per value of a grouped column."""
        return self.groups.get(field, {})


def _add(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return out


def _add_nested(a: Mapping[str, Mapping[str, int]], b: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    out = {key: dict(value) for key, value in a.items()}
    for key, value in b.items():
        out[key] = _add(out.get(key, {}), value)
    return out


@dataclass
class Quality:
    """Data-quality findings of a table: counted, with the first rows named."""

    duplicates: int = 0
    out_of_order: int = 0
    personal_labels: int = 0
    examples: list[BadRow] = field(default_factory=list)

    def note(self, finding: BadRow) -> None:
        if len(self.examples) < MAX_LISTED:
            self.examples.append(finding)


@dataclass
class TableRead:
    """One table of one month as read: figures, refused rows, cleaned cells, quality findings."""

    name: str
    file: str
    figures: Figures
    bad_count: int = 0
    bad: list[BadRow] = field(default_factory=list)
    cleaned: list[BadRow] = field(default_factory=list)
    quality: Quality = field(default_factory=Quality)
    cases: dict[str, Case] = field(default_factory=dict)
    summaries: list[BadRow] = field(default_factory=list)  # the export's own total rows, skipped


# -- typical cases ---------------------------------------------------------------------------------


def case_table(plan: Plan, table: TableSpec) -> bool:
    """Whether typical cases are composed from this table's rows (it holds the category and the confidential flag)."""
    category = plan.breakdowns.get("category", ("", ""))[0]
    return category in table.fields and plan.cases.get("confidential") in table.fields


def case_fields(plan: Plan, table: TableSpec) -> dict[str, str]:
    """The columns a typical case is composed from, by role ("" when the table lacks the role's column)."""
    roles = {role: plan.breakdowns.get(role, ("", ""))[0] for role in ("category", "region", "unit", "type")}
    roles["closed"] = plan.cases.get("closed", "")
    return {role: f if f in table.fields else "" for role, f in roles.items()}


def make_case(category: str, when: Any, values: Mapping[str, Any]) -> Case:
    """A case from the structured fields of its ticket (a closing time as its day)."""
    closed = values.get("closed")
    return Case(category, when.date().isoformat(), str(values.get("region") or ""), str(values.get("unit") or ""),
                str(values.get("type") or ""), closed.date().isoformat() if closed else "")
