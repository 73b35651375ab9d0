"""The acceptance record (履约验收书) and the announcement of its result (验收结果公告).

《政府采购法实施条例》第四十五条: the record states the performance of each standard of the contract; for a
public service the service objects take part and give their opinion, and the result is published. The
record lists every standard of the requirement appendix and every indicator of the scoring appendix. Where
the data says how a standard was met, the record says it (never more than the data backs); elsewhere it
leaves a blank for the acceptance group, and the verdict and signatures are always theirs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from generator.analysis.acceptance import MISSING, Performance
from generator.documents.model import Block, Cell, DocumentModel, PageBreak, Paragraph, Table
from generator.documents.statutory import clause_renderer, confidential_label, hidden_by, value_at
from generator.rules.clauses import cite
from generator.rules.model import ContractYear
from generator.rules.money import capital, cny, to_decimal
from generator.rules.numerals import cn_date, cn_months, cn_num
from generator.rules.statutes import Rule, Statutes, requirements, statutes_of

BLANK = "＿＿＿＿＿＿＿＿"
CHOICES = ("□符合", "□不符合")
FOR_GROUP = "（验收小组填写）"


@dataclass(frozen=True)
class Standard:
    """One standard of the requirement appendix with its text and what the data says about it ('' if nothing)."""

    number: str
    title: str
    text: str
    performance: str


def standards(year: ContractYear, result: Performance) -> tuple[list[Standard], list[Any]]:
    """The requirement appendix's standards in order (those marked as not standards left out), rendered."""
    config = statutes_of(year).acceptance
    skipped = set(config.get("not_standards", ()))
    renderer = clause_renderer(year)
    found = []
    for requirement in requirements(year):
        if requirement.title in skipped:
            continue
        texts = [renderer.render(value_at(year.data, path), path) for path in requirement.paths]
        text = texts[0] if len(texts) == 1 else f"{texts[0]}：{''.join(texts[1:])}"
        found.append(Standard(requirement.number, requirement.title, text, result.evidence.get(requirement.title, "")))
    return found, renderer.problems


def _rule(statutes: Statutes) -> Rule | None:
    return next(iter(statutes.of_kind("acceptance")), None)


def _facts(year: ContractYear, result: Performance, statutes: Statutes) -> list[tuple[str, str]]:
    """The record's heading table: what was accepted, against what, when (blank: the group fills it in)."""
    data = year.data
    project, parties = data["project"], data["parties"]
    total = to_decimal(data["fees"]["total"])
    renewal = cite(year, "rules", "renewal")
    appendices = {a["id"]: (i + 1, a["title"]) for i, a in enumerate(data["appendices"])}
    basis = [f"合同{renewal}" if renewal else "合同"]
    basis += [f"附件{appendices[a][0]}《{appendices[a][1]}》" for a in ("requirements", "scoring") if a in appendices]
    rule = _rule(statutes)
    if rule is not None:
        basis.insert(0, rule.citation)
    rows = [("项目名称", project["name"]), ("项目编号", project["number"]), ("合同编号", year.number_or_blank),
            (parties["buyer"]["role"], parties["buyer"]["name"]), (parties["supplier"]["role"], parties["supplier"]["name"]),
            ("合同金额", f"{cny(total)}（{capital(total, year.write_optional_zero)}）/{data['fees']['period']}"),
            ("服务期限", f"{cn_date(year.term_start)}至{cn_date(year.term_end)}"),
            ("验收范围", f"第{year.renewal.assessment_months[0]}-{year.renewal.assessment_months[1]}个服务月"
                        f"（{cn_months(result.months)}）提供的服务"),
            ("验收依据", "、".join(basis)), ("验收时间", f"{BLANK}{FOR_GROUP}"), ("验收地点", f"{BLANK}{FOR_GROUP}")]
    return [(label, value) for label, value in rows if not _confidential(year, statutes, label)]


def _confidential(year: ContractYear, statutes: Statutes, label: str) -> bool:
    paths = {"项目名称": ("project", "name"), "项目编号": ("project", "number"), "合同金额": ("fees", "total")}
    return label in paths and hidden_by(paths[label], statutes) is not None


def _data_note(result: Performance) -> str:
    text = "“履约情况”中的数字取自各月平台导出表和 month.yaml，计算方法与年度考核相同；数据说明不了的标准留空，由验收小组逐项填写。"
    if result.missing:
        text += f"考核期内{cn_months(result.missing)}没有数据：凡包含这些月份的数字都注明“{MISSING}”或不含这些月份，不作推算。"
    return text


def _standards_table(rows: list[Standard]) -> Table:
    header = tuple(Cell.of(t, style="table_header") for t in ("序号", "验收标准（用户需求书）", "履约情况（数据）", "验收意见"))
    body = [(Cell.of(s.number, style="table_center"), Cell.of(s.text), Cell.of(s.performance or FOR_GROUP),
             Cell.of(*CHOICES)) for s in rows]
    return Table((header, *body), (14, 68, 54, 20)).small()


def _indicator_table(result: Performance) -> Table:
    card = result.assessment.card if result.assessment else None
    actual = f"考核期实际（不含{MISSING}的{cn_months(result.missing)}）" if result.missing and card else "考核期实际"
    header = tuple(Cell.of(t, style="table_header") for t in ("序号", "指标", "指标值", actual, "满分", "得分", "验收意见"))
    rows = [header]
    for item in card.items if card else ():
        full = f"{item.points_max.normalize():f}" if item.points_max is not None else "\\"
        rows.append((Cell.of(str(item.number), style="table_center"), Cell.of(item.name),
                     Cell.of(item.target, style="table_center"), Cell.of(item.actual, style="table_center"),
                     Cell.of(full, style="table_center"), Cell.of(f"{item.points:.2f}", style="table_right"),
                     Cell.of(*CHOICES)))
    if card:
        rows.append((Cell.of("合计", span=5, style="table_header"), Cell.of(f"{card.total:.2f}", style="table_right"),
                     Cell.of("")))
    else:
        rows.append((Cell.of(f"考核期各月均{MISSING}，指标无法计算", span=7),))
    return Table(tuple(rows), (10, 40, 16, 34, 12, 16, 28)).small()


def _signatures(public: bool) -> Table:
    rows = [("验收小组成员（签字）", ""), ("", ""), ("", ""), ("采购人（盖章）", ""), ("供应商代表（签字）", "")]
    if public:
        rows.append(("服务对象代表（签字）", ""))
    rows.append(("日期", "＿＿＿＿年＿＿月＿＿日"))
    return Table(tuple((Cell.of(a, style="table_header"), Cell.of(b)) for a, b in rows), (56, 100), header_rows=0)


def _verdict(year: ContractYear, result: Performance) -> str:
    if result.assessment is None:
        return f"考核期各月均{MISSING}，年度考核得分无法计算。"
    card = result.assessment.card
    text = f"依据考核标准计算，年度考核得分{card.total:.2f}分（续签最低分{result.assessment.threshold.normalize():f}分）"
    if result.missing:
        text += f"；考核期内{cn_months(result.missing)}{MISSING}，该得分只按已有的{len(result.present)}个月计算，不作为验收结论"
    return text + "。"


def build_acceptance(year: ContractYear, result: Performance, rows: list[Standard]) -> DocumentModel:
    """The acceptance record, its sign-off block, and the announcement of the result after a page break."""
    statutes = statutes_of(year)
    project = year.data["project"]["name"]
    rule = _rule(statutes)
    facts = Table(tuple((Cell.of(a, style="table_header"), Cell.of(b)) for a, b in _facts(year, result, statutes)),
                  (36, 120), header_rows=0)
    blocks: list[Block] = [Paragraph(project, "subtitle"), Paragraph("履约验收书", "title"),
                           Paragraph(f"（{year.year}年度）", "subtitle"), facts]
    if rule is not None:
        blocks.append(Paragraph(f"依据{rule.quoted}"))
    blocks += [Paragraph("一、数据说明", "heading1"), Paragraph(_data_note(result)),
                           Paragraph("二、用户需求书各项标准的履约情况", "heading1", keep_with_next=True), _standards_table(rows),
                           Paragraph("三、考核指标的履约情况", "heading1"),
                           Paragraph(f"{_verdict(year, result)}逐项如下：", keep_with_next=True), _indicator_table(result)]
    blocks += _opinions(result, statutes)
    blocks += [Paragraph(f"{cn_num(5 if statutes.public_service else 4)}、验收结论", "heading1"),
               Paragraph(f"验收小组对照上述各项标准的履约情况，验收结论为{FOR_GROUP}：", keep_with_next=True),
               Paragraph("□合格　　　□不合格", keep_with_next=True),
               Paragraph(f"存在的问题和整改要求：{BLANK * 3}", keep_with_next=True),
               _signatures(statutes.public_service),
               PageBreak(), *_announcement_blocks(year, result)]
    return DocumentModel(
        blocks=tuple(blocks),
        title=f"{project}履约验收书（{year.year}年度）",
        header_text=f"合同编号：{year.number_or_blank}",
        created=datetime.combine(year.term_end, datetime.min.time()),
        subject=project,
        keywords=f"{year.year}年度 履约验收",
    )


def _opinions(result: Performance, statutes: Statutes) -> Iterator[Block]:
    if not statutes.public_service:
        return
    yield Paragraph("四、服务对象意见", "heading1")
    yield Paragraph("本项目是向社会公众提供的公共服务，验收邀请服务对象参与并出具意见。考核期内服务对象对工单办理的评价如下"
                    "（只统计评价结果，不引用任何来电人的文字）：", keep_with_next=True)
    for opinion in result.opinions:
        yield Paragraph(f"{opinion.name}：{opinion.value}（{opinion.basis}）。")
    yield Paragraph(f"服务对象代表意见：{BLANK * 3}（由受邀的服务对象代表填写并签字）")


def announcement_lines(year: ContractYear, result: Performance) -> list[str]:
    """The announcement of the acceptance result as numbered lines (the .txt and the record's last page)."""
    statutes = statutes_of(year)
    data = year.data
    total = to_decimal(data["fees"]["total"])
    fields = [("项目名称", data["project"]["name"], ("project", "name")),
              ("项目编号", data["project"]["number"], ("project", "number")),
              ("合同编号", year.number_or_blank, ()),
              ("采购人", data["parties"]["buyer"]["name"], ("parties", "buyer", "name")),
              ("供应商", data["parties"]["supplier"]["name"], ("parties", "supplier", "name")),
              ("合同金额", f"{cny(total)}（{capital(total, year.write_optional_zero)}）/{data['fees']['period']}", ("fees", "total")),
              ("验收范围", f"第{year.renewal.assessment_months[0]}-{year.renewal.assessment_months[1]}个服务月"
                          f"（{cn_months(result.months)}）提供的服务", ()),
              ("验收时间", f"{BLANK}（验收后填写）", ()),
              ("验收组织", "采购人组织验收小组验收" + ("，邀请服务对象代表参与并出具意见" if statutes.public_service else ""), ())]
    if statutes.public_service:
        opinions = "；".join(f"{o.name}{o.value}（{o.basis}）" for o in result.opinions) or "见验收书"
        fields.append(("服务对象意见", opinions, ()))
    fields += [("年度考核", _verdict(year, result).rstrip("。"), ()), ("验收结论", f"{BLANK}（合格／不合格，验收小组填写）", ())]
    shown = [(label, value) for label, value, path in fields if not path or hidden_by(path, statutes) is None]
    left = [confidential_label(year, c) for c in statutes.confidential
            if any(path and hidden_by(path, statutes) == c for _, _, path in fields)]
    rule = _rule(statutes)
    lines = [f"{cn_num(n)}、{label}：{value}" for n, (label, value) in enumerate(shown, start=1)]
    if rule is not None:
        lines.append(f"依据{rule.citation}，现将验收结果予以公告。")
    if left:
        lines.append(f"涉及商业秘密和个人信息的以下内容不予公告：{'、'.join(left)}。")
    return lines


def _announcement_blocks(year: ContractYear, result: Performance) -> list[Block]:
    project = year.data["project"]["name"]
    title = "履约验收结果公告"
    lines = announcement_lines(year, result)
    blocks: list[Block] = [Paragraph(project, "subtitle"), Paragraph(title, "title")]
    blocks += [Paragraph(line) for line in lines]
    # The last line of the text comes over with the issuer and date, which never stand alone on a page.
    blocks[-1] = Paragraph(lines[-1], keep_with_next=True)
    blocks.append(Paragraph(f"{year.data['parties']['buyer']['name']}", "closing", keep_with_next=True))
    blocks.append(Paragraph("＿＿＿＿年＿＿月＿＿日", "closing"))
    return blocks


def announcement_text(year: ContractYear, result: Performance) -> bytes:
    """The announcement as plain text to paste into a site's form (UTF-8, Windows line ends, no BOM)."""
    lines = [f"{year.data['project']['name']}履约验收结果公告", "", *announcement_lines(year, result)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
