"""All-or-nothing output: kills injected at every step, signals, concurrent writers, and no debris."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.output.batch import LOCK_NAME, recover, write_batch

from conftest import ROOT

OLD = {"doc-1.docx": b"old 1", "doc-2.docx": b"old 2", "keep.txt": b"not ours"}
NEW = {f"doc-{i}.docx": f"new {i}".encode() * 200 for i in range(1, 6)}
# A child that writes NEW, killing itself (or signalling itself) at the k-th file-system call of the batch.
CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[4])
    import generator.output.batch as batch
    folder, target, how = Path(sys.argv[1]), int(sys.argv[2]), getattr(signal, sys.argv[3])
    real = {name: getattr(os, name) for name in ("replace", "link", "fsync", "unlink", "rmdir", "mkdir", "chmod")}
    calls = 0
    def wrap(name):
        def call(*args, **kwargs):
            global calls
            calls += 1
            if calls == target:
                os.kill(os.getpid(), how)
            return real[name](*args, **kwargs)
        return call
    for name in real:
        setattr(os, name, wrap(name))
    batch.write_batch(folder, {f"doc-{i}.docx": f"new {i}".encode() * 200 for i in range(1, 6)})
""")


def _state(folder: Path) -> dict[str, bytes]:
    # The folder's lock file is its lock, not debris: it is the one file a batch may leave besides its own.
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != LOCK_NAME}


def _prepare(folder: Path) -> None:
    folder.mkdir()
    for name, data in OLD.items():
        (folder / name).write_bytes(data)


def _old_or_new(state: dict[str, bytes]) -> str:
    if state == OLD:
        return "old"
    assert state == {**OLD, **NEW}, sorted(state)  # every new file, the untouched one, nothing else
    return "new"


def _run_child(folder: Path, step: int, how: str) -> int:
    return subprocess.run([sys.executable, "-c", CHILD, str(folder), str(step), how, str(ROOT)],
                          capture_output=True, timeout=60).returncode


def test_kill_at_every_step_leaves_old_or_new_after_recovery(tmp_path: Path) -> None:
    outcomes = []
    for step in range(1, 200):
        folder = tmp_path / f"k{step}"
        _prepare(folder)
        code = _run_child(folder, step, "SIGKILL")
        recover(folder)  # what the next run does first
        outcomes.append(_old_or_new(_state(folder)))
        if code == 0:
            break
    else:
        pytest.fail("the batch never completed")
    # Early kills roll back, late ones roll forward: both outcomes are seen, nothing in between.
    assert outcomes[0] == "old" and outcomes[-1] == "new" and len(outcomes) > 10


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_signals_at_every_step_leave_old_or_new_without_recovery(tmp_path: Path, how: str) -> None:
    seen = set()
    for step in range(1, 200):
        folder = tmp_path / f"{how}{step}"
        _prepare(folder)
        code = _run_child(folder, step, how)
        seen.add(_old_or_new(_state(folder)))  # no recovery needed: the process cleaned up itself
        if code == 0:
            break
    assert seen == {"old", "new"}


def test_eight_concurrent_writers_are_serialised(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    _prepare(folder)
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        sys.path.insert(0, sys.argv[3])
        from generator.output.batch import write_batch
        run = sys.argv[2]
        write_batch(Path(sys.argv[1]), {f"doc-{i}.docx": f"{run}-{i}".encode() * 5000 for i in range(1, 9)})
    """)
    children = [subprocess.Popen([sys.executable, "-c", script, str(folder), f"run{n}", str(ROOT)],
                                 stderr=subprocess.PIPE) for n in range(8)]
    for child in children:
        child.communicate(timeout=120)
    assert [c.returncode for c in children] == [0] * 8
    state = _state(folder)
    assert set(state) == {"doc-1.docx", "doc-2.docx", *(f"doc-{i}.docx" for i in range(3, 9)), "keep.txt"}
    runs = {state[f"doc-{i}.docx"][:5] for i in range(1, 9)}
    assert len(runs) == 1  # every file from one and the same run


def test_a_failed_move_puts_every_old_file_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out"
    _prepare(folder)
    real = os.replace

    def failing(src: str | Path, dst: str | Path) -> None:
        if str(dst).endswith("doc-4.docx"):
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    from generator.errors import GenError

    with pytest.raises(GenError, match="No space left"):
        write_batch(folder, NEW)
    monkeypatch.undo()
    assert _state(folder) == OLD


def test_sigterm_during_a_real_command_leaves_no_debris(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gen"), "contract", "--year", "2024", "--contract",
                                str(ROOT / "contract.yaml"), "--out", str(out)], stderr=subprocess.PIPE)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    if out.exists():
        assert all(not p.name.startswith(".") or p.name == LOCK_NAME for p in out.iterdir())
