"""The figures of one monthly report, assembled from the month, its neighbours and the year so far."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.errors import UsageError
from generator.exports.ingest import BadRow, MonthData, Ticket, load_month
from generator.exports.metrics import Counts, count_month, percent, ranked
from generator.exports.privacy import quotable, quote
from generator.rules.dates import add_months
from generator.rules.model import Contract, ContractYear
from generator.rules.money import to_decimal, two_places
from generator.rules.payment import choose_tier
from generator.rules.scoring import ScoreCard, score


@dataclass(frozen=True)
class HotTopic:
    """A frequent category with an anonymised typical case."""

    category: str
    count: int
    share: Decimal
    main_unit: str
    case: str | None
    case_town: str | None


@dataclass(frozen=True)
class RankInfo:
    """This month's rank and what it means for the ranking-dependent payment it counts towards."""

    rank: int
    milestone_number: int | None
    months: tuple[str, ...]
    ranks: Mapping[str, int]
    average: Decimal | None
    tier: str | None
    percent: Decimal | None
    amount: Decimal | None


@dataclass(frozen=True)
class MonthReport:
    """Everything the monthly report shows; the .docx and the JSON are both written from it."""

    month: str
    contract_year: int
    issue_in_year: int
    issue_total: int
    issued_on: date
    counts: Counts
    previous_month: str
    previous: Counts | None
    last_year_month: str
    last_year: Counts | None
    extra: Mapping[str, Any]
    card: ScoreCard
    ytd_months: tuple[str, ...]
    ytd_counts: Counts
    ytd_card: ScoreCard
    rank: RankInfo
    staff_on_duty: int
    staff_minimum: int
    hot_topics: tuple[HotTopic, ...]
    trend: tuple[tuple[str, int, Decimal | None], ...]
    problems: tuple[str, ...]
    skipped: tuple[BadRow, ...]
    skipped_count: int
    cleaned: tuple[BadRow, ...]


def shift(month: str, months: int) -> str:
    """``YYYY-MM`` moved by a number of months."""
    day = add_months(date.fromisoformat(f"{month}-01"), months)
    return f"{day.year:04d}-{day.month:02d}"


def scoring_inputs(contract: ContractYear, counts: Counts, extras: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Inputs for appendix 1: rates from counts; month.yaml values averaged or summed as the YAML says."""
    averaged = set(contract.data["scoring"]["averaged_inputs"])
    inputs: dict[str, Any] = dict(counts.rates())
    for key in extras[0]:
        values = [extra[key] for extra in extras]
        if isinstance(values[0], Mapping):
            inputs[key] = {sub: sum(int(v[sub]) for v in values) for sub in values[0]}
        elif key in averaged:
            inputs[key] = sum((to_decimal(v) for v in values), Decimal(0)) / len(values)
        else:
            inputs[key] = sum((to_decimal(v) for v in values), Decimal(0))
    return inputs


_COUNTED: dict[tuple[int, tuple[str, ...], int], tuple[MonthData, Counts]] = {}


def _counts(contract: ContractYear, data: MonthData) -> Counts:
    """Counts of a loaded month, memoised for the loaded object (it is reused across a `gen all` run)."""
    scoring = contract.data["scoring"]
    key = (id(data), tuple(scoring["satisfied_answers"]), scoring["revisit_hours"])
    hit = _COUNTED.get(key)
    if hit is None or hit[0] is not data:
        if len(_COUNTED) > 32:
            _COUNTED.clear()
        hit = _COUNTED[key] = (data, count_month(data, scoring["satisfied_answers"], scoring["revisit_hours"]))
    return hit[1]


def _earlier_months(contract: Contract, current: ContractYear, data_dir: Path,
                    month: str) -> dict[str, tuple[Counts, Mapping[str, Any]]]:
    """Counts and month.yaml of each of the twelve months before ``month`` that has a data folder.

    Each month is counted by the definitions of the contract year it belongs to (the reported year's
    when it precedes every contract year). Neighbouring months are read leniently (bad rows skipped):
    only the reported month's own rows decide whether the report can be written.
    """
    window = {}
    for m in (shift(month, -k) for k in range(12, 0, -1)):
        if (data_dir / m).is_dir():
            data = load_month(data_dir, m, skip_bad_rows=True)
            window[m] = (_counts(_year_in_force(contract, m, current), data), data.extra)
    return window


def _year_in_force(contract: Contract, month: str, fallback: ContractYear) -> ContractYear:
    try:
        return contract.year_of_month(month)
    except UsageError:
        return fallback


def _hot_topics(counts: Counts, tickets: Sequence[Ticket], how_many: int) -> tuple[HotTopic, ...]:
    topics = []
    for category, count in ranked(counts.by_category, how_many):
        members = sorted((t for t in tickets if t.category == category), key=lambda t: (t.accepted, t.id))
        units = ranked({u: sum(1 for t in members if t.unit == u) for u in {t.unit for t in members}}, 1)
        case = next((t for t in members if quotable(t) and t.type != "咨询"), None)
        topics.append(HotTopic(
            category, count, Decimal(count) / Decimal(counts.tickets), units[0][0] if units else "",
            quote(case) if case else None, case.town if case else None,
        ))
    return tuple(topics)


def _rank_info(contract: ContractYear, month: str, ranks: Mapping[str, int]) -> RankInfo:
    months = contract.service_months()
    number = months.index(month) + 1
    for milestone in contract.milestones:
        if milestone.ranking_months and milestone.ranking_months[0] <= number <= milestone.ranking_months[1]:
            period = tuple(months[milestone.ranking_months[0] - 1 : milestone.ranking_months[1]])
            so_far = {m: ranks[m] for m in period if m in ranks and m <= month}
            average = Decimal(sum(so_far.values())) / len(so_far) if so_far else None
            tier = None
            if average is not None:
                tier = milestone.tiers[choose_tier(milestone.tiers, average, contract.fractional_rank)]
            return RankInfo(
                ranks[month], milestone.index + 1, period, so_far, average,
                f"第{tier.rank_min}-{tier.rank_max}名" if tier else None,
                tier.percent if tier else None, tier.amount if tier else None,
            )
    return RankInfo(ranks[month], None, (), {}, None, None, None, None)


def _problems(report_card: ScoreCard, staff: int, minimum: int, rank: RankInfo, free_rank: int) -> tuple[str, ...]:
    found = []
    for item in report_card.items:
        if item.below_target:
            found.append(f"{item.name}：{item.trace}。")
    if staff < minimum:
        found.append(f"在岗人数 {staff} 人，低于合同约定的不少于 {minimum} 人，缺 {minimum - staff} 人，应在期限内补充到位。")
    if rank.average is not None and rank.average > free_rank:
        found.append(f"第{rank.milestone_number}笔付款所依据的平均排名目前为第 {two_places(rank.average)} 名，"
                     f"低于第 {free_rank} 名，影响付款档位。")
    return tuple(found)


def build_month_report(contract: Contract, data_dir: Path, month: str, skip_bad_rows: bool) -> MonthReport:
    """Read the month (and what surrounds it) and compute every figure of the report."""
    current = contract.year_of_month(month)
    year = current.year
    data = load_month(data_dir, month, skip_bad_rows)
    counts = _counts(current, data)
    previous_month, last_year_month = shift(month, -1), shift(month, -12)
    earlier = _earlier_months(contract, current, data_dir, month)
    previous = earlier[previous_month][0] if previous_month in earlier else None
    last_year = earlier[last_year_month][0] if last_year_month in earlier else None
    ytd_months = [m for m in current.service_months() if m == month or (m < month and m in earlier)]
    ytd_counts, extras = counts, [data.extra]
    for m in ytd_months[:-1]:
        ytd_counts = ytd_counts + earlier[m][0]
        extras.append(earlier[m][1])
    trend = [(m, c.calls, c.rates()["接通率"]) for m, (c, _) in earlier.items() if m != last_year_month]
    trend.append((month, counts.calls, counts.rates()["接通率"]))
    ranks = {m: int(e["全省排名"]) for m, (_, e) in earlier.items()}
    ranks[month] = int(data.extra["全省排名"])
    card = score(current, scoring_inputs(current, counts, [data.extra]))
    ytd_card = score(current, scoring_inputs(current, ytd_counts, extras))
    rank = _rank_info(current, month, ranks)
    minimum = current.data["terms"]["staffing"]["minimum"]
    staff = int(data.extra["在岗人数"])
    settings = current.data["report"]
    first = settings["first_issue"]
    total_issue = (int(month[:4]) - int(first[:4])) * 12 + int(month[5:]) - int(first[5:]) + 1
    free_rank = next(i["rule"]["free_rank_max"] for i in current.data["scoring"]["indicators"] if i["rule"]["kind"] == "ranking")
    issued = date.fromisoformat(f"{shift(month, 1)}-{settings['issue_day']:02d}")
    return MonthReport(
        month=month, contract_year=year, issue_in_year=int(month[5:]), issue_total=total_issue, issued_on=issued,
        counts=counts, previous_month=previous_month, previous=previous, last_year_month=last_year_month,
        last_year=last_year, extra=data.extra, card=card, ytd_months=tuple(ytd_months), ytd_counts=ytd_counts,
        ytd_card=ytd_card, rank=rank, staff_on_duty=staff, staff_minimum=minimum,
        hot_topics=_hot_topics(counts, data.tickets, settings["hot_topics"]), trend=tuple(trend),
        problems=_problems(card, staff, minimum, rank, free_rank), skipped=data.skipped,
        skipped_count=data.skipped_count, cleaned=data.cleaned,
    )


def change(now: int, before: int | None) -> str:
    """Relative change as text: ``增长 3.20%`` / ``下降 1.05%`` / ``—``."""
    if not before:
        return "—"
    delta = (Decimal(now) - Decimal(before)) / Decimal(before)
    word = "增长" if delta >= 0 else "下降"
    return f"{word}{percent(abs(delta))}"
