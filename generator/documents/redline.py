"""A tracked-changes redline between two years' contracts, and the list of data changes behind it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from generator.documents.model import Block, Cell, Chart, DocumentModel, PageBreak, Paragraph, Segment, Table
from generator.rules.model import ContractYear
from generator.rules.numerals import cn_date
from generator.source.layers import changed_facts, show_path
from generator.source.loader import format_path
from generator.source.schema import titles

_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)?|[A-Za-z]+|.", re.S)


def diff_segments(old: str, new: str) -> tuple[Segment, ...]:
    """Token-level differences; digit and Latin runs stay whole, so ``2024`` → ``2025`` is one change."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[Segment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("ins", "".join(b[j1:j2])))
    return tuple(out)


def _key(block: Block) -> tuple[object, ...]:
    if isinstance(block, Paragraph):
        return ("p", block.style, block.text)
    if isinstance(block, Table):
        return ("t", tuple(tuple(str(line) for cell in row for line in cell.lines) for row in block.rows))
    if isinstance(block, Chart):
        return ("c", repr(block.spec))
    return ("b",)


def _line_text(line: str | Paragraph) -> str:
    return line.text if isinstance(line, Paragraph) else line


def _table(old: Table, new: Table) -> Table:
    rows = []
    for old_row, new_row in zip(old.rows, new.rows, strict=True):
        cells = []
        for old_cell, new_cell in zip(old_row, new_row, strict=True):
            lines = tuple(
                Paragraph(_line_text(n), new_cell.style, diff_segments(_line_text(o), _line_text(n)))
                if _line_text(o) != _line_text(n) else n
                for o, n in zip(old_cell.lines, new_cell.lines, strict=True)
            )
            cells.append(replace(new_cell, lines=lines))
        rows.append(tuple(cells))
    return replace(new, rows=tuple(rows))


def _same_shape(old: Table, new: Table) -> bool:
    return [[(c.span, c.merge_down, len(c.lines)) for c in row] for row in old.rows] == \
        [[(c.span, c.merge_down, len(c.lines)) for c in row] for row in new.rows]


def _pair(old: Block | None, new: Block | None) -> Iterator[Block]:
    if isinstance(old, Paragraph) and isinstance(new, Paragraph):
        yield replace(new, segments=diff_segments(old.text, new.text))
    elif isinstance(old, Table) and isinstance(new, Table) and _same_shape(old, new):
        yield _table(old, new)
    else:
        if old is not None:
            yield from _deleted(old)
        if new is not None:
            yield from _inserted(new)


def _deleted(block: Block) -> Iterator[Block]:
    if isinstance(block, Paragraph):
        yield replace(block, change="del")
    elif isinstance(block, Table):
        for row in block.rows:
            for cell in row:
                for line in cell.lines:
                    yield Paragraph(_line_text(line), cell.style, change="del")


def _inserted(block: Block) -> Iterator[Block]:
    if isinstance(block, Paragraph):
        yield replace(block, change="ins")
    else:
        yield block


def redline_blocks(old: Sequence[Block], new: Sequence[Block]) -> list[Block]:
    """The new blocks, with every difference from the old ones as a tracked change."""
    out: list[Block] = []
    matcher = SequenceMatcher(None, [_key(b) for b in old], [_key(b) for b in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += new[j1:j2]
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        for index in range(max(len(olds), len(news))):
            out += _pair(olds[index] if index < len(olds) else None, news[index] if index < len(news) else None)
    return out


TEXT_SECTIONS = ("snippets", "preamble", "articles", "appendices")
KIND_NAMES = {"original": "原合同", "renewal": "续签", "automatic": "自动续期"}


def _year_or_none(year: int | None) -> str:
    return f"{year}年度" if year is not None else "（无）"
_LONG = 60


def _shown(value: Any) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, list):
        return "、".join(_shown(v) for v in value) if all(not isinstance(v, dict | list) for v in value) else "（列表）"
    if isinstance(value, dict):
        return "（多项）"
    text = str(value)
    return text if len(text) <= _LONG else text[:_LONG] + "…"


def _item_name(data: Any, path: tuple[Any, ...]) -> str:
    """A list item's name (``name`` or ``title``) for a path part such as ``id=labour``."""
    node = data
    for part in path:
        if isinstance(part, str) and "=" in part and isinstance(node, list):
            field, _, ident = part.partition("=")
            node = next((item for item in node if str(item.get(field)) == ident), {})
        elif isinstance(node, dict):
            node = node.get(part, {})
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return ""
    return str(node.get("name") or node.get("title") or "") if isinstance(node, dict) else ""


def _label(before: ContractYear, after: ContractYear, path: tuple[Any, ...]) -> str:
    names = titles("contract.schema.json", path)
    parts = [names[0]] if names else [str(path[0])]
    for depth, part in enumerate(path):
        if isinstance(part, str) and "=" in part:
            name = _item_name(after.data, path[: depth + 1]) or _item_name(before.data, path[: depth + 1])
            parts.append(f"“{name or part.partition('=')[2]}”")
    if len(names) > 1:
        parts.append(names[-1])
    return " · ".join(parts)


def data_changes(before: ContractYear, after: ContractYear) -> list[tuple[str, str, str, str]]:
    """(label, YAML path, old, new) for each fact that differs: the years' own facts, then the contract's."""
    def year_path(key: str) -> str:
        return key if "（" in key or "+" in key else f"years.{after.year}.{key}"

    facts = [
        ("合同编号", "contract_number", before.contract_number or "（空，待手填）", after.contract_number or "（空，待手填）"),
        ("签订日期", "signed_on", cn_date(before.signed_on), cn_date(after.signed_on)),
        ("服务期限", "signed_on + terms.duration_months", f"{cn_date(before.term_start)}至{cn_date(before.term_end)}",
         f"{cn_date(after.term_start)}至{cn_date(after.term_end)}"),
        ("预算年度", "budget_year", str(before.budget_year), str(after.budget_year)),
        ("上年度考核", "（上一年度的 assessment）", _year_or_none(before.prior_year), _year_or_none(after.prior_year)),
        ("甲方签字人", "signatories.buyer", before.signatories["buyer"], after.signatories["buyer"]),
        ("乙方签字人", "signatories.supplier", before.signatories["supplier"], after.signatories["supplier"]),
        ("合同类型", "kind", KIND_NAMES.get(before.kind, before.kind), KIND_NAMES.get(after.kind, after.kind)),
    ]
    changes = [(label, year_path(key), old, new) for label, key, old, new in facts if old != new]
    for name in sorted(set(before.overrides) | set(after.overrides)):
        old, new = before.overrides.get(name, ("（原文）",))[0], after.overrides.get(name, ("（原文）",))[0]
        if old != new:
            changes.append((f"条款覆盖 {name}", format_path(after.overrides.get(name, before.overrides[name])[1]),
                            _shown(old), _shown(new)))
    texts: set[tuple[Any, ...]] = set()
    for path, old, new in changed_facts(dict(before.data), dict(after.data)):
        if path[0] in TEXT_SECTIONS:
            # Clause text is compared in the body as tracked changes; here only where it changed.
            top = path[:2]
            if top not in texts:
                texts.add(top)
                changes.append((_label(before, after, top), show_path(top), "（条款文字）", "（有修改，见正文修订）"))
            continue
        changes.append((_label(before, after, path), show_path(path), _shown(old), _shown(new)))
    return changes


def build_redline(before: ContractYear, after: ContractYear, old: DocumentModel, new: DocumentModel) -> DocumentModel:
    """The ``after`` contract with tracked changes against ``before``, behind a page listing the data changes."""
    body = redline_blocks(old.blocks, new.blocks)
    revisions = sum(1 for b in body if isinstance(b, Paragraph) and (b.change or any(k for k, _ in b.segments)))
    revisions += sum(1 for b in body if isinstance(b, Table) for row in b.rows for cell in row
                     for line in cell.lines if isinstance(line, Paragraph) and line.segments)
    changes = data_changes(before, after)
    summary: list[Block] = [
        Paragraph(f"{before.year}年度与{after.year}年度合同对照", "title"),
        Paragraph(f"以下列出 contract.yaml 中两个年度不同的数据；其后为{after.year}年度合同全文，与{before.year}年度合同"
                  f"不同之处以修订（插入/删除）标记，共{revisions}处。在 Word 或 LibreOffice 中“接受全部修订”即得"
                  f"{after.year}年度合同，“拒绝全部修订”即得{before.year}年度合同。"),
    ]
    header = tuple(Cell.of(t, style="table_header") for t in ("项目", "数据路径", f"{before.year}年度", f"{after.year}年度"))
    # A data path breaks, when it must, before a "." or "[" (a zero-width space there), never inside a key.
    rows = [header] + [(Cell.of(label), Cell.of(path), Cell.of(old_value),
                        Cell.of(new_value)) for label, path, old_value, new_value in changes]
    summary += [Table(tuple(rows), (24, 52, 40, 40)).small(), PageBreak()]
    return replace(new, blocks=tuple(summary + body), title=f"{before.year}-{after.year}年度合同修订对照",
                   cover_page=False)
