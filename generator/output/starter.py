"""`gen init`: a working starting folder for an installation that has no contract yet.

The starter's files ship inside the package (templates/starter/, most of them links to the project's own
files, so the starter is always the shipped contract, editor settings and CI examples of this version).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path

from generator.errors import GenError, UsageError
from generator.resources import SCHEMAS, TEMPLATES

STARTER = TEMPLATES / "starter"
# starter file → where it goes in the new folder
PLACES = {
    "contract.yaml": "contract.yaml",
    "README.md": "README.md",
    "columns.yaml": "data/columns.yaml",
    "vscode-settings.json": ".vscode/settings.json",
    "vscode-extensions.json": ".vscode/extensions.json",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "gitignore": ".gitignore",
    "github-actions.yml": ".github/workflows/validate.yml",
    "gitlab-ci.yml": ".gitlab-ci.yml",
}


def starter_files() -> dict[str, bytes]:
    """Every file of a new folder by its relative path: the starter, and the schemas the editor reads."""
    files = {place: (STARTER / name).read_bytes() for name, place in PLACES.items()}
    files |= {f"schemas/{schema.name}": schema.read_bytes() for schema in sorted(SCHEMAS.glob("*.json"))}
    return files


def write_starter(folder: Path) -> list[Path]:
    """Write the starter into ``folder`` (created if need be) without overwriting anything; all or nothing."""
    files = starter_files()
    # Visible files first: those are the ones staff recognise as theirs.
    taken = sorted((place for place in files if (folder / place).exists() or (folder / place).is_symlink()),
                   key=lambda place: (place.startswith("."), place))
    if taken:
        shown = "、".join(taken[:5]) + (f"等 {len(taken)} 个文件" if len(taken) > 5 else "")
        where = "当前目录" if folder == Path(".") else f"{folder} "
        raise UsageError(f"{where}中已有 {shown}：gen init 不覆盖已有文件，请换一个空目录（gen init 新目录名），"
                         "或先移走这些文件")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = folder / f".hcg-init-{secrets.token_hex(4)}"
        for place, data in files.items():
            (staging / place).parent.mkdir(parents=True, exist_ok=True)
            (staging / place).write_bytes(data)
    except OSError as exc:
        with contextlib.suppress(NameError):
            shutil.rmtree(staging, ignore_errors=True)
        raise GenError(f"无法在 {folder} 中写入起步模板：{exc.strerror or exc}") from None
    moved: list[Path] = []
    try:
        for place in files:
            (folder / place).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / place, folder / place)
            moved.append(folder / place)
    except OSError as exc:
        for path in moved:  # nothing half-written: take back what was already moved in
            path.unlink(missing_ok=True)
        raise GenError(f"无法在 {folder} 中写入起步模板：{exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return moved
