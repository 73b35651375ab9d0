"""Build the document model of the payment and invoice schedule (article 五.2, late fees of 八.1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from generator.documents.model import Block, Cell, DocumentModel, Paragraph, Table
from generator.rules.model import ContractYear
from generator.rules.money import capital, cny, pct, two_places
from generator.rules.numerals import cn_date
from generator.rules.payment import FRACTIONAL_RULES, Row, Schedule, TierOption

PENDING = "待定"


def _money(contract: ContractYear, amount: Decimal) -> tuple[str, str]:
    return cny(amount), capital(amount, contract.write_optional_zero)


def _header(contract: ContractYear, schedule: Schedule) -> Table:
    parties, bank = contract.data["parties"], contract.data["parties"]["supplier"]["bank"]
    figures, words = _money(contract, schedule.total)
    rows = [
        ("合同编号", schedule.contract_number or "（签订时填写）"),
        (parties["buyer"]["role"], parties["buyer"]["name"]),
        (parties["supplier"]["role"], parties["supplier"]["name"]),
        ("合同总金额", f"{figures}（{words}）"),
        ("签订日期", cn_date(schedule.signed_on)),
        ("服务期限", f"{cn_date(schedule.term_start)}至{cn_date(schedule.term_end)}"),
        ("收款单位", bank["name"]),
        ("税号", bank["tax_id"]),
        ("开户行", bank["bank"]),
        ("账号", bank["account"]),
    ]
    return Table(
        tuple((Cell.of(label, style="table_header"), Cell.of(value)) for label, value in rows),
        (36, 120), header_rows=0,
    )


def _schedule_table(contract: ContractYear, schedule: Schedule) -> Table:
    header = tuple(Cell.of(t, style="table_header") for t in
                   ("序号", "付款依据", "付款日期", "最迟开票日期", "比例", "金额", "大写金额"))
    rows = [header]
    for row in schedule.rows:
        if row.chosen is None:
            percent, figures, words = PENDING, PENDING, f"{PENDING}（见下文各档金额）"
        else:
            percent = pct(row.chosen.percent)
            figures, words = _money(contract, row.chosen.amount)
        rows.append((
            Cell.of(str(row.number), style="table_center"), Cell.of(row.basis),
            Cell.of(row.due.isoformat(), style="table_center"), Cell.of(row.invoice_by.isoformat(), style="table_center"),
            Cell.of(percent, style="table_center"), Cell.of(figures, style="table_right"), Cell.of(words),
        ))
    return Table(tuple(rows), (8, 34, 22, 22, 12, 28, 30)).small()


def _tier_table(contract: ContractYear, options: tuple[TierOption, ...], chosen: TierOption | None) -> Table:
    header = tuple(Cell.of(t, style="table_header") for t in ("平均排名档位", "比例", "金额", "大写金额", "适用"))
    rows = [header]
    for option in options:
        figures, words = _money(contract, option.amount)
        mark = "✓" if option == chosen else ""
        rows.append((
            Cell.of(f"第{option.rank_min}-{option.rank_max}名", style="table_center"),
            Cell.of(pct(option.percent), style="table_center"), Cell.of(figures, style="table_right"),
            Cell.of(words), Cell.of(mark, style="table_center"),
        ))
    return Table(tuple(rows), (30, 16, 30, 64, 16)).small()


def _ranked(contract: ContractYear, row: Row) -> Iterator[Block]:
    yield Paragraph(f"第{row.number}笔：{row.basis}（付款日期 {row.due.isoformat()}）", "heading2")
    months = "、".join(row.ranking_months)
    yield Paragraph(f"排名统计月份：{months}。")
    if row.ranks:
        rank_rows = [(Cell.of("月份", style="table_header"), Cell.of("全省排名", style="table_header"))]
        rank_rows += [(Cell.of(m, style="table_center"), Cell.of(str(r), style="table_center")) for m, r in row.ranks.items()]
        yield Table(tuple(rank_rows), (40, 40))
    if row.chosen is None:
        yield Paragraph(f"尚缺以下月份的排名：{'、'.join(row.missing_months)}。本笔金额{PENDING}，三档金额如下：")
    else:
        figures, words = _money(contract, row.chosen.amount)
        yield Paragraph(
            f"平均排名：{two_places(row.average)}（{len(row.ranks)}个月名次之和÷{len(row.ranks)}），"
            f"落入第{row.chosen.rank_min}-{row.chosen.rank_max}名档，支付合同总金额的{pct(row.chosen.percent)}，"
            f"即{figures}（{words}）。"
        )
    yield _tier_table(contract, row.options, row.chosen)


def _late(contract: ContractYear, schedule: Schedule) -> Iterator[Block]:
    rules = contract.data["payment"]["late_fee"]
    yield Paragraph("四、逾期付款违约金", "heading1")
    yield Paragraph(
        f"依据第八条1：甲方逾期付费的，每逾期一日按所欠金额的{Decimal(rules['daily_rate']) * 1000:f}‰计付违约金，"
        f"逾期违约金合计不超过合同总金额的{pct(Decimal(rules['cap_rate']) * 100)}，即{cny(schedule.late_fee_cap)}。"
    )
    if schedule.late_fees:
        header = tuple(Cell.of(t, style="table_header") for t in ("付款节点", "付款日期", "所涉金额", "逾期天数", "违约金"))
        rows = [header]
        for fee in schedule.late_fees:
            rows.append((
                Cell.of(fee.milestone, style="table_center"),
                Cell.of(fee.paid_on.isoformat() if fee.paid_on else f"未付（截至{schedule.as_of}）", style="table_center"),
                Cell.of(cny(fee.amount), style="table_right"), Cell.of(str(fee.days_late), style="table_center"),
                Cell.of(cny(fee.fee), style="table_right"),
            ))
        yield Table(tuple(rows), (24, 36, 36, 24, 36))
    capped = "（已按上限计）" if schedule.late_fee_capped else ""
    yield Paragraph(f"逾期违约金合计：{cny(schedule.late_fee_total)}{capped}。")
    if schedule.outstanding is not None:
        yield Paragraph(f"截至{cn_date(schedule.as_of)}尚未支付：{cny(schedule.outstanding)}。")
    yield Paragraph("注：甲方因财政拨款等原因引起的付款延期，不视为甲方违约，乙方不得因此主张违约责任（第八条1）。")


def build_invoices(contract: ContractYear, schedule: Schedule, with_payments: bool) -> DocumentModel:
    """The schedule as a document for finance staff."""
    project = contract.data["project"]["name"]
    blocks: list[Block] = [
        Paragraph(project, "subtitle"),
        Paragraph("付款及开票计划", "title"),
        Paragraph(f"（{schedule.year}年度）", "subtitle"),
        _header(contract, schedule),
        Paragraph("一、付款节点", "heading1"),
        Paragraph(
            f"付款日期为签订日期加约定月数（该月无对应日期的取月末）；乙方应在付款日期前"
            f"{contract.invoice_days_before}日（最迟开票日期）根据确定的金额足额开具合法有效的发票（第五条2）。"
        ),
        _schedule_table(contract, schedule),
        Paragraph("二、按全省排名支付的节点", "heading1"),
        Paragraph(f"平均排名小数的处理：{FRACTIONAL_RULES[schedule.fractional_rule]}。"),
    ]
    for row in schedule.rows:
        if row.ranked:
            blocks += _ranked(contract, row)
    best, best_words = _money(contract, schedule.best_total)
    check = "等于" if schedule.best_total == schedule.total else "不等于"
    blocks += [
        Paragraph("三、合计", "heading1"),
        Paragraph(f"按最好档位合计：{best}（{best_words}），{check}合同总金额{cny(schedule.total)}。"),
    ]
    for row in schedule.rows:
        if row.best.residual:
            blocks.append(Paragraph(
                f"{row.label}最好档位金额含尾差{cny(row.best.residual)}：各节点金额分别四舍五入到分后与合同总金额相差"
                f"{cny(abs(row.best.residual))}，由这一笔吸收，使各节点合计恰好等于合同总金额。"))
    if schedule.given_total is None:
        blocks.append(Paragraph(f"按已给排名合计：{PENDING}（尚有节点缺少排名）。"))
    else:
        given, given_words = _money(contract, schedule.given_total)
        blocks.append(Paragraph(f"按已给排名合计：{given}（{given_words}）。"))
    if with_payments:
        blocks += _late(contract, schedule)
    return DocumentModel(
        blocks=tuple(blocks),
        title=f"{project}付款及开票计划（{schedule.year}年度）",
        header_text=f"合同编号：{schedule.contract_number or '＿＿＿＿＿＿＿＿＿＿'}",
        created=datetime.combine(schedule.signed_on, datetime.min.time()),
        subject=project,
        keywords=f"{schedule.year}年度 付款计划",
    )


