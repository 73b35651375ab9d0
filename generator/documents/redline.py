"""A tracked-changes redline between two years' contracts, and the list of data changes behind it.

The redline is the newer contract with every difference from the older one as a tracked change, built so
that accepting every change gives exactly the newer contract and rejecting every change exactly the older
one. Paragraphs change at the level of tokens (a number, an amount in capitals or a Latin word is replaced
whole); tables stay tables: rows are aligned, an added or removed row is a tracked row insertion or
deletion, a row that stays carries its changes in its cells. Where a table's shape does not allow that (a
vertically merged cell that would start in a deleted row, other columns), the old rows are deleted and the
new ones inserted as a whole, which still accepts and rejects exactly.
"""

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

_CAPITALS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿"
_TOKEN = re.compile(
    rf"人民币[{_CAPITALS}元角分整正]+"  # an amount in capitals is one token, so it is replaced whole
    rf"|[{_CAPITALS}]+[元角分整正]*"
    r"|[0-9][0-9,]*(?:\.[0-9]+)?%?"  # a number with its separators, decimals and percent sign
    r"|[〇零一二三四五六七八九十百千两]+"  # a number in Chinese words (十五 → 三十)
    r"|[A-Za-z_]+"
    r"|.", re.S)
# Paragraphs less alike than this are shown as one deleted and one inserted text, not as a patchwork.
_ALIKE = 0.4


def diff_segments(old: str, new: str, narrow: bool = False) -> tuple[Segment, ...]:
    """Token-level differences: joining the unchanged and inserted parts gives ``new``, the unchanged and
    deleted parts ``old``. ``narrow`` text (a table cell) keeps a line break possible between a struck and
    a new number."""
    if old == new:
        return (("", new),)
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < _ALIKE:
        return tuple(s for s in (("del", old), ("ins", new)) if s[1])
    out: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("ins", "".join(b[j1:j2])))
    return tuple(_separable(out) if narrow else out)


def _separable(segments: list[Segment]) -> list[Segment]:
    """A number replaced by a number takes the character before it into both, so a narrow cell may break
    the line between the struck and the new number (``于140`` | ``于145万元``) instead of reading them as one
    long number; accepting or rejecting still gives each text exactly."""
    out = list(segments)
    for index in range(1, len(out) - 1):
        (kind, before), (deleted_kind, deleted), (inserted_kind, inserted) = out[index - 1], out[index], out[index + 1]
        if (kind, deleted_kind, inserted_kind) == ("", "del", "ins") and before[-1:] and not before[-1].isspace() \
                and not before[-1].isdigit() and deleted[:1].isdigit() and inserted[:1].isdigit():
            out[index - 1] = ("", before[:-1])
            out[index], out[index + 1] = ("del", before[-1] + deleted), ("ins", before[-1] + inserted)
    return [segment for segment in out if segment[1]]


def _line_text(line: str | Paragraph) -> str:
    return line.text if isinstance(line, Paragraph) else line


def _text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Table):
        return "\n".join(_line_text(line) for row in block.rows for cell in row for line in cell.lines)
    return ""


def _key(block: Block) -> tuple[object, ...]:
    if isinstance(block, Paragraph):
        return ("p", block.style, block.text)
    if isinstance(block, Table):
        return ("t", block.widths_mm, tuple(_row_key(row) for row in block.rows))
    if isinstance(block, Chart):
        return ("c", repr(block.spec))
    return ("b",)


def _kind(block: Block) -> tuple[object, ...]:
    """What a block may be paired with: a paragraph of the same style, a table of the same columns."""
    if isinstance(block, Paragraph):
        return ("p", block.style)
    if isinstance(block, Table):
        return ("t", len(block.widths_mm))
    return (type(block).__name__,)


def _alike(old: str, new: str) -> bool:
    return SequenceMatcher(None, _TOKEN.findall(old), _TOKEN.findall(new), autojunk=False).ratio() >= _ALIKE


# -- blocks --------------------------------------------------------------------------------------------


def redline_blocks(old: Sequence[Block], new: Sequence[Block]) -> list[Block]:
    """The new blocks, with every difference from the old ones as a tracked change."""
    out: list[Block] = []
    matcher = SequenceMatcher(None, [_key(b) for b in old], [_key(b) for b in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += new[j1:j2]
        else:
            out += _region(old[i1:i2], new[j1:j2])
    return out


def _region(olds: Sequence[Block], news: Sequence[Block]) -> Iterator[Block]:
    """A run of differing blocks: those of the same kind paired in order, the rest deleted or inserted."""
    matcher = SequenceMatcher(None, [_kind(b) for b in olds], [_kind(b) for b in news], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for old, new in zip(olds[i1:i2], news[j1:j2], strict=True):
                yield from _pair(old, new)
        else:
            for old in olds[i1:i2]:
                yield from _deleted(old)
            for new in news[j1:j2]:
                yield from _inserted(new)


def _pair(old: Block, new: Block) -> Iterator[Block]:
    if isinstance(old, Paragraph) and isinstance(new, Paragraph) and _alike(old.text, new.text):
        yield replace(new, segments=diff_segments(old.text, new.text))
    elif isinstance(old, Table) and isinstance(new, Table) and old.widths_mm == new.widths_mm:
        yield table_redline(old, new)
    elif isinstance(old, PageBreak) and isinstance(new, PageBreak):
        yield new
    else:
        yield from _deleted(old)
        yield from _inserted(new)


def _deleted(block: Block) -> Iterator[Block]:
    if isinstance(block, Paragraph):
        yield replace(block, change="del", segments=())
    elif isinstance(block, Table):
        yield replace(block, row_changes=("del",) * len(block.rows))
    # A page break or a chart of the older text only has no tracked form; it is simply not shown.


def _inserted(block: Block) -> Iterator[Block]:
    if isinstance(block, Paragraph):
        yield replace(block, change="ins", segments=())
    elif isinstance(block, Table):
        yield replace(block, row_changes=("ins",) * len(block.rows))
    else:
        yield block


# -- tables --------------------------------------------------------------------------------------------

Row = tuple[Cell, ...]


def _row_key(row: Row) -> tuple[object, ...]:
    return tuple((cell.span, tuple(_line_text(line) for line in cell.lines)) for cell in row)


def _bands(table: Table) -> list[tuple[int, int]]:
    """The table's rows as bands ``[start, end)``: rows joined by a vertically merged cell stay together."""
    rows, bands, start = table.rows, [], 0
    while start < len(rows):
        end = start + 1 + max((c.merge_down for c in rows[start]), default=0)
        row = start + 1
        while row < min(end, len(rows)):
            end = max(end, row + 1 + max((c.merge_down for c in rows[row]), default=0))
            row += 1
        end = min(end, len(rows))
        bands.append((start, end))
        start = end
    return bands


def table_redline(old: Table, new: Table) -> Table:
    """The new table with row-level tracked changes against the old one (same columns)."""
    rows: list[Row] = []
    changes: list[str] = []
    old_bands, new_bands = _bands(old), _bands(new)

    def key(table: Table, band: tuple[int, int]) -> tuple[object, ...]:
        return tuple(_row_key(row) for row in table.rows[band[0]:band[1]])

    matcher = SequenceMatcher(None, [key(old, b) for b in old_bands], [key(new, b) for b in new_bands], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for start, end in new_bands[j1:j2]:
                rows += new.rows[start:end]
                changes += [""] * (end - start)
            continue
        olds, news = old_bands[i1:i2], new_bands[j1:j2]
        for index in range(max(len(olds), len(news))):
            before = old.rows[slice(*olds[index])] if index < len(olds) else ()
            after = new.rows[slice(*news[index])] if index < len(news) else ()
            for row, change in _band(tuple(before), tuple(after)):
                rows.append(row)
                changes.append(change)
    return replace(new, rows=tuple(rows), row_changes=tuple(changes))


def _band(old: tuple[Row, ...], new: tuple[Row, ...]) -> list[tuple[Row, str]]:
    """Two bands of rows as one: paired rows changed in their cells, the others inserted or deleted.

    Rows are paired only where both bands hold their vertical merges in their first row across the whole
    band (as a category cell beside its indicators does) and the first rows pair: the merged cell then
    spans every row of the combined band, and accepting or rejecting simply drops the other side's rows.
    """
    whole = [(row, "del") for row in old] + [(row, "ins") for row in new]
    if not old or not new or not (_merged_from_top(old) and _merged_from_top(new)):
        return whole
    first = _row_pair(old[0], new[0])
    if first is None:
        return whole
    rest: list[tuple[Row, str]] = []
    matcher = SequenceMatcher(None, [_row_key(r) for r in old[1:]], [_row_key(r) for r in new[1:]], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rest += [(row, "") for row in new[1:][j1:j2]]
            continue
        olds, news = old[1:][i1:i2], new[1:][j1:j2]
        for index in range(max(len(olds), len(news))):
            paired = _row_pair(olds[index], news[index]) if index < len(olds) and index < len(news) else None
            if paired is not None:
                rest.append((paired, ""))
                continue
            if index < len(olds):
                rest.append((olds[index], "del"))
            if index < len(news):
                rest.append((news[index], "ins"))
    span = len(rest)
    top = tuple(replace(cell, merge_down=span) if cell.merge_down else cell for cell in first)
    return [(top, ""), *rest]


def _merged_from_top(rows: tuple[Row, ...]) -> bool:
    """Whether every vertical merge of the band starts in its first row and reaches its last."""
    if any(cell.merge_down for row in rows[1:] for cell in row):
        return False
    return all(cell.merge_down in (0, len(rows) - 1) for cell in rows[0])


def _row_pair(old: Row, new: Row) -> Row | None:
    """A row whose cells carry the changes, or None when the rows differ in shape or are too unlike."""
    if len(old) != len(new) or any(o.span != n.span or bool(o.merge_down) != bool(n.merge_down) or
                                   len(o.lines) != len(n.lines) for o, n in zip(old, new, strict=True)):
        return None
    old_text = "\n".join(_line_text(line) for cell in old for line in cell.lines)
    new_text = "\n".join(_line_text(line) for cell in new for line in cell.lines)
    if old_text != new_text and not _alike(old_text, new_text):
        return None
    return tuple(_cell_pair(o, n) for o, n in zip(old, new, strict=True))


def _cell_pair(old: Cell, new: Cell) -> Cell:
    lines = tuple(
        Paragraph(_line_text(n), n.style if isinstance(n, Paragraph) else new.style,
                  diff_segments(_line_text(o), _line_text(n), narrow=True))
        if _line_text(o) != _line_text(n) else n
        for o, n in zip(old.lines, new.lines, strict=True)
    )
    return replace(new, lines=lines)


# -- the list of data changes --------------------------------------------------------------------------

TEXT_SECTIONS = ("snippets", "preamble", "articles", "appendices")
KIND_NAMES = {"original": "原合同", "renewal": "续签", "automatic": "自动续期"}
_LONG = 60
ADDED, REMOVED = "（新增）", "（删除）"


def _year_or_none(year: int | None) -> str:
    return f"{year}年度" if year is not None else "（无）"


def _shown(value: Any) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return "、".join(_shown(v) for v in value)
        return f"（{len(value)} 项）"
    if isinstance(value, dict):
        name = value.get("name") or value.get("title")
        return str(name) if name else f"（{len(value)} 项）"
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
    """``运营考核标准 · “应急演练” · 分数``: the section, each named item or entry on the way, the field."""
    names = titles("contract.schema.json", path)
    parts = [names[0] if names else str(path[0])]
    named_last = False
    for depth in range(1, len(path)):
        part = path[depth]
        # What the entry belongs to (具体指标, 输入), unless that is the section itself.
        container = f"{names[depth - 1]} " if 1 < depth <= len(names) else ""
        if isinstance(part, str) and "=" in part:
            name = _item_name(after.data, path[: depth + 1]) or _item_name(before.data, path[: depth + 1])
            parts.append(f"{container}“{name or part.partition('=')[2]}”")
        elif depth < len(names) and names[depth] == names[depth - 1]:
            parts.append(f"{container}“{part}”")  # a key of a free mapping (an input's name) names the entry
        else:
            named_last = False
            continue
        named_last = depth == len(path) - 1
    if len(names) > 1 and not named_last:
        parts.append(names[-1])
    return " · ".join(parts)


def _is_example(path: tuple[Any, ...]) -> bool:
    # Worked examples check the rules; they are not part of the contract's text or terms.
    return "examples" in path


def data_changes(before: ContractYear, after: ContractYear) -> list[tuple[str, str, str, str]]:
    """(label, YAML path, old, new) for each fact that differs: the years' own facts, then the contract's.

    An item added or removed as a whole is one line naming it; worked examples are left out (they are not
    contract terms); each fact appears once.
    """
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
        old_text, old_at = before.overrides.get(name, ("", ()))
        new_text, new_at = after.overrides.get(name, ("", ()))
        if old_text != new_text:
            changes.append((f"条款覆盖 {name}", format_path(new_at or old_at), _shown(old_text) if old_at else "（原文）",
                            _shown(new_text) if new_at else "（原文）"))
    texts: set[tuple[Any, ...]] = set()
    for path, old, new in changed_facts(dict(before.data), dict(after.data)):
        if _is_example(path):
            continue
        if path[0] in TEXT_SECTIONS:
            # Clause text is compared in the body as tracked changes; here only where it changed.
            top = path[:2]
            if top not in texts:
                texts.add(top)
                changes.append((_label(before, after, top), show_path(top), "（条款文字）", "（有修改，见正文修订）"))
            continue
        label = _label(before, after, path)
        if old is None and isinstance(new, dict):
            changes.append((label + ADDED, show_path(path), "（无）", _shown(new)))
        elif new is None and isinstance(old, dict):
            changes.append((label + REMOVED, show_path(path), _shown(old), "（无）"))
        else:
            changes.append((label, show_path(path), _shown(old), _shown(new)))
    return list(dict.fromkeys(changes))


def build_redline(before: ContractYear, after: ContractYear, old: DocumentModel, new: DocumentModel) -> DocumentModel:
    """The ``after`` contract with tracked changes against ``before``, behind a page listing the data changes."""
    body = redline_blocks(old.blocks, new.blocks)
    revisions = sum(1 for b in body if isinstance(b, Paragraph) and (b.change or any(k for k, _ in b.segments)))
    revisions += sum(1 for b in body if isinstance(b, Table) for change in b.row_changes if change)
    revisions += sum(1 for b in body if isinstance(b, Table) for row in b.rows for cell in row
                     for line in cell.lines if isinstance(line, Paragraph) and any(k for k, _ in line.segments))
    changes = data_changes(before, after)
    summary: list[Block] = [
        Paragraph(f"{before.year}年度与{after.year}年度合同对照", "title"),
        Paragraph(f"以下列出 contract.yaml 中两个年度不同的数据；其后为{after.year}年度合同全文，与{before.year}年度合同"
                  f"不同之处以修订（插入/删除）标记，共{revisions}处。在 Word、WPS 或 LibreOffice 中“接受全部修订”即得"
                  f"{after.year}年度合同，“拒绝全部修订”即得{before.year}年度合同。"),
    ]
    header = tuple(Cell.of(t, style="table_header") for t in ("项目（数据路径）", f"{before.year}年度", f"{after.year}年度"))
    rows = [header] + [(Cell.of(label, Paragraph(path, "small")), Cell.of(old_value), Cell.of(new_value))
                       for label, path, old_value, new_value in changes]
    summary += [Table(tuple(rows), (76, 40, 40)).small(), PageBreak()]
    return replace(new, blocks=tuple(summary + body), title=f"{before.year}-{after.year}年度合同修订对照",
                   cover_page=False)
