"""All-or-nothing writes: a batch of files lands completely or not at all, whatever happens when.

A batch is written into a hidden staging folder inside the output folder and fsynced; then a journal
file is renamed into the staging folder (the commit point); then each file is moved into place, the
file it replaces kept as a hard link until the batch is complete. Before the commit point a failure or
a signal removes the staging folder and leaves the old files; after it, SIGINT and SIGTERM wait until
every file is in place, and an I/O failure puts every old file back. If the process is killed (kill -9,
power loss), the next batch into the folder (or ``recover``) finishes a committed batch or removes an
uncommitted one, so the folder holds exactly the old or exactly the new files and no debris.

Concurrent runs into one folder are serialised by an exclusive lock (``filelock``, so it works on
Windows as on POSIX) on a hidden lock file in the folder; commands that edit contract.yaml hold a lock
beside it the same way (``contract_lock``) and read the file only once they hold it.

Everything here runs on Windows too: signals are those the system has (SIGHUP is POSIX's, SIGBREAK
Windows'), held without signal masks, and a folder is fsynced only where a folder can be opened.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from filelock import FileLock, Timeout

from generator.errors import GenError

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
STAGING_PREFIX = ".hcg-batch-"
JOURNAL = "JOURNAL"
# The signals that stop a command, as far as the system has them (SIGHUP: POSIX; SIGBREAK: Windows).
_STOPPING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGBREAK") if hasattr(signal, name))
_SIGNALS = (signal.SIGINT, *_STOPPING)


def safe_name(name: str) -> str:
    """Refuse any output name that could escape the folder or break on Windows."""
    stem = name.split(".")[0].lower()
    if not _SAFE_NAME.match(name) or stem in _RESERVED or ".." in name:
        raise GenError(f"输出文件名不安全：{name!r}")
    return name


def _fsync_dir(folder: Path) -> None:
    """Make a folder's entries durable (POSIX); Windows cannot open a folder and journals its metadata itself."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


LOCK_NAME = ".hcg.lock"


@contextlib.contextmanager
def _exclusive(lock_file: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file``; waiting is said once on stderr."""
    lock = FileLock(lock_file)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            print(f"另一个 gen 命令正在{what}，等待其完成……", file=sys.stderr, flush=True)
            lock.acquire()
        yield
    finally:
        lock.release()


def _locked(folder: Path) -> contextlib.AbstractContextManager[None]:
    """An exclusive lock on an output folder."""
    return _exclusive(folder / LOCK_NAME, f"写入 {folder}")


def contract_lock(path: Path) -> contextlib.AbstractContextManager[None]:
    """The one lock every command that edits ``path`` (contract.yaml) holds while it reads, edits and writes.

    The lock file sits beside the file's real location (a linked contract is locked where it lives), so
    two commands editing it at once take turns and the second reads what the first wrote.
    """
    target = path.resolve()
    return _exclusive(target.with_name(f".{target.name}.lock"), f"修改 {path.name}")


class Interrupted(GenError):
    """SIGTERM, SIGHUP or SIGBREAK arrived while a batch was being prepared: nothing was written."""


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Turn the stopping signals into an exception while preparing, so the staging folder is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(number: int, _frame: object) -> None:
        raise Interrupted(f"收到信号 {signal.Signals(number).name}，已停止写入，原有文件保持不变")

    previous = {s: signal.signal(s, stop) for s in _STOPPING}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold the stopping signals and SIGINT while a committed batch moves into place; deliver them after.

    Held by noting what arrives and raising it once every file is in place: Windows has no signal masks.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous = {s: signal.signal(s, lambda number, _frame: arrived.append(number)) for s in _SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(arrived):
            signal.raise_signal(number)


def _names(staging: Path) -> list[str]:
    return (staging / JOURNAL).read_text("utf-8").split("\n")


def _move_in(out_dir: Path, staging: Path, names: list[str]) -> None:
    """Move committed files into place, keeping each replaced file as ``old/<name>`` until all are in.

    Idempotent: after a crash it continues where it stopped (a name already moved is skipped).
    """
    old = staging / "old"
    old.mkdir(exist_ok=True)
    done: list[str] = []
    try:
        for name in names:
            new = staging / "new" / name
            if not new.exists():
                continue  # moved before a crash
            final = out_dir / name
            if final.exists() and not (old / name).exists():
                try:
                    os.link(final, old / name)
                except OSError:  # no hard links here (FAT, some network shares)
                    shutil.copy2(final, old / name)
            os.replace(new, final)
            done.append(name)
        _fsync_dir(out_dir)
    except OSError:
        for name in reversed(done):
            if (old / name).exists():
                os.replace(old / name, out_dir / name)
            else:
                (out_dir / name).unlink(missing_ok=True)
        raise


def recover(out_dir: Path) -> None:
    """Finish a committed batch a crash interrupted, and remove uncommitted ones (call under the lock)."""
    for staging in sorted(out_dir.glob(f"{STAGING_PREFIX}*")):
        if not staging.is_dir():
            staging.unlink(missing_ok=True)
            continue
        if (staging / JOURNAL).is_file():
            with contextlib.suppress(OSError):
                _move_in(out_dir, staging, _names(staging))
        shutil.rmtree(staging, ignore_errors=True)
    _fsync_dir(out_dir)


def write_batch(out_dir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every file into ``out_dir`` as one all-or-nothing batch; return the final paths in order."""
    names = [safe_name(name) for name in files]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GenError(f"无法创建输出目录 {out_dir}：{exc.strerror or exc}") from None
    try:
        with _locked(out_dir), _interruptible():
            recover(out_dir)
            _write(out_dir, dict(zip(names, files.values(), strict=True)))
    except OSError as exc:
        # On Windows a document open in Word or WPS cannot be replaced.
        hint = "（文件可能正被 Word 或 WPS 打开，请关闭后重试）" if isinstance(exc, PermissionError) else ""
        raise GenError(f"写入输出目录 {out_dir} 失败：{exc.strerror or exc}{hint}") from None
    return [out_dir / name for name in names]


def _write(out_dir: Path, files: Mapping[str, bytes]) -> None:
    staging = out_dir / f"{STAGING_PREFIX}{os.urandom(6).hex()}"
    try:
        (staging / "new").mkdir(parents=True)
        for name, data in files.items():
            path = staging / "new" / name
            with path.open("wb") as stream:  # an ordinary new file's mode, readable by colleagues as the umask says
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        _fsync_dir(staging / "new")
        journal = staging / f"{JOURNAL}.tmp"
        journal.write_text("\n".join(files), "utf-8")
        with _signals_held():
            os.replace(journal, staging / JOURNAL)  # the commit point
            _fsync_dir(staging)
            _move_in(out_dir, staging, list(files))
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        # Before the commit point nothing was touched; after it, _move_in has put every old file back.
        shutil.rmtree(staging, ignore_errors=True)
        raise


def replace_file(path: Path, data: bytes) -> Path:
    """Replace one existing file's content atomically, keeping a symlink a symlink and the file's mode.

    The edit lands on the link's target (so a contract.yaml kept elsewhere and linked stays linked),
    in a temp file beside it that is renamed over it only when completely written.
    """
    target = path.resolve()
    try:
        mode = target.stat().st_mode & 0o7777
        if not os.access(target.parent, os.W_OK) or not os.access(target, os.W_OK):
            raise PermissionError(13, "没有写权限")
        import tempfile  # only replace_file needs it

        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise GenError(f"无法写入 {path}：{exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except OSError as exc:
        raise GenError(f"写入 {path} 失败：{exc.strerror or exc}") from None
    finally:
        Path(temp).unlink(missing_ok=True)
    return path
