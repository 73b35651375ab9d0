"""The fast reader: a clean CSV export aggregated by polars, with no Python object per row.

It computes exactly what the careful reader (``ingest._Reader``) computes — or declines, returning None,
as soon as the file holds anything the careful reader would report or treat specially: a cell it cannot
read or that needs cleaning, a row with more cells than the header, a control character, a number Excel
mangled, a duplicate record, times out of order, personal data in a grouping label, a row outside the
month, a time written in another form, a condition kind without a column expression. The careful reader
then reads the file and says where and why. The tests run both readers over the same files and require
equal results, so the fast path can only ever be faster, never different.

Spreadsheets (.xlsx) always go to the careful reader.
"""

from __future__ import annotations

import io
import mmap
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.exports import conditions
from generator.exports.deidentify import contains_personal_data
from generator.exports.fields import _NO, _YES, INVISIBLE, INVISIBLE_CHARACTERS, MAX_SECONDS, FieldSpec
from generator.exports.tables import (
    EMPTY_CELL,
    MAX_FIELD_CHARS,
    SUMMARY_WORDS,
    Figures,
    TableRead,
    case_fields,
    case_table,
    make_case,
)

BATCH_ROWS = 50_000  # rows converted at a time: memory stays flat in the size of the month

# Characters Word refuses (the careful reader deletes them and says so): the fast path only looks for them,
# one by one with the engine's multi-string search (faster than its regex on every cell).
_ILLEGAL_CHARACTERS = [chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)]
_INVISIBLE_CHARACTERS = list(INVISIBLE_CHARACTERS)
# A superset of what ``ingest.lost_digits`` finds (the Rust engine has no look-behind): a hit sends the
# file to the careful reader, which decides.
_MANGLED = r"[0-9]\.[0-9]+[Ee]\+?[0-9]{1,2}|[0-9]{15}000"
# Seconds 00-59 only: the engine's parser takes a leap second (:60) that the careful reader refuses.
_ISO_TIME = r"^\d{4}-\d{2}-\d{2} \d{2}:[0-5]\d:[0-5]\d$"
_LONE_CR = re.compile(rb"\r(?!\n)")
_FLAGS = {**dict.fromkeys(_YES, True), **dict.fromkeys(_NO, False)}


class Declined(Exception):
    """The file needs the careful reader."""


def read_fast(path: Path, encoding: str, header_row: int, header: Sequence[str], index: Mapping[str, int],
              plan: Any, table: Any, month: str, max_rows: int) -> Any | None:
    """The table's ``TableRead`` computed column-wise, or None when the careful reader must read the file."""
    try:
        return _Fast(plan, table, month, f"{month}/{path.name}").read(path, encoding, header_row, header, index, max_rows)
    except Declined:
        return None


class _Fast:
    """One table of one month, batch by batch: typed, checked, counted; the batches' figures added up."""

    def __init__(self, plan: Any, table: Any, month: str, display: str) -> None:
        import polars as pl

        self.pl, self.plan, self.table, self.month, self.display = pl, plan, table, month, display
        self.wanted = (int(month[:4]), int(month[5:]))
        fields = table.fields
        self.counts = plan.counts_of(table.name)
        self.grouped = [f for f, _ in plan.breakdowns.values() if f in fields]
        self.times, self.identifier = table.times, table.identifier
        self.checked_labels: set[Any] = set()
        self.ids: list[Any] = []
        self.candidates: dict[Any, tuple[Any, ...]] = {}

    # -- reading ------------------------------------------------------------------------------------

    def read(self, path: Path, encoding: str, header_row: int, header: Sequence[str], index: Mapping[str, int],
             max_rows: int) -> Any:

        pl = self.pl
        if len(set(header)) != len(header) or any(not name for name in header):
            raise Declined  # blank or repeated header cells: the careful reader maps columns by position
        if _lone_carriage_return(path):
            raise Declined  # a line ended by CR alone: Python's csv ends the row there, the engine does not
        source: Any = path
        if encoding != "utf-8-sig":
            # polars reads UTF-8 only: a GBK export is transcoded in memory (the file is at most 1 GiB).
            try:
                source = io.BytesIO(path.read_bytes().decode(encoding).encode("utf-8"))
            except (UnicodeDecodeError, OSError):
                raise Declined from None
        figures = Figures()
        try:
            scan = pl.scan_csv(source, has_header=True, skip_rows=header_row - 1, infer_schema=False, quote_char='"',
                               empty_string_is_null=False, raise_if_empty=False, truncate_ragged_lines=False)
            names = scan.collect_schema().names()
            if [str(c).lstrip("\ufeff").strip() for c in names] != [str(h) for h in header]:
                raise Declined  # a title row with a line break, or a header polars splits differently
            scan = scan.rename(dict(zip(names, [f"c{i}" for i in range(len(names))], strict=True)))
            for batch in scan.collect_batches(chunk_size=BATCH_ROWS):
                figures = figures + self._batch(batch, index)
                if figures.rows > max_rows:
                    raise Declined  # the careful reader refuses such a file, naming the limit
        except Declined:
            raise
        except Exception:  # polars raises many kinds for a file the careful reader explains better
            raise Declined from None
        if figures.rows == 0:
            raise Declined
        if self.identifier is not None and pl.concat(self.ids).is_duplicated().any():
            raise Declined
        # As the careful reader leaves them: days and groups in order, every count present.
        figures.daily = dict(sorted(figures.daily.items()))
        figures.groups = {f: dict(sorted(figures.groups.get(f, {}).items())) for f in self.grouped}
        figures.counts = {c.id: figures.counts.get(c.id, 0) for c in self.counts}
        figures.cross = {c: dict(sorted(units.items())) for c, units in sorted(figures.cross.items())}
        result = TableRead(self.table.name, self.display, figures)
        result.cases = {category: make_case(category, when, values)
                        for category, ((when, _), values) in sorted(self.candidates.items())}
        return result

    def _batch(self, batch: Any, index: Mapping[str, int]) -> Any:
        pl = self.pl

        batch = batch.with_columns(pl.all().fill_null(""))
        # A row is blank only when its first cell is: that one column is asked first, every column only
        # when it has a blank cell (stripping every cell of a month costs more than reading the rest).
        if batch.select((pl.col(batch.columns[0]).str.strip_chars(EMPTY_CELL) == "").any()).item():
            blank = pl.all_horizontal([pl.col(c).str.strip_chars(EMPTY_CELL) == "" for c in batch.columns])
            if batch.select(blank.any()).item():  # rare: the copy is made only when there is a blank row
                batch = batch.filter(~blank)
        if batch.height == 0:
            return Figures()
        columns = batch.columns
        labels = {f"c{index[fid]}" for fid, spec in self.table.fields.items() if spec.type in ("label", "id")}
        # A character Word refuses; in a label or an id also one that shows nothing, in the same search: only a
        # column that holds one has them removed (removing them from every cell costs more than the search).
        checks = [pl.col(c).str.contains_any(_ILLEGAL_CHARACTERS + (_INVISIBLE_CHARACTERS if c in labels else [])).any()
                  for c in columns]
        # A row that is the export's own total.
        checks.append(pl.col(columns[0]).str.strip_chars().is_in(list(SUMMARY_WORDS)).any())
        # A cell the careful reader refuses as too long has at least as many bytes as characters: its
        # characters are counted only in a column with a cell of that many bytes.
        checks += [(pl.col(c).str.len_bytes() > MAX_FIELD_CHARS).any() for c in columns]
        found = batch.select([check.alias(f"k{i}") for i, check in enumerate(checks)]).row(0)
        hits = [c for c, hit in zip(columns, found[: len(columns)], strict=True) if hit]
        if found[len(columns)] or any(c not in labels for c in hits):
            raise Declined
        if hits and any(batch.select([pl.col(c).str.contains_any(_ILLEGAL_CHARACTERS).any() for c in hits]).row(0)):
            raise Declined
        long = [pl.col(c).str.len_chars() > MAX_FIELD_CHARS for c, hit in zip(columns, found[len(columns) + 1 :], strict=True)
                if hit]
        if long and batch.select(pl.any_horizontal(long).any()).item():
            raise Declined
        typed = batch.select([self._typed(spec, pl.col(f"c{index[fid]}"), f"c{index[fid]}" in hits).alias(fid)
                              for fid, spec in self.table.fields.items()])
        del batch
        self._check(typed)
        return self._figures(typed.select([pl.col(f).struct.field("v").alias(f) for f in self.table.fields]))

    def _typed(self, spec: FieldSpec, cell: Any, invisible: bool = False) -> Any:
        """The column converted as the careful reader's bulk path would, with a flag for every cell it refuses.

        A refused cell is not reported here: the careful reader reads the file again and does that. With
        ``invisible``, a label or an id of the column may hold characters that show nothing.
        """
        pl = self.pl
        empty = cell == ""
        required = not spec.optional
        if spec.type in ("time", "flag", "seconds"):
            if spec.empty is not None:
                raise Declined  # a filler for an empty time, flag or count: the careful reader's rules
            if spec.type == "time":
                # No cache of parsed strings: times to the second are nearly all distinct, so one only costs.
                value = cell.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False, cache=False)
                unread = ~cell.str.contains(_ISO_TIME) | value.is_null()
            elif spec.type == "flag":
                value = cell.replace_strict(_FLAGS, default=None, return_dtype=pl.Boolean)
                unread = value.is_null()
            else:
                value = cell.cast(pl.Int64, strict=False)
                unread = ~cell.str.contains(r"^[0-9]{1,8}$") | (value > MAX_SECONDS)
            refused = (~empty & unread) | (empty & pl.lit(required))
        elif spec.type in ("label", "id"):
            value = (cell.str.replace_all(INVISIBLE.pattern, "") if invisible else cell).str.strip_chars()
            blank = value == ""
            if spec.type == "label" and spec.empty is not None:
                value, refused = pl.when(blank).then(pl.lit(spec.empty)).otherwise(value), pl.lit(False)
            else:
                refused = blank & pl.lit(required)
        elif spec.type == "choice":
            value = pl.when(empty).then(pl.lit(spec.empty)).otherwise(cell) if spec.empty is not None else cell
            refused = ~value.is_in(list(spec.values))
        elif spec.type in ("person", "personal"):
            value, refused = cell.str.strip_chars(), cell.str.contains(_MANGLED)
        elif spec.type == "text":
            value, refused = cell, pl.lit(False)
        else:
            raise Declined  # a type without a column expression (number): the careful reader's Decimal
        return pl.struct(value.alias("v"), refused.fill_null(True).alias("r"))

    def _check(self, typed: Any) -> None:
        """Decline on anything the careful reader would refuse, clean or note."""
        pl = self.pl
        fields = self.table.fields
        value = lambda f: pl.col(f).struct.field("v")  # noqa: E731
        year, month = self.wanted
        stamps = value(self.table.month_field)
        tests = [pl.any_horizontal([pl.col(f).struct.field("r") for f in fields]).any(),
                 ((stamps.dt.year() != year) | (stamps.dt.month() != month)).fill_null(False).any()]
        # Time columns are declared in the order a record moves through them: none may come before an earlier one.
        tests += [(value(a).is_not_null() & value(b).is_not_null() & (value(b) < value(a))).any()
                  for a, b in zip(self.times, self.times[1:], strict=False)]
        if any(typed.select([test.alias(f"t{i}") for i, test in enumerate(tests)]).row(0)):
            raise Declined
        if self.identifier is not None:
            self.ids.append(typed.select(value(self.identifier)).to_series())
        for fid in self.grouped:
            labels = set(typed.select(value(fid).unique()).to_series().to_list()) - self.checked_labels
            if any(isinstance(v, str) and contains_personal_data(v) for v in labels):
                raise Declined
            self.checked_labels |= labels

    # -- counting -------------------------------------------------------------------------------------

    def _mask(self, where: Mapping[str, Any]) -> Any:
        pl = self.pl
        parts = []
        for field, value in where.items():
            kind = conditions.kind_of(value)
            if kind is None:
                raise Declined
            try:
                parts.append(kind.expression(field, value, pl.col, pl))
            except NotImplementedError:
                raise Declined from None
        return pl.all_horizontal(parts).fill_null(False) if parts else pl.lit(True)

    def _figures(self, values: Any) -> Any:

        pl = self.pl
        ids = [c.id for c in self.counts]
        frame = values.with_columns([self._mask(c.where).alias(f"m{i}") for i, c in enumerate(self.counts)])
        figures = Figures(rows=frame.height)
        totals = frame.select([pl.col(f"m{i}").sum() for i in range(len(ids))]).row(0) if ids else ()
        figures.counts = {cid: int(n) for cid, n in zip(ids, totals, strict=True) if n}
        year, month = self.wanted
        days = self._per(frame, pl.col(self.table.month_field).dt.day().alias("day"), ids)
        figures.daily = {f"{year:04d}-{month:02d}-{d:02d}": entry for d, entry in days.items()}
        for fid in self.grouped:
            figures.groups[fid] = self._per(frame, pl.col(fid), ids)
        breakdowns = self.plan.breakdowns
        category, unit = breakdowns.get("category", ("", ""))[0], breakdowns.get("unit", ("", ""))[0]
        if category in self.table.fields and unit in self.table.fields:
            for c, u, n in frame.group_by([category, unit]).len().iter_rows():
                figures.cross.setdefault(c, {})[u] = int(n)
        for average in self.plan.averages:
            if average["field"] in self.table.fields:
                over = next((i for i, c in enumerate(self.counts) if c.id == average["over"]), None)
                selected = pl.col(f"m{over}") if over is not None else pl.lit(True)
                figures.sums[average["label"]] = int(frame.select(pl.col(average["field"]).filter(selected).sum()).item() or 0)

        if case_table(self.plan, self.table):
            self._candidates(frame, self.plan.cases)
        return figures

    def _per(self, frame: Any, key: Any, ids: Sequence[str]) -> dict[Any, dict[str, int]]:
        """Rows and counts per value of ``key``; a count appears only where it is not zero (as the careful reader's)."""
        pl = self.pl
        grouped = frame.group_by(key).agg([pl.len().alias("rows"), *(pl.col(f"m{i}").sum().alias(f"m{i}") for i in range(len(ids)))])
        out: dict[Any, dict[str, int]] = {}
        for row in grouped.iter_rows():
            entry = {"rows": int(row[1])}
            entry.update({cid: int(n) for cid, n in zip(ids, row[2:], strict=True) if n})
            out[row[0]] = entry
        return out

    def _candidates(self, frame: Any, cases: Mapping[str, Any]) -> None:
        """Per category, the earliest row a typical case may be composed from (never a confidential one)."""

        pl = self.pl
        if self.identifier is None:
            raise Declined  # the careful reader orders by row number then
        fields = {role: f for role, f in case_fields(self.plan, self.table).items() if f}
        group_field = fields["category"]
        citable = pl.col(cases["confidential"]) == False  # noqa: E712
        if cases.get("exclude"):
            citable = citable & ~self._mask(cases["exclude"])
        stamp = self.table.month_field
        first = (frame.filter(citable.fill_null(False)).sort([group_field, stamp, self.identifier])
                 .group_by(group_field, maintain_order=True).first())
        roles = list(fields)
        for row in first.select([stamp, self.identifier, *fields.values()]).iter_rows():
            when, ident, *values = row
            assert isinstance(when, datetime)
            key = (when, str(ident))
            category = values[roles.index("category")]
            current = self.candidates.get(category)
            if current is None or key < current[0]:
                self.candidates[category] = (key, dict(zip(roles, values, strict=True)))


def _lone_carriage_return(path: Path) -> bool:
    """Whether the file has a CR that is not part of a CRLF.

    Searched in the file mapped into memory: no copy of a large month, no block boundary to get wrong, and a
    file with no CR at all (most exports) is passed over at the speed of ``memchr``.
    """
    with path.open("rb") as stream:
        if not stream.seek(0, io.SEEK_END):
            return False  # an empty file cannot be mapped
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return data.find(b"\r") != -1 and _LONE_CR.search(data) is not None
