"""The one way the scripts keep a generated file current: rewrite it, or with --check say it is stale."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(files: dict[Path, str], command: str) -> int:
    """Rewrite every file with its text; with ``--check`` in argv, exit status 1 if any differs instead."""
    if "--check" in sys.argv:
        stale = [path.name for path, text in files.items() if not path.is_file() or path.read_text("utf-8") != text]
        if stale:
            print(f"{'、'.join(stale)} 不是最新的：请运行 {command}", file=sys.stderr)
            return 1
        return 0
    for path, text in files.items():
        path.write_text(text, "utf-8")
    return 0
