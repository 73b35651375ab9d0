"""Build the document model of the payment and invoice schedule (the payment article, its late fees)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from generator.documents.model import Block, Cell, DocumentModel, Paragraph, Table
from generator.documents.statutory import sme_payment_blocks
from generator.rules.clauses import cite
from generator.rules.model import ContractYear, Tier
from generator.rules.money import capital, cny, pct, rate_words, two_places
from generator.rules.numerals import cn_date, cn_months
from generator.rules.payment import FRACTIONAL_RULES, Row, Schedule

PENDING = "待定"


def _money(year: ContractYear, amount: Decimal) -> tuple[str, str]:
    return cny(amount), capital(amount, year.write_optional_zero)


def _header(year: ContractYear, schedule: Schedule) -> Table:
    parties, bank = year.data["parties"], year.data["parties"]["supplier"]["bank"]
    figures, words = _money(year, schedule.total)
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
    return Table(tuple((Cell.of(label, style="table_header"), Cell.of(value)) for label, value in rows), (36, 120),
                 header_rows=0)


def _schedule_table(year: ContractYear, schedule: Schedule) -> Table:
    header = (*(Cell.of(t, style="table_header") for t in ("节点", "付款依据", "应付日期", "最迟开票日期", "比例")),
              Cell.of("金额", "（小写／大写）", style="table_header"))
    rows = [header]
    for row in schedule.rows:
        if row.chosen is None:
            percent, figures, words = PENDING, PENDING, "见下文各档金额"
        else:
            percent = pct(row.chosen.percent)
            figures, words = _money(year, row.chosen.amount)
        rows.append((
            Cell.of(row.label, style="table_center"), Cell.of(row.basis),
            Cell.of(row.due.isoformat(), style="table_center"), Cell.of(row.invoice_by.isoformat(), style="table_center"),
            # Figures above words in one cell: side by side they leave too little room for the other columns.
            Cell.of(percent, style="table_center"), Cell.of(figures, words, style="table_center"),
        ))
    return Table(tuple(rows), (14, 40, 24, 24, 12, 42)).small()


def _tier_table(year: ContractYear, options: tuple[Tier, ...], chosen: Tier | None) -> Table:
    header = tuple(Cell.of(t, style="table_header") for t in ("平均排名档位", "比例", "金额", "大写金额", "适用"))
    rows = [header]
    for option in options:
        figures, words = _money(year, option.amount)
        mark = "✓" if option == chosen else ""
        rows.append((
            Cell.of(f"第{option.rank_min}-{option.rank_max}名", style="table_center"),
            Cell.of(pct(option.percent), style="table_center"), Cell.of(figures, style="table_right"),
            Cell.of(words), Cell.of(mark, style="table_center"),
        ))
    return Table(tuple(rows), (30, 16, 30, 64, 16)).small()


def _ranked(year: ContractYear, row: Row) -> Iterator[Block]:
    yield Paragraph(f"{row.label}：{row.basis}（应付日期{cn_date(row.due)}）", "heading2")
    yield Paragraph(f"排名统计月份：{cn_months(row.ranking_months)}。", keep_with_next=bool(row.ranks))
    if row.ranks:
        rank_rows = [(Cell.of("月份", style="table_header"), Cell.of("全省排名", style="table_header"))]
        rank_rows += [(Cell.of(m, style="table_center"), Cell.of(str(r), style="table_center")) for m, r in row.ranks.items()]
        yield Table(tuple(rank_rows), (40, 40))
    if row.chosen is None:
        yield Paragraph(f"尚缺{cn_months(row.missing_months)}的排名，本笔金额{PENDING}；{len(row.options)}个档位的金额如下：",
                        keep_with_next=True)
    else:
        figures, words = _money(year, row.chosen.amount)
        yield Paragraph(
            f"平均排名：{two_places(row.average)}（{len(row.ranks)}个月名次之和÷{len(row.ranks)}），"
            f"落入第{row.chosen.rank_min}-{row.chosen.rank_max}名档，支付合同总金额的{pct(row.chosen.percent)}，"
            f"即{figures}（{words}）。", keep_with_next=True)
    yield _tier_table(year, row.options, row.chosen)


def _late(year: ContractYear, schedule: Schedule) -> Iterator[Block]:
    rules = year.data["payment"]["late_fee"]
    as_of = schedule.as_of
    assert as_of is not None  # the late-fee section is built only for a schedule computed as of a date
    clause = cite(year, "payment", "late_fee")
    basis = f"依据合同{clause}：" if clause else "依据合同："
    yield Paragraph("四、逾期付款违约金", "heading1")
    yield Paragraph(
        f"{basis}甲方逾期付费的，每逾期一日按所欠金额的{rate_words(rules['daily_rate'])}计付违约金，逾期违约金合计不超过"
        f"合同总金额的{rate_words(rules['cap_rate'])}，即{cny(schedule.late_fee_cap)}。计算截至{cn_date(as_of)}"
        "（之后的付款不计入）。")
    if schedule.late_fees:
        header = tuple(Cell.of(t, style="table_header") for t in ("节点", "应付日期", "实付日期", "所涉金额", "逾期天数", "违约金"))
        rows = [header]
        for fee in schedule.late_fees:
            rows.append((
                Cell.of(fee.label, style="table_center"), Cell.of(fee.due.isoformat(), style="table_center"),
                Cell.of(fee.paid_on.isoformat() if fee.paid_on else "尚未支付", style="table_center"),
                Cell.of(cny(fee.amount), style="table_right"), Cell.of(str(fee.days_late), style="table_center"),
                Cell.of(cny(fee.fee), style="table_right"),
            ))
        yield Paragraph("逾期明细如下（实付日期为“尚未支付”的，逾期天数计至截止日）：", keep_with_next=True)
        yield Table(tuple(rows), (20, 26, 26, 30, 20, 34)).small()
    capped = f"（按上限计；未设上限时为{cny(schedule.late_fee_uncapped)}）" if schedule.late_fee_capped else ""
    lines = [f"逾期违约金合计：{cny(schedule.late_fee_total)}{capped}。"]
    if schedule.outstanding is not None:
        lines.append(f"截至{cn_date(as_of)}已到期未支付：{cny(schedule.outstanding)}。")
    else:
        lines.append("尚有节点的金额待排名确定，未付金额暂不能计算。")
    lines += [f"{note}。" for note in schedule.notes]
    exemption = rules.get("exemption")
    if exemption:
        lines.append(f"注：{exemption.rstrip('。')}" + (f"（合同{clause}）。" if clause else "。"))
    yield Paragraph("".join(lines))


def build_invoices(year: ContractYear, schedule: Schedule, with_payments: bool) -> DocumentModel:
    """The schedule as a document for finance staff."""
    project = year.data["project"]["name"]
    clause = cite(year, "payment")
    blocks: list[Block] = [
        Paragraph(project, "subtitle"),
        Paragraph("付款及开票计划", "title"),
        Paragraph(f"（{schedule.year}年度）", "subtitle"),
        _header(year, schedule),
        Paragraph("一、付款节点", "heading1"),
        Paragraph(
            f"应付日期为签订日期加约定月数（该月无对应日期的取月末）；乙方应在应付日期前{year.invoice_days_before}日"
            f"（最迟开票日期）根据确定的金额足额开具合法有效的发票" + (f"（合同{clause}）。" if clause else "。"),
            keep_with_next=True),
        _schedule_table(year, schedule),
    ]
    if any(row.ranked for row in schedule.rows):
        blocks += [Paragraph("二、按全省排名支付的节点", "heading1"),
                   Paragraph(f"平均排名小数的处理：{FRACTIONAL_RULES[schedule.fractional_rule]}。")]
        for row in schedule.rows:
            if row.ranked:
                blocks += _ranked(year, row)
    best, best_words = _money(year, schedule.best_total)
    check = "等于" if schedule.best_total == schedule.total else "不等于"
    totals = [f"按最好档位合计：{best}（{best_words}），{check}合同总金额{cny(schedule.total)}。"]
    for row in schedule.rows:
        if row.best.residual:
            totals.append(f"{row.label}最好档位金额含尾差{cny(row.best.residual)}：各节点金额分别四舍五入到分后与合同总金额相差"
                          f"{cny(abs(row.best.residual))}，由这一笔吸收，使各节点合计恰好等于合同总金额。")
    if schedule.given_total is None:
        totals.append(f"按已给排名合计：{PENDING}（尚有节点缺少排名）。")
    else:
        given, given_words = _money(year, schedule.given_total)
        totals.append(f"按已给排名合计：{given}（{given_words}）。")
    blocks += [Paragraph("三、合计", "heading1"), *(Paragraph(text) for text in totals)]
    if with_payments:
        blocks += _late(year, schedule)
    blocks += sme_payment_blocks(year, f"{'五' if with_payments else '四'}、中小企业款项支付期限核对")
    return DocumentModel(
        blocks=tuple(blocks),
        title=f"{project}付款及开票计划（{schedule.year}年度）",
        header_text=f"合同编号：{schedule.contract_number or '＿＿＿＿＿＿＿＿＿＿'}",
        created=datetime.combine(schedule.signed_on, datetime.min.time()),
        subject=project,
        keywords=f"{schedule.year}年度 付款计划",
    )
