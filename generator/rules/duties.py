"""Every dated duty a contract year creates: invoices, payments, monthly reports, the assessment, renewal, term end.

Each duty names the clause it comes from, so a calendar entry can be traced back to the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from generator.rules.clauses import cite
from generator.rules.dates import add_months
from generator.rules.model import ContractYear
from generator.rules.money import cny, pct
from generator.rules.numerals import cn_date, cn_month, cn_months


@dataclass(frozen=True)
class Duty:
    """One dated duty: what, when (a day or a span of days), who, and the clause it rests on."""

    key: str
    title: str
    start: date
    end: date
    description: str
    clause: str


def _month_start(month: str) -> date:
    return date.fromisoformat(f"{month}-01")


def duties(year: ContractYear) -> list[Duty]:
    """The year's duties in date order."""
    data = year.data
    payment_clause, renewal_clause = cite(year, "payment"), cite(year, "rules", "renewal")
    found: list[Duty] = []
    for milestone in year.milestones:
        due = add_months(year.signed_on, milestone.months_after_signing)
        invoice_by = due - timedelta(days=year.invoice_days_before)
        if milestone.ranked:
            options = "；".join(f"第{t.rank_min}-{t.rank_max}名 {pct(t.percent)} {cny(t.amount)}" for t in milestone.tiers)
            amount = f"按平均排名支付（{options}）"
        else:
            amount = f"{pct(milestone.tiers[0].percent)}，{cny(milestone.tiers[0].amount)}"
        found.append(Duty(f"invoice-{milestone.id}", f"乙方开具发票：{milestone.label}", invoice_by, invoice_by,
                          f"最迟在{cn_date(invoice_by)}前根据确定的金额开具发票，应付日期{cn_date(due)}；{amount}。", payment_clause))
        found.append(Duty(f"payment-{milestone.id}", f"甲方付款：{milestone.label}", due, due,
                          f"签订合同{milestone.months_after_signing}个月后应付：{amount}。", payment_clause))
    report = data["report"]
    for number, month in enumerate(year.service_months(), start=1):
        following = add_months(_month_start(month), 1)
        day = following.replace(day=report["issue_day"])
        found.append(Duty(f"report-{month}", f"报送{report['title']}（{cn_month(month)}）", day, day,
                          f"第{number}个服务月（{cn_month(month)}）的月报，次月{report['issue_day']}日报送{report['recipient']}。",
                          ""))
    first, last = year.renewal.assessment_months
    months = year.service_months()
    window = add_months(_month_start(months[last - 1]), 1)
    found.append(Duty("assessment", f"履约验收：第{first}-{last}个服务月", window, window + timedelta(days=14),
                      f"按考核标准对{cn_months(months[first - 1 : last])}的服务进行履约验收（gen assess --year {year.year}），"
                      f"年度考核不低于{year.renewal.min_score.normalize():f}分且无违约的，可按约定续签。", renewal_clause))
    decision = year.term_end - timedelta(days=data["calendar"]["renewal_decision_days"])
    found.append(Duty("renewal", "作出续签决定", decision, decision,
                      f"服务期{cn_date(year.term_end)}届满；依据年度考核结果和下一年度预算，决定是否续签"
                      f"（续签时运行 gen new-year {year.year + 1}）。", renewal_clause))
    found.append(Duty("term-end", "服务期满", year.term_end, year.term_end,
                      f"本年度合同服务期限{cn_date(year.term_start)}至{cn_date(year.term_end)}。", ""))
    return sorted(found, key=lambda d: (d.start, d.key))
