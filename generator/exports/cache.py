"""A month is read once, ever: its counts are kept beside the user's other caches, keyed by content.

The key is the sha256 of the month's export files and columns.yaml, the counting definitions of the
contract year in force, and the reading code itself, so a changed file, definition or tool version is
never served stale. Entries are whole JSON files written by rename; anything unreadable is ignored and
read again. Only clean months are kept (no refused rows), so nothing shown only on the console
(a refused cell's text) is ever stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from generator import __version__

FORMAT = 2
_SOURCES = ("ingest.py", "fields.py", "conditions.py", "deidentify.py", "cache.py")


def folder() -> Path:
    """Where cached months live: $HCG_CACHE_DIR, else the user's cache folder (XDG)."""
    explicit = os.environ.get("HCG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hotline-contract-gen" / "months"


@cache
def code_version() -> str:
    """The tool's version and a hash of the reading code (a change of either invalidates every entry)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{__version__}:{FORMAT}".encode())
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def key(*parts: str) -> str:
    """One cache key from the parts it depends on."""
    return hashlib.sha256("\0".join((code_version(), *parts)).encode("utf-8")).hexdigest()


def load(name: str) -> Any | None:
    """The cached value under ``name``, or None when missing or unreadable."""
    if os.environ.get("HCG_NO_CACHE"):
        return None
    try:
        return json.loads((folder() / f"{name}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def store(name: str, value: Any) -> None:
    """Keep a value; a cache that cannot be written is simply not used."""
    if os.environ.get("HCG_NO_CACHE"):
        return
    target = folder()
    try:
        target.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(value, stream, ensure_ascii=False, separators=(",", ":"))
            os.replace(temp, target / f"{name}.json")
        finally:
            Path(temp).unlink(missing_ok=True)
    except OSError:
        pass
