"""Benchmarks: `gen` against the tools a user would pick instead, each pair run alternately in one run.

    pip install -e '.[bench]'                    # pandas, DuckDB, docxtpl, matplotlib (polars is a dependency)
    python benchmarks/run.py                     # every suite
    python benchmarks/run.py targets             # the four figures issue 19 sets targets for, with verdicts
    python benchmarks/run.py report --scales 1 10 30 100
    python benchmarks/run.py contract validate --runs 15

Suites (each prints medians of wall time and peak memory, and the median of the pairwise ratios A/B,
which holds when a shared machine's speed drifts; quote ratios, not lone times):

  contract   gen contract --year 2025 with an empty cache, against the import floor of the declared
             libraries `python -c "import click, yaml, jinja2.sandbox, jsonschema"` and against docxtpl
             rendering a seed-sized contract (peers/docxtpl_contract.py)
  validate   gen validate with an empty cache, against the same import floor
  report     gen report on one month never read before at each --scales, against pandas, polars and
             DuckDB doing the month's aggregation (peers/aggregate_*.py); the peers' counts are checked
             against gen's first, so every side really did the same work
  normal     the normal case at scale 30: May's report with January–April present (and already read
             once, as they were for their own reports), against pandas on May alone
  all        gen all --year 2024 at scale 10 (twelve months, none read before) against pandas
             aggregating the same twelve months in one process (the target's peer), and against
             twelve runs of the one-month pandas peer
  charts     the report's five charts as native Word charts against matplotlib PNGs (300 dpi)
  growth     time and memory of gen report against rows, at scales 10, 30 and 100: the per-row cost
             and the largest month done in 10 s and 1 GB
  targets    contract, validate, normal and all, each figure checked against its target (ratio and
             peak memory), a verdict printed for each

Data comes from `gen sample-data` into --work (default /tmp/hcg-bench) and is reused by later runs.
`gen` is the console script beside this Python (a wheel or editable install), run with bytecode
caching as a user's is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = Path(__file__).resolve().parent / "peers"
PY = sys.executable
GEN = str(Path(PY).parent / "gen")
MONTH = "2024-05"
FLOOR = "import click, yaml, jinja2.sandbox, jsonschema"  # the declared libraries a first run needs
Command = Callable[[int], tuple[list[str], dict[str, str]]]  # run index -> argv, extra environment


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "HCG_NO_CACHE")}
    return {**env, **extra}


def measure(argv: Sequence[str], extra: dict[str, str] | None = None, cwd: Path = ROOT) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one whole process (the kernel's accounting via wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(list(argv), cwd=cwd, env=_env(extra or {}), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(argv)}\n{errors.decode('utf-8', 'replace')[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def pair(label: str, a: Command, b: Command, runs: int) -> dict[str, float]:
    """A and B alternately, one warm-up each; medians and the median of the per-pair ratios."""
    measure(*a(-1)), measure(*b(-1))
    times_a, times_b, peaks_a, peaks_b, ratios = [], [], [], [], []
    for run in range(runs):
        ta, ma = measure(*a(run))
        tb, mb = measure(*b(run))
        times_a.append(ta), times_b.append(tb), peaks_a.append(ma), peaks_b.append(mb), ratios.append(ta / tb)
    row = {"a_s": statistics.median(times_a), "b_s": statistics.median(times_b), "ratio": statistics.median(ratios),
           "a_mib": max(peaks_a), "b_mib": max(peaks_b)}
    print(f"{label:<58} {row['a_s']:8.3f} s {row['a_mib']:7.0f} MiB | {row['b_s']:8.3f} s {row['b_mib']:7.0f} MiB"
          f" | ratio {row['ratio']:5.2f}", flush=True)
    return row


def sample(work: Path, scale: float, months: Sequence[str]) -> Path:
    """``gen sample-data`` for the months at a scale, generated once into the work folder."""
    folder = work / f"scale-{scale:g}"
    for month in months:
        if not (folder / month / "tickets.csv").is_file():
            subprocess.run([GEN, "sample-data", "--month", month, "--scale", f"{scale:g}", "--out", str(folder),
                            "--contract", str(ROOT / "contract.yaml")], check=True, cwd=ROOT, env=_env({}),
                           stdout=subprocess.DEVNULL)
    return folder


def only(folder: Path, months: Sequence[str], work: Path, name: str) -> Path:
    """A data folder holding just these months (links, no copies)."""
    target = work / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for month in months:
        (target / month).symlink_to(folder / month)
    return target


def fresh_cache(work: Path) -> Callable[[int], dict[str, str]]:
    """An empty cache folder for every run."""
    def make(run: int) -> dict[str, str]:
        path = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
        return {"HCG_CACHE_DIR": str(path)}
    return make


def copied_cache(work: Path, source: Path) -> Callable[[int], dict[str, str]]:
    """A copy of a prepared cache folder for every run (what was read before, and nothing else)."""
    def make(run: int) -> dict[str, str]:
        path = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
        shutil.copytree(source, path, dirs_exist_ok=True)
        return {"HCG_CACHE_DIR": str(path)}
    return make


# -- suites -----------------------------------------------------------------------------------------


def _floor(run: int) -> tuple[list[str], dict[str, str]]:
    return [PY, "-c", FLOOR], {}


def suite_contract(work: Path, runs: int) -> dict[str, dict[str, float]]:
    gen = [GEN, "contract", "--year", "2025", "--contract", str(ROOT / "contract.yaml"), "--out", str(work / "out")]
    cold = fresh_cache(work)
    rows = {"contract": pair("gen contract --year 2025, empty cache / import floor", lambda run: (gen, cold(run)),
                             _floor, runs)}
    template = work / "docxtpl-template.docx"
    if not template.exists():
        subprocess.run([PY, str(PEERS / "docxtpl_contract.py"), "make", str(template)], check=True)
    docxtpl: Command = lambda run: ([PY, str(PEERS / "docxtpl_contract.py"), "render", str(template),  # noqa: E731
                                     str(work / "docxtpl-out.docx")], {})
    pair("gen contract --year 2025, empty cache / docxtpl", lambda run: (gen, cold(run)), docxtpl, runs)
    return rows


def suite_validate(work: Path, runs: int) -> dict[str, dict[str, float]]:
    gen = [GEN, "validate", "--contract", str(ROOT / "contract.yaml")]
    cold = fresh_cache(work)
    return {"validate": pair("gen validate, empty cache / import floor", lambda run: (gen, cold(run)), _floor, runs)}


def _check_peers(month_dir: Path, report_json: Path) -> None:
    figures = json.loads(report_json.read_text("utf-8"))["data"]["figures"]
    gen = {"calls": figures["calls"]["rows"], "tickets": figures["tickets"]["rows"],
           **figures["calls"]["counts"], **figures["tickets"]["counts"]}
    for peer in ("pandas", "polars", "duckdb"):
        done = subprocess.run([PY, str(PEERS / f"aggregate_{peer}.py"), str(month_dir)], check=True, capture_output=True,
                              text=True)
        theirs = json.loads(done.stdout)
        differ = {k: (v, theirs.get(k)) for k, v in gen.items() if theirs.get(k) != v}
        assert not differ, f"{peer} counts differ from gen's: {differ}"


def suite_report(work: Path, runs: int, scales: Sequence[float]) -> None:
    for scale in scales:
        _report_at(work, runs, scale)


def _report_at(work: Path, runs: int, scale: float) -> None:
    data = only(sample(work, scale, [MONTH]), [MONTH], work, f"may-{scale:g}")
    out = work / f"report-{scale:g}"
    gen = [GEN, "report", "--month", MONTH, "--data", str(data), "--contract", str(ROOT / "contract.yaml"),
           "--out", str(out)]
    measure(gen, fresh_cache(work)(0))
    _check_peers(data / MONTH, out / f"report-{MONTH}.json")
    new_month = fresh_cache(work)
    for peer in ("pandas", "polars", "duckdb"):
        script = [PY, str(PEERS / f"aggregate_{peer}.py"), str(data / MONTH)]
        pair(f"gen report, scale {scale:g}, month not read before / {peer}", lambda run: (gen, new_month(run)),
             lambda run, script=script: (script, {}), runs)


def suite_normal(work: Path, runs: int) -> dict[str, dict[str, float]]:
    months = [f"2024-{m:02d}" for m in range(1, 6)]
    folder = sample(work, 30, months)
    data = only(folder, months, work, "jan-may-30")
    before = work / "jan-apr-cache"
    # January to April read once, as their own monthly reports would have read them — by this very version
    # of the tool (a cache left by another version is rightly not used, which would measure something else).
    shutil.rmtree(before, ignore_errors=True)
    earlier = only(folder, months[:4], work, "jan-apr-30")
    subprocess.run([GEN, "report", "--month", "2024-04", "--data", str(earlier), "--contract", str(ROOT / "contract.yaml"),
                    "--out", str(work / "out")], check=True, env=_env({"HCG_CACHE_DIR": str(before)}),
                   stdout=subprocess.DEVNULL)
    gen = [GEN, "report", "--month", MONTH, "--data", str(data), "--contract", str(ROOT / "contract.yaml"),
           "--out", str(work / "out")]
    seen = copied_cache(work, before)
    row = pair("gen report --month 2024-05, Jan-Apr read before, scale 30 / pandas on May", lambda run: (gen, seen(run)),
               lambda run: ([PY, str(PEERS / "aggregate_pandas.py"), str(folder / MONTH)], {}), runs)
    return {"normal": row}


def suite_all(work: Path, runs: int) -> dict[str, dict[str, float]]:
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    folder = sample(work, 10, months)
    gen = [GEN, "all", "--year", "2024", "--data", str(folder), "--contract", str(ROOT / "contract.yaml"),
           "--out", str(work / "all-out")]
    peer = [PY, str(PEERS / "aggregate_pandas.py"), *(str(folder / m) for m in months)]
    cold = fresh_cache(work)
    row = pair("gen all --year 2024, scale 10, no month read before / pandas on the twelve months",
               lambda run: (gen, cold(run)), lambda run: (peer, {}), runs)
    # The same peer run once per month, as the report suite runs it (each run imports pandas again).
    one_by_one = ["sh", "-c", 'python="$1"; peer="$2"; shift 2; for month in "$@"; do "$python" "$peer" "$month"; done',
                  "sh", PY, str(PEERS / "aggregate_pandas.py"), *(str(folder / m) for m in months)]
    pair("gen all --year 2024, scale 10, no month read before / twelve pandas runs, one per month",
         lambda run: (gen, cold(run)), lambda run: (one_by_one, {}), runs)
    return {"all": row}


_NATIVE = """
from decimal import Decimal
from generator.documents.docx.charts_xml import ChartSpec, Series, chart_parts
days = tuple(str(d) for d in range(1, 32))
calls = tuple(7000 + 37 * d for d in range(31))
specs = [ChartSpec("5月每日来电量", days, (Series("来电量", calls),), legend=False),
         ChartSpec("近5个月来电量与接通率", ("1月", "2月", "3月", "4月", "5月"),
                   (Series("来电量", calls[:5]), Series("接通率", (Decimal("95.1"),) * 5, kind="line", secondary=True))),
         ChartSpec("诉求类型工单量", ("咨询", "投诉", "求助", "建议", "其他"), (Series("工单量", calls[:5]),), horizontal=True),
         ChartSpec("诉求分类（前10位）", tuple(f"分类{i}" for i in range(10)), (Series("工单量", calls[:10]),), horizontal=True),
         ChartSpec("主要运行指标与考核指标值", ("接通率", "回访率", "满意度"),
                   (Series("实际", (96, 87, 95)), Series("指标值", (95, 100, 95), kind="line")))]
parts = [chart_parts(spec, n + 1) for n, spec in enumerate(specs)]
"""

_MATPLOTLIB = """
import sys
sys.path.insert(0, sys.argv[1])
from decimal import Decimal
import matplotlib_charts as m
days = [f"{d}" for d in range(1, 32)]
calls = [7000 + 37 * d for d in range(31)]
pngs = [m.daily_calls(days, calls, "5月每日来电量"),
        m.trend(["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"], calls[:5], [Decimal("0.951")] * 5),
        m.horizontal_bars(["咨询", "投诉", "求助", "建议", "其他"], calls[:5], "诉求类型工单量"),
        m.horizontal_bars([f"分类{i}" for i in range(10)], calls[:10], "诉求分类（前10位）"),
        m.kpi_against_target(["接通率", "回访率", "满意度"], [Decimal(96), Decimal(87), Decimal(95)], [Decimal(95)] * 3)]
"""


def suite_charts(work: Path, runs: int) -> None:
    pair("five native Word charts (XML + embedded workbook) / five matplotlib PNGs",
         lambda run: ([PY, "-c", _NATIVE], {}), lambda run: ([PY, "-c", _MATPLOTLIB, str(PEERS)], {}), runs)


def suite_growth(work: Path, runs: int) -> None:
    points = []
    for scale in (10, 30, 100):
        data = only(sample(work, scale, [MONTH]), [MONTH], work, f"may-{scale:g}")
        rows = sum(sum(1 for _ in (data / MONTH / f"{t}.csv").open("rb")) - 1 for t in ("calls", "tickets"))
        gen = [GEN, "report", "--month", MONTH, "--data", str(data), "--contract", str(ROOT / "contract.yaml"),
               "--out", str(work / "out")]
        new_month = fresh_cache(work)
        samples = [measure(gen, new_month(run)) for run in range(runs)]
        wall, peak = statistics.median(s[0] for s in samples), max(s[1] for s in samples)
        points.append((rows, wall, peak))
        print(f"gen report, scale {scale:>3}: {rows:>9,} rows  {wall:7.3f} s  {peak:6.0f} MiB", flush=True)
    (r1, t1, m1), (r2, t2, m2) = points[0], points[-1]
    per_row_us, per_row_kib = (t2 - t1) / (r2 - r1) * 1e6, (m2 - m1) / (r2 - r1) * 1024
    fixed_s, fixed_mib = t1 - r1 * per_row_us / 1e6, m1 - r1 * per_row_kib / 1024
    by_time = (10 - fixed_s) / (per_row_us / 1e6)
    by_memory = (1024 - fixed_mib) / (per_row_kib / 1024) if per_row_kib > 0 else float("inf")
    print(f"per row: {per_row_us:.2f} µs, {per_row_kib:.3f} KiB; fixed: {fixed_s:.2f} s, {fixed_mib:.0f} MiB; "
          f"largest month in 10 s: {by_time:,.0f} rows; in 1 GB: {by_memory:,.0f} rows", flush=True)


SUITES = ("contract", "validate", "report", "normal", "all", "charts", "growth")
# Issue 19's targets: (suite, row) -> (largest ratio A/B, largest peak MiB of A or None).
TARGETS = {"contract": (2.5, None), "validate": (2.5, None), "normal": (1.0, 400), "all": (1.25, 600)}


def suite_targets(work: Path, runs: int) -> None:
    rows: dict[str, dict[str, float]] = {}
    for suite in ("contract", "validate", "normal", "all"):
        rows.update(globals()[f"suite_{suite}"](work, runs))
    print()
    for name, (ratio, peak) in TARGETS.items():
        row = rows[name]
        met = row["ratio"] <= ratio and (peak is None or row["a_mib"] < peak)
        limit = f"ratio <= {ratio}" + (f", peak < {peak} MiB" if peak else "")
        print(f"target {name:<9} {limit:<28} measured ratio {row['ratio']:5.2f}, peak {row['a_mib']:4.0f} MiB"
              f"  {'met' if met else 'MISSED'}", flush=True)


def main() -> None:
    """Run the chosen suites (all by default)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suites", nargs="*", choices=[*SUITES, "targets", []], default=[])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "hcg-bench")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 30, 100])
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{'A / B':<58} {'A median':>10} {'A peak':>11} | {'B median':>10} {'B peak':>11} | median of A/B")
    for suite in args.suites or SUITES:
        started = time.perf_counter()
        if suite == "report":
            suite_report(args.work, args.runs, args.scales)
        else:
            globals()[f"suite_{suite}"](args.work, args.runs)
        print(f"  ({suite}: {time.perf_counter() - started:.0f} s)", flush=True)
    for leftover in args.work.glob("cache-*"):
        shutil.rmtree(leftover, ignore_errors=True)


if __name__ == "__main__":
    main()
