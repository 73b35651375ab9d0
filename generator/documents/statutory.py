"""What the documents of the statutory duties share: clause rendering, confidential marks, the SME payment section
of the payment schedule and the checklist of a new year."""

from __future__ import annotations

from typing import Any

from generator.documents.context import contract_context
from generator.documents.model import Block, Cell, Paragraph, Table
from generator.documents.templating import Renderer
from generator.rules.model import ContractYear
from generator.rules.numerals import cn_date
from generator.rules.statutes import (
    SIZE_WORDS,
    Statutes,
    TermCheck,
    assessment_end,
    interest_check,
    payment_terms,
    signing_deadlines,
    statutes_of,
)
from generator.source.loader import PathKey


def clause_renderer(year: ContractYear) -> Renderer:
    """A renderer of the year's clause texts (snippets rendered first, as the contract has them)."""
    # A merged year offers a loaded document's interface (data, marks, problems), as the contract's builder uses it.
    renderer = Renderer(year.source, year.write_optional_zero, contract_context(year))
    renderer.context["snippets"] = {name: renderer.render(text, ("snippets", name))
                                    for name, text in year.data["snippets"].items()}
    return renderer


def value_at(data: Any, path: PathKey) -> Any:
    """The value at a path of the merged contract (None when absent)."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def hidden_by(path: PathKey, statutes: Statutes) -> str | None:
    """The confidential entry (statutes.confidential) that covers ``path``, if any."""
    dotted = ".".join(map(str, path))
    return next((c for c in statutes.confidential if dotted == c or dotted.startswith(c + ".")), None)


def confidential_label(year: ContractYear, path: str) -> str:
    """A confidential entry in words: the party's short name and the field's title from the schema."""
    from generator.source.schema import titles

    parts = tuple(path.split("."))
    names = titles("contract.schema.json", parts)
    if parts[0] == "parties" and len(parts) > 2 and parts[1] in year.data["parties"]:
        return year.data["parties"][parts[1]]["short"] + names[-1]
    return "·".join(names[1:] or names)


_STATUS = {"within": "符合", "agreed": "符合（合同约定）", "over": "超过最长期限", "advance": "预付款",
           "unknown": "无法核对", "not_in_force": "条例尚未施行"}


def sme_payment_blocks(year: ContractYear, heading: str) -> list[Block]:
    """The schedule's section on 《保障中小企业款项支付条例》 when the supplier is an SME; nothing otherwise."""
    statutes = statutes_of(year)
    rule, checks = payment_terms(year, statutes)
    interest = interest_check(year, statutes)
    if rule is None:
        return []
    size = SIZE_WORDS.get(statutes.supplier_size or "", "")
    blocks: list[Block] = [
        Paragraph(heading, "heading1"),
        Paragraph(f"乙方为{size}，适用{rule.statute}。{rule.quoted}", keep_with_next=True),
        Paragraph(f"各笔应付日期自所付服务的交付之日起算（服务月的交付日为该月最后一日）；{rule.article}的期限为"
                  f"{rule.period_words()}。", keep_with_next=True),
        _table(checks),
    ]
    if interest is not None:
        text = interest.words
        if interest.cap_days is not None:
            text += (f"。合同约定逾期违约金设有上限；按合同订立时的1年期LPR计，最大一笔付款逾期{interest.cap_days}日后的利息"
                     f"即超过该上限，{interest.rule.article}对逾期利息未规定上限")
        blocks.append(Paragraph(f"逾期利息：{text}。依据{interest.rule.quoted}"))
    return blocks


def _table(checks: list[TermCheck]) -> Table:
    header = tuple(Cell.of(t, style="table_header") for t in ("节点", "所付服务", "交付日", "应付日期", "核对结果"))
    rows = [header]
    for check in checks:
        rows.append((
            Cell.of(check.label, style="table_center"), Cell.of(check.pays_for or "未写明", style="table_center"),
            Cell.of(check.delivered.isoformat() if check.delivered else "—", style="table_center"),
            Cell.of(check.due.isoformat(), style="table_center"),
            Cell.of(check.words if check.status == "advance" else f"{_STATUS[check.status]}：{check.words}"),
        ))
    return Table(tuple(rows), (22, 26, 24, 24, 60)).small()


def checklist(year: ContractYear) -> list[str]:
    """One line per statutory duty of the year (deadlines after signing, acceptance, SME payment terms)."""
    statutes = statutes_of(year)
    lines = []
    for due in signing_deadlines(year, statutes):
        command = f"，{due.rule.command} --year {year.year}" if due.rule.command else ""
        assumed = f"；注意：{due.deadline.assumption()}" if due.deadline.assumed else ""
        lines.append(f"{due.rule.title}：签订之日起{due.rule.period_words()}内（{due.rule.citation}{command}），"
                     f"按签订日期{cn_date(year.signed_on)}为{cn_date(due.deadline.due)}{assumed}")
    first, last = year.renewal.assessment_months
    for rule in statutes.of_kind("acceptance"):
        command = f"，{rule.command} --year {year.year}" if rule.command else ""
        lines.append(f"{rule.title}：第{first}-{last}个服务月结束（{cn_date(assessment_end(year))}）后出具验收书"
                     f"（{rule.citation}{command}）")
    for rule in statutes.of_kind("payment_term"):
        lines.append(f"{rule.title}：乙方为中小企业，自服务交付之日起{rule.period_words()}内付款（{rule.citation}）")
    return lines
