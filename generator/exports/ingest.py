"""Platform exports of one month → additive counts, read in chunks, with no Python object kept per row.

``DIR/YYYY-MM/calls.(csv|xlsx)`` and ``tickets.(csv|xlsx)`` are read by the columns the contract year
declares (``exports``), mapped to the platform's headers by the nearest ``columns.yaml``. CSV may be
UTF-8 (with or without BOM) or GBK/GB18030; a header row is found below title rows; times in any form
Excel or WPS writes are read by sniffing each column once. Every row that cannot be read is located
(file, row, column, the rule it breaks). What leaves this module is counts by the contract's
definitions, the structured fields of the tickets a typical case may be composed from, and data-quality
findings. No caller's words leave it: free text, names and numbers are read only to be counted or
checked, never kept; a grouping label that looks personal or that too few rows share is not shown by name.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import itertools
import re
import stat
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.errors import InputError, Problem
from generator.exports import conditions
from generator.exports.columnar import read_fast
from generator.exports.deidentify import contains_personal_data
from generator.exports.fields import TYPES
from generator.exports.tables import (
    EMPTY_CELL,
    MAX_FIELD_CHARS,
    MAX_LISTED,
    PERSONAL_LABEL,
    SUMMARY_WORDS,
    BadRow,
    Figures,
    Plan,
    TableRead,
    TableSpec,
    _add,
    case_fields,
    case_table,
    make_case,
)
from generator.source.loader import load_file, os_reason

CHUNK_ROWS = 50_000
MAX_CSV_BYTES = 1 << 30  # 1 GiB: a province-scale month is about 60 MB
MAX_XLSX_BYTES = 200 << 20
MAX_XLSX_RATIO = 40  # uncompressed sheet XML at most 40× its compressed size (refuses zip bombs)
MAX_XLSX_XML = 1 << 30
MAX_ROWS = 5_000_000
HEADER_SEARCH_ROWS = 20
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SCIENTIFIC = re.compile(r"(?<![0-9.])[0-9]\.[0-9]+[Ee]\+?[0-9]{1,2}(?![0-9])")
_ZEROED_ID = re.compile(r"(?<![0-9])[0-9]{15}000(?![0-9])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

csv.field_size_limit(MAX_FIELD_CHARS)


# -- finding the files ------------------------------------------------------------------------------


def find_table(folder: Path, table: TableSpec, month: str) -> Path:
    """The month's file of a table: csv or xlsx (both at once is an error naming both)."""
    found = [folder / f"{table.name}{suffix}" for suffix in (".csv", ".xlsx") if (folder / f"{table.name}{suffix}").exists()]
    if len(found) > 1:
        raise InputError([Problem(f"{month}/{found[0].name}", 1, 1, "", (
            f"{table.title}同时有 {found[0].name} 和 {found[1].name}，无法确定用哪一个：请删除或改名其中一个"))])
    if not found:
        raise InputError([Problem(f"{month}/{table.name}.csv", 1, 1, "", (
            f"缺少{table.title} {table.name}.csv 或 {table.name}.xlsx（数据目录 {folder}）"))])
    return found[0]


def column_maps(data_dir: Path, month: str, tables: Mapping[str, TableSpec]) -> tuple[dict[str, dict[str, str]], str | None]:
    """Field id → header per table: the declared names, changed by the nearest columns.yaml.

    The month's own folder wins over the data folder; the name of the file used is returned so the
    run can say which it used. Keys may be a field's id or its declared (Chinese) name.
    """
    maps = {name: {fid: f.name for fid, f in table.fields.items()} for name, table in tables.items()}
    for candidate, display in ((data_dir / month / "columns.yaml", f"{month}/columns.yaml"),
                               (data_dir / "columns.yaml", "columns.yaml")):
        if candidate.is_file():
            _apply_columns(candidate, display, tables, maps)
            return maps, display
    return maps, None


def _apply_columns(path: Path, display: str, tables: Mapping[str, TableSpec], maps: dict[str, dict[str, str]]) -> None:
    document = load_file(path, display)
    data = document.data or {}
    problems = []
    if not isinstance(data, Mapping):
        raise InputError([document.problem((), "columns.yaml 应为 “表名: {列: 表头}” 的映射")])
    for table, entries in data.items():
        if table not in tables:
            problems.append(document.problem((table,), f"没有表 “{table}”（应为 {'、'.join(tables)}）"))
            continue
        by_name = {f.name: fid for fid, f in tables[table].fields.items()}
        for key, header in (entries or {}).items():
            fid = key if key in tables[table].fields else by_name.get(key)
            if fid is None:
                hint = difflib.get_close_matches(str(key), [*tables[table].fields, *by_name], 1)
                problems.append(document.problem((table, key), (
                    f"{tables[table].title}没有列 “{key}”" + (f"（是不是 “{hint[0]}”？）" if hint else "")
                    + f"；可写的列：{'、'.join(by_name)}")))
            elif not isinstance(header, str) or not header.strip():
                problems.append(document.problem((table, key), "表头应为文字，例如 满意度: 评价结果"))
            else:
                maps[table][fid] = header.strip()
    if problems:
        raise InputError(problems)


# -- reading rows ----------------------------------------------------------------------------------------


def _checked_size(path: Path, display: str, limit: int) -> int:
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError([Problem(display, 1, 1, "", f"无法读取文件：{os_reason(exc)}")]) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError([Problem(display, 1, 1, "", "不是普通文件（设备、管道等不能作为导出表）")])
    if info.st_size > limit:
        raise InputError([Problem(display, 1, 1, "", f"文件过大（{info.st_size} 字节，上限 {limit} 字节）")])
    return info.st_size


def _csv_chunks(path: Path, display: str) -> Iterator[list[list[str]]]:
    _checked_size(path, display, MAX_CSV_BYTES)
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise InputError([Problem(display, 1, 1, "", f"无法读取文件：{os_reason(exc)}")]) from None
    with stream:
        head = stream.read(1 << 16)
        encoding = _encoding(head)
        stream.seek(0)
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        reader = csv.reader(text, strict=True)
        try:
            # Whole chunks straight from the C reader: no Python frame per row.
            while chunk := list(itertools.islice(reader, CHUNK_ROWS)):
                yield chunk
        except csv.Error as exc:
            if "field larger" in str(exc):
                reason = "某个单元格过长（可能是引号没有闭合）"
            elif "end of data" in str(exc) or "EOF" in str(exc):
                reason = "文件末尾仍在引号内：某个单元格的引号没有闭合"
            else:
                reason = f"CSV 格式错误（{exc}）"
            raise InputError([Problem(display, reader.line_num or 1, 1, "", (
                f"{reason}：请用 Excel 或 WPS 打开后另存为 CSV 再试"))]) from None
        except UnicodeDecodeError:
            raise InputError([Problem(display, reader.line_num or 1, 1, "", (
                "文件编码前后不一致（既不是完整的 UTF-8 也不是 GBK）：请在 Excel/WPS 中另存为 “CSV UTF-8”"))]) from None


def _encoding(head: bytes) -> str:
    """utf-8-sig when the start decodes as UTF-8 (a cut character at the end of the sample is fine), else GB18030."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def _xlsx_chunks(path: Path, display: str) -> Iterator[list[list[Any]]]:
    size = _checked_size(path, display, MAX_XLSX_BYTES)
    try:
        with zipfile.ZipFile(path) as archive:
            xml = sum(i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/"))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError([Problem(display, 1, 1, "", "不是有效的 Excel（.xlsx）文件：请用 Excel 或 WPS 重新另存为 .xlsx")]) from None
    if xml > MAX_XLSX_XML or xml > MAX_XLSX_RATIO * max(size, 1):
        raise InputError([Problem(display, 1, 1, "", (
            f"Excel 文件展开后过大（工作表 {xml} 字节）：请另存为 CSV 后再试"))])
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken file
        raise InputError([Problem(display, 1, 1, "", "无法打开 Excel 文件：请用 Excel 或 WPS 重新另存为 .xlsx")]) from None
    try:
        if not book.worksheets:
            raise InputError([Problem(display, 1, 1, "", "Excel 文件中没有工作表")])
        sheet = book.worksheets[0]
        # A stale <dimension> would cut the rows short; read every row that is there instead.
        sheet.reset_dimensions()
        rows = (["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True))
        while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
            yield chunk
    except InputError:
        raise
    except Exception:
        raise InputError([Problem(display, 1, 1, "", "Excel 文件内容损坏，无法读取：请重新导出或另存为 CSV")]) from None
    finally:
        book.close()


def _chunks(path: Path, display: str) -> Iterator[list[list[Any]]]:
    return _xlsx_chunks(path, display) if path.suffix == ".xlsx" else _csv_chunks(path, display)


def _header(rows: Sequence[list[Any]], display: str, table: TableSpec, names: Mapping[str, str],
            columns_file: str | None) -> tuple[int, dict[str, int], int, list[str]]:
    """The header's row number, each field's column index, the header's width and its cells; title rows are skipped."""
    wanted = set(names.values())
    best: tuple[int, list[str]] | None = None
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        cells = [str(c).strip().lstrip("\ufeff") for c in row]
        hits = len(wanted.intersection(cells))
        if best is None or hits > len(wanted.intersection(best[1])):
            best = (number, cells)
        if hits == len(wanted):
            break
    if best is None:
        raise InputError([Problem(display, 1, 1, "", "文件是空的，缺少表头")])
    number, cells = best
    missing = [(fid, header) for fid, header in names.items() if header not in cells]
    if missing:
        where = columns_file or "columns.yaml"
        lines = []
        for fid, header in missing:
            guess = difflib.get_close_matches(header, [c for c in cells if c and c not in wanted], 1, 0.3)
            lines.append(f"    {table.fields[fid].name}: {guess[0] if guess else '导出表中这一列的表头'}")
        raise InputError([Problem(display, number, 1, "", (
            f"缺少列：{'、'.join(h for _, h in missing)}（第 {number} 行表头为：{'、'.join(c for c in cells if c)}）。"
            f"若导出表中这一列叫别的名字，请在数据目录或该月目录的 {where} 中加上：\n  {table.name}:\n"
            + "\n".join(lines)))])
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    return number, {fid: cells.index(header) for fid, header in names.items()}, width, cells


def id_checksum_ok(number: str) -> bool:
    """GB 11643 check digit of an 18-character ID number."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def lost_digits(value: object) -> bool:
    """Whether a cell looks like a number Excel has mangled (float, scientific notation, zeroed ID tail)."""
    if isinstance(value, float):
        return True
    if not isinstance(value, str):
        return False
    return bool(_SCIENTIFIC.search(value)) or any(not id_checksum_ok(m) for m in _ZEROED_ID.findall(value))


def _blank(row: Sequence[Any]) -> bool:
    """Whether a row holds nothing: empty cells, blanks, or the ^Z an old export ends with."""
    # any() is false for a blank row, and also for a row of zeros from a spreadsheet: look closer then.
    return all(c is None or (isinstance(c, str) and not c.strip(EMPTY_CELL)) for c in row)


def protect_labels(read: TableRead, plan: Plan, table: TableSpec) -> TableRead:
    """Labels fewer than ``plan.min_label_rows`` rows share are counted together, not shown by name.

    A value typed into a grouping column by one ticket (an address in 所属乡镇, a phone number in
    诉求分类) is what such rare values are; the detector of personal data has already replaced the
    ones it recognises. Every place a label is shown (groups, the category × unit table, the cases)
    gets the same replacement, so a hidden value appears nowhere.
    """
    limit = plan.min_label_rows
    figures = read.figures
    rare: dict[str, set[str]] = {}
    for fid, groups in figures.groups.items():
        rare[fid] = {label for label, counts in groups.items() if counts["rows"] < limit and label != PERSONAL_LABEL}
        if rare[fid]:
            merged: dict[str, dict[str, int]] = {}
            for label, counts in groups.items():
                key = rare_label(limit) if label in rare[fid] else label
                merged[key] = _add(merged.get(key, {}), counts)
            figures.groups[fid] = dict(sorted(merged.items()))
    category, unit = plan.breakdowns.get("category", ("", ""))[0], plan.breakdowns.get("unit", ("", ""))[0]
    if figures.cross and (rare.get(category) or rare.get(unit)):
        cross: dict[str, dict[str, int]] = {}
        for cat, units in figures.cross.items():
            row = cross.setdefault(rare_label(limit) if cat in rare.get(category, ()) else cat, {})
            for name, n in units.items():
                key = rare_label(limit) if name in rare.get(unit, ()) else name
                row[key] = row.get(key, 0) + n
        figures.cross = {c: dict(sorted(u.items())) for c, u in sorted(cross.items())}
    region = plan.breakdowns.get("region", ("", ""))[0]
    hidden = {"region": rare.get(region, set()), "unit": rare.get(unit, set()), "kind": set()}
    cases = {}
    for name, case in read.cases.items():
        if name in rare.get(category, ()) or name == PERSONAL_LABEL:
            continue
        cleared = {role: "" for role, values in hidden.items() if getattr(case, role) in values or getattr(case, role) == PERSONAL_LABEL}
        cases[name] = replace(case, **cleared)
    read.cases = cases
    return read


def rare_label(limit: int) -> str:
    """The label rare values are counted under."""
    return f"其他（不足{limit}件的合并）"


class _Reader:
    """Reads one table chunk by chunk into its figures."""

    def __init__(self, plan: Plan, table: TableSpec, month: str, display: str, index: Mapping[str, int],
                 header_width: int) -> None:
        self.plan, self.table, self.month, self.display = plan, table, month, display
        self.index = index
        self.header_width = header_width
        self.counts = plan.counts_of(table.name)
        self.groups: dict[str, Counter[tuple[Any, tuple[bool, ...]]]] = {
            f: Counter() for f, _ in plan.breakdowns.values() if f in table.fields}
        self.daily: Counter[tuple[int, tuple[bool, ...]]] = Counter()
        self.cross: Counter[tuple[Any, Any]] = Counter()
        category, unit = plan.breakdowns.get("category", ("", ""))[0], plan.breakdowns.get("unit", ("", ""))[0]
        self.cross_fields = (category, unit) if category in table.fields and unit in table.fields else None
        self.sums: dict[str, int | Decimal] = {}
        self.result = TableRead(table.name, display, Figures())
        self.seen_ids: set[str] = set()
        self.checked_labels: dict[str, set[str]] = {f: set() for f in self.groups}
        self.hidden_labels: dict[str, set[str]] = {f: set() for f in self.groups}
        self.candidates: dict[str, tuple[Any, ...]] = {}
        self.times, self.identifier = table.times, table.identifier
        self.cases = plan.cases if case_table(plan, table) else None
        self.wanted = (int(month[:4]), int(month[5:]))
        self.stamp_column = index[table.month_field]

    def chunk(self, rows: Sequence[list[Any]], first: int) -> None:
        width = max(max(self.index.values()) + 1, self.header_width)
        kept: list[list[Any]] = []
        numbers: list[int] = []
        bad: dict[int, BadRow] = {}
        for number, row in enumerate(rows, start=first):
            if _blank(row):
                continue
            if self._summary(row, number):
                continue
            if len(row) < width:
                row = [*row, *[""] * (width - len(row))]
            elif len(row) > self.header_width and any(row[self.header_width:]):
                # Cells beyond the header mean an unquoted comma shifted the row: no column of it can be
                # trusted, least of all its confidentiality flag.
                bad[len(kept)] = BadRow(self.display, number, "整行", (
                    f"这一行比表头多出 {len(row) - self.header_width} 个单元格（可能有未加引号的逗号），各列已错位：请在导出时给文字加引号"))
            kept.append(row)
            numbers.append(number)
        if not kept:
            return
        transposed = list(zip(*kept, strict=False))  # one C-level pass: a tuple per column (rows are padded)
        columns: dict[str, list[Any]] = {}
        for fid, spec in self.table.fields.items():
            cells = self._clean(fid, transposed[self.index[fid]], numbers)
            values, refused = TYPES[spec.type].read(spec, cells)
            for offset, rule, shown in refused:
                bad.setdefault(offset, BadRow(self.display, numbers[offset], spec.name, rule, shown))
            columns[fid] = values
        stamps = columns[self.table.month_field]
        for offset, when in enumerate(stamps):
            if when is not None and (when.year, when.month) != self.wanted and offset not in bad:
                bad[offset] = BadRow(self.display, numbers[offset], self.table.fields[self.table.month_field].name,
                                     f"时间不在 {self.month} 月内：请检查是否混入了其他月份的数据",
                                     when.strftime("%Y-%m-%d %H:%M:%S"))
        if bad:
            self.result.bad_count += len(bad)
            for offset in sorted(bad):
                if len(self.result.bad) < MAX_LISTED:
                    self.result.bad.append(bad[offset])
            keep = [i for i in range(len(kept)) if i not in bad]
            columns = {fid: [values[i] for i in keep] for fid, values in columns.items()}
            numbers = [numbers[i] for i in keep]
        if numbers:
            self._count(columns, numbers)

    def _summary(self, row: Sequence[Any], number: int) -> bool:
        """Whether the row is the export's own total (合计, 总计), noted and skipped."""
        first = next((c for c in row if c not in ("", None)), "")
        stamp = row[self.stamp_column] if self.stamp_column < len(row) else ""
        if not (isinstance(first, str) and first.strip() in SUMMARY_WORDS and stamp in ("", None)):
            return False
        self.result.summaries.append(BadRow(self.display, number, "整行", (
            f"是导出表的“{first.strip()}”行，不是{self.table.noun}记录，已跳过（不计入统计）")))
        return True

    def _clean(self, fid: str, cells: Sequence[Any], numbers: list[int]) -> Sequence[Any]:
        spec = self.table.fields[fid]
        # A column of text is searched once, joined; only a column with a hit is looked at cell by cell.
        try:
            joined: str | None = "\n".join(cells)
        except TypeError:  # numbers or times from a spreadsheet
            joined = None
        if spec.type in ("person", "personal") and (joined is None or lost_digits(joined)):
            for offset, cell in enumerate(cells):
                if lost_digits(cell):
                    self.result.cleaned.append(BadRow(self.display, numbers[offset], spec.name, (
                        "疑似被 Excel 截断的号码（科学计数法或末尾变为 000），不作为数据使用；"
                        "以后导出前请在 Excel 中把这一列设为“文本”格式")))
        if joined is None or _XML_ILLEGAL.search(joined):
            out = []
            for offset, cell in enumerate(cells):
                if isinstance(cell, str) and _XML_ILLEGAL.search(cell):
                    cell = _XML_ILLEGAL.sub("", cell)
                    self.result.cleaned.append(BadRow(self.display, numbers[offset], spec.name,
                                                      "含有 Word 不允许的控制字符，已删除"))
                out.append(cell)
            return out
        return cells

    def _count(self, columns: dict[str, list[Any]], numbers: list[int]) -> None:
        rows = len(numbers)
        vectors = [conditions.test_all(c.where, columns, rows) for c in self.counts]
        masks = list(zip(*vectors, strict=True)) if vectors else [()] * rows
        self.result.figures.rows += rows
        # Every kept row is in the month: the day of the month is enough here (named in finish()).
        self.daily.update(zip([t.day for t in columns[self.table.month_field]], masks, strict=True))
        labels = {}
        for fid, counter in self.groups.items():
            labels[fid] = self._labels(fid, columns[fid], numbers)
            counter.update(zip(labels[fid], masks, strict=True))
        if self.cross_fields:
            self.cross.update(zip(labels[self.cross_fields[0]], labels[self.cross_fields[1]], strict=True))
        for average in self.plan.averages:
            if average["field"] in columns:
                over = next((i for i, c in enumerate(self.counts) if c.id == average["over"]), None)
                selected = vectors[over] if over is not None else [True] * rows
                total = sum(v for v, ok in zip(columns[average["field"]], selected, strict=True) if ok and v is not None)
                self.sums[average["label"]] = self.sums.get(average["label"], 0) + total  # exact: 12.5 s stays 12.5
        self._quality(columns, numbers)
        if self.cases:
            self._candidates(columns, numbers, labels)

    def _labels(self, fid: str, values: list[Any], numbers: list[int]) -> list[Any]:
        """Group labels, with any that hold personal data replaced (named by row and column, never shown)."""
        seen, hidden = self.checked_labels[fid], self.hidden_labels[fid]
        for value in set(values) - seen:
            seen.add(value)
            if isinstance(value, str) and contains_personal_data(value):
                hidden.add(value)
        if hidden.intersection(values):
            for offset, value in enumerate(values):
                if value in hidden:
                    self.result.quality.personal_labels += 1
                    self.result.quality.note(BadRow(self.display, numbers[offset], self.table.fields[fid].name,
                                                    f"名称中含有个人信息，已按“{PERSONAL_LABEL}”统计"))
            return [PERSONAL_LABEL if v in hidden else v for v in values]
        return values

    def _quality(self, columns: dict[str, list[Any]], numbers: list[int]) -> None:
        quality = self.result.quality
        if self.identifier:
            ids = columns[self.identifier]
            if len(set(ids)) != len(ids) or self.seen_ids.intersection(ids):
                for offset, ident in enumerate(ids):
                    if ident in self.seen_ids:
                        quality.duplicates += 1
                        quality.note(BadRow(self.display, numbers[offset], self.table.fields[self.identifier].name,
                                            "编号与前面的行重复（重复工单仍计入统计，请核实）"))
                    self.seen_ids.add(ident)
            else:
                self.seen_ids.update(ids)
        # Time columns are declared in the order a record moves through them: none may come before an earlier one.
        for earlier, later in itertools.pairwise(self.times):
            for offset, (a, b) in enumerate(zip(columns[earlier], columns[later], strict=True)):
                if a is not None and b is not None and b < a:
                    quality.out_of_order += 1
                    quality.note(BadRow(self.display, numbers[offset], self.table.fields[later].name,
                                        f"早于{self.table.fields[earlier].name}（时间先后不可能，请核实）"))

    def _candidates(self, columns: dict[str, list[Any]], numbers: list[int], labels: Mapping[str, list[Any]]) -> None:
        """Per category, the earliest row a typical case may be composed from (never a confidential one)."""
        cases = self.cases or {}
        excluded = conditions.test_all(cases.get("exclude", {}), columns, len(numbers)) if cases.get("exclude") else None
        secret = columns[cases["confidential"]]
        identifiers = columns[self.identifier] if self.identifier else numbers
        stamps = columns[self.table.month_field]
        fields = case_fields(self.plan, self.table)
        shown = {role: labels[f] if f in labels else columns[f] for role, f in fields.items() if f}
        for offset, stamp in enumerate(stamps):
            # A flag that could not be read with certainty is None: such a row is never cited.
            if secret[offset] is not False or (excluded and excluded[offset]):
                continue
            category = shown["category"][offset]
            key = (stamp, str(identifiers[offset]))
            current = self.candidates.get(category)
            if current is None or key < current[0]:
                self.candidates[category] = (key, {role: values[offset] for role, values in shown.items()})

    def finish(self) -> TableRead:
        figures = self.result.figures
        ids = [c.id for c in self.counts]
        year, month = self.wanted
        for (day, mask), n in self.daily.items():
            entry = figures.daily.setdefault(f"{year:04d}-{month:02d}-{day:02d}", {"rows": 0})
            entry["rows"] += n
            for cid, hit in zip(ids, mask, strict=True):
                if hit:
                    entry[cid] = entry.get(cid, 0) + n
                    figures.counts[cid] = figures.counts.get(cid, 0) + n
        for cid in ids:
            figures.counts.setdefault(cid, 0)
        figures.daily = dict(sorted(figures.daily.items()))
        for fid, counter in self.groups.items():
            groups: dict[str, dict[str, int]] = {}
            for (value, mask), n in counter.items():
                entry = groups.setdefault(value, {"rows": 0})
                entry["rows"] += n
                for cid, hit in zip(ids, mask, strict=True):
                    if hit:
                        entry[cid] = entry.get(cid, 0) + n
            figures.groups[fid] = dict(sorted(groups.items()))
        figures.sums = dict(self.sums)
        for (category, unit), n in sorted(self.cross.items()):
            figures.cross.setdefault(category, {})[unit] = n
        self.result.cases = {category: make_case(category, when, values)
                             for category, ((when, _), values) in sorted(self.candidates.items())}
        return self.result


def read_table(path: Path, display: str, plan: Plan, table: TableSpec, names: Mapping[str, str], month: str,
               columns_file: str | None) -> TableRead:
    """Read one export file into its figures: column-wise when it is a clean CSV, else chunk by chunk."""
    if path.suffix == ".csv":
        fast = _read_clean_csv(path, display, plan, table, names, month, columns_file)
        if fast is not None:
            return protect_labels(fast, plan, table)
    chunks = _chunks(path, display)
    head = next(chunks, [])
    header_row, index, width, _ = _header(head, display, table, names, columns_file)
    reader = _Reader(plan, table, month, display, index, width)
    first, total = header_row + 1, 0
    for chunk in itertools.chain([head[header_row:]], chunks):
        total += len(chunk)
        if total > MAX_ROWS:
            raise InputError([Problem(display, first, 1, "", f"行数过多（超过 {MAX_ROWS} 行）：请按月分开导出")])
        if chunk:
            reader.chunk(chunk, first)
        first += len(chunk)
    return protect_labels(reader.finish(), plan, table)


def _read_clean_csv(path: Path, display: str, plan: Plan, table: TableSpec, names: Mapping[str, str], month: str,
                    columns_file: str | None) -> TableRead | None:
    """The columnar reader's result, or None when the file needs the careful reader (see exports/columnar.py)."""

    _checked_size(path, display, MAX_CSV_BYTES)
    try:
        with path.open("rb") as stream:
            encoding = _encoding(stream.read(1 << 16))
            stream.seek(0)
            text = io.TextIOWrapper(stream, encoding=encoding, newline="")
            head = list(itertools.islice(csv.reader(text, strict=True), HEADER_SEARCH_ROWS))
    except (OSError, csv.Error, UnicodeDecodeError):
        return None
    try:
        header_row, index, _, cells = _header(head, display, table, names, columns_file)
    except InputError:
        return None  # the careful reader says what is wrong with the header
    return read_fast(path, encoding, header_row, cells, index, plan, table, month, MAX_ROWS)


def month_files(folder: Path, plan: Plan, month: str) -> dict[str, Path]:
    """The export file of each declared table in a month's folder (each a regular file of a sane size)."""
    found = {name: find_table(folder, table, month) for name, table in plan.tables.items()}
    for path in found.values():
        _checked_size(path, f"{month}/{path.name}", MAX_XLSX_BYTES if path.suffix == ".xlsx" else MAX_CSV_BYTES)
    return found


def read_exports(data_dir: Path, month: str, plan: Plan) -> tuple[dict[str, TableRead], str | None]:
    """Every declared table of the month read, and which columns.yaml (if any) mapped its headers."""
    folder = data_dir / month
    files = month_files(folder, plan, month)
    maps, columns_file = column_maps(data_dir, month, plan.tables)
    out = {}
    for name, path in files.items():
        out[name] = read_table(path, f"{month}/{path.name}", plan, plan.tables[name], maps[name], month, columns_file)
    return out, columns_file
