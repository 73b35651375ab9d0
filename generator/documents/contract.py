"""Build the document model of the contract (and of appendix 5 alone) for one resolved year."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from generator.documents.context import contract_context
from generator.documents.model import Block, Cell, DocumentModel, PageBreak, Paragraph, Table
from generator.documents.templating import Renderer
from generator.rules import numerals
from generator.rules.model import ContractYear
from generator.rules.money import to_decimal, yuan
from generator.rules.scoring import display_numbers
from generator.source.loader import PathKey

_LABELS = {
    "arabic": lambda n: f"{n}.",
    "arabic_cn": lambda n: f"{n}、",
    "paren": lambda n: f"（{n}）",
    "cn": lambda n: f"{numerals.cn_num(n)}、",
    "cn_paren": lambda n: f"（{numerals.cn_num(n)}）",
}


class _Builder:
    """Walks the text tree of contract.yaml, rendering each text at its YAML path."""

    def __init__(self, year: ContractYear) -> None:
        self.data = year.data
        self.year = year
        self.renderer = Renderer(year.source, year.write_optional_zero, contract_context(year))
        snippets = {
            name: self.renderer.render(text, ("snippets", name)) for name, text in self.data["snippets"].items()
        }
        self.renderer.context["snippets"] = snippets

    def text(self, value: Any, path: PathKey, **extra: Any) -> str:
        return self.renderer.render(value, path, **extra)

    # -- generic text tree -------------------------------------------------------------------

    def blocks(self, blocks: list[Any], path: PathKey) -> Iterator[Block]:
        for index, block in enumerate(blocks):
            here = (*path, index)
            if isinstance(block, str):
                yield Paragraph(self.text(block, here))
            elif "list" in block:
                yield from self.numbered(block, here)
            elif "table" in block:
                yield self.table(block["table"])
            else:
                yield from self.generated(block["block"])

    def numbered(self, block: Mapping[str, Any], path: PathKey) -> Iterator[Block]:
        label = _LABELS[block["list"]]
        heading = block.get("style") == "heading"
        for index, item in enumerate(block["items"]):
            here = (*path, "items", index)
            if isinstance(item, str):
                yield Paragraph(label(index + 1) + self.text(item, here))
                continue
            override = self.year.overrides.get(item.get("id", ""))
            text = self.text(*override) if override is not None else self.text(item["text"], (*here, "text"))
            body = item.get("body", [])
            # A sentence that introduces a table stays on the table's page.
            leads_table = bool(body) and isinstance(body[0], dict) and "table" in body[0]
            yield Paragraph(label(index + 1) + text, "heading2" if heading else "body", keep_with_next=leads_table)
            yield from self.blocks(body, (*here, "body"))

    def generated(self, name: str) -> Iterator[Block]:
        if name == "bank_account":
            bank = self.data["parties"]["supplier"]["bank"]
            yield Paragraph(f"{self.data['parties']['supplier']['short']}账号信息：")
            for label, key in (("名称", "name"), ("税号", "tax_id"), ("开户行", "bank"), ("账号", "account")):
                yield Paragraph(f"{label}：{bank[key]}")
        elif name == "appendix_list":
            for number, appendix in enumerate(self.data["appendices"], start=1):
                yield Paragraph(f"附件{number}：{appendix['title']}")

    def table(self, name: str) -> Table:
        return self.price_table() if name == "price_breakdown" else self.scoring_table()

    # -- tables ------------------------------------------------------------------------------

    def price_table(self) -> Table:
        fees = self.data["fees"]
        header = tuple(Cell.of(t, style="table_header") for t in
                       ("序号", "服务品目", "服务内容", "数量", "单位", "单价（元）", "小计（元）"))
        rows = [header]
        for index, item in enumerate(fees["items"]):
            content = self.text(item["content"], ("fees", "items", index, "content"))
            subtotal = to_decimal(item["amount"]) * item["quantity"]
            rows.append((
                Cell.of(str(index + 1), style="table_center"), Cell.of(item["name"], style="table_center"),
                Cell.of(content), Cell.of(str(item["quantity"]), style="table_center"),
                Cell.of(item["unit"], style="table_center"), Cell.of(yuan(item["amount"]), style="table_right"),
                Cell.of(yuan(subtotal), style="table_right"),
            ))
        rows.append((Cell.of("合计：", span=6, style="table_header"), Cell.of(yuan(fees["total"]), style="table_right")))
        return Table(tuple(rows), (9, 22, 51, 10, 10, 27, 27)).small()

    def scoring_table(self) -> Table:
        scoring = self.data["scoring"]
        header = tuple(Cell.of(t, style="table_header") for t in ("考核项目", "具体指标", "分数", "考核内容及计分办法"))
        rows: list[tuple[Cell, ...]] = [header]
        numbers = display_numbers(scoring)
        for c_index, category in enumerate(scoring["categories"]):
            members = [(i, ind) for i, ind in enumerate(scoring["indicators"]) if ind["category"] == category["id"]]
            points = f"（{_num(category['points'])}分）" if "points" in category else ""
            label = f"{numerals.cn_num(c_index + 1)}、{category['name']}{points}"
            for position, (i, indicator) in enumerate(members):
                cells = [Cell.of(label, merge_down=len(members) - 1, style="table_center")] if position == 0 else []
                cells += self.indicator_cells(i, numbers[i], indicator)
                rows.append(tuple(cells))
        rows.append((Cell.of("其他", style="table_center"), Cell.of(scoring["other_note"], span=3)))
        return Table(tuple(rows), (30, 36, 14, 76))

    def indicator_cells(self, index: int, number: int, indicator: Mapping[str, Any]) -> list[Cell]:
        here = ("scoring", "indicators", index)
        target = f"（{_num(indicator['target'])}%）" if "target" in indicator else ""
        name = f"{number}. {indicator['name']}{target}"
        points = _num(indicator["points"]) if "points" in indicator else "\\"
        content = self.text(indicator["content"], (*here, "content"), item=indicator)
        method = self.text(indicator["method_text"], (*here, "method_text"), item=indicator)
        lines = (f"内容：{content}", f"计分方法：{method}") if content else (method,)
        return [Cell.of(name), Cell.of(points, style="table_center"), Cell.of(*lines)]

    # -- the contract's own parts ------------------------------------------------------------

    def cover(self) -> Iterator[Block]:
        project, parties = self.data["project"], self.data["parties"]
        yield Paragraph(f"合同编号：{self.year.number_or_blank}", "cover_number")
        yield Paragraph(f"{project['name']}合同", "cover_title")
        yield Paragraph(f"项目名称：{project['name']}", "cover_field")
        yield Paragraph(f"项目编号：{project['number']}", "cover_field")
        for party in (parties["buyer"], parties["supplier"]):
            yield Paragraph(f"{party['role']}：{party['name']}", "cover_field")
        yield PageBreak()

    def parties(self) -> Iterator[Block]:
        for key in ("buyer", "supplier"):
            party = self.data["parties"][key]
            yield Paragraph(f"{party['role']}：{party['name']}", "plain")
            yield Paragraph(f"地址：{party['address']}", "plain")
            yield Paragraph(f"法定代表人/负责人：{party['legal_representative']}", "plain")
            if "contact" in party:
                contact = party["contact"]
                yield Paragraph(f"联系人：{contact['name']}　联系电话：{contact['phone']}", "plain")
            if key == "buyer":
                yield Paragraph("", "plain")

    def articles(self) -> Iterator[Block]:
        for index, article in enumerate(self.data["articles"]):
            here = ("articles", index)
            yield Paragraph(f"{numerals.article_label(index + 1)}　{article['title']}", "heading1")
            yield from self.blocks(article["body"], (*here, "body"))

    def signatures(self) -> list[Paragraph]:
        """Each party's name, signatory and date, one under the other as on the signed copy.

        Every line keeps with the next, so the block never splits across pages.
        """
        lines: list[Paragraph] = []
        for key in ("buyer", "supplier"):
            party = self.data["parties"][key]
            if lines:
                lines.append(Paragraph("", "signature", keep_with_next=True))
            lines += [Paragraph(f"{party['short']}：{party['name']}", "signature", keep_with_next=True),
                      Paragraph(f"{party['signature_label']}：{self.year.signatories[key]}", "signature",
                                keep_with_next=True),
                      Paragraph(f"签订日期：{numerals.cn_date(self.year.signed_on)}", "signature", keep_with_next=True)]
        return [*lines[:-1], replace(lines[-1], keep_with_next=False)]

    def appendix(self, index: int) -> Iterator[Block]:
        appendix = self.data["appendices"][index]
        yield PageBreak()
        yield Paragraph(f"附件{index + 1}", "appendix_label")
        yield Paragraph(appendix["title"], "title")
        yield from self.blocks(appendix["body"], ("appendices", index, "body"))

    def contract_blocks(self) -> list[Block]:
        blocks: list[Block] = [*self.cover(), *self.parties()]
        blocks += [Paragraph(self.text(t, ("preamble", i))) for i, t in enumerate(self.data["preamble"])]
        blocks += self.articles()
        # The last clause comes over with the signatures: a page never holds signature lines alone.
        if isinstance(blocks[-1], Paragraph):
            blocks[-1] = replace(blocks[-1], keep_with_next=True)
        blocks += [Paragraph("", "plain", keep_with_next=True), *self.signatures()]
        for index in range(len(self.data["appendices"])):
            blocks += self.appendix(index)
        return blocks

    def requirement_blocks(self) -> list[Block]:
        index = next(i for i, a in enumerate(self.data["appendices"]) if a["id"] == "requirements")
        appendix = self.data["appendices"][index]
        project = self.data["project"]
        blocks: list[Block] = [
            Paragraph(f"{project['name']}", "subtitle"),
            Paragraph(appendix["title"], "title"),
            Paragraph(f"（{self.year.budget_year}年度，合同附件{index + 1}）", "subtitle"),
        ]
        return blocks + list(self.blocks(appendix["body"], ("appendices", index, "body")))


def _num(value: Any) -> str:
    number = to_decimal(value)
    return f"{number.normalize():f}" if number != number.to_integral_value() else str(int(number))


def _model(builder: _Builder, blocks: list[Block], title: str, cover: bool) -> DocumentModel:
    year = builder.year
    return DocumentModel(
        blocks=tuple(blocks),
        title=title,
        header_text=f"合同编号：{year.number_or_blank}",
        created=datetime.combine(year.signed_on, datetime.min.time()),
        subject=builder.data["project"]["name"],
        keywords=f"{year.year}年度",
        cover_page=cover,
    )


def build_contract(year: ContractYear) -> tuple[DocumentModel, list[Any]]:
    """The whole contract for one year, plus any template problems found while rendering it."""
    builder = _Builder(year)
    blocks = builder.contract_blocks()
    title = f"{year.data['project']['name']}合同（{year.year}年度）"
    return _model(builder, blocks, title, cover=True), builder.renderer.problems


def build_requirements(year: ContractYear) -> tuple[DocumentModel, list[Any]]:
    """The requirement document (用户需求书) appendix as a document of its own."""
    builder = _Builder(year)
    blocks = builder.requirement_blocks()
    title = f"{year.data['project']['name']}用户需求书（{year.year}年度）"
    return _model(builder, blocks, title, cover=False), builder.renderer.problems


