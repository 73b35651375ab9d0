"""The columnar reader (polars) gives exactly the careful reader's result, or declines and lets it read.

Every file here is read twice through the library: once as `gen report` reads it (the columnar path
first) and once with the columnar path switched off. The two TableReads must be equal, field by field:
figures, cases, refused rows, cleaned cells and quality findings. Files that hold something the careful
reader reports are declined by the columnar path (it returns None), so their findings, with rows and
columns, are the careful reader's own.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.exports import columnar, ingest
from generator.exports.tables import Plan, TableRead, plan_of
from generator.validation import load_contract

from conftest import CONTRACT, ROOT, run_cli

MONTH = "2024-05"
SECOND = ROOT / "examples" / "second-contract" / "contract.yaml"
READ_FAST = columnar.read_fast  # before any test replaces it


def _plan(contract: Path, year: int) -> Plan:
    return plan_of(load_contract(contract).year(year).data)


def _both(data: Path, month: str, plan: Plan, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict, dict]:
    """Each table read as gen does, read carefully, and whether the columnar path took it."""
    fast_used: dict[str, bool] = {}

    def spy(path: Path, *args: object, **kwargs: object) -> TableRead | None:
        found = READ_FAST(path, *args, **kwargs)  # type: ignore[arg-type]
        fast_used[path.stem] = found is not None
        return found

    monkeypatch.setattr(ingest, "read_fast", spy)
    as_gen, _ = ingest.read_exports(data, month, plan)
    monkeypatch.setattr(ingest, "read_fast", lambda *args, **kwargs: None)
    careful, _ = ingest.read_exports(data, month, plan)
    return as_gen, careful, fast_used


@pytest.fixture(scope="module")
def month_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    result = run_cli("sample-data", "--month", MONTH, "--seed", "21", "--scale", "0.2", "--out", str(folder),
                     "--contract", str(CONTRACT))
    assert result.exit_code == 0, result.stderr
    return folder


def _copy(month_dir: Path, tmp_path: Path) -> Path:
    shutil.copytree(month_dir / MONTH, tmp_path / "data" / MONTH)
    return tmp_path / "data"


def _rows(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as stream:
        return list(csv.reader(stream))


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig", prefix: str = "") -> None:
    out = io.StringIO()
    out.write(prefix)
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


def test_clean_exports_take_the_columnar_path_and_agree(month_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    as_gen, careful, used = _both(month_dir, MONTH, _plan(CONTRACT, 2024), monkeypatch)
    assert used == {"calls": True, "tickets": True}
    assert as_gen == careful
    assert as_gen["tickets"].figures.rows > 1000 and as_gen["tickets"].cases  # the comparison is not vacuous


def test_the_second_contract_declares_other_columns_and_both_readers_agree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "data"
    for month in ("2025-03", "2025-04"):
        assert run_cli("sample-data", "--month", month, "--scale", "0.1", "--out", str(folder),
                       "--contract", str(SECOND)).exit_code == 0
        as_gen, careful, used = _both(folder, month, _plan(SECOND, 2025), monkeypatch)
        assert all(used.values()) and as_gen == careful


Edit = Callable[[list[list[str]]], None]


def _set(column: str, row: int, value: str) -> Edit:
    def edit(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value
    return edit


def _insert_blank_rows(rows: list[list[str]]) -> None:
    rows[20:20] = [[""] * len(rows[0]), []]


def _append_comma_rows(rows: list[list[str]]) -> None:
    rows.extend([[""] * len(rows[0])] * 3)


def _duplicate_a_ticket(rows: list[list[str]]) -> None:
    rows[6] = list(rows[5])


def _shift_a_row(rows: list[list[str]]) -> None:
    rows[14].append("多余")


def _blank_lines(rows: list[list[str]]) -> None:
    rows[30:30] = [["   "], ["\u3000 \t"]]


def _total_row(rows: list[list[str]]) -> None:
    rows.append(["合计", "", "", "", str(len(rows) - 1)] + [""] * (len(rows[0]) - 5))


def _end_of_file_mark(rows: list[list[str]]) -> None:
    rows.append(["\x1a"])


def _invisible_and_control_in_labels(rows: list[list[str]]) -> None:
    # One search finds both in a label column; telling them apart must still refuse the control character.
    _set("承办单位", 15, "县住房和城乡\u200b建设局")(rows)
    _set("所属乡镇", 16, "椰林\x07镇")(rows)


# table, edit, and what happens: "fast" (the columnar path may take it), "declined" (the careful reader
# reads it, finding nothing to report), "reported" (the careful reader reads it and reports something)
EDITS: dict[str, tuple[str, Edit, str]] = {
    "unreadable flag": ("calls", _set("人工接通", 5, "也许"), "reported"),
    "unreadable time": ("tickets", _set("受理时间", 7, "2024-05-32 10:00:00"), "reported"),
    "time in another form": ("tickets", _set("办结时间", 9, "2024/5/9 10:00"), "declined"),
    "seconds with a decimal point": ("calls", _set("等待时长(秒)", 3, "12.0"), "declined"),
    "negative seconds": ("calls", _set("等待时长(秒)", 3, "-4"), "reported"),
    "a month outside": ("calls", _set("来电时间", 11, "2024-06-01 08:00:00"), "reported"),
    "revisit before closing": ("tickets", _set("回访时间", 4, "2024-05-01 00:00:00"), "reported"),
    "duplicate ticket": ("tickets", _duplicate_a_ticket, "reported"),
    "control character": ("tickets", _set("诉求内容", 8, "漏水\x07严重"), "reported"),
    "mangled phone": ("tickets", _set("来电号码", 8, "1.38001E+10"), "reported"),
    "personal data in a town": ("tickets", _set("所属乡镇", 10, "椰林镇13800138000"), "reported"),
    "empty required cell": ("tickets", _set("受理时间", 12, ""), "reported"),
    "a shifted row": ("calls", _shift_a_row, "reported"),
    "blank rows": ("tickets", _insert_blank_rows, "fast"),
    "trailing comma rows": ("calls", _append_comma_rows, "fast"),
    "spaces around labels": ("tickets", _set("承办单位", 15, " 县住建局 "), "fast"),
    # The engine's parser takes a leap second the careful reader refuses: the columnar path must decline.
    "a leap second": ("tickets", _set("受理时间", 13, "2024-05-13 10:22:60"), "reported"),
    "seconds with a fraction": ("calls", _set("等待时长(秒)", 3, "12.5"), "declined"),
    "a truth value for seconds": ("calls", _set("等待时长(秒)", 3, "TRUE"), "reported"),
    "an invisible character in a label": ("tickets", _set("承办单位", 15, "县住房和城乡\u200b建设局"), "fast"),
    "whitespace-only lines": ("tickets", _blank_lines, "fast"),
    "a total row at the bottom": ("calls", _total_row, "declined"),
    "an end-of-file mark": ("calls", _end_of_file_mark, "fast"),
    # The first cell blank, the row not: asked of the first column first, the blank-row test must look further.
    "a blank first cell": ("tickets", _set("工单编号", 16, " "), "reported"),
    "a blank first cell of an optional column": ("calls", _set("呼叫编号", 16, ""), "fast"),
    # More bytes than the limit of characters, fewer characters: counted, not refused.
    "a long cell within the limit": ("tickets", _set("诉求内容", 17, "漏" * 50_000), "fast"),
    "an invisible character in an id": ("tickets", _set("工单编号", 18, "\ufeffGD2024\u200b05999999"), "fast"),
    "an invisible character in a text": ("tickets", _set("诉求内容", 19, "漏水\u200b严重"), "fast"),
    "an invisible and a control character in labels": ("tickets", _invisible_and_control_in_labels, "reported"),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_odd_file_gives_the_careful_readers_findings(name: str, month_dir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    table, edit, outcome = EDITS[name]
    data = _copy(month_dir, tmp_path)
    path = data / MONTH / f"{table}.csv"
    rows = _rows(path)
    edit(rows)
    _write(path, rows)
    as_gen, careful, used = _both(data, MONTH, _plan(CONTRACT, 2024), monkeypatch)
    assert as_gen == careful
    assert used[table] is (outcome == "fast")
    read = careful[table]
    reported = bool(read.bad_count or read.cleaned or read.quality.examples or read.quality.personal_labels)
    assert reported is (outcome == "reported")


def test_gbk_and_title_rows_are_read_column_wise_too(month_dir: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    data = _copy(month_dir, tmp_path)
    calls = data / MONTH / "calls.csv"
    _write(calls, _rows(calls), encoding="gb18030")
    tickets = data / MONTH / "tickets.csv"
    _write(tickets, _rows(tickets), prefix="陵水分平台工单明细\r\n导出时间：2024-06-01\r\n")
    as_gen, careful, used = _both(data, MONTH, _plan(CONTRACT, 2024), monkeypatch)
    assert used == {"calls": True, "tickets": True}
    assert as_gen == careful


def test_a_spreadsheet_is_always_read_carefully(month_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    data = _copy(month_dir, tmp_path)
    calls = data / MONTH / "calls.csv"
    book = Workbook()
    for row in _rows(calls)[:200]:
        book.active.append(row)
    book.save(data / MONTH / "calls.xlsx")
    calls.unlink()
    _, _, used = _both(data, MONTH, _plan(CONTRACT, 2024), monkeypatch)
    assert "calls" not in used  # never offered to the columnar path


def test_a_line_ended_by_a_lone_carriage_return_is_declined(month_dir: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = _copy(month_dir, tmp_path)
    path = data / MONTH / "calls.csv"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:40]) + b"\r" + b"\n".join(lines[40:]))  # one old-Mac line end
    as_gen, careful, used = _both(data, MONTH, _plan(CONTRACT, 2024), monkeypatch)
    assert used["calls"] is False and as_gen == careful
    assert careful["calls"].figures.rows == len(lines) - 2  # every record read: the header and the final "" aside


def test_a_large_export_with_windows_line_ends_is_read_column_wise(month_dir: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Every line ends with CRLF, and one ends exactly at 4 MiB, where the search for a lone CR once cut
    # its file into blocks and took that CR for a lone one, sending a clean file to the careful reader.
    boundary = 1 << 22
    data = _copy(month_dir, tmp_path)
    path = data / MONTH / "tickets.csv"
    rows = _rows(path)
    content = rows[0].index("诉求内容")
    filler = "请" * (boundary // 3 // (len(rows) - 1) + 1)
    for row in rows[1:]:
        row[content] += filler
    _write(path, rows)
    raw = path.read_bytes()
    rows[1][content] += "a" * (boundary - (raw.rfind(b"\r\n", 0, boundary) + 2))
    _write(path, rows)
    raw = path.read_bytes()
    assert len(raw) > boundary and raw[boundary - 2 : boundary] == b"\r\n" and raw.count(b"\r") == raw.count(b"\r\n")
    as_gen, careful, used = _both(data, MONTH, _plan(CONTRACT, 2024), monkeypatch)
    assert used["tickets"] is True and as_gen == careful


def test_a_cell_too_long_for_the_careful_reader_is_not_read_by_the_fast_one(month_dir: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = _copy(month_dir, tmp_path)
    path = data / MONTH / "tickets.csv"
    rows = _rows(path)
    rows[5][rows[0].index("诉求内容")] = "漏" * 150_000
    _write(path, rows)
    monkeypatch.setattr(ingest, "read_fast", READ_FAST)
    with pytest.raises(InputError) as fast_first:
        ingest.read_exports(data, MONTH, _plan(CONTRACT, 2024))
    monkeypatch.setattr(ingest, "read_fast", lambda *args, **kwargs: None)
    with pytest.raises(InputError) as careful:
        ingest.read_exports(data, MONTH, _plan(CONTRACT, 2024))
    assert str(fast_first.value) == str(careful.value) and "某个单元格过长" in str(careful.value)
