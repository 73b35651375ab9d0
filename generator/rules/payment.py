"""The payment article as computation: due and invoice dates, ranking tiers, amounts, late fees.

Everything here is pure: inputs are the contract year in force, ranks and payments, and the date the
late fees are computed to; the result is a frozen Schedule that both the .docx and the JSON export are
written from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from generator.rules.dates import add_months
from generator.rules.model import ContractYear, Milestone, Tier
from generator.rules.money import cny, round_fen, to_decimal
from generator.rules.numerals import cn_months

FRACTIONAL_RULES = {
    "literal": "按字面：未取整的平均名次直接与档位上下限比较（如 5.2 不属于第1-5名档，归入下一档）",
    "round_half_up": "平均名次先四舍五入为整数名次，再对应档位",
}


@dataclass(frozen=True)
class Payment:
    """One actual payment towards a milestone, with the line of the payments file it was written on."""

    milestone: str
    paid_on: date
    amount: Decimal
    line: int = 0


@dataclass(frozen=True)
class LateFee:
    """The late fee on one amount: paid after its due date, or still unpaid at the as-of date."""

    milestone: str
    label: str
    due: date
    paid_on: date | None
    amount: Decimal
    days_late: int
    fee: Decimal


@dataclass(frozen=True)
class Row:
    """One milestone of the schedule."""

    json_properties: ClassVar[tuple[str, ...]] = ("pending",)

    id: str
    number: int
    label: str
    basis: str
    due: date
    invoice_by: date
    ranked: bool
    ranking_months: tuple[str, ...]
    ranks: Mapping[str, int]
    missing_months: tuple[str, ...]
    average: Decimal | None
    options: tuple[Tier, ...]
    chosen: Tier | None

    @property
    def pending(self) -> bool:
        """Whether the amount still depends on ranks not yet known."""
        return self.chosen is None

    @property
    def best(self) -> Tier:
        """The tier paid at the best ranks."""
        return self.options[0]


@dataclass(frozen=True)
class Schedule:
    """The whole year's payment and invoice schedule."""

    year: int
    contract_number: str
    signed_on: date
    term_start: date
    term_end: date
    total: Decimal
    rows: tuple[Row, ...]
    fractional_rule: str
    best_total: Decimal
    given_total: Decimal | None
    late_fees: tuple[LateFee, ...] = ()
    late_fee_total: Decimal = Decimal("0.00")
    late_fee_uncapped: Decimal = Decimal("0.00")
    late_fee_cap: Decimal = Decimal("0.00")
    late_fee_capped: bool = False
    as_of: date | None = None
    outstanding: Decimal | None = None
    notes: tuple[str, ...] = ()


def choose_tier(tiers: Sequence[Tier], average: Decimal, rule: str) -> int:
    """Index of the tier an average rank falls in.

    ``literal`` compares the unrounded average with the bounds, so an average between two bands
    (5.2 between 1-5 and 6-9) belongs to the first band whose upper bound it does not exceed.
    """
    value = average.quantize(Decimal(1), rounding=ROUND_HALF_UP) if rule == "round_half_up" else average
    for index, tier in enumerate(tiers):
        if value <= tier.rank_max:
            return index
    return len(tiers) - 1


def _row(year: ContractYear, milestone: Milestone, ranks: Mapping[str, int]) -> Row:
    due = add_months(year.signed_on, milestone.months_after_signing)
    options = milestone.tiers
    months: tuple[str, ...] = ()
    if milestone.ranking_months:
        first, last = milestone.ranking_months
        months = tuple(year.service_month(n) for n in range(first, last + 1))
    used = {m: ranks[m] for m in months if m in ranks}
    missing = tuple(m for m in months if m not in ranks)
    average = None
    chosen: Tier | None = options[0] if not milestone.ranked else None
    if milestone.ranked and not missing:
        average = Decimal(sum(used.values())) / len(used)
        chosen = options[choose_tier(milestone.tiers, average, year.fractional_rank)]
    basis = f"签订合同{milestone.months_after_signing}个月后"
    if milestone.ranking_months is not None:
        basis += (f"，依据第{milestone.ranking_months[0]}-{milestone.ranking_months[1]}个服务月"
                  f"（{cn_months(months)}）全省考核平均排名")
    return Row(
        id=milestone.id, number=milestone.index + 1, label=milestone.label, basis=basis, due=due,
        invoice_by=due - timedelta(days=year.invoice_days_before), ranked=milestone.ranked, ranking_months=months,
        ranks=used, missing_months=missing, average=average, options=options, chosen=chosen,
    )


@dataclass(frozen=True)
class LateFees:
    """What the late-fee article gives for the payments made up to the as-of date."""

    fees: tuple[LateFee, ...]
    total: Decimal
    uncapped: Decimal
    capped: bool
    outstanding: Decimal | None  # fallen due by the as-of date and not paid
    notes: tuple[str, ...]


def late_fees(year: ContractYear, rows: Sequence[Row], payments: Sequence[Payment], as_of: date, cap: Decimal) -> LateFees:
    """The late-fee article: a daily rate on each amount owed after its due date, all fees together capped.

    A payment after its due date bears the fee for the days between; what is still unpaid at ``as_of``
    bears it up to ``as_of``. A payment dated after ``as_of`` has not happened yet on that date and is
    left out (with a note). ``outstanding`` is None when an amount is still pending on ranks.
    """
    rate = to_decimal(year.data["payment"]["late_fee"]["daily_rate"])
    by_id = {row.id: row for row in rows}
    fees: list[LateFee] = []
    notes: list[str] = []
    counted = [p for p in payments if p.paid_on <= as_of]
    for payment in payments:
        if payment.paid_on > as_of:
            notes.append(f"{payment.paid_on.isoformat()} 的付款（{by_id[payment.milestone].label}，{cny(payment.amount)}）"
                         f"晚于计算截止日 {as_of.isoformat()}，未计入")
    for payment in sorted(counted, key=lambda p: (p.paid_on, p.milestone, p.line)):
        row = by_id[payment.milestone]
        days = (payment.paid_on - row.due).days
        if days > 0:
            fees.append(LateFee(row.id, row.label, row.due, payment.paid_on, payment.amount, days,
                                round_fen(payment.amount * rate * days)))
    outstanding: Decimal | None = Decimal("0.00")
    for row in rows:
        paid = sum((p.amount for p in counted if p.milestone == row.id), Decimal(0))
        if row.chosen is None:
            if row.due <= as_of:
                outstanding = None
            if as_of > row.due:
                notes.append(f"{row.label}的金额尚待排名确定，其未付部分的逾期违约金待金额确定后计算")
            continue
        unpaid = row.chosen.amount - paid
        days = (as_of - row.due).days
        if unpaid > 0 and days > 0:
            fees.append(LateFee(row.id, row.label, row.due, None, unpaid, days, round_fen(unpaid * rate * days)))
        if outstanding is not None and row.due <= as_of:
            outstanding += max(unpaid, Decimal(0))  # only what has fallen due is outstanding
    raw = sum((f.fee for f in fees), Decimal("0.00"))
    return LateFees(tuple(fees), min(raw, cap), raw, raw > cap, outstanding, tuple(notes))


def payment_warnings(rows: Sequence[Row], payments: Sequence[Payment]) -> list[tuple[int, str]]:
    """(line, message) for payments that look wrong: duplicates and more than a milestone's amount."""
    found = []
    seen = Counter((p.milestone, p.paid_on, p.amount) for p in payments)
    for payment in payments:
        if seen[(payment.milestone, payment.paid_on, payment.amount)] > 1:
            found.append((payment.line, f"与另一条记录的节点、日期和金额都相同，可能重复登记（{cny(payment.amount)}）"))
    for row in rows:
        paid = sum((p.amount for p in payments if p.milestone == row.id), Decimal(0))
        if row.chosen is not None and paid > row.chosen.amount:
            last = max((p.line for p in payments if p.milestone == row.id), default=0)
            found.append((last, f"{row.label}合计已付 {cny(paid)}，超过应付金额 {cny(row.chosen.amount)}"
                                f"（多付 {cny(paid - row.chosen.amount)}）"))
    return found


def build_schedule(
    year: ContractYear,
    ranks: Mapping[str, int],
    payments: Sequence[Payment] = (),
    as_of: date | None = None,
) -> Schedule:
    """The year's schedule from the contract's own rules (late fees only with an as-of date)."""
    rows = tuple(_row(year, m, ranks) for m in year.milestones)
    best_total = sum((row.best.amount for row in rows), Decimal("0.00"))
    given = None if any(row.pending for row in rows) else sum((row.chosen.amount for row in rows if row.chosen), Decimal("0.00"))
    cap = round_fen(year.total * to_decimal(year.data["payment"]["late_fee"]["cap_rate"]))
    fees = late_fees(year, rows, payments, as_of, cap) if as_of is not None else None
    return Schedule(
        year=year.year, contract_number=year.contract_number, signed_on=year.signed_on, term_start=year.term_start,
        term_end=year.term_end, total=year.total, rows=rows, fractional_rule=year.fractional_rank,
        best_total=best_total, given_total=given,
        late_fees=fees.fees if fees else (), late_fee_total=fees.total if fees else Decimal("0.00"),
        late_fee_uncapped=fees.uncapped if fees else Decimal("0.00"), late_fee_cap=cap,
        late_fee_capped=fees.capped if fees else False, as_of=as_of,
        outstanding=fees.outstanding if fees else None, notes=fees.notes if fees else (),
    )
