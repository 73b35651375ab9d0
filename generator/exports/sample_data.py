"""Deterministic, realistic sample exports for Lingshui: the same seed always gives the same files.

About 90,000 calls a year (× ``scale``), with a seasonal curve (Spring Festival and summer tourism),
weekday and hour-of-day patterns, the county's 14 towns, townships and state farms, plausible
categories and handling units, and names, phone numbers, ID numbers and house numbers in the free
text so that the report's masking is exercised.
"""

from __future__ import annotations

import calendar
import csv
import io
import random
from datetime import date, datetime, timedelta
from pathlib import Path

ANNUAL_CALLS = 90_000
SEASON = (1.18, 1.22, 0.95, 0.90, 0.93, 0.98, 1.08, 1.10, 0.92, 1.02, 0.86, 0.86)
WEEKDAY = (1.12, 1.05, 1.0, 1.0, 0.98, 0.85, 0.80)
HOURS = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 3.0, 4.6, 4.8, 4.2, 2.6, 2.4, 3.6, 4.4, 4.3, 3.7, 2.2, 1.9, 1.7, 1.3, 0.8, 0.4)
TOWNS = (("椰林镇", 26), ("光坡镇", 7), ("三才镇", 6), ("英州镇", 9), ("隆广镇", 6), ("文罗镇", 5), ("本号镇", 7),
         ("新村镇", 9), ("黎安镇", 6), ("提蒙乡", 3), ("群英乡", 3), ("国营岭门农场", 2), ("国营南平农场", 2),
         ("国营吊罗山林业公司", 1))
PLACES = ("分界洲岛", "南湾猴岛", "香水湾", "吊罗山国家森林公园", "清水湾", "椰林镇中心市场", "陵水汽车站", "县人民医院")
CATEGORIES = (
    ("城乡建设", "县住房和城乡建设局", 11), ("市场监管", "县市场监督管理局", 10), ("交通运输", "县交通运输局", 8),
    ("社会治安", "县公安局", 7), ("劳动保障", "县人力资源和社会保障局", 8), ("教育", "县教育局", 6),
    ("医疗卫生", "县卫生健康委员会", 6), ("旅游服务", "县旅游和文化广电体育局", 7), ("生态环境", "县生态环境局", 5),
    ("供水", "县水务有限公司", 5), ("供电", "陵水供电局", 5), ("物业管理", "县住房和城乡建设局", 4),
    ("消费维权", "县市场监督管理局", 6), ("户籍证照", "县公安局", 3), ("社会保险", "县社会保险服务中心", 4),
    ("农业农村", "县农业农村局", 3), ("自然资源", "县自然资源和规划局", 3), ("城市管理", "县综合行政执法局", 6),
)
TYPES = (("咨询", 45), ("求助", 15), ("投诉", 21), ("建议", 6), ("举报", 5), ("表扬", 2), ("其他", 6))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾符吉羊卓欧阳"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国海燕文亮玉梅志强春花"
STREETS = ("建设路", "新华路", "椰林北路", "中山路", "滨河路", "环城路", "振兴路", "文化路")
TEMPLATES = (
    "市民{name}（电话{phone}）反映：{town}{street}{house}号附近{issue}，希望相关部门尽快处理。",
    "来电人{name}称，其在{place}游玩时{issue}，联系电话{phone}，要求核实处理。",
    "{name}来电反映{town}{street}{house}号{building}栋{room}室{issue}，身份证号{idno}，请求协调。",
    "来电人咨询{topic}的办理流程和所需材料，来电号码{phone}。",
    "业主{name}反映{town}某小区{building}栋{issue}，多次协调未果，联系人：{name}，座机0898-8{landline}。",
)
ISSUES = {
    "城乡建设": "道路施工围挡占道、夜间施工噪音扰民", "市场监管": "商家短斤少两、明码标价不规范",
    "交通运输": "公交班次减少、出租车拒载", "社会治安": "夜间有人聚集喧哗", "劳动保障": "工资被拖欠三个月",
    "教育": "学校收费不透明", "医疗卫生": "就医排队时间长、挂号难", "旅游服务": "景区门票价格与宣传不符",
    "生态环境": "河道有异味、垃圾未及时清运", "供水": "小区停水未提前通知", "供电": "频繁停电影响生产",
    "物业管理": "物业费上涨未公示", "消费维权": "预付卡商家跑路无法退费", "户籍证照": "户口迁移手续复杂",
    "社会保险": "医保报销进度慢", "农业农村": "槟榔收购价格异常", "自然资源": "宅基地审批进度慢",
    "城市管理": "占道经营、流动摊贩堵塞道路",
}
CALL_HEADER = ("呼叫编号", "来电时间", "主叫号码", "请求人工", "人工接通", "等待时长(秒)", "通话时长(秒)", "坐席工号")
TICKET_HEADER = ("工单编号", "受理时间", "来电号码", "诉求人", "诉求类型", "诉求分类", "所属乡镇", "诉求内容", "承办单位",
                 "即时答复", "办结时间", "回访时间", "满意度", "保密")


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _name(rng: random.Random) -> str:
    surname = "欧阳" if rng.random() < 0.02 else rng.choice(SURNAMES[:-2])
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _id_number(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
    body = f"469028{born:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    return body + "10X98765432"[total % 11]


def _stamp(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def month_calls(year: int, month: int, scale: float) -> int:
    """How many calls the sample month gets."""
    return round(ANNUAL_CALLS * scale * SEASON[month - 1] / sum(SEASON))


def _times(rng: random.Random, year: int, month: int, count: int) -> list[datetime]:
    days = calendar.monthrange(year, month)[1]
    day_weights = [WEEKDAY[date(year, month, d).weekday()] for d in range(1, days + 1)]
    chosen_days = rng.choices(range(1, days + 1), day_weights, k=count)
    chosen_hours = rng.choices(range(24), HOURS, k=count)
    return sorted(datetime(year, month, d, h, rng.randrange(60), rng.randrange(60))
                  for d, h in zip(chosen_days, chosen_hours, strict=True))


def _content(rng: random.Random, category: str, town: str, name: str, phone: str) -> str:
    template = rng.choice(TEMPLATES)
    return template.format(
        name=name, phone=phone, town=town, street=rng.choice(STREETS), house=rng.randrange(1, 300),
        building=rng.randrange(1, 30), room=rng.randrange(101, 2999), place=rng.choice(PLACES),
        issue=ISSUES[category], idno=_id_number(rng), topic=category, landline=f"{rng.randrange(10**6):06d}",
    )


def _ticket_row(rng: random.Random, year: int, month: int, number: int, when: datetime, phone: str,
                categories: list[tuple[str, int]], units: dict[str, str]) -> tuple[object, ...]:
    kind = _pick(rng, TYPES)
    category = _pick(rng, categories)
    town = _pick(rng, TOWNS)
    name = _name(rng)
    instant = rng.random() < (0.62 if kind == "咨询" else 0.04)
    closed = when + (timedelta(minutes=rng.randrange(3, 15)) if instant else timedelta(hours=rng.randrange(2, 240)))
    closed_at = closed if rng.random() < 0.93 else None
    revisited = None
    if closed_at and rng.random() < 0.96:
        late = rng.random() > 0.9
        revisited = closed_at + timedelta(hours=rng.randrange(25, 72) if late else rng.randrange(1, 23),
                                          minutes=rng.randrange(60))
    satisfaction = "未评价"
    if revisited:
        satisfaction = rng.choices(("满意", "基本满意", "不满意", "未评价"), (80, 12, 4, 4))[0]
    unit = units[category] if rng.random() < 0.85 else f"{town}人民政府"
    return (
        f"LS{year}{month:02d}{number:06d}", _stamp(when), phone, name, kind, category, town,
        _content(rng, category, town, name, phone), unit, "是" if instant else "否", _stamp(closed_at),
        _stamp(revisited), satisfaction, "是" if rng.random() < 0.03 else "否",
    )


def generate_month(year: int, month: int, seed: int, scale: float) -> dict[str, bytes]:
    """The three files of one month, as bytes."""
    rng = random.Random(f"{seed}-{year}-{month}")
    quality = rng.uniform(0.93, 0.985)
    calls_out, tickets_out = io.StringIO(), io.StringIO()
    calls_csv, tickets_csv = csv.writer(calls_out, lineterminator="\n"), csv.writer(tickets_out, lineterminator="\n")
    calls_csv.writerow(CALL_HEADER)
    tickets_csv.writerow(TICKET_HEADER)
    categories = [(c[0], c[2]) for c in CATEGORIES]
    units = {c[0]: c[1] for c in CATEGORIES}
    count = month_calls(year, month, scale)
    answered_times: list[tuple[datetime, str]] = []
    for number, when in enumerate(_times(rng, year, month, count), start=1):
        phone = _phone(rng)
        wants = rng.random() < 0.88
        answered = wants and rng.random() < quality
        wait = int(rng.expovariate(1 / 11)) if answered else (rng.randrange(15, 90) if wants else 0)
        talk = rng.randrange(40, 420) if answered else 0
        agent = f"LS{rng.randrange(1, 27):03d}" if answered else ""
        calls_csv.writerow((f"C{year}{month:02d}{number:07d}", _stamp(when), phone, "是" if wants else "否",
                            "是" if answered else "否", wait, talk, agent))
        if answered and rng.random() < 0.75:
            answered_times.append((when, phone))
    # Besides calls, 12345 accepts work orders from its website, app and mini-programs.
    online = [(when, _phone(rng)) for when in _times(rng, year, month, round(count * 0.17))]
    for ticket_no, (when, phone) in enumerate(sorted(answered_times + online), start=1):
        tickets_csv.writerow(_ticket_row(rng, year, month, ticket_no, when, phone, categories, units))
    extra = (
        f"抽检达标率: {rng.uniform(0.955, 1.0):.3f}\n"
        f"全省排名: {rng.choice((2, 3, 3, 4, 4, 5, 5, 6, 7, 8))}\n"
        f"有理由投诉: {{一般: {rng.choice((0, 0, 1, 1, 2))}, 严重: {1 if rng.random() < 0.05 else 0}}}\n"
        f"人员空缺人月: {1 if rng.random() < 0.15 else 0}\n"
        f"报告缺交: 0\n"
        f"突发事件扣分: 0\n"
        f"运维扣分: {1 if rng.random() < 0.08 else 0}\n"
        f"表扬: {{来电来信: {rng.randrange(0, 5)}, 锦旗: {1 if rng.random() < 0.25 else 0}}}\n"
        f"在岗人数: {rng.choice((24, 25, 26, 26, 27))}\n"
    )
    return {
        "calls.csv": ("\ufeff" + calls_out.getvalue()).encode("utf-8"),
        "tickets.csv": ("\ufeff" + tickets_out.getvalue()).encode("utf-8"),
        "month.yaml": extra.encode("utf-8"),
    }


def months_of(year: int, month: str | None) -> list[tuple[int, int]]:
    """The (year, month) pairs to generate: one month, or all twelve of ``year``."""
    if month:
        y, m = (int(part) for part in month.split("-"))
        return [(y, m)]
    return [(year, m) for m in range(1, 13)]


def write_sample(out_dir: Path, pairs: list[tuple[int, int]], seed: int, scale: float) -> list[Path]:
    """Generate and write each month's folder atomically; return the folders written."""
    from generator.output.batch import write_batch

    written = []
    for year, month in pairs:
        folder = out_dir / f"{year}-{month:02d}"
        write_batch(folder, generate_month(year, month, seed, scale))
        written.append(folder)
    return written
