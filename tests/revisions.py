"""Texts of documents after LibreOffice itself has accepted or rejected every tracked change."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from conftest import ROOT

# LibreOffice's Python bridge lives in the system Python (Debian's python3-uno), not in the project's venv.
SYSTEM_PYTHON = "/usr/bin/python3"


def libreoffice_texts(scratch: Path, jobs: Sequence[tuple[str, Path]]) -> list[str]:
    """For each (``accept`` | ``reject`` | ``text``, document): its text as LibreOffice exports it.

    One LibreOffice session serves every document. After accepting or rejecting, no tracked change may
    be left in the document.
    """
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    assert probe.returncode == 0, "LibreOffice 的 Python 接口（python3-uno）未安装：请运行 bash scripts/setup.sh"
    scratch.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([SYSTEM_PYTHON, str(ROOT / "tests" / "lo_revisions.py"), str(scratch),
                             *(f"{how}:{path}" for how, path in jobs)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    texts = []
    for number, (how, _) in enumerate(jobs):
        if how != "text":
            assert (scratch / f"{number}.redlines").read_text("utf-8") == "0"
        texts.append((scratch / f"{number}.txt").read_text("utf-8-sig"))
    return texts
