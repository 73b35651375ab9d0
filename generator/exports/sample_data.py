"""Deterministic, realistic sample exports for a contract: the same seed always gives the same files.

Everything contract-specific comes from the contract year in force: the export columns and their
values (``exports``), the regions, places, categories and units (``sample``), the yearly call volume
(``project.annual_calls`` × ``scale``), the staffing floor, the ranking range and the month.yaml inputs
(``scoring.inputs``). What the generator knows is how 12345 exports look in general: a seasonal curve,
weekday and hour-of-day patterns, callers' personal details in the free text (which no report copies),
and the usual roles of the standard columns; a column it has no role for is filled with plausible values
of its type, so nothing a contract declares stays empty.
"""

from __future__ import annotations

import calendar
import csv
import io
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from generator.errors import GenError
from generator.rules.inputs import specs_of
from generator.rules.model import ContractYear

SEASON = (1.18, 1.22, 0.95, 0.90, 0.93, 0.98, 1.08, 1.10, 0.92, 1.02, 0.86, 0.86)
WEEKDAY = (1.12, 1.05, 1.0, 1.0, 0.98, 0.85, 0.80)
HOURS = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 3.0, 4.6, 4.8, 4.2, 2.6, 2.4, 3.6, 4.4, 4.3, 3.7, 2.2, 1.9, 1.7, 1.3, 0.8, 0.4)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾符吉羊卓"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国海燕文亮玉梅志春花"
STREETS = ("建设路", "新华路", "中山路", "滨河路", "环城路", "振兴路", "文化路", "人民路")
TEMPLATES = (
    "市民{name}（电话{phone}）反映：{region}{street}{house}号附近{issue}，希望相关部门尽快处理。",
    "来电人{name}称，其在{place}时{issue}，联系电话{phone}，要求核实处理。",
    "{name}来电反映{region}{street}{house}号{building}栋{room}室{issue}，身份证号{idno}，请求协调。",
    "来电人咨询{topic}的办理流程和所需材料，来电号码{phone}。",
    "业主{name}反映{region}某小区{building}栋{issue}，多次协调未果，联系人：{name}，座机{area}-8{landline}。",
)
EXTRA_CALL_COLUMNS = ("呼叫编号", "主叫号码", "坐席工号")
TYPE_WEIGHTS = {"咨询": 45, "求助": 15, "投诉": 21, "建议": 6, "举报": 5, "表扬": 2, "其他": 6}
SATISFACTION_WEIGHTS = {"满意": 80, "基本满意": 12, "不满意": 4, "未评价": 4}


def _stamp(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _pick(rng: random.Random, weighted: Mapping[str, int]) -> str:
    return rng.choices(list(weighted), list(weighted.values()))[0]


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _id_number(rng: random.Random, prefix: str) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
    body = f"{prefix}{born:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    return body + "10X98765432"[total % 11]


def month_calls(year: ContractYear, month: int, scale: float) -> int:
    """How many calls the sample month gets: the contract's yearly volume spread over the seasons."""
    return max(1, round(year.data["project"]["annual_calls"] * scale * SEASON[month - 1] / sum(SEASON)))


def _times(rng: random.Random, year: int, month: int, count: int) -> list[datetime]:
    days = calendar.monthrange(year, month)[1]
    day_weights = [WEEKDAY[date(year, month, d).weekday()] for d in range(1, days + 1)]
    chosen_days = rng.choices(range(1, days + 1), day_weights, k=count)
    chosen_hours = rng.choices(range(24), HOURS, k=count)
    return sorted(datetime(year, month, d, h, rng.randrange(60), rng.randrange(60))
                  for d, h in zip(chosen_days, chosen_hours, strict=True))


class _Month:
    """One sample month for one contract year."""

    def __init__(self, contract: ContractYear, year: int, month: int, seed: int, scale: float) -> None:
        self.contract, self.year, self.month, self.scale = contract, year, month, scale
        self.rng = random.Random(f"{seed}-{year}-{month}")
        self.sample = contract.data["sample"]
        self.exports = contract.data["exports"]
        breakdowns = contract.data["report"]["breakdowns"]
        self.region_field = breakdowns["region"]["field"] if isinstance(breakdowns["region"], Mapping) else "region"
        self.quality = self.rng.uniform(0.93, 0.985)
        self.serial = 0

    def value(self, field: Mapping[str, Any], fid: str) -> Any:
        """A plausible value for a column this generator has no special knowledge of (every declared column is
        filled, so a count or an indicator a contract newly declares on it has something to count)."""
        rng = self.rng
        kind = field["type"]
        self.serial += 1
        if kind == "flag":
            return "是" if rng.random() < 0.85 else "否"
        if kind == "choice":
            return rng.choice(field["values"])
        if kind in ("seconds", "number"):
            return rng.randrange(0, 600)
        if kind == "id":
            return f"{fid.upper()}{self.year}{self.month:02d}{self.serial:07d}"
        if kind == "label":
            return f"{field['name']}{rng.randrange(1, 6)}"
        if kind == "person":
            return _name(rng)
        if kind == "personal":
            return _phone(rng)
        if kind == "time":
            return None  # placed between the row's other times (see ``row``)
        return f"{field['name']}（示例）{rng.randrange(1000)}"

    def row(self, fields: Mapping[str, Any], known: Mapping[str, Any]) -> list[Any]:
        """A row of every declared column: the known values, the others made up; a time column the generator
        does not know lies between the row's times before and after it (declared in the order a record
        moves through them), sometimes empty when the column may be."""
        values = {f: known[f] if f in known else self.value(spec, f) for f, spec in fields.items()}
        times = [f for f, spec in fields.items() if spec["type"] == "time"]
        for index, fid in enumerate(times):
            if values[fid] is not None:
                continue
            before = next((values[f] for f in reversed(times[:index]) if values[f]), "")
            after = next((values[f] for f in times[index + 1:] if values[f]), "")
            if not before or (fields[fid].get("optional") and self.rng.random() < 0.08):
                values[fid] = ""
                continue
            start = datetime.fromisoformat(before)
            end = datetime.fromisoformat(after) if after else start + timedelta(hours=self.rng.randrange(1, 72))
            values[fid] = _stamp(start + (end - start) * self.rng.random())
        return list(values.values())

    def calls(self) -> tuple[list[str], list[list[Any]], list[tuple[datetime, str]]]:
        fields = self.exports["calls"]["fields"]
        rows, answered_times = [], []
        # Platforms export more columns than a contract counts on; they come along and are left unread.
        extra = [name for name in EXTRA_CALL_COLUMNS if name not in {f["name"] for f in fields.values()}]
        for number, when in enumerate(_times(self.rng, self.year, self.month,
                                             month_calls(self.contract, self.month, self.scale)), start=1):
            rng = self.rng
            phone = _phone(rng)
            wants = rng.random() < 0.88
            answered = wants and rng.random() < self.quality
            known: dict[str, Any] = {
                "time": _stamp(when), "wants_agent": "是" if wants else "否", "answered": "是" if answered else "否",
                "wait_seconds": int(rng.expovariate(1 / 11)) if answered else (rng.randrange(15, 90) if wants else 0),
                "talk_seconds": rng.randrange(40, 420) if answered else 0, "caller": phone,
            }
            row = self.row(fields, known)
            extras = {"呼叫编号": f"C{self.year}{self.month:02d}{number:07d}", "主叫号码": phone,
                      "坐席工号": f"A{rng.randrange(1, 40):03d}" if answered else ""}
            rows.append([extras[name] for name in extra[:1]] + row + [extras[name] for name in extra[1:]])
            if answered and rng.random() < 0.75:
                answered_times.append((when, phone))
        header = [spec["name"] for spec in fields.values()]
        return extra[:1] + header + extra[1:], rows, answered_times

    def tickets(self, answered: list[tuple[datetime, str]]) -> tuple[list[str], list[list[Any]]]:
        fields = self.exports["tickets"]["fields"]
        # Besides calls, 12345 accepts work orders from its website, app and mini-programs.
        online = [(when, _phone(self.rng)) for when in _times(self.rng, self.year, self.month, round(len(answered) * 0.23))]
        rows = []
        for number, (when, phone) in enumerate(sorted(answered + online), start=1):
            rows.append(self.row(fields, self.ticket(number, when, phone, fields)))
        return [spec["name"] for spec in fields.values()], rows

    def ticket(self, number: int, when: datetime, phone: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        rng, sample = self.rng, self.sample
        types = fields.get("type", {}).get("values", list(TYPE_WEIGHTS))
        kind = _pick(rng, {t: TYPE_WEIGHTS.get(t, 5) for t in types})
        category = _pick(rng, {c: v["weight"] for c, v in sample["categories"].items()})
        region = _pick(rng, sample["regions"])
        name = _name(rng)
        instant = rng.random() < (0.62 if kind == types[0] else 0.04)
        closed = when + (timedelta(minutes=rng.randrange(3, 15)) if instant else timedelta(hours=rng.randrange(2, 240)))
        closed_at = closed if rng.random() < 0.93 else None
        revisited = None
        if closed_at and rng.random() < 0.96:
            late = rng.random() > 0.9
            revisited = closed_at + timedelta(hours=rng.randrange(25, 96) if late else rng.randrange(1, 23),
                                              minutes=rng.randrange(60))
        answers = fields.get("satisfaction", {}).get("values", list(SATISFACTION_WEIGHTS))
        empty = fields.get("satisfaction", {}).get("empty", answers[-1])
        satisfaction = _pick(rng, {a: SATISFACTION_WEIGHTS.get(a, 4) for a in answers}) if revisited else empty
        unit = sample["categories"][category]["unit"] if rng.random() < 0.85 else f"{region}人民政府"
        content = rng.choice(TEMPLATES).format(
            name=name, phone=phone, region=region, street=rng.choice(STREETS), house=rng.randrange(1, 300),
            building=rng.randrange(1, 30), room=rng.randrange(101, 2999), place=rng.choice(sample["places"]),
            issue=sample["categories"][category]["issue"], idno=_id_number(rng, sample["id_prefix"]), topic=category,
            area=sample["area_code"], landline=f"{rng.randrange(10**6):06d}")
        return {
            "id": f"GD{self.year}{self.month:02d}{number:06d}", "accepted": _stamp(when), "phone": phone, "name": name,
            "type": kind, "category": category, self.region_field: region, "content": content, "unit": unit,
            "instant": "是" if instant else "否", "closed": _stamp(closed_at), "revisited": _stamp(revisited),
            "satisfaction": satisfaction, "confidential": "是" if rng.random() < 0.03 else "否",
        }

    def inputs(self) -> str:
        """month.yaml: a plausible value for every input the year declares."""
        rng, sample = self.rng, self.sample
        minimum = self.contract.data["terms"]["staffing"]["minimum"]
        staff = self.contract.data["report"]["staff_input"]
        makers: dict[str, Callable[[Any], str]] = {
            "rate": lambda s: f"{rng.uniform(*(float(v) for v in sample.get('spot_check', (0.9, 1.0)))):.3f}",
            "rank": lambda s: str(rng.randint(*sample.get("ranks", (self.contract.rank_best, self.contract.rank_worst)))),
            "count": lambda s: str(rng.choice((minimum - 1, minimum, minimum + 1, minimum + 1, minimum + 2)))
            if s.name == staff else str(1 if rng.random() < 0.15 else 0),
            "points": lambda s: str(1 if rng.random() < 0.08 else 0),
            "events": lambda s: "{" + ", ".join(f"{t}: {rng.choice((0, 0, 1, 2)) if i == 0 else (1 if rng.random() < 0.1 else 0)}"
                                                 for i, t in enumerate(s.types)) + "}",
        }
        lines = [f"{name}: {makers[spec.kind](spec)}" for name, spec in specs_of(self.contract.data["scoring"]).items()
                 if spec.entered]
        return "\n".join(lines) + "\n"


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def generate_month(contract: ContractYear, year: int, month: int, seed: int, scale: float) -> dict[str, bytes]:
    """The three files of one month, as bytes."""
    sample = _Month(contract, year, month, seed, scale)
    call_header, call_rows, answered = sample.calls()
    ticket_header, ticket_rows = sample.tickets(answered)
    return {"calls.csv": _csv(call_header, call_rows), "tickets.csv": _csv(ticket_header, ticket_rows),
            "month.yaml": sample.inputs().encode("utf-8")}


def sample_months(out_dir: Path, pairs: list[tuple[int, int]], seed: int, scale: float,
                  year_of: Callable[[str], ContractYear], force: bool = False) -> Iterator[tuple[Path, dict[str, bytes]]]:
    """Each month's folder and its files, one month at a time (a large scale's month is big); refused before
    the first month when a folder already holds exports, unless ``force``."""
    if not force:
        taken = [out_dir / f"{y}-{m:02d}" for y, m in pairs
                 if any((out_dir / f"{y}-{m:02d}" / name).exists() for name in ("calls.csv", "calls.xlsx", "tickets.csv",
                                                                               "tickets.xlsx", "month.yaml"))]
        if taken:
            raise GenError(f"{taken[0]} 中已有数据文件：示例数据不会覆盖真实导出。确需覆盖请加 --force，"
                           f"或用 --out 指定另一个目录（共 {len(taken)} 个月已有数据）")
    return ((out_dir / f"{year}-{month:02d}", generate_month(year_of(f"{year}-{month:02d}"), year, month, seed, scale))
            for year, month in pairs)
