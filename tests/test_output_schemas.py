"""The JSON written for other tools follows its published schema (schemas/report.schema.json,
invoices.schema.json, assessment.schema.json), for both contracts and for the variants that change its
shape: ranks given or pending, late fees, a month missing, rows skipped, a partial assessment. Numbers are
JSON numbers, with at most six decimals and the exact value of every amount.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from generator.source.schema import validator

from conftest import CONTRACT, ROOT, run_cli

SECOND = ROOT / "examples" / "second-contract" / "contract.yaml"


def _ok(*args: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 0, f"gen {' '.join(args)}: {result.stderr}"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("json")
    found: dict[str, Path] = {}

    def keep(folder: Path, prefix: str) -> None:
        for path in folder.glob("*.json"):
            found[prefix + path.stem] = path

    data = root / "data"
    for month in (1, 2, 3, 5, 6, 7, 8, 9, 10):  # no April
        _ok("sample-data", "--month", f"2024-{month:02d}", "--scale", "0.03", "--out", str(data))
    tickets = data / "2024-06" / "tickets.csv"
    original = tickets.read_text("utf-8-sig")
    lines = original.splitlines(keepends=True)
    lines[5] = lines[5].replace(",2024-06-", ",2024-13-", 1)  # a row to skip
    tickets.write_text("".join(lines), "utf-8-sig")
    paid = root / "paid.yaml"
    paid.write_text("- {milestone: m1, paid_on: 2024-03-27, amount: 900000.00}\n", "utf-8")
    ranks = root / "ranks.yaml"
    ranks.write_text("".join(f"2024-{m:02d}: {r}\n" for m, r in zip(range(1, 11), [3, 4, 5, 6, 8, 9, 3, 4, 5, 8], strict=True)), "utf-8")
    common = ("--contract", str(CONTRACT))
    _ok("report", "--month", "2024-05", "--data", str(data), "--out", str(root / "gap"), *common)
    _ok("report", "--month", "2024-06", "--data", str(data), "--skip-bad-rows", "--out", str(root / "skipped"), *common)
    tickets.write_text(original, "utf-8-sig")
    _ok("assess", "--year", "2024", "--data", str(data), "--partial", "--out", str(root / "partial"), *common)
    _ok("invoices", "--year", "2024", "--data", str(data), "--out", str(root / "pending"), *common)
    _ok("invoices", "--year", "2024", "--rankings", str(ranks), "--paid", str(paid), "--as-of", "2024-12-31",
        "--out", str(root / "late"), *common)
    _ok("sample-data", "--month", "2024-04", "--scale", "0.03", "--out", str(data))  # now the year is whole
    _ok("assess", "--year", "2024", "--data", str(data), "--out", str(root / "whole"), *common)
    for folder in ("gap", "skipped", "partial", "pending", "late", "whole"):
        keep(root / folder, f"{folder}-")
    second = root / "second-data"
    for month in range(3, 13):
        _ok("sample-data", "--month", f"2025-{month:02d}", "--scale", "0.03", "--out", str(second), "--contract", str(SECOND))
    _ok("all", "--year", "2025", "--data", str(second), "--out", str(root / "second"), "--contract", str(SECOND))
    keep(root / "second", "second-")
    return found


def _schema(name: str) -> str:
    stem = name.split("-", 1)[1]
    return f"{re.match(r'[a-z]+', stem).group()}.schema.json"  # type: ignore[union-attr]


def test_every_variant_was_written(outputs: dict[str, Path]) -> None:
    assert {"gap-report-2024-05", "skipped-report-2024-06", "partial-assessment-2024", "whole-assessment-2024",
            "pending-invoices-2024", "late-invoices-2024", "second-assessment-2025", "second-invoices-2025"} <= set(outputs)
    assert len([n for n in outputs if n.startswith("second-report-")]) == 10
    gap = json.loads(outputs["gap-report-2024-05"].read_text("utf-8"))
    assert gap["missing"] == ["2024-04"] and [t for t in gap["trend"] if t[1] is None] == [["2024-04", None, None]]
    assert json.loads(outputs["skipped-report-2024-06"].read_text("utf-8"))["data"]["skipped_count"] == 1
    assert json.loads(outputs["partial-assessment-2024"].read_text("utf-8"))["partial"] is True
    assert json.loads(outputs["late-invoices-2024"].read_text("utf-8"))["late_fees"]


def test_every_output_follows_its_schema(outputs: dict[str, Path]) -> None:
    for name, path in sorted(outputs.items()):
        errors = sorted(validator(_schema(name)).iter_errors(json.loads(path.read_text("utf-8"))), key=str)
        assert not errors, f"{name}: {[f'{list(e.absolute_path)}: {e.message}' for e in errors[:5]]}"


def _numbers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else []


def test_numbers_are_numbers_with_at_most_six_decimals(outputs: dict[str, Path]) -> None:
    for name, path in outputs.items():
        text = path.read_text("utf-8")
        assert not re.search(r'"-?\d+\.\d+"', text), name  # no number written as text
        for number in _numbers(json.loads(text, parse_float=Decimal)):
            assert -number.as_tuple().exponent <= 6 if isinstance(number, Decimal) else True, (name, number)
    schedule = json.loads(outputs["late-invoices-2024"].read_text("utf-8"), parse_float=Decimal)
    assert schedule["total"] == Decimal("2000000.00") and schedule["late_fees"][0]["fee"] == Decimal("9000.00")


def test_the_schemas_refuse_what_they_should(outputs: dict[str, Path]) -> None:
    report = json.loads(outputs["gap-report-2024-05"].read_text("utf-8"))
    check = validator("report.schema.json")
    wrong = copy.deepcopy(report)
    wrong["card"]["total"] = str(wrong["card"]["total"])  # a number as text, as the JSON once had it
    assert not check.is_valid(wrong)
    wrong = copy.deepcopy(report)
    wrong["data"]["cases"] = {}  # the tickets a case may be composed from stay out
    assert not check.is_valid(wrong)
    schedule = json.loads(outputs["late-invoices-2024"].read_text("utf-8"))
    schedule["rows"][0]["due"] = "17/03/2024"
    assert not validator("invoices.schema.json").is_valid(schedule)
