"""Where the project's data files live: inside the installed package, or at the top of the source tree."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
ROOT = _PACKAGE.parent


def _data_dir(name: str) -> Path:
    # A wheel ships the folder inside the package; a source tree or editable install has it at the top.
    shipped = _PACKAGE / name
    return shipped if shipped.is_dir() else ROOT / name


SCHEMAS = _data_dir("schemas")
TEMPLATES = _data_dir("templates")
