"""The user's cache: what was once computed from unchanged inputs is not computed again.

Entries live in $HCG_CACHE_DIR, else $XDG_CACHE_HOME/hotline-contract-gen (~/.cache/hotline-contract-gen),
one file per entry in a folder per kind, written by rename (a reader sees a whole entry or none) and
readable by the user alone. Every key includes the tool's fingerprint — its version and the size and time
of each file of its code, schemas and templates — so an entry is never trusted across versions or edits of
the tool.
Anything unreadable is ignored and computed again; a cache that cannot be written is simply not used.
HCG_NO_CACHE=1 turns the cache off.

Objects are kept with pickle: the folder is the user's own (mode 0700), as their shell history is, and
an entry is only ever read back by the same version of this tool.
"""

from __future__ import annotations

import copyreg
import hashlib
import json
import os
import pickle
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator import __version__
from generator.resources import SCHEMAS, TEMPLATES

FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent


def _proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


# The resolved contract keeps its mappings read-only; pickle needs to be told how to rebuild them.
copyreg.pickle(MappingProxyType, lambda proxy: (_proxy, (dict(proxy),)))  # type: ignore[arg-type]


def root() -> Path:
    """The cache's folder: $HCG_CACHE_DIR, else the user's cache folder (XDG)."""
    explicit = os.environ.get("HCG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hotline-contract-gen"


def enabled() -> bool:
    """Whether the cache is in use (HCG_NO_CACHE turns it off)."""
    return not os.environ.get("HCG_NO_CACHE")


@cache
def tool_fingerprint() -> str:
    """The tool's version and the size and modification time of each file of its code, schemas and templates.

    The rule Python itself applies to decide whether a module's cached bytecode is stale (its source's
    size and time): an edit, a checkout or a reinstall changes it. Reading and hashing every file on
    every run cost a warm command a twentieth of its time.
    """
    entries = [f"{__version__}:{FORMAT}"]
    for folder, suffix, recurse in ((_PACKAGE, ".py", True), (SCHEMAS, ".json", False), (TEMPLATES, ".yaml", False)):
        entries += _stamps(folder, suffix, recurse)
    entries += _library_stamps()
    return hashlib.sha256("\n".join(entries).encode("utf-8", "surrogateescape")).hexdigest()


# Libraries whose data decide results (the State Council's holiday schedules): a new version of their data
# changes deadlines, so their files count as the tool's own. Found without importing them.
_DATA_LIBRARIES = ("chinese_calendar",)


def _library_stamps() -> list[str]:
    from importlib.util import find_spec

    found = []
    for name in _DATA_LIBRARIES:
        spec = find_spec(name)
        if spec is not None and spec.origin:
            found += _stamps(Path(spec.origin).parent, ".py", False)
    return found


def _stamps(folder: Path, suffix: str, recurse: bool) -> list[str]:
    """``path size mtime`` of every file with ``suffix`` under ``folder``, in a stable order."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if recurse and entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                found += _stamps(Path(entry.path), suffix, recurse)
            elif entry.name.endswith(suffix) and entry.is_file():
                info = entry.stat()
                found.append(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}")
    return sorted(found)


def key(*parts: str) -> str:
    """One cache key from the tool's fingerprint and the parts the value depends on."""
    return hashlib.sha256("\0".join((tool_fingerprint(), *parts)).encode("utf-8")).hexdigest()


def digest_bytes(data: bytes) -> str:
    """sha256 of some bytes (what a key part made of a file's content is)."""
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, remembered by its size, time and inode so an unchanged file is read once.

    A month's exports are tens of megabytes and every report records the digests of the months it used:
    hashing them all again for every report would cost more than reading the month that changed. A file
    changed in place changes its time; a file replaced by another changes its inode.
    """
    info = path.stat()
    signature = digest_bytes(f"{path.resolve()}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}".encode())
    known = load_json("digests", signature)
    if isinstance(known, str) and len(known) == 64:
        return known
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    value = digest.hexdigest()
    store_json("digests", signature, value)
    return value


def _read(kind: str, name: str) -> bytes | None:
    if not enabled():
        return None
    try:
        return (root() / kind / name).read_bytes()
    except OSError:
        return None


def _write(kind: str, name: str, data: bytes) -> None:
    if not enabled():
        return
    target = root() / kind
    try:
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        # A fresh private file beside the entry (tempfile.mkstemp in effect, without importing tempfile,
        # random and shutil on every run).
        temp = target / f".{os.urandom(8).hex()}.tmp"
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temp, target / name)
        finally:
            Path(temp).unlink(missing_ok=True)
    except OSError:
        pass


def load_json(kind: str, name: str) -> Any | None:
    """The JSON value kept under ``kind/name``, or None."""
    data = _read(kind, f"{name}.json")
    try:
        return json.loads(data) if data is not None else None
    except ValueError:
        return None


def store_json(kind: str, name: str, value: Any) -> None:
    """Keep a JSON value under ``kind/name``."""
    _write(kind, f"{name}.json", json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def load_object(kind: str, name: str) -> Any | None:
    """The object kept under ``kind/name``, or None (also when it cannot be unpickled any more)."""
    data = _read(kind, f"{name}.pickle")
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # any broken or foreign entry is simply computed again
        return None


def store_object(kind: str, name: str, value: Any) -> None:
    """Keep an object under ``kind/name``."""
    try:
        data = pickle.dumps(value, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    _write(kind, f"{name}.pickle", data)
