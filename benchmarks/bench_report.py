"""A province-wide month: `gen report` on --scale 30 sample data (about 250,000 calls, 200,000 tickets).

    python benchmarks/bench_report.py [--keep DIR]

Prints the wall time and peak memory of `gen report` (a fresh process), and the time of a
straightforward pandas script doing the same aggregation as a reference (pip install '.[bench]').
Targets: at most 10 s and under 1 GB on the 2-core machine. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MONTH = "2024-05"
PANDAS_REFERENCE = r"""
import sys, time
import pandas as pd
folder = sys.argv[1]
started = time.perf_counter()
calls = pd.read_csv(f"{folder}/calls.csv", encoding="utf-8-sig")
tickets = pd.read_csv(f"{folder}/tickets.csv", encoding="utf-8-sig",
                      parse_dates=["受理时间", "办结时间", "回访时间"])
wants = calls[calls["请求人工"] == "是"]
answer_rate = (wants["人工接通"] == "是").mean()
consult = tickets[tickets["诉求类型"] == "咨询"]
instant = (consult["即时答复"] == "是").mean()
closed = tickets[tickets["办结时间"].notna()]
delay = closed["回访时间"] - closed["办结时间"]
on_time = ((delay >= pd.Timedelta(0)) & (delay <= pd.Timedelta(hours=24))).mean()
rated = tickets[tickets["满意度"].isin(["满意", "基本满意", "不满意"])]
satisfied = rated["满意度"].isin(["满意", "基本满意"]).mean()
by_type = tickets["诉求类型"].value_counts()
by_category = tickets["诉求分类"].value_counts().head(10)
by_town = tickets["所属乡镇"].value_counts()
by_unit = tickets.groupby("承办单位").agg(n=("工单编号", "size"), closed=("办结时间", "count"))
daily = pd.to_datetime(calls["来电时间"]).dt.date.value_counts()
print(f"{time.perf_counter() - started:.2f}")
"""


def _run(command: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main() -> None:
    """Generate the data once, then measure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the generated data in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data = args.keep or Path(scratch) / "data"
        if not (data / MONTH).is_dir():
            print("generating --scale 30 sample data ...", flush=True)
            subprocess.run([sys.executable, "-m", "generator.cli", "sample-data", "--month", MONTH, "--scale", "30",
                            "--out", str(data)], check=True, capture_output=True)
        calls = sum(1 for _ in (data / MONTH / "calls.csv").open(encoding="utf-8-sig")) - 1
        tickets = sum(1 for _ in (data / MONTH / "tickets.csv").open(encoding="utf-8-sig")) - 1
        print(f"rows              : {calls} calls, {tickets} ticket lines")
        wall, peak = _run([sys.executable, "-m", "generator.cli", "report", "--month", MONTH, "--data", str(data),
                           "--out", str(Path(scratch) / "out")])
        print(f"gen report        : {wall:.2f} s wall, peak RSS {peak:.0f} MB (targets: <= 10 s, < 1024 MB)")
        try:
            result = subprocess.run([sys.executable, "-c", PANDAS_REFERENCE, str(data / MONTH)], check=True,
                                    capture_output=True, text=True)
            print(f"pandas reference  : {float(result.stdout.strip()):.2f} s for the aggregation alone (read + group)")
        except subprocess.CalledProcessError as exc:
            print(f"pandas reference  : not run ({exc.stderr.strip().splitlines()[-1]}); pip install '.[bench]'")


if __name__ == "__main__":
    main()
