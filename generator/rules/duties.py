"""Every dated duty a contract year creates: invoices, payments, monthly reports, the assessment, renewal, term end,
and the duties the law attaches to the contract (publication, filing, acceptance, SME payment terms).

Each duty names the clause it comes from, or quotes the statute, so a calendar entry can be traced back to the
contract or the law.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from generator.rules.clauses import cite
from generator.rules.dates import add_months
from generator.rules.model import ContractYear
from generator.rules.money import cny, pct
from generator.rules.numerals import cn_date, cn_month, cn_months
from generator.rules.statutes import assessment_end, payment_terms, signing_deadlines, statutes_of


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
    found += statutory_duties(year)
    return sorted(found, key=lambda d: (d.start, d.key))


def statutory_duties(year: ContractYear) -> list[Duty]:
    """The duties the law attaches to the year (publication, filing, acceptance, SME payment terms), each citing
    the statute and quoting its text; a deadline counted into a year the holiday schedule lacks says so."""
    statutes = statutes_of(year)
    found = []
    for due in signing_deadlines(year, statutes):
        rule, deadline = due.rule, due.deadline
        command = f"（{rule.command} --year {year.year}）" if rule.command else ""
        assumed = f"注意：{deadline.assumption()}。" if deadline.assumed else ""
        found.append(Duty(f"statute-{rule.id}", f"{rule.title}（法定期限）", deadline.due, deadline.due,
                          f"{rule.who}{rule.action}{command}：{deadline.how()}。{assumed}依据{rule.quoted}", ""))
    for rule in statutes.of_kind("acceptance"):
        start = assessment_end(year) + timedelta(days=1)
        command = f"（{rule.command} --year {year.year}）" if rule.command else ""
        found.append(Duty(f"statute-{rule.id}", f"{rule.title}：出具验收书", start, start + timedelta(days=14),
                          f"{rule.who}{rule.action}{command}；考核期至{cn_date(start - timedelta(days=1))}。依据{rule.quoted}", ""))
    term, checks = payment_terms(year, statutes)
    for check in checks:
        if term is None or check.latest is None or check.delivered is None:
            continue
        found.append(Duty(f"statute-payment-{year.milestones[check.index].id}", f"法定付款期限：{check.label}", check.latest,
                          check.latest, f"{check.label}支付{check.pays_for}的服务费用（{cn_date(check.delivered)}交付）："
                          f"合同约定应付日期{cn_date(check.due)}，{check.words}。依据{term.quoted}", ""))
    return found
