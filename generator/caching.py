"""The user's cache: figures derived from the monthly exports, kept as data — never code, never objects.

Reading a month's exports is the one slow thing the tool does, and every monthly report looks at the
twelve months before it too. So a month's figures, and the sha256 of each file a document records as its
source, are kept as JSON entries, one file each, in ``root()``:

- keyed by what the inputs are (``identity``: each file's stat as git tells a changed file, or its content
  digest where the stat cannot tell), the counting definitions in force and the tool's fingerprint;
- checked against ``schemas/cache.schema.json`` and a sha256 of the value: a failing entry is computed again;
- in a folder created private (0700) and used only while it is the user's own and not writable by others;
- never read by ``gen verify`` (``bypassed``); HCG_NO_CACHE=1 turns the cache off.

What one run has read it keeps in memory (``remembered``), cache or no cache, so no month is read twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from generator import __version__
from generator.resources import SCHEMAS, TEMPLATES

FORMAT = 1
SCHEMA = "cache.schema.json"
MAX_ENTRY_BYTES = 64 * 1024 * 1024
# A file changed this recently may change again within the same timestamp and keep its size: not vouched for.
RACY_SECONDS = 3
_PACKAGE = Path(__file__).resolve().parent
_BYPASSED: ContextVar[bool] = ContextVar("cache_bypassed", default=False)
T = TypeVar("T")


def root() -> Path:
    """The cache's folder: $HCG_CACHE_DIR, else the user's own cache folder as the system names it."""
    explicit = os.environ.get("HCG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "hotline-contract-gen"


@contextlib.contextmanager
def bypassed() -> Iterator[None]:
    """Within this block nothing is read from or written to the cache, and nothing remembered is used."""
    token = _BYPASSED.set(True)
    try:
        yield
    finally:
        _BYPASSED.reset(token)


# -- the folder -----------------------------------------------------------------------------------------

_REFUSED: set[Path] = set()


def _folder() -> Path | None:
    """The cache folder, created private; None when the cache is off or (with one warning) another user's or
    writable by others."""
    if os.environ.get("HCG_NO_CACHE") or _BYPASSED.get():
        return None
    folder = root()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None  # a cache that cannot be made is simply not used
    getuid = getattr(os, "getuid", None)  # Windows has none: a profile folder is private by its ACL
    if getuid is None or (info.st_uid == getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return folder
    if folder not in _REFUSED:
        _REFUSED.add(folder)
        why = "不属于当前用户" if info.st_uid != getuid() else "其他用户可写"
        print(f"警告：缓存目录 {folder} {why}，本次不使用缓存（结果不受影响，只是较慢）。"
              "请删除该目录，或用环境变量 HCG_CACHE_DIR 指定一个只属于自己的目录。", file=sys.stderr)
    return None


# -- keys ------------------------------------------------------------------------------------------------


@cache
def tool_fingerprint() -> str:
    """The tool's version and the size and time of its code, schemas and templates (as Python tells stale bytecode),
    and of the libraries whose data decide results (the State Council's holiday schedules in chinese_calendar)."""
    stamps = [f"{__version__}:{FORMAT}"]
    folders = [(_PACKAGE, "**/*.py"), (SCHEMAS, "*.json"), (TEMPLATES, "*.yaml"), *((folder, "*.py") for folder in _data_libraries())]
    for folder, pattern in folders:
        for path in sorted(folder.glob(pattern)):
            info = path.stat()
            stamps.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(stamps).encode("utf-8", "surrogateescape")).hexdigest()


# Libraries whose data decide results: a new version of their data changes deadlines, so their files count
# as the tool's own. Found without importing them.
_DATA_LIBRARIES = ("chinese_calendar",)


def _data_libraries() -> list[Path]:
    from importlib.util import find_spec

    found = []
    for name in _DATA_LIBRARIES:
        spec = find_spec(name)
        if spec is not None and spec.origin:
            found.append(Path(spec.origin).parent)
    return found


def key(*parts: str) -> str:
    """One cache key from the tool's fingerprint and the parts the value depends on."""
    return hashlib.sha256("\0".join((tool_fingerprint(), *parts)).encode("utf-8", "surrogateescape")).hexdigest()


def _stat(info: os.stat_result) -> str | None:
    """A file's identity as git tells a changed file; None where the stat cannot tell (see ``identity``)."""
    if os.name == "nt" or not info.st_ino:
        return None
    return f"stat:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"


def identity(path: Path) -> tuple[str, bool]:
    """What a file is, and whether that may key a kept entry.

    Size, mtime, ctime, inode and device, as git tells a changed file (an edit in place, or a file made again,
    changes its ctime); its content digest where ctime is the creation time (Windows) or there are no inodes.
    A file changed in the last seconds may change again within its timestamp: its stat serves this run only.
    """
    info = path.stat()
    found = _stat(info)
    if found is None:
        return f"sha256:{file_digest(path)}", True
    return found, max(info.st_mtime_ns, info.st_ctime_ns) < time.time_ns() - RACY_SECONDS * 1_000_000_000


# -- what one run has computed ---------------------------------------------------------------------------

_MEMORY: dict[tuple[str, str], Any] = {}
# A long-lived process (tests, a library user) keeps the most recent values only.
MAX_REMEMBERED = 2048


def remembered(kind: str, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per run for a ``kind``/``name`` that says all it depends on, as a cache key does."""
    if _BYPASSED.get():
        return compute()
    slot = (kind, name)
    if slot not in _MEMORY:
        remember(kind, name, compute())
    return _MEMORY[slot]


def in_use() -> bool:
    """Whether what this run remembered may be used here (never within ``bypassed``)."""
    return not _BYPASSED.get()


def recalls(kind: str, name: str) -> bool:
    """Whether ``kind``/``name`` was remembered in this run (never, within ``bypassed``)."""
    return not _BYPASSED.get() and (kind, name) in _MEMORY


def remember(kind: str, name: str, value: Any) -> None:
    """Keep ``value`` for ``kind``/``name`` for the rest of the run, the oldest going first past the bound."""
    if _BYPASSED.get():
        return
    if len(_MEMORY) >= MAX_REMEMBERED:
        del _MEMORY[next(iter(_MEMORY))]
    _MEMORY[(kind, name)] = value


# -- file digests ------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, remembered while its identity (``identity``) is unchanged; fresh when ``bypassed``.

    Every report records the digests of the thirteen months it looks at: hashing them all again for
    every report would cost more than reading the month that changed.
    """
    if _BYPASSED.get():
        return _sha256(path)
    info = path.stat()
    # Where the stat cannot tell (Windows), size and times tell this run's reads apart, and nothing is kept.
    found = _stat(info) or f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"
    return remembered("digest", f"{path.resolve()}\0{found}", lambda: _kept_digest(path))


def _kept_digest(path: Path) -> str:
    file_identity, durable = identity(path) if _stat(path.stat()) else ("", False)
    name = key("digest", str(path.resolve()), file_identity)
    known = load("digest", name) if durable else None
    if isinstance(known, str):
        return known
    value = _sha256(path)
    if durable:
        store("digest", name, value)
    return value


# -- entries -----------------------------------------------------------------------------------------------


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def load(kind: str, name: str) -> Any | None:
    """The value kept under ``kind``/``name``, or None: absent, unreadable, not of the schema or altered."""
    folder = _folder()
    if folder is None:
        return None
    try:
        with (folder / kind / f"{name}.json").open("rb") as stream:
            entry: Any = json.loads(stream.read(MAX_ENTRY_BYTES + 1))  # a longer file is cut, hence not JSON
    except (OSError, ValueError):
        return None
    from generator.source.schema import validator

    if not (validator(SCHEMA).is_valid(entry) and entry["kind"] == kind and entry["key"] == name
            and entry["sha256"] == hashlib.sha256(_canonical(entry["value"])).hexdigest()):
        return None
    return entry["value"]


def store(kind: str, name: str, value: Any) -> None:
    """Keep ``value`` (JSON data) under ``kind``/``name``, written whole by rename; silently not when impossible."""
    folder = _folder()
    if folder is None:
        return
    data = _canonical(value)
    head = {"format": FORMAT, "key": name, "kind": kind, "sha256": hashlib.sha256(data).hexdigest()}
    entry = _canonical(head)[:-1] + b',"value":' + data + b"}"  # the value encoded once, keys still in order
    target = folder / kind
    try:
        target.mkdir(mode=0o700, exist_ok=True)
        import tempfile  # only a run that computed something new writes

        handle, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target)  # private to the user (0600)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(entry)
            os.replace(temp, target / f"{name}.json")
        finally:
            Path(temp).unlink(missing_ok=True)
    except OSError:
        pass
