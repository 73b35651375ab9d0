"""Shared fixtures: the shipped contract, edited copies of it, and a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "contract.yaml"
# The signed 2024 contract's text, extracted from its PDF: the reference the generated 2024 contract must match.
SEED = Path(__file__).resolve().parent / "fixtures" / "signed-contract-2024.txt"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Cached months go to a folder of the test session, never the user's own cache."""
    os.environ["HCG_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _libreoffice_only_where_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that has LibreOffice render or revise a document carries the ``libreoffice`` marker.

    So the README's test command, which leaves those out, stays quick, and ``-m libreoffice`` really runs
    every one of them. Watched: the tool's PDF conversion (``gen --pdf``, ``gen archive`` in this process) and
    the tests' page and revision helpers, called through their modules. Not watched: a ``gen`` run as another
    process, and a shared build made by a fixture of wider scope before this one is set up.
    """
    if request.node.get_closest_marker("libreoffice"):
        return
    from generator.output import pdf

    import pagecheck
    import revisions

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError(f"{request.node.nodeid} 运行了 LibreOffice：请给它加上 @pytest.mark.libreoffice")

    monkeypatch.setattr(pdf, "to_pdf", refuse)
    monkeypatch.setattr(pagecheck, "to_pdfs", refuse)
    monkeypatch.setattr(revisions, "libreoffice_texts", refuse)


def run_cli(*args: str) -> Result:
    """Invoke `gen` in-process exactly as a user would, keeping stdout and stderr apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def edited(tmp_path: Path) -> Callable[..., Path]:
    """Copy contract.yaml into tmp_path with text replacements applied; each must match exactly once."""

    def make(*replacements: tuple[str, str], name: str = "contract.yaml") -> Path:
        text = CONTRACT.read_text("utf-8")
        for old, new in replacements:
            assert text.count(old) == 1, f"replacement target must be unique: {old!r}"
            text = text.replace(old, new)
        path = tmp_path / name
        path.write_text(text, "utf-8")
        return path

    return make


@pytest.fixture
def contract_copy(tmp_path: Path) -> Path:
    """An untouched copy of the shipped contract in a temporary folder."""
    path = tmp_path / "contract.yaml"
    shutil.copy(CONTRACT, path)
    return path


def sample_month(factory: pytest.TempPathFactory, month: str, seed: int) -> Path:
    """A folder holding one small sample month (5 % of the contract's volume) made by `gen sample-data`."""
    folder = factory.mktemp(f"month-{seed}")
    assert run_cli("sample-data", "--month", month, "--scale", "0.05", "--seed", str(seed), "--out",
                   str(folder)).exit_code == 0
    return folder


def copy_month(folder: Path, month: str, tmp_path: Path) -> Path:
    """A data folder in tmp_path with a copy of ``folder``'s month, free to be damaged by one test."""
    shutil.copytree(folder / month, tmp_path / "data" / month)
    return tmp_path / "data"
