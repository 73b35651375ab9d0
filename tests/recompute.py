"""Independent recomputation of the report and assessment figures from raw CSV rows (tests only).

Written without the generator's code, following appendix 1 and the defaults contract.yaml records.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path


def rows(path: Path) -> list[dict[str, str]]:
    """All rows of a UTF-8 CSV export as dicts."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def counts(folder: Path) -> dict[str, int]:
    """Numerators and denominators of the four rates for one month folder."""
    calls, tickets = rows(folder / "calls.csv"), rows(folder / "tickets.csv")
    wants = [c for c in calls if c["请求人工"] == "是"]
    consult = [t for t in tickets if t["诉求类型"] == "咨询"]
    closed = [t for t in tickets if t["办结时间"]]

    def on_time(t: dict[str, str]) -> bool:
        if not t["回访时间"]:
            return False
        done, back = datetime.fromisoformat(t["办结时间"]), datetime.fromisoformat(t["回访时间"])
        return done <= back <= done + timedelta(hours=24)

    rated = [t for t in tickets if t["满意度"] in ("满意", "基本满意", "不满意")]
    return {
        "calls": len(calls), "tickets": len(tickets),
        "answered": sum(c["人工接通"] == "是" for c in wants), "wants": len(wants),
        "instant": sum(t["即时答复"] == "是" for t in consult), "consult": len(consult),
        "on_time": sum(on_time(t) for t in closed), "closed": len(closed),
        "satisfied": sum(t["满意度"] in ("满意", "基本满意") for t in rated), "rated": len(rated),
    }


def rates(c: dict[str, int]) -> dict[str, Fraction]:
    """The four rates from (summed) counts."""
    return {
        "接通率": Fraction(c["answered"], c["wants"]), "咨询类即时答复率": Fraction(c["instant"], c["consult"]),
        "按时回访率": Fraction(c["on_time"], c["closed"]), "满意率": Fraction(c["satisfied"], c["rated"]),
    }


def month_extra(folder: Path) -> dict[str, object]:
    """month.yaml as written by the sample generator (flat keys, two inline mappings)."""
    values: dict[str, object] = {}
    for line in (folder / "month.yaml").read_text("utf-8").splitlines():
        key, _, value = line.partition(": ")
        inner = dict(re.findall(r"([^\s{,]+): (\d+)", value)) if value.startswith("{") else None
        values[key] = {k: int(v) for k, v in inner.items()} if inner else Fraction(value)
    return values


def cents(value: Fraction) -> Decimal:
    """Half-up to 0.01."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def points(r: dict[str, Fraction], extras: list[dict[str, object]]) -> list[Decimal]:
    """The twelve indicators' points for one or more months (events summed, spot checks and ranks averaged)."""
    def total(key: str, sub: str | None = None) -> Fraction:
        return sum((Fraction(e[key][sub]) if sub else Fraction(e[key]) for e in extras), Fraction(0))  # type: ignore[index]

    def linear(rate: Fraction, target: int) -> Fraction:
        return min(max(10 + (rate * 100 - target), Fraction(0)), Fraction(10))

    n = len(extras)
    rank = total("全省排名") / n
    return [
        cents(linear(r["接通率"], 95)),
        cents(total("抽检达标率") / n * 10),
        cents(linear(r["咨询类即时答复率"], 50)),
        cents(linear(r["按时回访率"], 100)),
        cents(linear(r["满意率"], 95)),
        cents(max(Fraction(0), 10 - total("有理由投诉", "一般") - 2 * total("有理由投诉", "严重"))),
        cents(max(Fraction(0), 10 - total("人员空缺人月"))),
        cents(max(Fraction(0), 10 - Fraction(1, 2) * total("报告缺交"))),
        cents(max(Fraction(0), 10 - total("突发事件扣分"))),
        cents(max(Fraction(0), 10 - total("运维扣分"))),
        cents(min(Fraction(5), Fraction(1, 2) * total("表扬", "来电来信") + total("表扬", "锦旗"))),
        cents(-min(max(rank - 5, Fraction(0)), Fraction(14))),
    ]
