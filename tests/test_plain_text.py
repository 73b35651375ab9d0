"""The text of every generated document is the plain data: no invisible character in any part of any kind
of output, and what a reader copies or searches for (a date, an amount, a rank) is there literally.

Every kind of document is generated for the shipped contract and for examples/second-contract: contract,
requirements, payment schedule (plain, with ranks and with late fees), monthly reports, assessment,
calendar, redline. Every part of every .docx (charts and their embedded workbooks included), every JSON
and every .ics is searched for zero-width characters, joiners, soft hyphens and byte-order marks.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from conftest import CONTRACT, ROOT, run_cli

SECOND = ROOT / "examples" / "second-contract" / "contract.yaml"
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _ok(*args: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 0, f"gen {' '.join(args)}: {result.stderr}"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every kind of output of both contracts, by file name (the second contract's prefixed "second-")."""
    root = tmp_path_factory.mktemp("plain")
    found: dict[str, Path] = {}
    for prefix, contract, year, months, diff in (("", CONTRACT, "2024", [f"2024-{m:02d}" for m in range(1, 11)], "2025"),
                                                ("second-", SECOND, "2025", [f"2025-{m:02d}" for m in range(3, 13)], "2026")):
        data, out = root / f"{prefix}data", root / f"{prefix}out"
        for month in months:
            _ok("sample-data", "--month", month, "--scale", "0.02", "--out", str(data), "--contract", str(contract))
        ranks = root / f"{prefix}ranks.yaml"
        ranks.write_text("".join(f"{m}: {r}\n" for m, r in zip(months, [3, 4, 5, 6, 8, 9, 3, 4, 5, 8], strict=True)), "utf-8")
        common = ("--contract", str(contract))
        _ok("all", "--year", year, "--data", str(data), "--out", str(out), *common)
        if not prefix:  # the second contract keeps no calendar settings
            _ok("calendar", "--year", year, "--out", str(out), *common)
        _ok("diff", "--from", year, "--to", diff, "--out", str(out), *common)
        _ok("invoices", "--year", year, "--rankings", str(ranks), "--out", str(root / f"{prefix}ranked"), *common)
        for path in [*out.iterdir(), *(root / f"{prefix}ranked").iterdir()]:
            name = prefix + (path.name.replace("invoices", "invoices-ranked") if path.parent.name.endswith("ranked") else path.name)
            found[name] = path
    return found


def _texts(path: Path) -> Iterator[tuple[str, str]]:
    """(part name, text) of every text part of an output; a workbook inside a .docx is opened as well."""
    if path.suffix != ".docx":
        yield path.name, path.read_text("utf-8")
        return
    yield from _zip_texts(path.name, path.read_bytes())


def _zip_texts(name: str, data: bytes) -> Iterator[tuple[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            content = archive.read(member)
            if member.endswith(".xlsx"):
                yield from _zip_texts(f"{name}!{member}", content)
            else:
                yield f"{name}!{member}", content.decode("utf-8")


def test_every_kind_of_output_was_made(outputs: dict[str, Path]) -> None:
    for prefix, year in (("", "2024"), ("second-", "2025")):
        for name in (f"contract-{year}.docx", f"requirements-{year}.docx", f"invoices-{year}.docx", f"invoices-{year}.json",
                     f"invoices-ranked-{year}.docx", f"assessment-{year}.docx", f"assessment-{year}.json"):
            assert prefix + name in outputs
        assert any(n.startswith(f"{prefix}diff-") for n in outputs)
        assert len([n for n in outputs if n.startswith(f"{prefix}report-") and n.endswith(".docx")]) == 10
    assert "calendar-2024.ics" in outputs
    # Charts (and the workbooks behind them) are among the parts searched.
    assert any("charts/chart" in part for part, _ in _texts(outputs["report-2024-05.docx"]))


def test_no_invisible_character_in_any_part_of_any_output(outputs: dict[str, Path]) -> None:
    found = [f"{part}: U+{ord(m.group()):04X} at {m.start()}" for path in outputs.values() for part, text in _texts(path)
             for m in INVISIBLE.finditer(text)]
    assert not found, found[:20]


def _cells(path: Path) -> list[str]:
    """The text of every table cell of a document, as Word shows it (python-docx, not our writer's code)."""
    document = docx.Document(str(path))
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


@pytest.mark.parametrize("name", ["invoices-ranked-2024", "second-invoices-ranked-2025"])
def test_dates_and_amounts_of_the_schedule_are_found_literally(outputs: dict[str, Path], name: str) -> None:
    schedule = json.loads(outputs[f"{name}.json"].read_text("utf-8"), parse_float=Decimal)
    cells = _cells(outputs[f"{name}.docx"])
    for row in schedule["rows"]:
        assert any(row["due"] in cell for cell in cells), row["due"]  # '2024-03-17' in cell.text
        assert any(row["invoice_by"] in cell for cell in cells), row["invoice_by"]
        assert row["label"] in cells  # 第1笔, as the row's own cell
        amount = f"¥{Decimal(row['chosen']['amount']):,.2f}"
        assert any(amount in cell for cell in cells), amount
        assert any(f"{row['chosen']['percent']}%" in cell for cell in cells)
    ranked = [row for row in schedule["rows"] if row["ranked"]]
    assert ranked and all(f"第{row['chosen']['rank_min']}-{row['chosen']['rank_max']}名" in cells for row in ranked)


@pytest.mark.parametrize("name", ["report-2024-05", "second-report-2025-06"])
def test_scores_and_rates_of_the_report_are_found_literally(outputs: dict[str, Path], name: str) -> None:
    report = json.loads(outputs[f"{name}.json"].read_text("utf-8"), parse_float=Decimal)
    cells = _cells(outputs[f"{name}.docx"])
    for item in report["card"]["items"]:
        assert f"{Decimal(str(item['points'])):.2f}" in cells, item  # the score is a cell of its own
        # A rate is its cell; a longer text (来电来信2次、锦旗1次) may be set on lines the writer broke between
        # its tokens (never inside 2次), each line plain text.
        assert item["actual"] in cells or item["actual"] in [c.replace("\n", "") for c in cells], item
        if item["actual"].endswith("%"):
            assert item["actual"] in cells, item
    text = "\n".join(_paragraphs(outputs[f"{name}.docx"]))
    year = name[-7:-3]
    assert f"{year}年" in text
    # A negative score is the number a reader can compute with.
    for cell in cells:
        for number in re.findall(r"-\d+\.\d+", cell):
            float(number)


def test_the_redline_names_data_paths_and_values_literally(outputs: dict[str, Path]) -> None:
    cells = _cells(outputs["diff-2024-2025.docx"])
    lines = [line for cell in cells for line in cell.split("\n")]  # a data path is a paragraph of its own
    assert "years.2025.contract_number" in lines
    assert "years.2025.budget_year" in lines
    assert "2025年度" in "".join(cells)
