"""The figures of one monthly report, from the month, its neighbours and the service year so far.

The month is counted by the contract year in force (the year whose term holds the service month);
neighbouring months by their own year's definitions. Every figure that rests on other months names
the months it used and those it lacked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from generator.analysis.periods import Period, count, input_spec, period, ratio, shift
from generator.errors import InputError, Problem, UsageError
from generator.exports.cases import KEY as CASES_KEY
from generator.exports.ingest import rare_label
from generator.exports.month import MonthData, load_month
from generator.exports.tables import PERSONAL_LABEL, BadRow, Case, Quality
from generator.rules.inputs import KINDS, rank_input
from generator.rules.model import Contract, ContractYear
from generator.rules.numerals import cn_months
from generator.rules.payment import choose_tier
from generator.rules.scoring import ScoreCard


@dataclass(frozen=True)
class TypicalCase:
    """A hot category's typical case as the report prints it: what staff wrote in month.yaml, or, when they
    wrote none, a sentence composed from a ticket's structured fields (never a caller's words)."""

    text: str
    written: bool
    region: str = ""
    unit: str = ""


@dataclass(frozen=True)
class HotTopic:
    """A frequent category, its share and change, its main handling unit, its typical cases and advice."""

    category: str
    count: int
    share: Decimal
    previous: int | None
    main_unit: str
    cases: tuple[TypicalCase, ...]
    advice: str


@dataclass(frozen=True)
class RankInfo:
    """This month's rank and what it means for the ranking-dependent payment it counts towards."""

    rank: int | None
    milestone: str | None
    period_months: tuple[str, ...]
    ranks: Mapping[str, int]
    missing: tuple[str, ...]
    average: Decimal | None
    tier: str | None
    percent: Decimal | None
    amount: Decimal | None
    best_tier: bool
    pending: bool


@dataclass(frozen=True)
class Issue:
    """A problem found in the month's figures, with the next step the contract's data gives for it."""

    text: str
    next_step: str


@dataclass(frozen=True)
class MonthReport:
    """Everything the monthly report shows; the .docx and the JSON are both written from it.

    ``trend`` holds every month of the trend chart in order, a month without data with no figures;
    ``missing`` the months before this one, within the chart's window, that have no data;
    ``notes`` what the console tells the operator (missing months, drafts of typical cases).
    """

    json_hidden: ClassVar[tuple[str, ...]] = ("notes",)

    month: str
    contract_year: int
    year_note: str
    issue_in_year: int
    issue_total: int
    issued_on: date
    data: MonthData
    card: ScoreCard
    inputs: Mapping[str, Any]
    previous_month: str
    previous: MonthData | None
    last_year_month: str
    last_year: MonthData | None
    ytd: Period
    rank: RankInfo
    staff_on_duty: int | None
    staff_minimum: int
    hot_topics: tuple[HotTopic, ...]
    trend: tuple[tuple[str, int | None, Decimal | None], ...]
    recent: Mapping[str, tuple[tuple[str, Any], ...]]
    issues: tuple[Issue, ...]
    missing: tuple[str, ...] = ()
    notes: tuple[Problem, ...] = ()

    @property
    def skipped(self) -> tuple[BadRow, ...]:
        """Rows the month could not read (skipped on request)."""
        return self.data.skipped

    @property
    def cleaned(self) -> tuple[BadRow, ...]:
        """Cells cleaned before use."""
        return self.data.cleaned

    @property
    def quality(self) -> Mapping[str, Quality]:
        """Data-quality findings per table."""
        return self.data.quality


def _neighbours(contract: Contract, current: ContractYear, data_dir: Path, month: str) -> dict[str, MonthData]:
    """Each of the twelve months before ``month`` that has a data folder, counted by its own year's rules.

    Neighbours are read leniently (bad rows skipped): only the reported month's own rows decide whether
    the report can be written. A neighbour that cannot be read at all is left out (and so reported as
    missing wherever it would count).
    """
    window = {}
    for m in (shift(month, -k) for k in range(12, 0, -1)):
        if (data_dir / m).is_dir():
            try:
                year = contract.year_of_month(m)
            except UsageError:
                year = current
            try:
                window[m] = load_month(data_dir, m, year, skip_bad_rows=True)
            except InputError:
                continue
    return window


def _rank(year: ContractYear, month: str, data: Mapping[str, MonthData]) -> RankInfo:
    name = rank_input(year.data["scoring"])
    ranks = {m: int(d.inputs[name]) for m, d in data.items() if name and name in d.inputs}
    months = year.service_months()
    number = months.index(month) + 1
    for milestone in year.milestones:
        if milestone.ranking_months and milestone.ranking_months[0] <= number <= milestone.ranking_months[1]:
            period_months = tuple(months[milestone.ranking_months[0] - 1 : milestone.ranking_months[1]])
            so_far = {m: ranks[m] for m in period_months if m in ranks and m <= month}
            missing = tuple(m for m in period_months if m <= month and m not in ranks)
            average = Decimal(sum(so_far.values())) / len(so_far) if so_far else None
            tier = milestone.tiers[choose_tier(milestone.tiers, average, year.fractional_rank)] if average is not None else None
            return RankInfo(
                ranks.get(month), milestone.label, period_months, so_far, missing, average,
                f"第{tier.rank_min}-{tier.rank_max}名" if tier else None, tier.percent if tier else None,
                tier.amount if tier else None, tier is milestone.tiers[0] if tier else False,
                pending=bool(missing) or len(so_far) < len(period_months),
            )
    return RankInfo(ranks.get(month), None, (), {}, (), None, None, None, None, False, False)


def _hot_topics(year: ContractYear, data: MonthData, previous: MonthData | None) -> tuple[HotTopic, ...]:
    report = year.data["report"]
    field = _field(year, "category")
    tickets = data.figures["tickets"]
    groups = tickets.group(field)
    before = previous.figures["tickets"].group(_field(year, "category")) if previous else None
    advice = report["advice"]["categories"]
    hidden = {PERSONAL_LABEL, rare_label(report.get("min_label_rows", 2))}
    ranked = [item for item in sorted(groups.items(), key=lambda item: (-item[1]["rows"], item[0]))
              if item[0] not in hidden][: report["hot_topics"]]
    topics = []
    for category, counts in ranked:
        units = tickets.cross.get(category, {})
        main = min(units.items(), key=lambda item: (-item[1], item[0]))[0] if units else ""
        written = tuple(TypicalCase(c.text, True, *_known(year, tickets, c.region, c.unit))
                        for c in data.staff_cases if c.category == category)
        composed = data.cases.get(category)
        cases = written or ((TypicalCase(compose(year, composed), False, composed.region, composed.unit),) if composed else ())
        topics.append(HotTopic(
            category, counts["rows"], Decimal(counts["rows"]) / Decimal(tickets.rows),
            before[category]["rows"] if before and category in before else (0 if before is not None else None),
            "" if main in hidden else main, cases, advice.get(category, advice["default"]),
        ))
    return tuple(topics)


def _known(year: ContractYear, tickets: Any, region: str, unit: str) -> tuple[str, str]:
    """A region and a unit staff named, each kept only when it is a name the month's tickets show: what a
    report prints as a place or a unit is a label of the exports, never free text."""
    hidden = {PERSONAL_LABEL, rare_label(year.data["report"].get("min_label_rows", 2))}
    regions, units = tickets.group(_field(year, "region")), tickets.group(_field(year, "unit"))
    return (region if region in regions and region not in hidden else "",
            unit if unit in units and unit not in hidden else "")


def compose(year: ContractYear, case: Case) -> str:
    """A typical case in one sentence from its ticket's structured fields: when, where, what kind, who, the result.

    A field left at the export's own filler (未填写, 未指定) or not shown by name is left out.
    """
    fields = year.data["exports"]["tickets"]["fields"]
    fillers = {fields[f].get("empty") for f in fields} - {None}

    def shown(value: str) -> str:
        return "" if not value or value in fillers or value.startswith("其他（") else value

    day = date.fromisoformat(case.accepted)
    region, unit, kind = shown(case.region), shown(case.unit), shown(case.kind)
    text = f"{day.month}月{day.day}日，{region + '有' if region else '有'}群众来电反映{case.category}方面的{kind}诉求"
    if unit:
        text += f"，由{unit}承办"
    if case.closed:
        closed = date.fromisoformat(case.closed)
        return text + f"，已于{closed.month}月{closed.day}日办结。"
    return text + "，截至月底尚在办理。"


def case_notes(year: ContractYear, month: str, data: MonthData, topics: tuple[HotTopic, ...]) -> list[Problem]:
    """What the console says about typical cases: a draft for each hot category staff wrote none for,
    staff cases that illustrate no hot category, and places of staff text that had to be hidden."""
    where = f"{month}/month.yaml"
    notes = []
    hot = {t.category for t in topics}
    for case in data.staff_cases:
        region, unit = _known(year, data.figures["tickets"], case.region, case.unit)
        if (case.region and not region) or (case.unit and not unit):
            notes.append(Problem(where, case.line, 1, CASES_KEY, (
                "案例中的地区或承办单位不是本月工单中出现的名称，未写入月报：请照导出表中的名称填写"), "warning"))
        if case.category not in hot:
            notes.append(Problem(where, case.line, 1, CASES_KEY, (
                f"“{case.category}”不是本月的热点诉求（本月：{'、'.join(t.category for t in topics) or '无'}），这则案例未写入月报"),
                "warning"))
        if case.masked:
            notes.append(Problem(where, case.line, 1, CASES_KEY, (
                f"“{case.category}”的案例中有 {case.masked} 处疑似个人信息（号码、门牌、姓名等），月报中已隐去：请改写这则案例"),
                "warning"))
    drafts = [t for t in topics if t.cases and not t.cases[0].written]
    if drafts:
        lines = [f"{CASES_KEY}:"] + [f"  - 分类: {t.category}\n    案例: {t.cases[0].text}" for t in drafts]
        notes.append(Problem(where, 1, 1, CASES_KEY, (
            f"{'、'.join(t.category for t in drafts)}没有撰写典型案例，月报中按工单信息写了一句概述。"
            "可在 month.yaml 中加上下面的草稿，核对、改写（概述诉求和办理结果，不写个人信息）后重新生成：\n" + "\n".join(lines)),
            "note"))
    return notes


def _field(year: ContractYear, role: str) -> str:
    value = year.data["report"]["breakdowns"][role]
    return value["field"] if isinstance(value, Mapping) else role


def _recent(year: ContractYear, month: str, data: Mapping[str, MonthData],
            window: tuple[str, ...]) -> dict[str, tuple[tuple[str, Any], ...]]:
    """Each indicator input over the last three months of the window (for the trend of a problem); a month
    of the window without data is there with None, so a text that lists the months names it."""
    months = [m for m in (shift(month, -2), shift(month, -1), month) if m in window]
    out: dict[str, tuple[tuple[str, Any], ...]] = {}
    for name in year.data["scoring"]["inputs"]:
        values = []
        for m in months:
            one = period(year, [m], {m: data[m]}, scored=False) if m in data else None
            if one is None or name in one.inputs:
                values.append((m, one.inputs[name] if one else None))
        out[name] = tuple(values)
    return out


def _issues(year: ContractYear, report: MonthReport) -> tuple[Issue, ...]:
    advice = year.data["report"]["advice"]
    found: list[Issue] = []
    indicators = {i["key"]: i for i in year.data["scoring"]["indicators"]}
    for item in report.card.items:
        if not item.below_target:
            continue
        indicator = indicators[item.key]
        spec = input_spec(year, indicator["rule"]["input"])
        history = report.recent.get(spec.name, ())
        trend = ""
        if len(history) > 1:
            shown = "、".join(f"{int(m[5:])}月{KINDS[spec.kind].show(spec, v) if v is not None else '缺少数据'}"
                              for m, v in history)
            trend = f"（近{len(history)}个月：{shown}）"
        gap = f"，低于指标值{item.target}" if item.target != "—" else ""
        found.append(Issue(f"{item.name}本月为{item.actual}{gap}（{item.clause}：{item.trace}）{trend}。",
                           advice["indicators"].get(item.key, "")))
    if report.staff_on_duty is not None and report.staff_on_duty < report.staff_minimum:
        short = report.staff_minimum - report.staff_on_duty
        staffing = next((i["key"] for i in year.data["scoring"]["indicators"]
                         if i["rule"]["input"] == year.data["report"]["staff_input"]), "")
        found.append(Issue(f"在岗人数 {report.staff_on_duty} 人，低于合同约定的不少于 {report.staff_minimum} 人，缺 {short} 人。",
                           advice["indicators"].get(staffing, "")))
    rank = report.rank
    if rank.average is not None and not rank.best_tier:
        ranking = next((i["key"] for i in year.data["scoring"]["indicators"] if i["rule"]["kind"] == "ranking"), "")
        pending = ""
        if rank.pending:
            gaps = [f"缺少{cn_months(rank.missing)}的排名" if rank.missing else "",
                    f"{cn_months([m for m in rank.period_months if m > report.month])}尚未到"
                    if any(m > report.month for m in rank.period_months) else ""]
            pending = f"；{'，'.join(g for g in gaps if g)}，档位待定"
        assert rank.percent is not None  # an average rank always falls in a tier
        found.append(Issue(
            f"{rank.milestone}付款所依据的平均排名目前为第{rank.average.quantize(Decimal('0.01'))}名，对应{rank.tier}档"
            f"（支付{rank.percent.normalize():f}%{pending}），不是最好档位。", advice["indicators"].get(ranking, "")))
    regions = report.data.figures["tickets"].group(_field(year, "region"))
    before = report.previous.figures["tickets"].group(_field(year, "region")) if report.previous else None
    top = sorted(regions.items(), key=lambda item: (-item[1]["rows"], item[0]))[:3]
    unit = year.data["exports"]["tickets"]["unit"]
    if top and before is not None:
        def with_change(name: str, rows: int) -> str:
            old = before.get(name, {}).get("rows")
            if not old:
                return f"{name}{rows}{unit}"
            change = (Decimal(rows) - old) / old * 100
            return f"{name}{rows}{unit}（环比{'增长' if change >= 0 else '下降'}{abs(change):.1f}%）"

        rising = [name for name, c in top if before.get(name, {}).get("rows") and
                  (Decimal(c["rows"]) - before[name]["rows"]) / before[name]["rows"] > Decimal("0.1")]
        if rising:
            label = year.data["report"]["breakdowns"]["region"]
            title = label["title"] if isinstance(label, Mapping) else label
            found.append(Issue(f"工单量居前的{title}：{'、'.join(with_change(n, c['rows']) for n, c in top)}，"
                               f"其中{'、'.join(rising)}增长较快。", advice["categories"]["default"]))
    for topic in report.hot_topics:
        if topic.previous:
            change = (Decimal(topic.count) - topic.previous) / topic.previous
            if change > Decimal("0.1"):
                found.append(Issue(f"“{topic.category}”类诉求 {topic.count} 件，环比增长{change * 100:.1f}%，为本月热点。",
                                   topic.advice))
    return tuple(found)


def _months_between(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:])


def build_month_report(contract: Contract, data_dir: Path, month: str, skip_bad_rows: bool) -> MonthReport:
    """Read the month (and what surrounds it) and compute every figure of the report."""
    year = contract.year_of_month(month)
    data = load_month(data_dir, month, year, skip_bad_rows)
    neighbours = _neighbours(contract, year, data_dir, month)
    window = {**neighbours, month: data}
    previous_month, last_year_month = shift(month, -1), shift(month, -12)
    service = year.service_months()
    ytd = period(year, [m for m in service if m <= month], window)
    card = period(year, [month], window).card
    assert card is not None  # the month itself is read, so its period scores
    settings = year.data["report"]
    first = settings["first_issue"]
    total_issue = _months_between(first, month) + 1
    # The issue within the year counts from January, or from the first issue when that is later.
    issue_in_year = _months_between(max(first, f"{month[:4]}-01"), month) + 1
    staff = data.inputs.get(settings["staff_input"])
    months = _trend_months(month, window, service)
    trend_rate = settings.get("trend_rate")
    trend: list[tuple[str, int | None, Decimal | None]] = []
    for m in months:
        if m not in window:
            trend.append((m, None, None))  # a gap where the figure would be
            continue
        figures = window[m].figures
        rate = None
        if trend_rate:
            spec = input_spec(year, trend_rate)
            counts = year.data["scoring"]["counts"]
            rate = ratio(count(figures, counts, spec.numerator), count(figures, counts, spec.denominator))
        trend.append((m, figures[settings["daily_table"]].rows, rate))
    note = ""
    if year.year != int(month[:4]):
        note = (f"本期为{year.year}年度合同（服务期{year.term_start.year}年{year.term_start.month}月{year.term_start.day}日起）"
                f"的第{service.index(month) + 1}个服务月，按该年度合同的考核规则计算。")
    report = MonthReport(
        month=month, contract_year=year.year, year_note=note, issue_in_year=issue_in_year, issue_total=total_issue,
        issued_on=date.fromisoformat(f"{shift(month, 1)}-{settings['issue_day']:02d}"), data=data,
        card=card, inputs=ytd.monthly_inputs[month],
        previous_month=previous_month, previous=window.get(previous_month), last_year_month=last_year_month,
        last_year=window.get(last_year_month), ytd=ytd, rank=_rank(year, month, window),
        staff_on_duty=int(staff) if staff is not None else None,
        staff_minimum=year.data["terms"]["staffing"]["minimum"],
        hot_topics=_hot_topics(year, data, window.get(previous_month)), trend=tuple(trend),
        recent=_recent(year, month, window, months), issues=(), missing=tuple(m for m in months if m not in window),
    )
    notes = case_notes(year, month, data, report.hot_topics)
    if report.missing:
        notes.insert(0, Problem(f"{data_dir.name}/", 1, 1, "", (
            f"缺少{cn_months(report.missing)}的数据（数据目录中没有这些月份的导出表）：走势图在这些月份留空，"
            "环比、近几个月的比较和本年度累计指标只按已有月份计算，月报中已注明"), "warning"))
    return replace(report, issues=_issues(year, report), notes=tuple(notes))


def _trend_months(month: str, window: Mapping[str, MonthData], service: list[str]) -> tuple[str, ...]:
    """The months of the trend chart: up to twelve ending with ``month``, from the first that has data or
    that the service year in force covers, every month in between included (a missing one stays a gap)."""
    span = [shift(month, -k) for k in range(11, -1, -1)]
    first = next((m for m in span if m in window or m in service), month)
    return tuple(m for m in span if m >= first)
