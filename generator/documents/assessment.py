"""Build the document model of the annual assessment (履约验收/年度考核)."""

from __future__ import annotations

from datetime import datetime

from generator.analysis.assessment import Assessment
from generator.documents.model import Block, Cell, DocumentModel, Paragraph, Table
from generator.rules.clauses import cite
from generator.rules.inputs import COMBINE_WORDS, KINDS, specs_of
from generator.rules.model import ContractYear
from generator.rules.money import cny, pct, two_places
from generator.rules.numerals import cn_date, cn_months


def _data(year: ContractYear, result: Assessment) -> Table:
    counts = year.data["scoring"]["counts"]
    exports = year.data["exports"]
    rows = [(f"{table['noun']}总量", f"{result.figures[name].rows}{table['unit']}")
            for name, table in exports.items() if name in result.figures]
    for cid, spec in counts.items():
        figures = result.figures.get(spec["table"])
        value = figures.counts.get(cid, 0) if figures else 0
        rows.append((spec["label"], f"{value}{exports[spec['table']]['unit']}"))
    for name, spec in specs_of(year.data["scoring"]).items():
        if name not in result.inputs:
            continue
        how = "各月分子、分母分别合计后相除" if spec.kind == "ratio" else COMBINE_WORDS[spec.combine]
        rows.append((f"{name}（{how}）", KINDS[spec.kind].show(spec, result.inputs[name])))
    header = (Cell.of("数据项", style="table_header"), Cell.of("考核期合计", style="table_header"))
    return Table((header, *((Cell.of(a), Cell.of(b)) for a, b in rows)), (96, 60)).small()


def _card(result: Assessment) -> Table:
    header = tuple(Cell.of(t, style="table_header") for t in ("序号", "指标", "指标值", "实际", "满分", "计算过程", "得分"))
    rows = [header]
    for item in result.card.items:
        full = f"{item.points_max.normalize():f}" if item.points_max is not None else "\\"
        rows.append((Cell.of(str(item.number), style="table_center"), Cell.of(item.name),
                     Cell.of(item.target, style="table_center"), Cell.of(item.actual, style="table_center"),
                     Cell.of(full, style="table_center"), Cell.of(f"{item.clause}：{item.trace}"),
                     Cell.of(f"{item.points:.2f}", style="table_right")))
    rows.append((Cell.of("合计", span=6, style="table_header"), Cell.of(f"{result.card.total:.2f}", style="table_right")))
    return Table(tuple(rows), (10, 28, 16, 20, 12, 54, 16)).small()


def build_assessment(year: ContractYear, result: Assessment) -> DocumentModel:
    """The assessment as a document a reviewer can check by hand."""
    project = year.data["project"]["name"]
    verdict = "续签" if result.passed else "不续签"
    first, last = year.renewal.assessment_months
    renewal = cite(year, "rules", "renewal")
    appendix = next(((i + 1, a["title"]) for i, a in enumerate(year.data["appendices"]) if a["id"] == "scoring"), None)
    basis = "、".join(filter(None, [f"合同{renewal}" if renewal else "", f"附件{appendix[0]}《{appendix[1]}》" if appendix else ""]))
    blocks: list[Block] = [
        Paragraph(project, "subtitle"),
        Paragraph(f"{result.year}年度履约验收（年度考核）报告", "title"),
    ]
    if result.partial:
        blocks.append(Paragraph(f"注意：考核期数据不全，本报告仅依据已有的{cn_months(result.months)}共{len(result.months)}个月计算，"
                                f"缺少{cn_months(result.missing)}。", "heading2"))
    blocks += [
        Paragraph("一、考核依据与范围", "heading1"),
        Paragraph(f"依据{basis or '合同'}，对乙方第{first}-{last}个服务月（{cn_months(result.months + result.missing)}）"
                  "提供的服务进行履约验收。比率类指标以各月分子、分母分别合计后计算，其余输入按合同数据声明的方式合并"
                  "（见下表），扣分每项扣完为止，奖励指标封顶。"),
        Paragraph("二、考核数据", "heading1"),
        _data(year, result),
        Paragraph("三、逐项计分", "heading1"),
        _card(result),
        Paragraph("四、结论", "heading1"),
        Paragraph(f"年度考核得分{result.card.total:.2f}分，续签最低分{result.threshold.normalize():f}分；"
                  f"记录的违约行为：{'；'.join(result.breaches) if result.breaches else '无'}。"),
        Paragraph(f"结论：{verdict}。", "heading2"),
        Paragraph("五、按排名支付的付款档位", "heading1"),
    ]
    for row in result.schedule.rows:
        if not row.ranked:
            continue
        if row.chosen is None:
            blocks.append(Paragraph(f"{row.label}（{row.basis}）：缺少{cn_months(row.missing_months)}的排名，档位待定。"))
        else:
            blocks.append(Paragraph(
                f"{row.label}（{row.basis}）：平均排名第{two_places(row.average)}名，"
                f"第{row.chosen.rank_min}-{row.chosen.rank_max}名档，支付{pct(row.chosen.percent)}，即{cny(row.chosen.amount)}。"))
    blocks.append(Paragraph(f"（服务期限至{cn_date(result.schedule.term_end)}。）", "plain"))
    return DocumentModel(
        blocks=tuple(blocks),
        title=f"{project}{result.year}年度履约验收报告",
        header_text=f"合同编号：{result.schedule.contract_number or '＿＿＿＿＿＿＿＿＿＿'}",
        created=datetime.combine(result.schedule.term_end, datetime.min.time()),
        subject=project,
        keywords=f"{result.year}年度 考核",
    )
