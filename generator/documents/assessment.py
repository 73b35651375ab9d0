"""Build the document model of the annual assessment (履约验收/年度考核)."""

from __future__ import annotations

from datetime import datetime

from generator.analysis.assessment import Assessment
from generator.documents.model import Block, Cell, DocumentModel, Paragraph, Table
from generator.exports.metrics import percent
from generator.rules.model import ContractYear
from generator.rules.money import cny, pct, two_places
from generator.rules.numerals import cn_date


def _inputs(result: Assessment) -> Table:
    c = result.counts
    rows = [
        ("来电总量", f"{c.calls}通"), ("请求人工", f"{c.wants_agent}通"), ("人工接通", f"{c.answered}通"),
        ("咨询工单 / 即时答复", f"{c.consult}件 / {c.consult_instant}件"),
        ("办结工单 / 24小时内回访", f"{c.closed}件 / {c.revisited_on_time}件"),
        ("作出评价 / 满意（含基本满意）", f"{c.rated}件 / {c.satisfied}件"),
    ]
    for key, value in result.inputs.items():
        if isinstance(value, dict):
            rows.append((key, "，".join(f"{k}{v}" for k, v in value.items())))
        elif key not in ("接通率", "咨询类即时答复率", "按时回访率", "满意率"):
            shown = percent(value) if key == "抽检达标率" else two_places(value)
            rows.append((f"{key}（{'各月平均' if key in ('抽检达标率', '全省排名') else '各月合计'}）", shown))
    header = (Cell.of("数据项", style="table_header"), Cell.of("考核期合计", style="table_header"))
    return Table((header, *((Cell.of(a), Cell.of(b)) for a, b in rows)), (80, 76)).small()


def _card(result: Assessment) -> Table:
    header = tuple(Cell.of(t, style="table_header") for t in ("序号", "指标", "指标值", "实际", "满分", "计算过程", "得分"))
    rows = [header]
    for item in result.card.items:
        full = f"{item.points_max.normalize():f}" if item.points_max is not None else "\\"
        rows.append((Cell.of(str(item.number), style="table_center"), Cell.of(item.name), Cell.of(item.target, style="table_center"),
                     Cell.of(item.actual, style="table_center"), Cell.of(full, style="table_center"), Cell.of(item.trace),
                     Cell.of(f"{item.points:.2f}", style="table_right")))
    rows.append((Cell.of("合计", span=6, style="table_header"), Cell.of(f"{result.card.total:.2f}", style="table_right")))
    return Table(tuple(rows), (8, 26, 13, 17, 10, 68, 14)).small()


def build_assessment(contract: ContractYear, result: Assessment) -> DocumentModel:
    """The assessment as a document a reviewer can check by hand."""
    project = contract.data["project"]["name"]
    verdict = "续签" if result.passed else "不续签"
    first, last = contract.renewal.assessment_months
    blocks: list[Block] = [
        Paragraph(project, "subtitle"),
        Paragraph(f"{result.year}年度履约验收（年度考核）报告", "title"),
    ]
    if result.partial:
        blocks.append(Paragraph(f"注意：考核期数据不全，本报告仅依据{result.months[0]}至{result.months[-1]}中已有的"
                                f"{len(result.months)}个月计算，缺少{'、'.join(result.missing)}。", "heading2"))
    blocks += [
        Paragraph("一、考核依据与范围", "heading1"),
        Paragraph(f"依据合同第五条1及附件1《运营考核标准》，对乙方第{first}-{last}个服务月（{result.months[0]}至"
                  f"{result.months[-1]}）提供的服务进行履约验收。比率类指标以各月分子、分母分别合计后计算，扣分类指标以各月"
                  "次数合计（每项扣完为止），奖励指标封顶，排名扣分以各月名次的平均值计算。"),
        Paragraph("二、考核数据", "heading1"),
        _inputs(result),
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
            blocks.append(Paragraph(f"第{row.number}笔（{row.basis}）：缺少{'、'.join(row.missing_months)}的排名，档位待定。"))
        else:
            blocks.append(Paragraph(
                f"第{row.number}笔（{row.basis}）：平均排名第{two_places(row.average)}名，"
                f"第{row.chosen.rank_min}-{row.chosen.rank_max}名档，支付{pct(row.chosen.percent)}，即{cny(row.chosen.amount)}。"))
    resolved_end = result.schedule.term_end
    blocks.append(Paragraph(f"（服务期限至{cn_date(resolved_end)}。）", "plain"))
    return DocumentModel(
        blocks=tuple(blocks),
        title=f"{project}{result.year}年度履约验收报告",
        header_text=f"合同编号：{result.schedule.contract_number or '＿＿＿＿＿＿＿＿＿＿'}",
        created=datetime.combine(result.schedule.term_end, datetime.min.time()),
        subject=project,
        keywords=f"{result.year}年度 考核",
    )
