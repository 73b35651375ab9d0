"""Cold wall time of `gen contract --year 2025` against the import floor, each in a fresh process.

    python benchmarks/bench_contract.py [--runs 7]

The floor is a bare `python -c "import docx, jinja2, yaml, jsonschema, click"`; the target is at most
1.5x that floor. Prints the medians and the ratio. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def main() -> None:
    """Run both commands alternately and report medians."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    floor_cmd = [sys.executable, "-c", "import docx, jinja2, yaml, jsonschema, click"]
    with tempfile.TemporaryDirectory() as out:
        gen_cmd = [sys.executable, "-m", "generator.cli", "contract", "--year", "2025", "--out", out]
        _time(gen_cmd)  # warm the OS file cache and .pyc files once; every measured run is a new process
        floors, gens = [], []
        for _ in range(args.runs):
            floors.append(_time(floor_cmd))
            gens.append(_time(gen_cmd))
    floor, gen = statistics.median(floors), statistics.median(gens)
    print(f"import floor      : {floor:.3f} s (median of {args.runs})")
    print(f"gen contract 2025 : {gen:.3f} s (median of {args.runs}, writes contract + requirements)")
    print(f"ratio             : {gen / floor:.2f}x (target <= 1.50x)")


if __name__ == "__main__":
    main()
