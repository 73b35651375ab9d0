"""The contract announcement (合同公告) as published on the procurement sites: a document and a text to paste.

《政府采购法实施条例》第五十条 has the contract published within its working days of signing, "except
content involving state or commercial secrets". The announcement holds what published ones hold (合同编号,
合同名称, 项目编号/名称, the parties with addresses, 主要标的 and service requirements, 合同金额,
履约期限/地点/方式, 签订日期, 公告日期); every field whose data path is marked confidential in
``statutes.confidential`` is left out, and the announcement says what was left out, never the value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from generator.documents.model import Block, Cell, DocumentModel, Paragraph, Table
from generator.documents.statutory import clause_renderer, confidential_label, hidden_by
from generator.rules.model import ContractYear
from generator.rules.money import capital, cny, to_decimal, yuan
from generator.rules.numerals import cn_date, cn_num
from generator.rules.statutes import Due, Statutes, signing_deadlines, statutes_of
from generator.source.loader import PathKey

# The fields of a party an announcement may show, in the order published notices give them.
PARTY_FIELDS: tuple[tuple[str, ...], ...] = (("name",), ("address",), ("legal_representative",), ("contact", "name"),
                                             ("contact", "phone"), ("bank", "name"), ("bank", "tax_id"),
                                             ("bank", "bank"), ("bank", "account"))
NOTICE_TEXTS = ("subject", "requirements", "place", "method")


Field = tuple[str, str]


@dataclass(frozen=True)
class Announcement:
    """What the announcement says, section by section as the procurement sites' form has it, and what it
    leaves out (labels only). A section of one field is written on one line ("一、合同编号：…")."""

    title: str
    sections: tuple[tuple[str, tuple[Field, ...]], ...]
    items: tuple[tuple[str, str, str, str, str], ...]
    total: str
    left_out: tuple[str, ...]
    publish: Due | None
    basis: str


def notice_problems(year: ContractYear) -> list[Any]:
    """Template problems of the announcement's texts (what `gen validate` reports for them)."""
    notice = year.data.get("statutes", {}).get("notice")
    if notice is None:
        return []
    renderer = clause_renderer(year)
    for key in NOTICE_TEXTS:
        renderer.render(notice[key], ("statutes", "notice", key))
    return renderer.problems


def _party_fields(year: ContractYear, key: str, statutes: Statutes, left_out: dict[str, None]) -> Iterator[tuple[str, str]]:
    party = year.data["parties"][key]
    role = party["role"]
    for field in PARTY_FIELDS:
        value: Any = party
        for part in field:
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is None:
            continue
        hidden = hidden_by(("parties", key, *field), statutes)
        if hidden is not None:
            left_out[confidential_label(year, hidden)] = None
            continue
        label = {"name": role, "address": "地址", "legal_representative": "法定代表人/负责人", "contact.name": "联系人",
                 "contact.phone": "联系电话", "bank.name": "收款户名", "bank.tax_id": "税号", "bank.bank": "开户行",
                 "bank.account": "账号"}[".".join(field)]
        yield (label if field == ("name",) else f"{party['short']}{label}"), str(value)


def announcement(year: ContractYear) -> tuple[Announcement, list[Any]]:
    """The announcement of the year's contract, and any template problems in its texts."""
    statutes = statutes_of(year)
    data, notice = year.data, statutes.notice or {}
    renderer = clause_renderer(year)
    left_out: dict[str, None] = {}

    def shown(label: str, path: PathKey, value: str) -> Iterator[tuple[str, str]]:
        hidden = hidden_by(path, statutes)
        if hidden is None:
            yield label, value
        else:
            left_out[confidential_label(year, hidden)] = None

    def text(key: str) -> str:
        return renderer.render(notice[key], ("statutes", "notice", key))

    project = data["project"]
    due = next((d for d in signing_deadlines(year, statutes) if d.rule.id == "publish"), None)
    total = to_decimal(data["fees"]["total"])
    parties: list[Field] = []
    for key in ("buyer", "supplier"):
        parties += _party_fields(year, key, statutes, left_out)
    main: list[Field] = [*shown("主要标的名称", ("statutes", "notice", "subject"), text("subject")),
                         *shown("服务要求", ("statutes", "notice", "requirements"), text("requirements")),
                         *shown("合同金额", ("fees", "total"),
                                f"{cny(total)}（{capital(total, year.write_optional_zero)}）/{data['fees']['period']}"),
                         ("履约期限", f"{cn_date(year.term_start)}至{cn_date(year.term_end)}"),
                         *shown("履约地点", ("statutes", "notice", "place"), text("place")),
                         *shown("履约方式", ("statutes", "notice", "method"), text("method"))]
    publish = "" if due is None else (f"{cn_date(due.deadline.due)}前（签订之日起{due.rule.period_words()}内，"
                                      f"{due.rule.citation}）")
    sections: list[tuple[str, tuple[Field, ...]]] = [
        ("合同编号", (("合同编号", year.contract_number or "（签订时填写）"),)),
        ("合同名称", (("合同名称", f"{project['name']}合同"),)),
        ("项目编号", tuple(shown("项目编号", ("project", "number"), project["number"]))),
        ("项目名称", tuple(shown("项目名称", ("project", "name"), project["name"]))),
        ("合同主体", tuple(parties)),
        ("合同主要信息", tuple(main)),
        ("合同签订日期", (("合同签订日期", cn_date(year.signed_on)),)),
        ("合同公告日期", (("合同公告日期", publish),) if publish else ()),
    ]
    items: list[tuple[str, str, str, str, str]] = []
    if hidden_by(("fees", "items"), statutes) is None:
        for index, item in enumerate(data["fees"]["items"]):
            content = renderer.render(item["content"], ("fees", "items", index, "content"))
            subtotal = to_decimal(item["amount"]) * item["quantity"]
            items.append((item["name"], content, str(item["quantity"]), item["unit"], yuan(subtotal)))
    else:
        left_out[confidential_label(year, "fees.items")] = None
    basis = due.rule.citation if due else "《中华人民共和国政府采购法实施条例》"
    return Announcement(f"{project['name']}合同公告", tuple((h, f) for h, f in sections if f), tuple(items),
                        yuan(total), tuple(left_out), due, basis), renderer.problems


def left_out_sentence(notice: Announcement) -> str:
    """The sentence that says what was left out (the labels, never the values)."""
    if not notice.left_out:
        return ""
    return (f"依据{notice.basis}，合同中涉及商业秘密和个人信息的以下内容不予公告：{'、'.join(notice.left_out)}。")


def _numbered(notice: Announcement) -> Iterator[tuple[str, tuple[Field, ...], bool]]:
    """(heading, fields, one line?) with the sections numbered 一、二、…, the last one the supplementary note."""
    sections = list(notice.sections)
    sentence = left_out_sentence(notice)
    if sentence:
        sections.append(("其他补充事宜", (("其他补充事宜", sentence),)))
    for number, (heading, fields) in enumerate(sections, start=1):
        one_line = len(fields) == 1 and fields[0][0] == heading
        yield f"{cn_num(number)}、{heading}", fields, one_line


def build_notice(year: ContractYear, notice: Announcement) -> DocumentModel:
    """The announcement as a document, in the order of the procurement sites' form."""
    blocks: list[Block] = [Paragraph(notice.title, "title")]
    numbered = list(_numbered(notice))
    for index, (heading, fields, one_line) in enumerate(numbered):
        if one_line:
            # The closing one-line sections (dates, the note) stay together on the last page.
            closing = index >= len(numbered) - 3 and index < len(numbered) - 1
            blocks.append(Paragraph(f"{heading}：{fields[0][1]}", keep_with_next=closing))
            continue
        blocks.append(Paragraph(heading, "heading1"))
        blocks += [Paragraph(f"{label}：{value}") for label, value in fields]
        if heading.endswith("合同主要信息") and notice.items:
            blocks += [Paragraph("主要标的明细：", keep_with_next=True), _items_table(notice)]
    return DocumentModel(
        blocks=tuple(blocks),
        title=notice.title,
        header_text=f"合同编号：{year.number_or_blank}",
        created=datetime.combine(year.signed_on, datetime.min.time()),
        subject=year.data["project"]["name"],
        keywords=f"{year.year}年度 合同公告",
    )


def _items_table(notice: Announcement) -> Table:
    header = tuple(Cell.of(t, style="table_header") for t in ("序号", "服务品目", "服务内容", "数量", "单位", "金额（元）"))
    body = [(Cell.of(str(n), style="table_center"), Cell.of(name, style="table_center"), Cell.of(content),
             Cell.of(qty, style="table_center"), Cell.of(unit, style="table_center"), Cell.of(amount, style="table_right"))
            for n, (name, content, qty, unit, amount) in enumerate(notice.items, start=1)]
    total = (Cell.of("合计", span=5, style="table_header"), Cell.of(notice.total, style="table_right"))
    return Table((header, *body, total), (10, 24, 66, 12, 12, 32)).small()


def notice_text(notice: Announcement) -> bytes:
    """The announcement as plain text to paste into a site's form: UTF-8, Windows line ends, no BOM."""
    lines = [notice.title, ""]
    for heading, fields, one_line in _numbered(notice):
        if one_line:
            lines.append(f"{heading}：{fields[0][1]}")
            continue
        lines.append(heading)
        lines += [f"    {label}：{value}" for label, value in fields]
        if heading.endswith("合同主要信息") and notice.items:
            lines.append("    主要标的明细：")
            lines += [f"      {n}. {name}：{content}；数量 {qty} {unit}；金额 {amount} 元"
                      for n, (name, content, qty, unit, amount) in enumerate(notice.items, start=1)]
            lines.append(f"      合计：{notice.total} 元")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
