"""Windows, macOS and Linux: no POSIX-only module on any path, a GBK console, LibreOffice where Windows puts it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from generator.errors import EnvironmentProblem
from generator.output import pdf

from conftest import CONTRACT, ROOT, run_cli

# Modules only POSIX systems have, made unimportable before gen starts (what `import fcntl` does on Windows),
# and the POSIX-only calls and signals of modules Windows has too.
POSIX_ONLY = ("fcntl", "termios", "tty", "pty", "grp", "resource")
POSIX_CALLS = {"os": ("getuid", "geteuid", "getgid", "fork", "killpg", "setsid"),
               "signal": ("SIGHUP", "SIGKILL", "pthread_sigmask", "pthread_kill", "sigwait", "SIGUSR1")}
# Each command's arguments come as one JSON list argument; they run one after another in the one process, so a
# POSIX-only import on any command's path fails it (a module imported by an earlier command stays imported,
# but each command is a path a Windows user takes in that order too). The exit codes are printed as JSON.
_WITHOUT_POSIX = (
    "import json, os, signal, sys, warnings\n"
    f"for name in {POSIX_ONLY!r}:\n"
    "    sys.modules[name] = None\n"
    f"for module, names in {POSIX_CALLS!r}.items():\n"
    "    for name in names:\n"
    "        delattr(sys.modules[module], name)\n"
    # filelock says once that, without fcntl, it locks with lock files (on Windows it uses msvcrt instead).
    "warnings.filterwarnings('ignore', 'only soft file lock is available')\n"
    "from generator.cli import main\n"
    "codes = []\n"
    "for args in sys.argv[1:]:\n"
    "    try:\n"
    "        code = main.main(json.loads(args), prog_name='gen', standalone_mode=False)\n"
    "    except SystemExit as exit:\n"
    "        code = exit.code\n"
    "    codes.append(code or 0)\n"
    "print(json.dumps(codes))\n"
)


def _gen_without_posix(*commands: tuple[str, ...], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HCG_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-c", _WITHOUT_POSIX, *(json.dumps(c) for c in commands)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_every_generating_command_runs_without_posix_only_modules_and_calls(tmp_path: Path) -> None:
    (tmp_path / "contract.yaml").write_bytes(CONTRACT.read_bytes())
    commands = [
        ("sample-data", "--year", "2024", "--scale", "0.01"),
        ("validate",),
        ("contract", "--year", "2025"),
        ("requirements", "--year", "2024"),
        ("invoices", "--year", "2024"),
        ("report", "--month", "2024-05"),
        ("assess", "--year", "2024"),
        ("diff", "--from", "2024", "--to", "2025"),
        ("calendar", "--year", "2024"),
        ("all", "--year", "2024", "--out", "all"),
    ]
    done = _gen_without_posix(*commands, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [0] * len(commands), done.stdout
    made = {p.name for p in (tmp_path / "outputs").iterdir()}
    assert {"contract-2025.docx", "requirements-2024.docx", "invoices-2024.docx", "report-2024-05.docx",
            "assessment-2024.docx", "diff-2024-2025.docx", "calendar-2024.ics"} <= made
    assert len(list((tmp_path / "all").glob("report-*.docx"))) == 12


def test_no_module_of_the_tool_imports_a_posix_only_module() -> None:
    pattern = re.compile(rf"^\s*(import|from)\s+({'|'.join(POSIX_ONLY)}|pwd|posix)\b", re.M)
    found = [str(p.relative_to(ROOT)) for p in (ROOT / "generator").rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert found == []


def _gbk(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "HCG_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, cwd=cwd, env=env,
                          timeout=300)


def test_a_gbk_console_gets_chinese_text_and_no_encoding_error(tmp_path: Path) -> None:
    text = CONTRACT.read_text("utf-8")
    assert text.count("annual_calls: ") == 1
    (tmp_path / "contract.yaml").write_text(re.sub(r"annual_calls: \d+", "annual_calls: ¥9", text), "utf-8")
    done = _gbk("validate", cwd=tmp_path)
    assert done.returncode == 1
    message = done.stderr.decode("gbk")
    assert "应为整数" in message and "“￥9”" in message  # "¥" is not in GBK: the full-width sign stands in
    assert "Traceback" not in message
    # Standard output too: a folder named with a character GBK lacks is printed, not a crash.
    (tmp_path / "contract.yaml").write_bytes(CONTRACT.read_bytes())
    made = _gbk("calendar", "--year", "2024", "--out", "日历¥€", cwd=tmp_path)
    assert made.returncode == 0, made.stderr.decode("gbk")
    assert made.stdout.decode("gbk").strip() == str(Path("日历￥?") / "calendar-2024.ics")
    assert (tmp_path / "日历¥€" / "calendar-2024.ics").is_file()


def test_libreoffice_is_found_where_the_windows_installer_puts_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = tmp_path / "Program Files" / "LibreOffice" / "program" / "soffice.exe"
    installed.parent.mkdir(parents=True)
    installed.write_bytes(b"")
    windows = types.SimpleNamespace(name="nt", environ={"ProgramFiles": str(tmp_path / "Program Files"),
                                                        "ProgramFiles(x86)": str(tmp_path / "Program Files (x86)")})
    monkeypatch.setattr(pdf, "os", windows)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert pdf.soffice() == str(installed)
    installed.unlink()
    with pytest.raises(EnvironmentProblem, match="下载安装 LibreOffice"):
        pdf.soffice()


def test_without_libreoffice_pdf_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run_cli("contract", "--year", "2024", "--contract", str(CONTRACT), "--out", str(tmp_path / "out"), "--pdf")
    assert result.exit_code == 1
    assert "未找到 LibreOffice" in result.stderr and not (tmp_path / "out").exists()
