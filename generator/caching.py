"""The user's cache: figures derived from the monthly exports, kept as data — never code, never objects.

Reading a month's exports (hundreds of thousands of rows) is the one slow thing the tool does, and every
monthly report reads the twelve months before it too. So a month's figures, and the sha256 of each file
a document records as its source, are kept as JSON in $HCG_CACHE_DIR, else the user's cache folder
(``root``: ~/.cache, %LOCALAPPDATA% or ~/Library/Caches, then hotline-contract-gen), one file per entry.

- An entry is keyed by what its inputs are: each file's identity as git tells a changed file (size,
  mtime_ns, ctime_ns, inode and device — an edit in place or a file removed and made again changes its
  ctime even when size and mtime are kept), or its content digest where the system's ctime is not the
  time of the last change (Windows), plus the counting definitions in force and the tool's own version
  and files. A file changed in the last seconds is not vouched for by its identity (as git treats a
  "racily clean" file): its entry is not kept.
- An entry is JSON checked against ``schemas/cache.schema.json`` and a sha256 of its value; one that
  fails either is computed again. Nothing read from the cache is ever executed.
- The folder is created private (0700) and used only while it is the user's own and not writable by
  others; otherwise the cache is not used and one warning says why.
- ``gen verify`` never answers from the cache (``bypassed``). HCG_NO_CACHE=1 turns the cache off.

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


def enabled() -> bool:
    """Whether the user's cache is in use (HCG_NO_CACHE turns it off, ``bypassed`` for a while)."""
    return not os.environ.get("HCG_NO_CACHE") and not _BYPASSED.get()


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
    """The cache folder, created private; None (with one warning) when it is not safe to use."""
    folder = root()
    try:
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None  # a cache that cannot be made is simply not used
    problem = _unsafe(info)
    if problem is None:
        return folder
    if folder not in _REFUSED:
        _REFUSED.add(folder)
        print(f"警告：缓存目录 {folder} {problem}，本次不使用缓存（结果不受影响，只是较慢）。"
              "请删除该目录，或用环境变量 HCG_CACHE_DIR 指定一个只属于自己的目录。", file=sys.stderr)
    return None


def _unsafe(info: os.stat_result) -> str | None:
    """Why a folder may not hold the cache: another user's, or writable by others (None: it is fine)."""
    if not stat.S_ISDIR(info.st_mode):
        return "不是目录"
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return None  # Windows: the user's profile folder is private by its ACL; mode bits mean nothing there
    if info.st_uid != getuid():
        return "不属于当前用户"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "其他用户可写"
    return None


# -- keys ------------------------------------------------------------------------------------------------


@cache
def tool_fingerprint() -> str:
    """The tool's version and the size and modification time of each file of its code, schemas and templates.

    The rule Python itself applies to decide whether a module's cached bytecode is stale (its source's
    size and time): an edit, a checkout or a reinstall changes it.
    """
    entries = [f"{__version__}:{FORMAT}"]
    for folder, suffix, recurse in ((_PACKAGE, ".py", True), (SCHEMAS, ".json", False), (TEMPLATES, ".yaml", False)):
        entries += _stamps(folder, suffix, recurse)
    return hashlib.sha256("\n".join(entries).encode("utf-8", "surrogateescape")).hexdigest()


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
    return hashlib.sha256("\0".join((tool_fingerprint(), *parts)).encode("utf-8", "surrogateescape")).hexdigest()


def _trusted_stat(info: os.stat_result) -> bool:
    # Windows reports the creation time as st_ctime (an edit in place keeping size and mtime changes
    # nothing), and some file systems report no inode: there, only the content tells.
    return os.name != "nt" and bool(info.st_ino)


def identity(path: Path) -> tuple[str, bool]:
    """What a file is, and whether that may key a kept entry.

    As git tells a changed file: size, mtime, ctime, inode and device; else (see ``_trusted_stat``) its
    content digest. A file changed in the last seconds is not vouched for by its stat (it may change again
    within the same timestamp): its identity serves this run only.
    """
    info = path.stat()
    if not _trusted_stat(info):
        return f"sha256:{file_digest(path)}", True
    recent = max(info.st_mtime_ns, info.st_ctime_ns) >= time.time_ns() - RACY_SECONDS * 1_000_000_000
    return f"stat:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}", not recent


# -- what one run has computed ---------------------------------------------------------------------------

_MEMORY: dict[tuple[str, str], Any] = {}
# A long-lived process (tests, a library user) keeps the most recent values only.
MAX_REMEMBERED = 2048


def remembered(kind: str, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, once per run for a ``kind``/``name`` (whatever the cache; never while ``bypassed``).

    ``name`` must say everything the value depends on (a file's identity, the definitions in force), as
    a cache key does: a process that runs several commands gets a changed file read again.
    """
    if _BYPASSED.get():
        return compute()
    slot = (kind, name)
    if slot not in _MEMORY:
        value = compute()
        if len(_MEMORY) >= MAX_REMEMBERED:
            del _MEMORY[next(iter(_MEMORY))]
        _MEMORY[slot] = value
    return _MEMORY[slot]  # type: ignore[no-any-return]


# -- file digests ------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes; remembered while the file's identity (see ``identity``) is unchanged.

    A month's exports are tens of megabytes and every report records the digests of the thirteen months
    it looks at: hashing them all again for every report would cost more than reading the month that
    changed. ``gen verify`` (``bypassed``) always reads the bytes.
    """
    if _BYPASSED.get():
        return _sha256(path)
    info = path.stat()
    signature = f"{path.resolve()}\0{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"
    return remembered("digest", signature, lambda: _kept_digest(path))


def _kept_digest(path: Path) -> str:
    info = path.stat()
    if not _trusted_stat(info):
        return _sha256(path)  # the digest is the only identity there is: nothing to keep it by
    file_identity, durable = identity(path)
    if not durable:
        return _sha256(path)
    name = key("digest", str(path.resolve()), file_identity)
    known = load("digest", name)
    if isinstance(known, str):
        return known
    value = _sha256(path)
    store("digest", name, value)
    return value


# -- entries -----------------------------------------------------------------------------------------------


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def load(kind: str, name: str) -> Any | None:
    """The value kept under ``kind``/``name``, or None: absent, unreadable, not of the schema or altered."""
    if not enabled():
        return None
    folder = _folder()
    if folder is None:
        return None
    try:
        with (folder / kind / f"{name}.json").open("rb") as stream:
            data = stream.read(MAX_ENTRY_BYTES + 1)
        entry = json.loads(data) if len(data) <= MAX_ENTRY_BYTES else None
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or not _valid_entry(entry, kind, name):
        return None
    return entry["value"]


def _valid_entry(entry: dict[str, Any], kind: str, name: str) -> bool:
    from generator.source.schema import validator

    if not validator(SCHEMA).is_valid(entry):
        return False
    return bool(entry["kind"] == kind and entry["key"] == name
                and entry["sha256"] == hashlib.sha256(_canonical(entry["value"])).hexdigest())


def store(kind: str, name: str, value: Any) -> None:
    """Keep ``value`` (JSON data) under ``kind``/``name``, written whole by rename; silently not when impossible."""
    if not enabled():
        return
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
