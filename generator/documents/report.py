"""Build the document model of the monthly hotline report (12345热线月报)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from generator.analysis.monthly import MonthReport, change
from generator.documents import charts
from generator.documents.model import Block, Cell, DocumentModel, Image, Paragraph, Table
from generator.exports.metrics import Counts, percent, ranked
from generator.rules.model import ContractYear
from generator.rules.money import cny, pct, two_places
from generator.rules.numerals import cn_date, cn_num
from generator.rules.scoring import ScoreCard

CHART_MM = 150


def _avg_wait(counts: Counts) -> str:
    return f"{Decimal(counts.wait_seconds) / counts.answered:.1f}秒" if counts.answered else "—"


def _summary_rows(report: MonthReport) -> Table:
    now, before, ago = report.counts, report.previous, report.last_year
    header = tuple(Cell.of(t, style="table_header") for t in ("项目", "本月", "上月", "环比", "去年同期", "同比"))
    rows = [header]
    for label, attr in (("来电总量（通）", "calls"), ("请求人工（通）", "wants_agent"), ("人工接通（通）", "answered"),
                        ("受理工单（件）", "tickets"), ("办结工单（件）", "closed")):
        value = getattr(now, attr)
        prev = getattr(before, attr) if before else None
        year = getattr(ago, attr) if ago else None
        rows.append((Cell.of(label), Cell.of(str(value), style="table_right"),
                     Cell.of(str(prev) if prev is not None else "—", style="table_right"),
                     Cell.of(change(value, prev), style="table_center"),
                     Cell.of(str(year) if year is not None else "—", style="table_right"),
                     Cell.of(change(value, year), style="table_center")))
    for label, key in (("接通率", "接通率"), ("满意率", "满意率")):
        rows.append((Cell.of(label), Cell.of(percent(now.rates()[key]), style="table_right"),
                     Cell.of(percent(before.rates()[key]) if before else "—", style="table_right"), Cell.of("—", style="table_center"),
                     Cell.of(percent(ago.rates()[key]) if ago else "—", style="table_right"), Cell.of("—", style="table_center")))
    return Table(tuple(rows), (36, 20, 20, 30, 20, 30)).small()


def _share_table(title: str, items: list[tuple[str, int]], total: int) -> Table:
    header = (Cell.of(title, style="table_header"), Cell.of("件数", style="table_header"), Cell.of("占比", style="table_header"))
    rows = [header] + [(Cell.of(name), Cell.of(str(count), style="table_right"),
                        Cell.of(percent(Decimal(count) / total) if total else "—", style="table_right"))
                       for name, count in items]
    return Table(tuple(rows), (80, 38, 38))


def _unit_table(counts: Counts, top: int | None) -> Table:
    header = tuple(Cell.of(t, style="table_header") for t in ("承办单位", "工单（件）", "办结（件）", "办结率", "满意率"))
    units = ranked({name: c.tickets for name, c in counts.by_unit.items()}, top)
    rows = [header]
    for name, _ in units:
        unit = counts.by_unit[name]
        rows.append((Cell.of(name), Cell.of(str(unit.tickets), style="table_right"), Cell.of(str(unit.closed), style="table_right"),
                     Cell.of(percent(Decimal(unit.closed) / unit.tickets if unit.tickets else None), style="table_right"),
                     Cell.of(percent(Decimal(unit.satisfied) / unit.rated if unit.rated else None), style="table_right")))
    return Table(tuple(rows), (60, 24, 24, 24, 24)).small()


def _score_table(card: ScoreCard) -> Table:
    header = tuple(Cell.of(t, style="table_header") for t in ("序号", "指标", "指标值", "实际", "满分", "得分", "计分说明"))
    rows = [header]
    for item in card.items:
        full = f"{item.points_max.normalize():f}" if item.points_max is not None else "\\"
        rows.append((Cell.of(str(item.number), style="table_center"), Cell.of(item.name), Cell.of(item.target, style="table_center"),
                     Cell.of(item.actual, style="table_center"), Cell.of(full, style="table_center"),
                     Cell.of(f"{item.points:.2f}", style="table_right"), Cell.of(item.trace)))
    rows.append((Cell.of("合计", span=5, style="table_header"), Cell.of(f"{card.total:.2f}", style="table_right"), Cell.of("")))
    return Table(tuple(rows), (8, 26, 13, 17, 10, 14, 68)).small()


def _overview(report: MonthReport) -> Iterator[Block]:
    now = report.counts
    days = len(now.daily_calls) or 1
    month_label = f"{int(report.month[5:])}月"
    yield Paragraph("一、总体运行情况", "heading1")
    yield Paragraph(
        f"{month_label}，陵水分平台共受理来电{now.calls}通，日均{now.calls // days}通；其中请求人工服务{now.wants_agent}通，"
        f"人工接通{now.answered}通，接通率{percent(now.rates()['接通率'])}，平均等待{_avg_wait(now)}。受理工单{now.tickets}件，"
        f"日均{now.tickets // days}件；办结{now.closed}件，满意率{percent(now.rates()['满意率'])}。"
        f"来电量环比{change(now.calls, report.previous.calls if report.previous else None)}，"
        f"同比{change(now.calls, report.last_year.calls if report.last_year else None)}。"
    )
    yield _summary_rows(report)
    days_sorted = list(now.daily_calls)
    yield Image(charts.daily_calls(days_sorted, [now.daily_calls[d] for d in days_sorted], f"{month_label}每日来电量"),
                CHART_MM, f"图1　{month_label}每日来电量")
    if len(report.trend) > 1:
        yield Image(charts.trend([t[0] for t in report.trend], [t[1] for t in report.trend], [t[2] for t in report.trend]),
                    CHART_MM, "图2　近期月度来电量与接通率")


def _demand(report: MonthReport, top: int) -> Iterator[Block]:
    now = report.counts
    yield Paragraph("二、诉求分析", "heading1")
    types = ranked(now.by_type)
    yield Paragraph("（一）按诉求类型", "heading2")
    lead = "，".join(f"{name}{count}件（{percent(Decimal(count) / now.tickets)}）" for name, count in types[:3])
    yield Paragraph(f"本月工单中，{lead}。")
    yield _share_table("诉求类型", types, now.tickets)
    yield Image(charts.horizontal_bars([t[0] for t in types], [t[1] for t in types], "诉求类型分布"), CHART_MM, "图3　诉求类型分布")
    yield Paragraph(f"（二）按诉求分类（前{top}位）", "heading2")
    yield _share_table("诉求分类", ranked(now.by_category, top), now.tickets)
    towns = ranked(now.by_town)
    yield Paragraph("（三）按乡镇", "heading2")
    yield Paragraph(f"工单量居前的乡镇为{'、'.join(name for name, _ in towns[:3])}。")
    yield Image(charts.horizontal_bars([t[0] for t in towns], [t[1] for t in towns], "各乡镇（农场）工单量"), CHART_MM,
                "图4　各乡镇（农场）工单量")
    yield Paragraph(f"（四）按承办单位（前{top}位）", "heading2")
    yield _unit_table(now, top)


def _hot(report: MonthReport) -> Iterator[Block]:
    yield Paragraph("三、热点诉求", "heading1")
    for index, topic in enumerate(report.hot_topics, start=1):
        yield Paragraph(f"（{cn_num(index)}）{topic.category}：{topic.count}件，占{percent(topic.share)}", "heading2")
        if topic.case:
            yield Paragraph(f"典型案例：{topic.case}（{topic.case_town}）")
        yield Paragraph(f"建议：该类诉求主要由{topic.main_unit}承办，建议对高频问题集中研判、源头治理，减少重复来电。")


def _scores(report: MonthReport, contract: ContractYear) -> Iterator[Block]:
    yield Paragraph("四、运行指标与考核得分", "heading1")
    yield Paragraph(f"按合同附件1《运营考核标准》计算，本月得分{report.card.total:.2f}分；"
                    f"本服务年度累计（{report.ytd_months[0]}至{report.ytd_months[-1]}，共{len(report.ytd_months)}个月）"
                    f"得分{report.ytd_card.total:.2f}分。")
    yield _score_table(report.card)
    rates = report.counts.rates()
    indicators = [i for i in contract.data["scoring"]["indicators"] if i["rule"]["kind"] == "linear_rate"]
    yield Image(charts.kpi_against_target([i["name"] for i in indicators], [rates[i["rule"]["input"]] for i in indicators],
                                          [Decimal(i["target"]) for i in indicators]), CHART_MM, "图5　主要运行指标与考核指标值")


def _staff_and_rank(report: MonthReport) -> Iterator[Block]:
    yield Paragraph("五、人员配置", "heading1")
    gap = report.staff_minimum - report.staff_on_duty
    state = "符合合同要求" if gap <= 0 else f"缺{gap}人，低于合同要求"
    yield Paragraph(f"本月在岗{report.staff_on_duty}人，合同约定人员配置不少于{report.staff_minimum}人，{state}。")
    yield Paragraph("六、全省排名与付款档位", "heading1")
    rank = report.rank
    text = f"本月陵水分平台在全省热线平台考核中排名第{rank.rank}名。"
    if rank.milestone_number and rank.average is not None:
        text += (f"第{rank.milestone_number}笔付款依据{rank.months[0]}至{rank.months[-1]}的平均排名，截至本月"
                 f"（{len(rank.ranks)}个月）平均第{two_places(rank.average)}名，按目前排名对应{rank.tier}档，"
                 f"支付合同总金额的{pct(rank.percent)}，即{cny(rank.amount)}。")
    yield Paragraph(text)


def _issues(report: MonthReport) -> Iterator[Block]:
    yield Paragraph("七、存在问题与下步工作", "heading1")
    if not report.problems:
        yield Paragraph("本月各项考核指标均达到指标值，下步将继续保持服务质量。")
    for index, problem in enumerate(report.problems, start=1):
        yield Paragraph(f"{index}. {problem}")


def _notes(report: MonthReport, contract: ContractYear) -> Iterator[Block]:
    yield Paragraph("附表　承办单位办理情况", "heading1")
    yield _unit_table(report.counts, None)
    yield Paragraph("数据说明", "heading1")
    scoring = contract.data["scoring"]
    yield Paragraph(f"接通率＝人工接通量÷请求人工量；咨询类即时答复率＝即时答复的咨询工单÷咨询工单；按时回访率＝办结后"
                    f"{scoring['revisit_hours']}小时内回访的工单÷办结工单；满意率＝（{'＋'.join(scoring['satisfied_answers'])}）"
                    "÷作出评价的工单。来电人姓名、电话、证件号码和门牌号均已隐去，要求保密的工单不予引用。")
    if report.skipped_count:
        yield Paragraph(f"本月共有{report.skipped_count}行数据无法读取，已按 --skip-bad-rows 跳过：")
        for bad in report.skipped[:20]:
            yield Paragraph(f"{bad.file} 第{bad.row}行 {bad.column}：{bad.message}", "plain")
    if report.cleaned:
        yield Paragraph(f"另有{len(report.cleaned)}个单元格含有不可见控制字符，已删除后使用。")


def build_report(contract: ContractYear, report: MonthReport) -> DocumentModel:
    """The monthly report as a document model."""
    settings = contract.data["report"]
    top = settings["top"]
    blocks: list[Block] = [
        Paragraph(settings["title"], "masthead"),
        Paragraph(f"{report.month[:4]}年第{report.issue_in_year}期（总第{report.issue_total}期）", "subtitle"),
        Paragraph(settings["issuer"], "subtitle"),
        Paragraph(cn_date(report.issued_on), "subtitle"),
        Paragraph(f"报送：{settings['recipient']}", "plain"),
        *_overview(report), *_demand(report, top), *_hot(report), *_scores(report, contract),
        *_staff_and_rank(report), *_issues(report), *_notes(report, contract),
    ]
    return DocumentModel(
        blocks=tuple(blocks),
        title=f"{settings['title']}（{report.month}）",
        header_text=f"{settings['title']}　{report.month[:4]}年第{report.issue_in_year}期",
        created=datetime.combine(report.issued_on, datetime.min.time()),
        subject=contract.data["project"]["name"],
        keywords=f"{report.month} 月报",
    )
