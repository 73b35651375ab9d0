"""Platform exports of one month → typed rows.

Reads ``DIR/YYYY-MM/calls.(csv|xlsx)``, ``tickets.(csv|xlsx)`` and ``month.yaml``. CSV may be UTF-8
or GBK/GB18030 (Excel's default in China). Headers are mapped through ``templates/columns.yaml``,
overridable by ``DIR/columns.yaml``. A row that cannot be read is reported with file, row and
column; the month fails unless the caller asked to skip bad rows, which are then counted and listed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from generator.errors import InputError, Problem
from generator.resources import TEMPLATES
from generator.source.loader import Document, load_file
from generator.source.schema import schema_problems

TYPES = ("咨询", "求助", "投诉", "建议", "举报", "表扬", "其他")
SATISFACTION = ("满意", "基本满意", "不满意", "未评价")
_YES_NO = {"是": True, "否": False, "Y": True, "N": False}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
MAX_LISTED = 50
# Excel keeps 15 significant digits: an ID or phone number typed as a number comes back as 4.69028E+17 or
# with its last digits turned to zeros. Such values are reported, never used silently.
_SCIENTIFIC = re.compile(r"(?<![0-9.])[0-9]\.[0-9]+[Ee]\+?[0-9]{1,2}(?![0-9])")
_ZEROED_ID = re.compile(r"(?<![0-9])[0-9]{15}000(?![0-9])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


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


class Call(NamedTuple):
    """One inbound call (only what the figures need: no caller number is kept)."""

    time: datetime
    wants_agent: bool
    answered: bool
    wait_seconds: int
    talk_seconds: int


class Ticket(NamedTuple):
    """One work order. ``name`` and ``phone`` are kept only to mask them out of quoted text."""

    id: str
    accepted: datetime
    name: str
    phone: str
    type: str
    category: str
    town: str
    content: str
    unit: str
    instant: bool
    closed: datetime | None
    revisited: datetime | None
    satisfaction: str
    confidential: bool


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read (or a cell that had to be cleaned)."""

    file: str
    row: int
    column: str
    message: str

    def format(self) -> str:
        """``file:row: column: message``."""
        return f"{self.file}:{self.row}: {self.column}: {self.message}"


@dataclass(frozen=True)
class MonthData:
    """Everything read for one month."""

    month: str
    calls: list[Call]
    tickets: list[Ticket]
    extra: Mapping[str, Any]
    skipped: tuple[BadRow, ...] = ()
    skipped_count: int = 0
    cleaned: tuple[BadRow, ...] = field(default=())


class _RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _flag(column: str, value: Any) -> bool:
    text = "" if value is None else str(value).strip()
    try:
        return _YES_NO[text]
    except KeyError:
        raise _RowError(column, f"应为“是”或“否”，实际是 “{text}”") from None


def _time(column: str, value: Any, optional: bool = False) -> datetime | None:
    if isinstance(value, datetime):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        if optional:
            return None
        raise _RowError(column, "时间不能为空")
    try:
        return datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise _RowError(column, f"无法识别的时间 “{text}”（应为 2024-05-03 10:22:11）") from None


def _seconds(column: str, value: Any) -> int:
    text = "" if value is None else str(value).strip()
    try:
        number = int(float(text)) if "." in text else int(text)
    except ValueError:
        raise _RowError(column, f"应为秒数（整数），实际是 “{text}”") from None
    if number < 0:
        raise _RowError(column, f"秒数不能为负：{number}")
    return number


def _choice(column: str, value: Any, allowed: tuple[str, ...], default: str | None = None) -> str:
    text = "" if value is None else str(value).strip()
    if not text and default is not None:
        return default
    if text not in allowed:
        raise _RowError(column, f"取值 “{text}” 无效，应为{'、'.join(allowed)}之一")
    return text


def load_columns(data_dir: Path) -> dict[str, dict[str, str]]:
    """The column mapping: defaults, overridden per field by ``DIR/columns.yaml`` when present."""
    defaults = _validated(load_file(TEMPLATES / "columns.yaml", "columns.yaml"), "columns.schema.json").data
    override = data_dir / "columns.yaml"
    if override.is_file():
        custom = _validated(load_file(override, str(override)), "columns.schema.json").data or {}
        for table, fields in custom.items():
            defaults[table].update(fields)
    return defaults


def _validated(document: Document, schema: str) -> Document:
    problems = schema_problems(document, schema)
    if problems:
        raise InputError(problems)
    return document


def _xlsx_rows(path: Path, display: str) -> Iterator[list[Any]]:
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError([Problem(display, 1, 1, "", "读取 .xlsx 需要 openpyxl：pip install openpyxl")]) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InputError([Problem(display, 1, 1, "", f"无法打开 Excel 文件：{exc}")]) from None
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def _find(folder: Path, stem: str, month: str) -> Path:
    for suffix in (".csv", ".xlsx"):
        path = folder / f"{stem}{suffix}"
        if path.is_file():
            return path
    raise InputError([Problem(f"{month}/{stem}.csv", 1, 1, "", f"缺少 {stem}.csv 或 {stem}.xlsx（数据目录 {folder}）")])


def _table(
    path: Path, display: str, columns: Mapping[str, str], kind: str, month: str,
) -> tuple[list[Any], list[BadRow], int, list[BadRow]]:
    rows, dirty = _read(path, display)
    header = next(rows, None)
    if header is None:
        raise InputError([Problem(display, 1, 1, "", "文件是空的，缺少表头")])
    names = [("" if h is None else str(h).strip().lstrip("\ufeff")) for h in header]
    missing = [name for name in columns.values() if name not in names]
    if missing:
        raise InputError([Problem(display, 1, 1, "", (
            f"缺少列：{'、'.join(missing)}（表头为：{'、'.join(names)}）；列名不同请在数据目录的 columns.yaml 中对照"))])
    fields = _CALL_FIELDS if kind == "calls" else _TICKET_FIELDS
    index = tuple(names.index(columns[key]) for key in fields)
    width = max(index) + 1
    fast = _fast_call if kind == "calls" else _fast_ticket
    stamp = _STAMP[kind]
    wanted = (int(month[:4]), int(month[5:]))
    good: list[Any] = []
    bad: list[BadRow] = []
    cleaned: list[BadRow] = []
    bad_count = 0
    for number, row in enumerate(rows, start=2):
        if len(row) < width:
            if not any(cell not in (None, "") for cell in row):
                continue
            row = list(row) + [None] * (width - len(row))
        values = [row[i] for i in index]
        if dirty:
            for position, value in enumerate(values):
                if isinstance(value, str) and _XML_ILLEGAL.search(value):
                    values[position] = _XML_ILLEGAL.sub("", value)
                    cleaned.append(BadRow(display, number, columns[fields[position]], "含有 Word 不允许的控制字符，已删除"))
        try:
            item = fast(values)
        except (KeyError, ValueError, TypeError, AttributeError):
            item = None
        if item is None or (item[stamp].year, item[stamp].month) != wanted:
            bad_count += 1
            if len(bad) < MAX_LISTED:
                bad.append(_explain_row(display, number, values, kind, columns, month))
            continue
        good.append(item)
        if kind == "tickets":
            for position in (3, 7):  # 来电号码 and 诉求内容
                value = values[position]
                if lost_digits(value):
                    cleaned.append(BadRow(display, number, columns[fields[position]],
                                          "疑似被 Excel 截断的号码（科学计数法或末尾变为 000），已隐去，不作为数据使用"))
    return good, bad, bad_count, cleaned


_CALL_FIELDS = ("time", "wants_agent", "answered", "wait_seconds", "talk_seconds")
_TICKET_FIELDS = ("id", "accepted", "name", "phone", "type", "category", "town", "content", "unit", "instant",
                  "closed", "revisited", "satisfaction", "confidential")
_STAMP = {"calls": 0, "tickets": 1}
_TYPE_SET = frozenset(TYPES)
_SATISFACTION_SET = frozenset(SATISFACTION)


def _read(path: Path, display: str) -> tuple[Iterator[list[Any]], bool]:
    """Rows of a CSV or XLSX file, and whether any cell may hold XML-illegal characters."""
    if path.suffix == ".xlsx":
        return _xlsx_rows(path, display), True
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence
        raise InputError([Problem(display, 1, 1, "", "无法识别的文件编码（应为 UTF-8 或 GBK）")])
    # One scan of the whole file spares a regex per cell in the usual case of clean data.
    return csv.reader(io.StringIO(text, newline="")), bool(_XML_ILLEGAL.search(text))


def _when(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value.strip().replace("/", "-"))


def _nonneg(value: Any) -> int:
    number = value if isinstance(value, int) else int(str(value).strip())
    if number < 0:
        raise ValueError(number)
    return number


def _optional_when(value: Any) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _when(value)


def _fast_call(v: list[Any]) -> Call:
    return Call(_when(v[0]), _YES_NO[v[1].strip()], _YES_NO[v[2].strip()], _nonneg(v[3]), _nonneg(v[4]))


def _fast_ticket(v: list[Any]) -> Ticket:
    kind = v[4].strip()
    satisfaction = (v[12] or "").strip() or "未评价"
    if kind not in _TYPE_SET or satisfaction not in _SATISFACTION_SET:
        raise ValueError(kind)
    return Ticket(
        str(v[0] or "").strip(), _when(v[1]), str(v[2] or "").strip(), str(v[3] or "").strip(), kind,
        str(v[5] or "").strip() or "未分类", str(v[6] or "").strip() or "未填写", str(v[7] or "").strip(),
        str(v[8] or "").strip() or "未指定", _YES_NO[v[9].strip()], _optional_when(v[10]), _optional_when(v[11]),
        satisfaction, _YES_NO[v[13].strip()],
    )


def _explain_row(display: str, number: int, values: list[Any], kind: str, columns: Mapping[str, str], month: str) -> BadRow:
    """The slow, careful parse of a row the fast path refused, to say exactly what is wrong."""
    fields = _CALL_FIELDS if kind == "calls" else _TICKET_FIELDS
    cell = dict(zip(fields, values, strict=True))
    name = {key: columns[key] for key in fields}
    if kind == "calls":
        checks: list[Callable[[], Any]] = [
            lambda: _time(name["time"], cell["time"]),
            lambda: _flag(name["wants_agent"], cell["wants_agent"]),
            lambda: _flag(name["answered"], cell["answered"]),
            lambda: _seconds(name["wait_seconds"], cell["wait_seconds"]),
            lambda: _seconds(name["talk_seconds"], cell["talk_seconds"]),
        ]
    else:
        checks = [
            lambda: _time(name["accepted"], cell["accepted"]),
            lambda: _choice(name["type"], cell["type"], TYPES),
            lambda: _flag(name["instant"], cell["instant"]),
            lambda: _time(name["closed"], cell["closed"], optional=True),
            lambda: _time(name["revisited"], cell["revisited"], optional=True),
            lambda: _choice(name["satisfaction"], cell["satisfaction"], SATISFACTION, "未评价"),
            lambda: _flag(name["confidential"], cell["confidential"]),
        ]
    for check in checks:
        try:
            check()
        except _RowError as exc:
            return BadRow(display, number, exc.column, exc.message)
    key = "time" if kind == "calls" else "accepted"
    return BadRow(display, number, name[key], f"时间 {cell[key]} 不在 {month} 月内")


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir() if p.is_file()))


def load_month(data_dir: Path, month: str, skip_bad_rows: bool = False) -> MonthData:
    """Read one month's folder; bad rows fail the month unless ``skip_bad_rows``.

    Results are cached per process by the files' name, size and mtime, because `gen all` and a report's
    neighbouring months read the same folders many times.
    """
    key = (str(data_dir.resolve()), month, _stamp(data_dir / month), _stamp(data_dir))
    data = _cached_month(key, data_dir, month)
    if data.skipped_count and not skip_bad_rows:
        bad = list(data.skipped)
        more = f"\n（共 {data.skipped_count} 行无法读取，以上列出前 {len(bad)} 行；确认无误后可加 --skip-bad-rows 跳过）"
        raise InputError([_as_problem(b) for b in bad]) if data.skipped_count <= len(bad) else _with_note(bad, more)
    return data


@lru_cache(maxsize=16)
def _cached_month(_key: object, data_dir: Path, month: str) -> MonthData:
    return _load_month(data_dir, month)


def _load_month(data_dir: Path, month: str) -> MonthData:
    folder = data_dir / month
    if not folder.is_dir():
        raise InputError([Problem(str(folder), 1, 1, "", (
            f"没有 {month} 的数据目录 {folder}（示例数据可用 gen sample-data --month {month} 生成）"))])
    columns = load_columns(data_dir)
    extra_doc = _validated(load_file(folder / "month.yaml", f"{month}/month.yaml"), "month.schema.json")
    bad: list[BadRow] = []
    cleaned: list[BadRow] = []
    bad_count = 0
    tables: dict[str, list[Any]] = {}
    for stem in ("calls", "tickets"):
        path = _find(folder, stem, month)
        rows, table_bad, table_count, table_cleaned = _table(path, f"{month}/{path.name}", columns[stem], stem, month)
        tables[stem] = rows
        bad += table_bad
        bad_count += table_count
        cleaned += table_cleaned
    return MonthData(month, tables["calls"], tables["tickets"], extra_doc.data, tuple(bad), bad_count, tuple(cleaned))


def _as_problem(bad: BadRow) -> Problem:
    return Problem(bad.file, bad.row, 1, bad.column, bad.message)


def _with_note(bad: list[BadRow], note: str) -> InputError:
    error = InputError([_as_problem(b) for b in bad])
    error.args = (str(error) + note,)
    return error
