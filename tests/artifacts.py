"""Outputs several test files read, made once per test run and shared by every pytest-xdist worker.

LibreOffice is the slowest thing the suite runs, and several files look at the same documents: the layout
review (test_pages), the conversion itself (test_libreoffice) and the archive (test_archive) all need a year
of sample data, its `gen archive` and every kind of document rendered to PDF. Each is made here once: the
first worker to ask builds it under a file lock in the run's base temporary folder (the parent of the
workers' own), the others wait for it and read it. The folders are read-only by agreement: a test that
changes something copies it first.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from filelock import FileLock

import pagecheck
from conftest import CONTRACT, ROOT, run_cli
from pagecheck import require

SECOND = ROOT / "examples" / "second-contract" / "contract.yaml"
YEAR_MONTHS = [f"2024-{m:02d}" for m in range(1, 11)]
SECOND_MONTHS = [f"2025-{m:02d}" for m in range(3, 7)]


def shared(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder ``name`` of this test run, made by ``build`` once for every worker."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the controller's base folder: its workers' folders lie inside it
    folder = base / "shared" / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(folder.parent / f"{name}.lock"):
        done = folder.parent / f"{name}.done"
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed build left
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


def _gen(*args: str, contract: Path = CONTRACT) -> None:
    result = run_cli(*args, "--contract", str(contract))
    assert result.exit_code == 0, f"gen {' '.join(args)}: {result.stderr}"


def sample_year(factory: pytest.TempPathFactory) -> Path:
    """Ten months of 2024 (January–October) at a tenth of the contract's volume, by `gen sample-data`."""

    def build(folder: Path) -> None:
        for month in YEAR_MONTHS:
            _gen("sample-data", "--month", month, "--scale", "0.1", "--out", str(folder))

    return shared(factory, "sample-2024", build)


def archived_year(factory: pytest.TempPathFactory) -> Path:
    """A folder as staff keep it (contract.yaml, data/ beside it) with 2024 archived by `gen archive` into archive/."""
    data = sample_year(factory)

    def build(folder: Path) -> None:
        require("soffice", "pdffonts")
        shutil.copy(CONTRACT, folder / "contract.yaml")
        shutil.copytree(data, folder / "data")
        _gen("archive", "--year", "2024", "--data", str(folder / "data"), "--out", str(folder / "archive"),
             contract=folder / "contract.yaml")

    return shared(factory, "archived-2024", build)


def archived_second(factory: pytest.TempPathFactory) -> Path:
    """examples/second-contract with four months of 2025 in data/ (outside its folder), 2025 archived into archive/."""

    def build(folder: Path) -> None:
        require("soffice", "pdffonts")
        for month in SECOND_MONTHS:
            _gen("sample-data", "--month", month, "--scale", "0.1", "--out", str(folder / "data"), contract=SECOND)
        _gen("archive", "--year", "2025", "--data", str(folder / "data"), "--out", str(folder / "archive"), contract=SECOND)

    return shared(factory, "archived-second-2025", build)


def _manifest_docx(archive: Path, year: int, contract: Path, target: Path) -> None:
    """The archive's manifest as a .docx, built again from its JSON by the builder `gen archive` renders to PDF/A."""
    from generator.api import load_contract
    from generator.documents.docx.packaging import package
    from generator.documents.docx.writer import render_docx
    from generator.documents.layout import load_layout
    from generator.documents.manifest import build_manifest

    data = json.loads((archive / f"archive-{year}.json").read_text("utf-8"))
    model = build_manifest(load_contract(contract).year(year), data)
    target.write_bytes(package(render_docx(model, load_layout())))


def documents(factory: pytest.TempPathFactory) -> Path:
    """Every kind of document of both contracts as .docx in docx/, all rendered by LibreOffice in one run into pdf/.

    year/ holds what `gen all --year 2024` wrote; docx/ holds one copy of each document under its own name
    (the payment schedule's variants named after them, the second contract's files prefixed ``second-``).
    """
    data, year, second = sample_year(factory), archived_year(factory), archived_second(factory)

    def build(root: Path) -> None:
        require("soffice", "pdftotext", "pdfimages")
        docs, out = root / "docx", root / "out"
        ranks = root / "rankings.yaml"
        # Averages 5.2 and 5.8: both ranked milestones fall in the second tier, so tiers are really chosen.
        ranks.write_text("".join(f"2024-{m:02d}: {r}\n" for m, r in enumerate([3, 4, 5, 6, 8, 9, 3, 4, 5, 8], 1)), "utf-8")
        paid = root / "paid.yaml"
        # m1 ten days late, m2 on time, m3 unpaid at the as-of date: the late-fee table has rows of both kinds.
        paid.write_text("- {milestone: m1, paid_on: 2024-03-27, amount: 900000.00}\n"
                        "- {milestone: m2, paid_on: 2024-06-17, amount: 580000.00}\n", "utf-8")
        _gen("all", "--year", "2024", "--data", str(data), "--out", str(root / "year"))
        _gen("contract", "--year", "2025", "--out", str(out))  # with its requirements
        _gen("invoices", "--year", "2024", "--data", str(data), "--rankings", str(ranks), "--out", str(root / "ranked"))
        _gen("invoices", "--year", "2024", "--data", str(data), "--rankings", str(ranks), "--paid", str(paid),
             "--as-of", "2024-12-16", "--out", str(root / "late-fees"))
        _gen("diff", "--from", "2024", "--to", "2025", "--out", str(out))
        _gen("notice", "--year", "2024", "--out", str(out))
        _gen("acceptance", "--year", "2024", "--data", str(data), "--out", str(out))
        # The variants really hold what they are there for: chosen tiers, and the late-fee table.
        ranked = json.loads((root / "ranked" / "invoices-2024.json").read_text("utf-8"), parse_float=Decimal)
        assert all(row["chosen"] for row in ranked["rows"][1:]), ranked["rows"]
        assert json.loads((root / "late-fees" / "invoices-2024.json").read_text("utf-8"), parse_float=Decimal)["late_fees"]
        docs.mkdir()
        for path in [*(root / "year").glob("*.docx"), *out.glob("*.docx")]:
            shutil.copy(path, docs / path.name)
        # The three payment schedules share a file name: the variants get their own names for the one batch.
        for variant in ("ranked", "late-fees"):
            shutil.copy(root / variant / "invoices-2024.docx", docs / f"invoices-2024-{variant}.docx")
        _manifest_docx(year / "archive", 2024, year / "contract.yaml", docs / "archive-2024.docx")
        other, other_data = root / "second", second / "data"
        for args in (("contract", "--year", "2025"), ("contract", "--year", "2026"),  # each with its requirements
                     ("invoices", "--year", "2025", "--data", str(other_data)),
                     ("report", "--month", "2025-06", "--data", str(other_data)),
                     ("diff", "--from", "2025", "--to", "2026"), ("notice", "--year", "2025"),
                     ("acceptance", "--year", "2025", "--data", str(other_data))):
            _gen(*args, "--out", str(other), contract=SECOND)
        _manifest_docx(second / "archive", 2025, SECOND, other / "archive-2025.docx")
        for path in other.glob("*.docx"):  # one PDF folder: the second contract's files get a prefix
            shutil.copy(path, docs / f"second-{path.name}")
        pagecheck.to_pdfs(sorted(docs.glob("*.docx")), root / "pdf")

    return shared(factory, "documents", build)


def requirements_pdf(factory: pytest.TempPathFactory) -> Path:
    """`gen requirements --year 2024 --pdf` of the shipped contract, run once: its outputs in out/, what it printed in
    stdout.txt."""

    def build(folder: Path) -> None:
        result = run_cli("requirements", "--year", "2024", "--contract", str(CONTRACT), "--out", str(folder / "out"), "--pdf")
        assert result.exit_code == 0, result.stderr
        (folder / "stdout.txt").write_text(result.stdout, "utf-8")

    return shared(factory, "requirements-2024-pdf", build)
