"""`gen all`, `gen verify`, `--pdf`, `--version` and the help texts."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import click
import pytest

from generator.cli import main

from artifacts import requirements_pdf, sample_year
from conftest import CONTRACT, run_cli

MONTHS = [f"2024-{m:02d}" for m in range(1, 11)]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out as staff use it: contract.yaml and data/ side by side (ten months of `gen sample-data`)."""
    folder = tmp_path_factory.mktemp("ws")
    shutil.copy(CONTRACT, folder / "contract.yaml")
    shutil.copytree(sample_year(tmp_path_factory), folder / "data")
    assert sorted(p.name for p in (folder / "data").iterdir()) == MONTHS
    return folder


def test_all_writes_the_year_and_says_what_it_skipped(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    result = run_cli("all", "--year", "2024", "--out", "out")
    assert result.exit_code == 0, result.stderr
    names = sorted(Path(p).name for p in result.stdout.split())
    expected = ["assessment-2024.docx", "assessment-2024.json", "contract-2024.docx", "invoices-2024.docx",
                "invoices-2024.json", "requirements-2024.docx"]
    expected += [f"report-{m}.{ext}" for m in MONTHS for ext in ("docx", "json")]
    assert names == sorted(expected)
    assert "完成：写入 26 个文件到 out；跳过 2 项。" in result.stderr
    assert "跳过 2024-11 月报：没有数据目录" in result.stderr
    assert "正在生成" not in result.stderr  # no progress bar when not on a terminal


def test_all_is_all_or_nothing(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(workspace / "data", tmp_path / "data")
    shutil.copy(workspace / "contract.yaml", tmp_path)
    (tmp_path / "data" / "2024-07" / "month.yaml").write_text("全省排名: 99\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("all", "--year", "2024", "--out", "out")
    assert result.exit_code == 1 and "2024-07/month.yaml" in result.stderr
    assert not (tmp_path / "out").exists()


def test_verify_accepts_an_untouched_document_and_names_a_changed_source(workspace: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(workspace / "contract.yaml", tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run_cli("contract", "--year", "2025", "--out", "out").exit_code == 0
    result = run_cli("verify", "out/contract-2025.docx")
    assert result.exit_code == 0 and result.stdout.startswith("一致：contract-2025.docx")
    text = (tmp_path / "contract.yaml").read_text("utf-8")
    (tmp_path / "contract.yaml").write_text(text.replace("海口市滨海大道52号", "海口市滨海大道53号"), "utf-8")
    result = run_cli("verify", "out/contract-2025.docx")
    assert result.exit_code == 1 and "源文件已修改：contract.yaml" in result.stderr


def test_verify_detects_an_edited_document(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(workspace / "contract.yaml", tmp_path)
    shutil.copytree(workspace / "data" / "2024-05", tmp_path / "data" / "2024-05")
    monkeypatch.chdir(tmp_path)
    assert run_cli("report", "--month", "2024-05", "--out", "out").exit_code == 0
    path = tmp_path / "out" / "report-2024-05.docx"
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace("总体运行情况".encode(), "总体运行状况".encode())
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = run_cli("verify", str(path))
    assert result.exit_code == 1 and "文档在生成后被改动过" in result.stderr
    (tmp_path / "data" / "2024-05" / "month.yaml").write_text(
        (tmp_path / "data" / "2024-05" / "month.yaml").read_text("utf-8").replace("报告缺交: 0", "报告缺交: 1"), "utf-8")
    result = run_cli("verify", str(path))
    assert result.exit_code == 1 and "源文件已修改：data/2024-05/month.yaml" in result.stderr


def test_verify_refuses_a_foreign_document(tmp_path: Path) -> None:
    from docx import Document

    Document().save(tmp_path / "plain.docx")
    result = run_cli("verify", str(tmp_path / "plain.docx"))
    assert result.exit_code == 1 and "不是本工具生成的文档" in result.stderr


@pytest.mark.libreoffice
def test_pdf_next_to_the_docx(tmp_path_factory: pytest.TempPathFactory) -> None:
    made = requirements_pdf(tmp_path_factory)  # the run test_hostile's test_the_same_pdf_twice repeats
    printed = (made / "stdout.txt").read_text("utf-8")
    assert sorted(Path(p).name for p in printed.split()) == ["requirements-2024.docx", "requirements-2024.pdf"]
    assert (made / "out" / "requirements-2024.pdf").read_bytes().startswith(b"%PDF")


def test_pdf_without_libreoffice_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run_cli("contract", "--year", "2024", "--contract", str(CONTRACT), "--out", str(tmp_path / "o"), "--pdf")
    assert result.exit_code == 1 and "未找到 LibreOffice" in result.stderr and "setup.sh" in result.stderr
    assert not (tmp_path / "o").exists()


def test_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0 and result.stdout.strip() == "gen 0.1.0"


def _commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_a_chinese_summary_and_an_example(name: str) -> None:
    command = main.commands[name]
    assert isinstance(command, click.Command)
    summary = command.get_short_help_str(200)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in summary), summary
    result = run_cli(name, "--help")
    assert result.exit_code == 0 and "示例：gen " in result.stdout


def test_cli_reference_is_current() -> None:
    import subprocess
    import sys

    from conftest import ROOT

    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_init_keeps_callers_exports_and_outputs_out_of_git(tmp_path: Path) -> None:
    import shutil
    import subprocess

    git = shutil.which("git")
    assert git, "需要 git"
    assert run_cli("init", str(tmp_path)).exit_code == 0
    assert run_cli("sample-data", "--month", "2024-05", "--scale", "0.01", "--out", str(tmp_path / "data"),
                   "--contract", str(tmp_path / "contract.yaml")).exit_code == 0
    assert run_cli("contract", "--year", "2024", "--out", str(tmp_path / "outputs"),
                   "--contract", str(tmp_path / "contract.yaml")).exit_code == 0
    assert run_cli("new-year", "2026", "--contract", str(tmp_path / "contract.yaml")).exit_code == 0  # takes the edit lock
    assert list(tmp_path.glob(".*.lock"))
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True)
    listed = subprocess.run([git, "-C", str(tmp_path), "ls-files", "--others", "--exclude-standard"],
                            capture_output=True, text=True, check=True).stdout.split()
    exports = [p.relative_to(tmp_path).as_posix() for p in (tmp_path / "data" / "2024-05").iterdir()
               if p.name != "month.yaml"]
    assert exports and not set(exports) & set(listed), listed  # the callers' data never reaches a commit
    assert {"contract.yaml", "data/columns.yaml", "data/2024-05/month.yaml", ".gitignore"} <= set(listed)
    assert not [name for name in listed if name.startswith("outputs/") or name.endswith(".lock")], listed


def test_init_writes_a_working_starter_and_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "新目录" / "合同"
    result = run_cli("init", str(folder))
    assert result.exit_code == 0, result.stderr
    assert f"cd {folder} && gen validate && gen contract --year 2024" in result.stderr
    written = {Path(line).relative_to(folder).as_posix() for line in result.stdout.split()}
    assert {"contract.yaml", "data/columns.yaml", ".pre-commit-config.yaml", ".gitlab-ci.yml"} <= written
    assert run_cli("validate", "--contract", str(folder / "contract.yaml")).exit_code == 0
    # The columns template is all comments: copied into data/ it maps nothing until staff uncomment a line.
    assert run_cli("sample-data", "--month", "2024-05", "--scale", "0.05", "--out", str(folder / "data"),
                   "--contract", str(folder / "contract.yaml")).exit_code == 0
    report = run_cli("report", "--month", "2024-05", "--data", str(folder / "data"), "--out", str(tmp_path / "out"),
                     "--contract", str(folder / "contract.yaml"))
    assert report.exit_code == 0, report.stderr
    # A second init into the same folder refuses, names what is there, and leaves no debris.
    (folder / "README.md").write_text("本单位的说明", "utf-8")
    again = run_cli("init", str(folder))
    assert again.exit_code == 2 and "README.md" in again.stderr and "不覆盖已有文件" in again.stderr
    assert (folder / "README.md").read_text("utf-8") == "本单位的说明"
    assert not list(folder.glob(".hcg-init-*"))
