"""Build the document model of the monthly hotline report (12345热线月报).

The structure follows published 12345 bulletins: 运行概况, 诉求分析, 承办单位办理情况, 热点诉求与典型案例,
考核指标, 人员与排名, 存在问题, 下步工作, then the annex table and the data notes. Every name, label,
definition and piece of advice comes from the contract year's data; every figure that rests on other
months names the months it used and those it lacked.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator.analysis.monthly import MonthReport
from generator.analysis.periods import ratio
from generator.documents.docx.charts_xml import ChartSpec, Series
from generator.documents.model import Block, Cell, Chart, DocumentModel, Paragraph, Table
from generator.exports.conditions import describe_all
from generator.exports.fields import FieldSpec
from generator.exports.tables import Figures
from generator.rules.inputs import KINDS, percent, specs_of
from generator.rules.model import ContractYear
from generator.rules.money import cny, pct, two_places
from generator.rules.numerals import cn_date, cn_month, cn_months, cn_num

CHART_MM = (150.0, 75.0)
COLORS = ("1F4E79", "C00000", "7F7F7F", "2E75B6", "ED7D31")


def _change(now: int, before: int | None, word: str) -> str:
    """环比增长 3.20% / 环比下降 1.05% / 无上月数据."""
    if before is None:
        return f"无{word}数据"
    if before == 0:
        return f"{word}为 0"
    delta = (Decimal(now) - Decimal(before)) / Decimal(before)
    return f"{'增长' if delta >= 0 else '下降'}{percent(abs(delta))}"


def _one_place(numerator: int | Decimal, denominator: int) -> str:
    """A mean to one decimal, half-up like every other figure (233 ÷ 31 → 7.5)."""
    return f"{(Decimal(numerator) / Decimal(denominator)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"


def _points_change(now: Decimal | None, before: Decimal | None, word: str) -> str:
    if now is None or before is None:
        return f"无{word}数据"
    delta = (now - before) * 100
    return f"{'上升' if delta >= 0 else '下降'}{two_places(abs(delta))}个百分点"


class _Builder:
    """Walks the month's figures in report order, numbering figures and tables as they come."""

    def __init__(self, year: ContractYear, report: MonthReport) -> None:
        self.year, self.report = year, report
        self.data = year.data
        self.settings = year.data["report"]
        self.figure = 0
        self.table_number = 0
        self.specs = specs_of(year.data["scoring"])
        self.counts = year.data["scoring"]["counts"]
        self.exports = year.data["exports"]

    # -- helpers ---------------------------------------------------------------------------------

    def chart(self, spec: ChartSpec) -> Chart:
        self.figure += 1
        return Chart(spec, *CHART_MM, f"图{self.figure}　{spec.title}")

    def caption(self, title: str) -> Paragraph:
        self.table_number += 1
        return Paragraph(f"表{self.table_number}　{title}", "caption", keep_with_next=True)

    def field(self, role: str) -> str:
        value = self.settings["breakdowns"][role]
        return value["field"] if isinstance(value, Mapping) else role

    def title(self, role: str) -> str:
        value = self.settings["breakdowns"][role]
        return value["title"] if isinstance(value, Mapping) else value

    def table_of(self, count_id: str) -> Mapping[str, Any]:
        return self.exports[self.counts[count_id]["table"]]

    def count(self, figures: Mapping[str, Figures] | None, count_id: str) -> int | None:
        if figures is None:
            return None
        table = self.counts[count_id]["table"]
        return figures[table].counts.get(count_id, 0) if table in figures else None

    def rate(self, figures: Mapping[str, Figures] | None, name: str) -> Decimal | None:
        if figures is None:
            return None
        spec = self.specs[name]
        numerator, denominator = self.count(figures, spec.numerator), self.count(figures, spec.denominator)
        return ratio(numerator or 0, denominator or 0)

    def previous(self) -> Mapping[str, Figures] | None:
        return self.report.previous.figures if self.report.previous else None

    def last_year(self) -> Mapping[str, Figures] | None:
        return self.report.last_year.figures if self.report.last_year else None

    # -- sections ----------------------------------------------------------------------------------

    def masthead(self) -> Iterator[Block]:
        report = self.report
        yield Paragraph(self.settings["title"], "masthead")
        yield Paragraph(f"{report.month[:4]}年第{report.issue_in_year}期（总第{report.issue_total}期）", "subtitle")
        yield Paragraph(self.settings["issuer"], "subtitle")
        yield Paragraph(cn_date(report.issued_on), "subtitle")
        yield Paragraph(f"报送：{self.settings['recipient']}", "plain")
        if report.year_note:
            yield Paragraph(report.year_note, "plain")
        notes = self.honesty_notes()
        if notes:
            yield Paragraph("阅读提示：" + "；".join(notes) + "。", "plain")

    def honesty_notes(self) -> list[str]:
        """What the reader must know before trusting the figures (missing months, unsampled rates, skipped rows)."""
        report = self.report
        notes = []
        if report.ytd.missing:
            notes.append(f"本服务年度累计数据缺少{cn_months(report.ytd.missing)}，累计指标只按{cn_months(report.ytd.months)}计算")
        for item in report.card.no_sample:
            notes.append(f"“{item.name}”本月无样本，{item.trace}")
        if report.data.skipped_count:
            notes.append(f"有 {report.data.skipped_count} 行数据无法读取，已跳过（见数据说明）")
        if report.rank.pending and report.rank.milestone:
            notes.append(f"{report.rank.milestone}付款的排名档位待定（见第六部分）")
        gaps = [m for m in report.missing if m not in report.ytd.missing]
        if gaps:
            notes.append(f"缺少{cn_months(gaps)}的数据，走势图中留空，与这些月份的比较从略")
        return notes

    def overview(self) -> Iterator[Block]:
        report, platform = self.report, self.settings["platform"]
        month = f"{int(report.month[5:])}月"
        yield Paragraph("一、运行概况", "heading1")
        days = calendar.monthrange(int(report.month[:4]), int(report.month[5:]))[1]
        sentences = []
        for name, table in self.exports.items():
            figures = report.data.figures[name]
            sentences.append(f"{table['noun']}{figures.rows}{table['unit']}，日均{_one_place(figures.rows, days)}{table['unit']}")
        text = f"{month}，{platform}共受理" + "；".join(sentences) + "。"
        rates = [name for name, spec in self.specs.items() if spec.kind == "ratio"]
        if rates:
            text += "，".join(f"{name}{percent(self.rate(report.data.figures, name))}" for name in rates) + "。"
        for average in self.settings.get("averages", ()):
            over = self.count(report.data.figures, average["over"]) or 0
            table = self.counts[average["over"]]["table"]
            total = report.data.figures[table].sums.get(average["label"], 0)
            value = f"{_one_place(total, over)}{average['unit']}" if over else "无样本"
            text += f"{average['label']}{value}。"
        daily = self.exports[self.settings["daily_table"]]
        figures = report.data.figures[self.settings["daily_table"]]
        previous, ago = self.previous(), self.last_year()
        text += (f"{daily['noun']}量环比{_change(figures.rows, previous[self.settings['daily_table']].rows if previous else None, '上月')}，"
                 f"同比{_change(figures.rows, ago[self.settings['daily_table']].rows if ago else None, '去年同期')}。")
        yield Paragraph(text)
        yield self.caption("主要运行数据")
        yield self.summary()
        days_sorted = list(figures.daily)
        yield self.chart(ChartSpec(
            f"{month}每日{daily['noun']}量", tuple(d[-2:].lstrip("0") for d in days_sorted),
            (Series(f"{daily['noun']}量", tuple(figures.daily[d]["rows"] for d in days_sorted), color=COLORS[0]),),
            axis_title=f"{daily['noun']}量（{daily['unit']}）", category_axis_title="日", legend=False))
        if len(report.trend) > 1:
            yield self.trend_chart()
            if report.missing:
                yield Paragraph(f"注：{cn_months(report.missing)}缺少数据（数据目录中没有该月的导出表），图中留空，"
                                "前后月份不相连。", "plain")

    def summary(self) -> Table:
        report = self.report
        now, before, ago = report.data.figures, self.previous(), self.last_year()
        header = tuple(Cell.of(t, style="table_header") for t in ("项目", "本月", "上月", "环比", "去年同期", "同比"))
        rows = [header]

        def line(label: str, value: int, prev: int | None, old: int | None) -> tuple[Cell, ...]:
            return (Cell.of(label), Cell.of(str(value), style="table_right"),
                    Cell.of(str(prev) if prev is not None else "无数据", style="table_right"),
                    Cell.of(_change(value, prev, "上月").replace("无上月数据", "—"), style="table_center"),
                    Cell.of(str(old) if old is not None else "无数据", style="table_right"),
                    Cell.of(_change(value, old, "去年同期").replace("无去年同期数据", "—"), style="table_center"))

        for name, table in self.exports.items():
            rows.append(line(f"{table['noun']}总量（{table['unit']}）", now[name].rows,
                             before[name].rows if before else None, ago[name].rows if ago else None))
        for cid, spec in self.counts.items():
            unit = self.exports[spec["table"]]["unit"]
            rows.append(line(f"{spec['label']}（{unit}）", self.count(now, cid) or 0, self.count(before, cid),
                             self.count(ago, cid)))
        for name, spec in self.specs.items():
            if spec.kind != "ratio":
                continue
            value, prev, old = self.rate(now, name), self.rate(before, name), self.rate(ago, name)
            rows.append((Cell.of(name), Cell.of(percent(value), style="table_right"),
                         Cell.of(percent(prev) if before else "无数据", style="table_right"),
                         Cell.of(_points_change(value, prev, "上月").replace("无上月数据", "—"), style="table_center"),
                         Cell.of(percent(old) if ago else "无数据", style="table_right"),
                         Cell.of(_points_change(value, old, "去年同期").replace("无去年同期数据", "—"), style="table_center")))
        return Table(tuple(rows), (44, 22, 22, 24, 22, 24)).small()

    def trend_chart(self) -> Chart:
        """Volume (bars) and the trend rate (a line) month by month; a month without data keeps its place,
        empty, and the line is broken there rather than drawn across it."""
        report = self.report
        daily = self.exports[self.settings["daily_table"]]
        rates = [r for _, _, r in report.trend]
        series = [Series(f"{daily['noun']}量", tuple(c for _, c, _ in report.trend), color=COLORS[3])]
        low = None
        name = self.settings.get("trend_rate")
        if name:
            shown = [r * 100 for r in rates if r is not None]
            series.append(Series(name, tuple((r * 100).quantize(Decimal("0.01")) if r is not None else None for r in rates),
                                 kind="line", secondary=True, color=COLORS[1], number_format='0.00"%"'))
            # The rate axis starts a little below the lowest month, so a change is visible (never below 0).
            low = max(Decimal(0), (min(shown) // 5) * 5 - 5) if shown else Decimal(0)
        months = tuple(f"{int(m[5:])}月" for m, _, _ in report.trend)
        return self.chart(ChartSpec(
            f"近{len(months)}个月{daily['noun']}量" + (f"与{name}" if name else ""), months, tuple(series),
            axis_title=f"{daily['noun']}量（{daily['unit']}）", secondary_axis_title=f"{name}（%）" if name else "",
            secondary_axis_min=low, secondary_axis_max=Decimal(100) if name else None,
            secondary_number_format='0"%"'))

    def demand(self) -> Iterator[Block]:
        report = self.report
        tickets = report.data.figures["tickets"]
        before = self.previous()
        table = self.exports["tickets"]
        yield Paragraph("二、诉求分析", "heading1")
        for number, role in enumerate(("type", "category", "region"), start=1):
            groups = tickets.group(self.field(role))
            ranked = sorted(groups.items(), key=lambda item: (-item[1]["rows"], item[0]))
            top = ranked if role == "type" else ranked[: self.settings["top"]]
            suffix = f"（前{self.settings['top']}位）" if len(ranked) > len(top) else ""
            yield Paragraph(f"（{cn_num(number)}）按{self.title(role)}{suffix}", "heading2")
            lead = "，".join(f"{name}{c['rows']}{table['unit']}（{percent(Decimal(c['rows']) / tickets.rows)}）"
                             for name, c in ranked[:3])
            previous_groups = before["tickets"].group(self.field(role)) if before else None
            changes = ""
            if previous_groups is not None:
                changes = "；环比" + "，".join(
                    f"{name}{_change(c['rows'], previous_groups.get(name, {}).get('rows'), '上月')}" for name, c in ranked[:3])
            yield Paragraph(f"本月{table['noun']}中，{self.title(role)}居前的为{lead}{changes}。")
            yield self.caption(f"{self.title(role)}分布")
            yield self.share_table(self.title(role), [(n, c["rows"]) for n, c in top], tickets.rows)
            if role != "category":
                yield self.chart(ChartSpec(
                    f"{self.title(role)}{table['noun']}量", tuple(n for n, _ in top),
                    (Series(f"{table['noun']}量", tuple(c["rows"] for _, c in top), color=COLORS[3], labels=True,
                            number_format=f'0"{table["unit"]}"'),), horizontal=True, legend=False))

    def share_table(self, title: str, items: Sequence[tuple[str, int]], total: int) -> Table:
        unit = self.exports["tickets"]["unit"]
        header = (Cell.of(title, style="table_header"), Cell.of(f"数量（{unit}）", style="table_header"),
                  Cell.of("占比", style="table_header"))
        rows = [header] + [(Cell.of(name), Cell.of(str(count), style="table_right"),
                            Cell.of(percent(Decimal(count) / total) if total else "无样本", style="table_right"))
                           for name, count in items]
        return Table(tuple(rows), (84, 36, 36))

    def units(self, top: int | None) -> Table:
        tickets = self.report.data.figures["tickets"]
        groups = tickets.group(self.field("unit"))
        ratios = self.settings["unit_ratios"]
        unit = self.exports["tickets"]["unit"]
        header = tuple(Cell.of(t, style="table_header") for t in
                       (self.title("unit"), f"{self.exports['tickets']['noun']}（{unit}）", *(r["label"] for r in ratios)))
        ranked = sorted(groups.items(), key=lambda item: (-item[1]["rows"], item[0]))
        rows = [header]
        for name, counts in ranked[:top] if top else ranked:
            cells = [Cell.of(name), Cell.of(str(counts["rows"]), style="table_right")]
            for spec in ratios:
                value = ratio(counts.get(spec["numerator"], 0), counts.get(spec["denominator"], 0))
                cells.append(Cell.of(percent(value), style="table_right"))
            rows.append(tuple(cells))
        share = (156 - 56 - 24) / max(len(ratios), 1)
        return Table(tuple(rows), (56, 24, *(share for _ in ratios))).small()

    def handling(self) -> Iterator[Block]:
        yield Paragraph(f"三、{self.title('unit')}办理情况", "heading1")
        top = self.settings["top"]
        groups = self.report.data.figures["tickets"].group(self.field("unit"))
        yield Paragraph(f"本月共有{len(groups)}个{self.title('unit')}承办{self.exports['tickets']['noun']}，"
                        f"办理量居前{min(top, len(groups))}位的情况如下（全部见附表）。")
        yield self.caption(f"{self.title('unit')}办理情况（前{min(top, len(groups))}位）")
        yield self.units(top)

    def hot(self) -> Iterator[Block]:
        yield Paragraph("四、热点诉求与典型案例", "heading1")
        unit = self.exports["tickets"]["unit"]
        for index, topic in enumerate(self.report.hot_topics, start=1):
            change = "" if topic.previous is None else f"，环比{_change(topic.count, topic.previous, '上月')}"
            yield Paragraph(f"（{cn_num(index)}）{topic.category}：{topic.count}{unit}，占{percent(topic.share)}{change}",
                            "heading2")
            if topic.main_unit:
                yield Paragraph(f"该类诉求主要由{topic.main_unit}承办。")
            for case in topic.cases:
                where = "，".join(part for part in (case.region, f"{case.unit}承办" if case.unit else "") if part)
                if case.written:
                    yield Paragraph(f"典型案例：{case.text}" + (f"（{where}）" if where else ""))
                else:
                    yield Paragraph(f"典型案例（按工单信息概述）：{case.text}")
            yield Paragraph(f"建议：{topic.advice}")

    def scores(self) -> Iterator[Block]:
        report = self.report
        yield Paragraph("五、运行指标与考核得分", "heading1")
        ytd = report.ytd
        months = cn_months(ytd.months)
        missing = f"，缺少{cn_months(ytd.missing)}的数据" if ytd.missing else ""
        total = f"{ytd.card.total:.2f}" if ytd.card else "无"
        appendix = next((f"附件{i + 1}" for i, a in enumerate(self.data["appendices"]) if a["id"] == "scoring"), "")
        name = next((a["title"] for a in self.data["appendices"] if a["id"] == "scoring"), "运营考核标准")
        yield Paragraph(f"按合同{appendix}《{name}》计算，本月得分{report.card.total:.2f}分；"
                        f"本服务年度累计（{months}，共{len(ytd.months)}个月{missing}）得分{total}分。")
        yield self.caption("本月考核得分")
        yield self.score_table()
        bars = [(i, ind) for i, ind in enumerate(self.data["scoring"]["indicators"])
                if "target" in ind and self.specs[ind["rule"]["input"]].kind in ("ratio", "rate")]
        if bars:
            actual = tuple((report.inputs[i["rule"]["input"]] * 100).quantize(Decimal("0.01"))
                           if report.inputs.get(i["rule"]["input"]) is not None else None for _, i in bars)
            yield self.chart(ChartSpec(
                "主要运行指标与考核指标值", tuple(i["name"] for _, i in bars),
                (Series("实际", actual, color=COLORS[0], labels=True),
                 Series("指标值", tuple(Decimal(str(i["target"])) for _, i in bars), color=COLORS[2])),
                number_format='0"%"', axis_min=Decimal(0), axis_max=Decimal(100)))

    def score_table(self) -> Table:
        header = tuple(Cell.of(t, style="table_header") for t in ("序号", "指标", "指标值", "实际", "满分", "得分", "计分说明"))
        rows = [header]
        for item in self.report.card.items:
            full = f"{item.points_max.normalize():f}" if item.points_max is not None else "\\"
            rows.append((Cell.of(str(item.number), style="table_center"), Cell.of(item.name),
                         Cell.of(item.target, style="table_center"), Cell.of(item.actual, style="table_center"),
                         Cell.of(full, style="table_center"), Cell.of(f"{item.points:.2f}", style="table_right"),
                         Cell.of(f"{item.clause}：{item.trace}")))
        rows.append((Cell.of("合计", span=5, style="table_header"), Cell.of(f"{self.report.card.total:.2f}", style="table_right"),
                     Cell.of("")))
        return Table(tuple(rows), (10, 30, 16, 20, 12, 16, 52)).small()

    def staff_and_rank(self) -> Iterator[Block]:
        report = self.report
        yield Paragraph("六、人员配置与全省排名", "heading1")
        if report.staff_on_duty is None:
            yield Paragraph("本月没有填写在岗人数。")
        else:
            gap = report.staff_minimum - report.staff_on_duty
            state = "符合合同要求" if gap <= 0 else f"缺{gap}人，低于合同要求"
            yield Paragraph(f"本月在岗{report.staff_on_duty}人，合同约定人员配置不少于{report.staff_minimum}人，{state}。")
        rank = report.rank
        if rank.rank is None:
            return
        text = f"本月{self.settings['platform']}在全省热线平台考核中排名第{rank.rank}名。"
        if rank.milestone:
            span = f"{cn_month(rank.period_months[0])}至{int(rank.period_months[-1][5:])}月"
            text += f"{rank.milestone}付款依据{span}的平均排名。"
            if rank.average is not None:
                used = cn_months(tuple(rank.ranks))
                text += f"已有{used}的排名，平均第{two_places(rank.average)}名"
                if rank.pending:
                    later = [m for m in rank.period_months if m > report.month]
                    parts = []
                    if rank.missing:
                        parts.append(f"缺少{cn_months(rank.missing)}的排名")
                    if later:
                        parts.append(f"{cn_months(later)}尚未到")
                    text += (f"；{'，'.join(parts)}，付款档位待定（按已有月份，目前对应{rank.tier}档，"
                             f"支付合同总金额的{pct(rank.percent)}，即{cny(rank.amount)}）。")
                else:
                    text += f"，对应{rank.tier}档，支付合同总金额的{pct(rank.percent)}，即{cny(rank.amount)}。"
        yield Paragraph(text)

    def issues(self) -> Iterator[Block]:
        yield Paragraph("七、存在问题", "heading1")
        issues = self.report.issues
        if not issues:
            yield Paragraph("本月各项考核指标均达到指标值，人员配置符合合同要求，未发现需要整改的问题。")
        for index, issue in enumerate(issues, start=1):
            yield Paragraph(f"{index}. {issue.text}")
        yield Paragraph("八、下步工作", "heading1")
        steps = list(dict.fromkeys(issue.next_step for issue in issues if issue.next_step))
        if not steps:
            steps = ["继续保持各项指标，做好话务高峰和节假日的排班保障。"]
        for index, step in enumerate(steps, start=1):
            yield Paragraph(f"{index}. {step}")

    def notes(self) -> Iterator[Block]:
        report = self.report
        yield Paragraph(f"附表　{self.title('unit')}办理情况", "heading1")
        yield self.units(None)
        yield Paragraph("数据说明", "heading1")
        for name, spec in self.specs.items():
            if spec.kind != "ratio":
                continue
            numerator, denominator = self.counts[spec.numerator], self.counts[spec.denominator]
            fields = {t: {fid: FieldSpec(fid, f["name"], f["type"]) for fid, f in tab["fields"].items()}
                      for t, tab in self.exports.items()}
            yield Paragraph(f"{name}＝{numerator['label']}÷{denominator['label']}；其中{numerator['label']}指"
                            f"{describe_all(numerator['where'], fields[numerator['table']])}的"
                            f"{self.exports[numerator['table']]['noun']}，{denominator['label']}指"
                            f"{describe_all(denominator['where'], fields[denominator['table']])}的"
                            f"{self.exports[denominator['table']]['noun']}。")
        entered = [f"{name}（{KINDS[spec.kind].label}）" for name, spec in self.specs.items() if spec.entered]
        if entered:
            yield Paragraph(f"{'、'.join(entered)}取自当月 month.yaml。")
        limit = self.settings.get("min_label_rows", 2)
        yield Paragraph("月报不引用来电人写的诉求内容：典型案例由运营人员撰写，没有撰写的按工单的分类、地区、承办单位和日期概述，"
                        "要求保密的工单（或保密标记无法确定的工单）不作为依据；分类、地区、承办单位的名称含个人信息的按"
                        f"“其他（含个人信息，已隐去）”统计，当月不足{limit}件的合并为“其他（不足{limit}件的合并）”。")
        if report.data.columns_file:
            yield Paragraph(f"导出表的列名按 {report.data.columns_file} 对照。")
        if report.data.skipped_count:
            yield Paragraph(f"本月共有{report.data.skipped_count}行数据无法读取，已按 --skip-bad-rows 跳过（列出前 20 行，不显示单元格内容）：")
            for bad in report.data.skipped[:20]:
                yield Paragraph(f"{bad.file} 第{bad.row}行 {bad.column}：{bad.message}", "plain")
        if report.data.cleaned:
            yield Paragraph(f"另有{len(report.data.cleaned)}个单元格含有不可见控制字符或疑似被截断的号码，已清理后使用。")
        for summary in report.data.summaries:
            yield Paragraph(f"{summary.file} 第{summary.row}行{summary.message}。", "plain")
        for name, quality in report.quality.items():
            table = self.exports[name]["title"]
            findings = []
            if quality.duplicates:
                findings.append(f"编号重复 {quality.duplicates} 行")
            if quality.out_of_order:
                findings.append(f"时间先后不可能 {quality.out_of_order} 处")
            if quality.personal_labels:
                findings.append(f"分类名称中含个人信息 {quality.personal_labels} 行（已按“含个人信息”统计）")
            if findings:
                yield Paragraph(f"数据质量（{table}）：{'；'.join(findings)}，均已计入统计，请核实：", "plain")
                for example in quality.examples[:10]:
                    yield Paragraph(f"{example.file} 第{example.row}行 {example.column}：{example.message}", "plain")


def build_report(year: ContractYear, report: MonthReport) -> DocumentModel:
    """The monthly report as a document model."""
    builder = _Builder(year, report)
    blocks: list[Block] = [
        *builder.masthead(), *builder.overview(), *builder.demand(), *builder.handling(), *builder.hot(),
        *builder.scores(), *builder.staff_and_rank(), *builder.issues(), *builder.notes(),
    ]
    settings = year.data["report"]
    return DocumentModel(
        blocks=tuple(blocks),
        title=f"{settings['title']}（{report.month}）",
        header_text=f"{settings['title']}　{report.month[:4]}年第{report.issue_in_year}期",
        created=datetime.combine(report.issued_on, datetime.min.time()),
        subject=year.data["project"]["name"],
        keywords=f"{report.month} 月报",
    )
