"""The matplotlib peer of the native charts (benchmarks only): the PNG charts the report used to embed.

The PNG bytes are deterministic for a given matplotlib version (no timestamp in the metadata).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from functools import cache

from generator.errors import EnvironmentProblem

DPI = 300
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC")
COLORS = ("#1F4E79", "#C00000", "#7F7F7F", "#2E75B6", "#ED7D31")


@cache
def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    installed = {font.name for font in font_manager.fontManager.ttflist}
    family = next((name for name in CJK_FAMILIES if name in installed), None)
    if family is None:
        raise EnvironmentProblem(
            "没有可用的中文字体，图表中的中文无法显示。请运行 bash scripts/setup.sh，"
            "或安装字体：sudo apt-get install fonts-noto-cjk，然后重试。"
        )
    plt.rcParams.update({
        "font.family": family, "font.size": 9, "axes.unicode_minus": False, "svg.hashsalt": "hcg",
        "axes.spines.top": False, "axes.spines.right": False,
    })
    return plt


def _png(figure) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    _pyplot().close(figure)
    return buffer.getvalue()


def _figure(height: float = 2.8):  # type: ignore[no-untyped-def]
    return _pyplot().subplots(figsize=(6.0, height))


def daily_calls(days: Sequence[str], counts: Sequence[int], title: str) -> bytes:
    """Bar chart of calls per day."""
    figure, axes = _figure()
    labels = [d[-2:].lstrip("0") for d in days]
    axes.bar(labels, counts, color=COLORS[0])
    axes.set_title(title)
    axes.set_xlabel("日")
    axes.set_ylabel("来电量（通）")
    axes.tick_params(axis="x", labelsize=7)
    return _png(figure)


def horizontal_bars(labels: Sequence[str], counts: Sequence[int], title: str, unit: str = "件") -> bytes:
    """Ranked horizontal bars with the count at the end of each bar."""
    figure, axes = _figure(max(2.2, 0.28 * len(labels) + 0.8))
    positions = range(len(labels))[::-1]
    bars = axes.barh(list(positions), counts, color=COLORS[3])
    axes.set_yticks(list(positions), labels)
    axes.bar_label(bars, [f"{c}{unit}" for c in counts], padding=2, fontsize=7)
    axes.set_title(title)
    axes.margins(x=0.15)
    return _png(figure)


def kpi_against_target(names: Sequence[str], actual: Sequence[Decimal | None], target: Sequence[Decimal]) -> bytes:
    """Each rate beside its target, in percent."""
    figure, axes = _figure()
    xs = range(len(names))
    values = [float(a * 100) if a is not None else 0.0 for a in actual]
    axes.bar([x - 0.2 for x in xs], values, width=0.4, label="实际", color=COLORS[0])
    axes.bar([x + 0.2 for x in xs], [float(t) for t in target], width=0.4, label="指标值", color=COLORS[2])
    for x, value in zip(xs, values, strict=True):
        axes.annotate(f"{value:.2f}%", (x - 0.2, value), ha="center", va="bottom", fontsize=7)
    axes.set_xticks(list(xs), names)
    axes.set_ylim(0, 110)
    axes.set_ylabel("%")
    axes.set_title("主要运行指标与考核指标值")
    axes.legend(loc="lower right", fontsize=8)
    return _png(figure)


def trend(months: Sequence[str], calls: Sequence[int], rates: Sequence[Decimal | None]) -> bytes:
    """Monthly call volume (bars) with the answer rate (line) on a second axis."""
    figure, axes = _figure()
    labels = [f"{int(m[-2:])}月" for m in months]
    axes.bar(labels, calls, color=COLORS[3], label="来电量")
    axes.set_ylabel("来电量（通）")
    second = axes.twinx()
    second.plot(labels, [float(r * 100) if r is not None else None for r in rates], color=COLORS[1], marker="o",
                label="接通率")
    second.set_ylabel("接通率（%）")
    second.set_ylim(80, 100)
    second.spines["right"].set_visible(True)
    axes.set_title("近期月度来电量与接通率")
    return _png(figure)
