"""All-or-nothing writes: a batch lands completely or not at all, with no temp files left behind."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from generator.errors import GenError

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_name(name: str) -> str:
    """Refuse any output name that could escape the folder or break on Windows."""
    stem = name.split(".")[0].lower()
    if not _SAFE_NAME.match(name) or stem in _RESERVED or ".." in name:
        raise GenError(f"输出文件名不安全：{name!r}")
    return name


def _file_mode() -> int:
    """The mode an ordinary new file gets (mkstemp would leave 0600, unreadable to colleagues)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_batch(out_dir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every file into ``out_dir`` atomically as a batch; return the final paths in order."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GenError(f"无法创建输出目录 {out_dir}：{exc.strerror or exc}") from None
    staged: list[tuple[Path, Path]] = []
    mode = _file_mode()
    try:
        for name, data in files.items():
            final = out_dir / safe_name(name)
            handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            staged.append((Path(temp), final))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, mode)
        _commit(staged)
    except OSError as exc:
        raise GenError(f"写入输出目录 {out_dir} 失败：{exc.strerror or exc}") from None
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return [final for _, final in staged]


def _commit(staged: list[tuple[Path, Path]]) -> None:
    """Move staged files into place; if any move fails, put every earlier file back as it was."""
    backups: list[tuple[Path, Path | None]] = []
    try:
        for temp, final in staged:
            backup = None
            if final.exists():
                handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent)
                os.close(handle)
                backup = Path(name)
                os.replace(final, backup)
            backups.append((final, backup))
            os.replace(temp, final)
    except OSError:
        for final, backup in reversed(backups):
            if backup is not None:
                os.replace(backup, final)
            else:
                final.unlink(missing_ok=True)
        raise
    for _, backup in backups:
        if backup is not None:
            backup.unlink(missing_ok=True)


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
