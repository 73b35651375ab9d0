"""Column types of the platform exports, each one small registered unit that reads a whole column.

A column is read at once (not cell by cell through a chain of ifs): the type looks at the column's
first values once to decide its form (e.g. how Excel or WPS wrote the times) and then converts every
cell, returning the values and the cells it could not read, each with the fix in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

MAX_SECONDS = 10_000_000
_EXCEL_EPOCH = datetime(1899, 12, 30)
_SLASH_TIME = re.compile(r"^\s*(\d{4})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?\s*$")
_SERIAL = re.compile(r"^\s*\d{5}(?:\.\d+)?\s*$")
_NO_SUCH_TIME = "日期或时间不存在（如 13 月、2 月 30 日、25 点）：应写成 2024-05-03 10:22:11 或 2024/5/3 10:22"
_YES = frozenset({"是", "Y", "y", "YES", "Yes", "yes", "1", "TRUE", "True", "true", "√"})
_NO = frozenset({"否", "N", "n", "NO", "No", "no", "0", "FALSE", "False", "false", "×"})


@dataclass(frozen=True)
class FieldSpec:
    """One declared column: its id, the header staff see, its type and what an empty cell means."""

    id: str
    name: str
    type: str
    values: tuple[str, ...] = ()
    empty: str | None = None
    optional: bool = False


Bad = tuple[int, str, str]
"""A cell that could not be read: its position in the column, the rule it breaks (with the fix, and
safe to print anywhere) and the cell's own text (shown on the console only, never in a document)."""


class FieldType:
    """How one type of column is read."""

    name: ClassVar[str]

    def read(self, spec: FieldSpec, cells: Sequence[Any]) -> tuple[list[Any], list[Bad]]:
        """Every cell converted (None where it could not be), and the cells that could not be read.

        The whole column goes through the type's fast path first; only a column with a cell that path
        refuses is read again cell by cell, to say which cells are wrong and why.
        """
        try:
            return self.bulk(spec, cells), []
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, ArithmeticError):
            return self.careful(spec, cells)

    def bulk(self, spec: FieldSpec, cells: Sequence[Any]) -> list[Any]:
        """Every cell converted, or an exception at the first that needs a closer look."""
        convert = self.converter(spec, cells)
        if spec.empty is not None:
            return [convert(c) if c else spec.empty for c in cells]
        if spec.optional:
            return [convert(c) if c else None for c in cells]
        return [convert(c) for c in cells]

    def careful(self, spec: FieldSpec, cells: Sequence[Any]) -> tuple[list[Any], list[Bad]]:
        """Cell by cell, with the reason for each cell that cannot be read."""
        values: list[Any] = []
        bad: list[Bad] = []
        convert = self.converter(spec, cells)
        for index, cell in enumerate(cells):
            text = cell.strip() if isinstance(cell, str) else cell
            if text is None or text == "":
                if spec.empty is not None:
                    values.append(spec.empty)
                elif spec.optional:
                    values.append(None)
                else:
                    values.append(None)
                    bad.append((index, "不能为空", ""))
                continue
            try:
                values.append(convert(text))
            except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
                values.append(None)
                bad.append((index, str(exc) or "无法识别", str(text)[:40]))
        return values, bad

    def converter(self, spec: FieldSpec, cells: Sequence[Any]) -> Callable[[Any], Any]:
        """The conversion of one non-empty cell, chosen once for the column."""
        raise NotImplementedError


TYPES: dict[str, FieldType] = {}


def register(cls: type[FieldType]) -> type[FieldType]:
    """Add a column type to the registry under its name."""
    TYPES[cls.name] = cls()
    return cls


def _first(cells: Iterable[Any]) -> Any:
    return next((c for c in cells if c is not None and c != "" and not (isinstance(c, str) and not c.strip())), None)


def _naive(value: datetime) -> datetime:
    if value.tzinfo is not None:
        raise ValueError("时间带有时区：请导出不带时区的本地时间（如 2024-05-03 10:22:11）")
    return value


def _iso(text: Any) -> datetime:
    if isinstance(text, datetime):
        return _naive(text)
    try:
        return _naive(datetime.fromisoformat(text))
    except ValueError:
        return _other_forms(text)


def _slash(text: Any) -> datetime:
    if isinstance(text, datetime):
        return _naive(text)
    match = _SLASH_TIME.match(text)
    if not match:
        return _other_forms(text)
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ValueError(_NO_SUCH_TIME) from None


def _serial(value: Any) -> datetime:
    """An Excel serial date (days since 1899-12-30, the fraction being the time of day)."""
    if isinstance(value, datetime):
        return _naive(value)
    days = Decimal(str(value).strip())
    if not 1 <= days < 2_958_466:  # 9999-12-31
        raise ValueError("无法识别的时间：应写成 2024-05-03 10:22:11 或 2024/5/3 10:22")
    whole = int(days)
    seconds = int(((days - whole) * 86400).quantize(Decimal(1)))
    return _EXCEL_EPOCH + timedelta(days=whole, seconds=seconds)


def _other_forms(text: Any) -> datetime:
    """The slow path for a cell that does not match the column's form (mixed exports)."""
    if isinstance(text, datetime):
        return _naive(text)
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        return _serial(text)
    text = str(text)
    if _SLASH_TIME.match(text):
        return _slash(text)
    if _SERIAL.match(text):
        return _serial(text)
    try:
        return _naive(datetime.fromisoformat(text.replace("/", "-")))
    except ValueError as exc:
        if "时区" in str(exc):
            raise
        raise ValueError("无法识别的时间：应写成 2024-05-03 10:22:11 或 2024/5/3 10:22") from None


@register
class Time(FieldType):
    """A timestamp in any form Excel, WPS or the platform writes; the form is sniffed once per column."""

    name = "time"

    def bulk(self, spec: FieldSpec, cells: Sequence[Any]) -> list[Any]:
        convert = self.converter(spec, cells)
        if convert is not _iso:
            return super().bulk(spec, cells)
        # The platform's own form (2024-05-03 10:22:11): the C parser straight, the time zone checked after.
        parse = datetime.fromisoformat
        if spec.optional or spec.empty is not None:
            values = [parse(c) if c else None for c in cells]
        else:
            values = [parse(c) for c in cells]
        if any(v.tzinfo is not None for v in values if v is not None):
            raise ValueError("time zone")
        return values

    def converter(self, spec: FieldSpec, cells: Sequence[Any]) -> Callable[[Any], Any]:
        sample = _first(cells)
        if isinstance(sample, datetime):
            return _naive
        if (isinstance(sample, int | float | Decimal) and not isinstance(sample, bool)) or (
                isinstance(sample, str) and _SERIAL.match(sample)):
            return _serial
        if isinstance(sample, str) and _SLASH_TIME.match(sample) and sample.strip()[4:5] != "-":
            return _slash
        return _iso


@register
class Flag(FieldType):
    """是/否 (also Y/N, 1/0, TRUE/FALSE as spreadsheets write them)."""

    name = "flag"
    _MAP: ClassVar[dict[Any, bool]] = {**dict.fromkeys(_YES, True), **dict.fromkeys(_NO, False), True: True, False: False}

    def bulk(self, spec: FieldSpec, cells: Sequence[Any]) -> list[Any]:
        table = self._MAP
        if spec.optional:
            return [table[c] if c else None for c in cells]
        return [table[c] for c in cells]

    def converter(self, spec: FieldSpec, cells: Sequence[Any]) -> Callable[[Any], Any]:
        def convert(cell: Any) -> bool:
            text = str(cell).strip() if not isinstance(cell, bool) else ("是" if cell else "否")
            if text in _YES:
                return True
            if text in _NO:
                return False
            raise ValueError("应为“是”或“否”")

        return convert


@register
class Seconds(FieldType):
    """A non-negative number of seconds, exact: 12 (an int), 12.5 (a Decimal), as text or as a spreadsheet number.

    A CSV and a spreadsheet holding the same values read the same: a spreadsheet's 12.5 is 12.5 seconds,
    not 12, and its TRUE is no number of seconds at all, as the text "TRUE" in a CSV is not.
    """

    name = "seconds"

    def bulk(self, spec: FieldSpec, cells: Sequence[Any]) -> list[Any]:
        if not {type(c) for c in cells} <= {str, int}:
            raise TypeError("a spreadsheet's number or truth value: read cell by cell")
        values = [int(c) for c in cells] if not spec.optional else [int(c) if c else None for c in cells]
        present = [v for v in values if v is not None]
        if present and (min(present) < 0 or max(present) > MAX_SECONDS):
            raise ValueError("out of range")
        return values

    def converter(self, spec: FieldSpec, cells: Sequence[Any]) -> Callable[[Any], Any]:
        def convert(cell: Any) -> int | Decimal:
            if isinstance(cell, bool) or (isinstance(cell, str) and cell.strip().upper() in ("TRUE", "FALSE")):
                raise ValueError("应为秒数（如 12 或 12.5），不是“是/否”")
            if isinstance(cell, int):
                number: int | Decimal = cell
            else:
                try:
                    value = Decimal(str(cell).strip())
                except InvalidOperation:
                    raise ValueError("应为秒数（如 12 或 12.5）") from None
                if not value.is_finite():
                    raise ValueError("应为秒数（如 12 或 12.5）")
                number = int(value) if value == value.to_integral_value() else value
            if not 0 <= number <= MAX_SECONDS:
                raise ValueError(f"秒数应在 0 到 {MAX_SECONDS} 之间")
            return number

        return convert


@register
class Number(FieldType):
    """A decimal number."""

    name = "number"

    def converter(self, spec: FieldSpec, cells: Sequence[Any]) -> Callable[[Any], Any]:
        def convert(cell: Any) -> Decimal:
            try:
                value = Decimal(str(cell).strip())
            except InvalidOperation:
                raise ValueError("应为数字") from None
            if not value.is_finite() or abs(value) > MAX_SECONDS:
                raise ValueError("数字超出合理范围")
            return value

        return convert


def _text(cell: Any) -> str:
    return cell if isinstance(cell, str) else str(cell)


# Characters that show nothing (zero-width spaces and joiners, soft hyphens, byte-order marks, direction
# marks): a label pasted with one must group with the same label typed plainly, and no document shows them.
INVISIBLE_CHARACTERS = "".join(map(chr, (0xAD, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065),
                                        0xFEFF)))
INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")


def plain_label(text: str) -> str:
    """A label as it groups and is shown: without invisible characters and surrounding blanks."""
    return INVISIBLE.sub("", text).strip() if INVISIBLE.search(text) else text.strip()


@register
class Label(FieldType):
    """A name used to group rows (category, town, unit)."""

    name = "label"

    def bulk(self, spec: FieldSpec, cells: Sequence[Any]) -> list[Any]:
        values = [plain_label(c) for c in cells]
        if spec.empty is not None:
            return [v or spec.empty for v in values]
        if "" in values and not spec.optional:
            raise ValueError("empty")
        return values

    def converter(self, spec: FieldSpec, cells: Sequence[Any]) -> Callable[[Any], Any]:
        def convert(cell: Any) -> str:
            value = plain_label(_text(cell))
            if value or spec.optional:
                return value
            if spec.empty is not None:
                return spec.empty
            raise ValueError("不能为空")

        return convert


@register
class Choice(FieldType):
    """One of the declared values."""

    name = "choice"

    def bulk(self, spec: FieldSpec, cells: Sequence[Any]) -> list[Any]:
        values = [v or spec.empty for v in cells] if spec.empty is not None else list(cells)
        if not set(values) <= set(spec.values):
            raise ValueError("not a declared value")
        return values

    def converter(self, spec: FieldSpec, cells: Sequence[Any]) -> Callable[[Any], Any]:
        allowed = frozenset(spec.values)

        def convert(cell: Any) -> str:
            text = _text(cell)
            if text not in allowed:
                raise ValueError(f"取值无效，应为{'、'.join(spec.values)}之一")
            return text

        return convert


@register
class Identifier(Label):
    """A record number (used to find duplicates): read as a label is; counted apart as the record's identity."""

    name = "id"


@register
class Text(FieldType):
    """Free text; it reaches a document only de-identified."""

    name = "text"

    def read(self, spec: FieldSpec, cells: Sequence[Any]) -> tuple[list[Any], list[Bad]]:
        return [c if isinstance(c, str) else ("" if c is None else str(c)) for c in cells], []

    def converter(self, spec: FieldSpec, cells: Sequence[Any]) -> Callable[[Any], Any]:
        return _text


@register
class Person(FieldType):
    """A caller's name: kept only to mask it out of quoted text, never shown."""

    name = "person"

    def read(self, spec: FieldSpec, cells: Sequence[Any]) -> tuple[list[Any], list[Bad]]:
        return [c.strip() if isinstance(c, str) else ("" if c is None else str(c)) for c in cells], []

    def converter(self, spec: FieldSpec, cells: Sequence[Any]) -> Callable[[Any], Any]:
        return _text


@register
class Personal(Person):
    """A phone or ID number: kept only to mask it out of quoted text, never shown."""

    name = "personal"
