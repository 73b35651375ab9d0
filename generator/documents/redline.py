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
    """A number replaced by a number in a narrow cell takes its unit (``140万`` → ``145万``), or else the
    character before it, into both, so the line may break between the struck and the new number instead of
    reading them as one long number; accepting or rejecting still gives each text exactly."""
    out = list(segments)
    for index in range(len(out) - 1):
        (deleted_kind, deleted), (inserted_kind, inserted) = out[index], out[index + 1]
        if (deleted_kind, inserted_kind) != ("del", "ins") or not (deleted[-1:].isdigit() or deleted.endswith("%")) \
                or not inserted[:1].isdigit() or not deleted[:1].isdigit():
            continue
        after = out[index + 2] if index + 2 < len(out) and out[index + 2][0] == "" else None
        before = out[index - 1] if index > 0 and out[index - 1][0] == "" else None
        if after and after[1][:1] in _UNITS:
            unit = after[1][:1]
            out[index], out[index + 1] = ("del", deleted + unit), ("ins", inserted + unit)
            out[index + 2] = ("", after[1][1:])
        elif before and before[1][-1:] and not before[1][-1].isspace() and not before[1][-1].isdigit():
            lead = before[1][-1]
            out[index - 1] = ("", before[1][:-1])
            out[index], out[index + 1] = ("del", lead + deleted), ("ins", lead + inserted)
    return [segment for segment in out if segment[1]]


_UNITS = frozenset("万亿元角分人日月年天次件个名项期条秒通位户%）)")


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


# -- alignment ------------------------------------------------------------------------------------------

# The label a numbered paragraph or row starts with (第七条, 附件5, 1., （3）, 三、): an inserted article or
# indicator renumbers those after it, and they are still the same paragraphs and rows.
_LABEL = re.compile(r"^(?:第[一二三四五六七八九十百0-9]+条|附件\s*[0-9]+|[0-9]+[.．、]\s*|[（(][0-9一二三四五六七八九十]+[）)]|"
                    r"[一二三四五六七八九十]+、)")


def _unlabelled(text: str) -> str:
    return "\n".join(_LABEL.sub("", line) for line in text.split("\n"))


def _similarity(old: str, new: str) -> float:
    """How alike two texts are once their numbering labels are set aside (1.0: the same)."""
    a, b = _unlabelled(old), _unlabelled(new)
    if a == b:
        return 1.0
    return SequenceMatcher(None, _TOKEN.findall(a), _TOKEN.findall(b), autojunk=False).ratio()


def _align(olds: Sequence[Any], news: Sequence[Any], score: Any) -> list[tuple[int | None, int | None]]:
    """Old and new items in order, paired where they are alike enough (``score`` ≥ _ALIKE, or None when
    they may not pair at all); the pairing that keeps the most likeness wins. Unpaired items stand alone."""
    n, m = len(olds), len(news)
    scores = [[score(o, w) for w in news] for o in olds]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            s = scores[i][j]
            paired = best[i + 1][j + 1] + s if s is not None and s >= _ALIKE else -1.0
            best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
    out: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n or j < m:
        s = scores[i][j] if i < n and j < m else None
        if s is not None and s >= _ALIKE and best[i][j] == best[i + 1][j + 1] + s:
            out.append((i, j))
            i, j = i + 1, j + 1
        elif i < n and (j == m or best[i][j] == best[i + 1][j]):
            out.append((i, None))
            i += 1
        else:
            out.append((None, j))
            j += 1
    return out


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
    return _apart(out)


def _block_score(old: Block, new: Block) -> float | None:
    """How alike two blocks are, or None when they cannot be shown as one changed block."""
    if isinstance(old, Paragraph) and isinstance(new, Paragraph) and old.style == new.style:
        return _similarity(old.text, new.text)
    if isinstance(old, Table) and isinstance(new, Table) and old.widths_mm == new.widths_mm:
        return max(_similarity(_text(old), _text(new)), _ALIKE)  # a table of the same columns stays a table
    if isinstance(old, PageBreak) and isinstance(new, PageBreak):
        return 1.0
    return None


def _region(olds: Sequence[Block], news: Sequence[Block]) -> Iterator[Block]:
    """A run of differing blocks: alike ones paired and diffed, the others deleted or inserted."""
    for i, j in _align(olds, news, _block_score):
        if i is not None and j is not None:
            yield from _pair(olds[i], news[j])
        elif i is not None:
            yield from _deleted(olds[i])
        elif j is not None:
            yield from _inserted(news[j])


def _apart(blocks: list[Block]) -> list[Block]:
    """A changed paragraph that ends in inserted text, right before an inserted paragraph, shown as the old
    paragraph deleted and the new one inserted.

    LibreOffice joins adjacent insertions of one author and time into one; rejecting that one would also
    take away the break after the changed paragraph, running it into the next.
    """
    out: list[Block] = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(block, Paragraph) and block.segments and block.segments[-1][0] == "ins" \
                and isinstance(following, Paragraph) and following.change == "ins":
            old = "".join(text for kind, text in block.segments if kind != "ins")
            out += [replace(block, text=old, segments=(), change="del"), replace(block, segments=(), change="ins")]
        else:
            out.append(block)
    return out


def _pair(old: Block, new: Block) -> Iterator[Block]:
    if isinstance(old, Paragraph) and isinstance(new, Paragraph):
        yield replace(new, segments=diff_segments(old.text, new.text))
    elif isinstance(old, Table) and isinstance(new, Table):
        yield table_redline(old, new)
    else:
        yield new


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


def _row_text(rows: Sequence[Row]) -> str:
    return "\n".join(_line_text(line) for row in rows for cell in row for line in cell.lines)


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
    old_bands = [old.rows[a:b] for a, b in _bands(old)]
    new_bands = [new.rows[a:b] for a, b in _bands(new)]
    matcher = SequenceMatcher(None, [tuple(map(_row_key, band)) for band in old_bands],
                              [tuple(map(_row_key, band)) for band in new_bands], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for band in new_bands[j1:j2]:
                rows += band
                changes += [""] * len(band)
            continue
        olds, news = old_bands[i1:i2], new_bands[j1:j2]
        for i, j in _align(olds, news, _band_score):
            for row, change in _band(olds[i] if i is not None else (), news[j] if j is not None else ()):
                rows.append(row)
                changes.append(change)
    return replace(new, rows=tuple(rows), row_changes=tuple(changes))


def _band_score(old: tuple[Row, ...], new: tuple[Row, ...]) -> float | None:
    if len(old) == 1 and len(new) == 1 and _row_pair(old[0], new[0]) is None:
        return None
    if len(old) > 1 or len(new) > 1:
        # A band of merged rows (a category beside its indicators) is the same band when its first row is.
        return _similarity(_row_text(old[:1]), _row_text(new[:1])) if _row_pair(old[0], new[0]) else None
    return _similarity(_row_text(old), _row_text(new))


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
    tail_old, tail_new = old[1:], new[1:]
    matcher = SequenceMatcher(None, [_row_key(r) for r in tail_old], [_row_key(r) for r in tail_new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rest += [(row, "") for row in tail_new[j1:j2]]
            continue
        olds, news = tail_old[i1:i2], tail_new[j1:j2]
        for i, j in _align(olds, news, _row_score):
            if i is not None and j is not None:
                paired = _row_pair(olds[i], news[j])
                assert paired is not None  # _row_score lets only rows of one shape pair
                rest.append((paired, ""))
            elif i is not None:
                rest.append((olds[i], "del"))
            elif j is not None:
                rest.append((news[j], "ins"))
    span = len(rest)
    top = tuple(replace(cell, merge_down=span) if cell.merge_down else cell for cell in first)
    return [(top, ""), *rest]


def _row_score(old: Row, new: Row) -> float | None:
    return _similarity(_row_text([old]), _row_text([new])) if _row_pair(old, new) is not None else None


def _merged_from_top(rows: tuple[Row, ...]) -> bool:
    """Whether every vertical merge of the band starts in its first row and reaches its last."""
    if any(cell.merge_down for row in rows[1:] for cell in row):
        return False
    return all(cell.merge_down in (0, len(rows) - 1) for cell in rows[0])


def _row_pair(old: Row, new: Row) -> Row | None:
    """A row whose cells carry the changes, or None when the rows differ in shape."""
    if len(old) != len(new) or any(o.span != n.span or bool(o.merge_down) != bool(n.merge_down) or
                                   len(o.lines) != len(n.lines) for o, n in zip(old, new, strict=True)):
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


def _prior(year: ContractYear) -> str:
    """The result a renewal rests on: the prior year and what was recorded for it."""
    if year.prior_year is None:
        return "（无）"
    result = year.prior_assessment
    if result is None:
        return f"{year.prior_year}年度：未记录"
    score = f"{result.score:f}分，" if result.score is not None else ""
    return f"{year.prior_year}年度：{score}{'合格' if result.passed else '不合格'}"


def shown_value(value: Any) -> str:
    """A data value as the list of changes shows it: 是/否, a plain decimal, a short list, an entry by name."""
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return "、".join(shown_value(v) for v in value)
        return f"（{len(value)} 项）"
    if isinstance(value, dict):
        return _entry(value)
    text = str(value)
    return text if len(text) <= _LONG else text[:_LONG] + "…"


def _entry(value: dict[str, Any]) -> str:
    """A whole entry in words: what it is called, and its amount or share when it has one."""
    name = next((str(value[k]) for k in ("name", "title", "label", "description") if value.get(k)), "")
    if not name and "months_after_signing" in value:
        name = f"签订合同{value['months_after_signing']}个月后"
    figures = [f"{value[k]:f}" if isinstance(value[k], Decimal) else str(value[k])
               for k in ("amount", "points", "target") if k in value]
    if name and figures:
        return f"{name}（{'、'.join(figures)}）"
    return name or "、".join(figures) or "（整项）"


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
    return str(node.get("name") or node.get("title") or node.get("label") or "") if isinstance(node, dict) else ""


def _milestone_label(before: ContractYear, after: ContractYear, path: tuple[Any, ...]) -> str:
    """A payment milestone as the documents name it (第2笔) when its data gives it no name."""
    if path[:2] != ("payment", "milestones"):
        return ""
    ident = str(path[-1]).partition("=")[2]
    return next((m.label for year in (after, before) for m in year.milestones if m.id == ident), "")


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
            name = _item_name(after.data, path[: depth + 1]) or _item_name(before.data, path[: depth + 1]) \
                or _milestone_label(before, after, path[: depth + 1])
            parts.append(f"{container}“{name or part.partition('=')[2]}”")
        elif depth < len(names) and names[depth] == names[depth - 1]:
            # A key of a free mapping names the entry (an input's name), unless the entry has a name of its own.
            name = _item_name(after.data, path[: depth + 1]) or _item_name(before.data, path[: depth + 1])
            parts.append(f"{container}“{name or part}”")
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
        ("签订日期", "signed_on" if after.entry.signed_on else "（未写 signed_on：上一年度服务期满的次日）",
         cn_date(before.signed_on), cn_date(after.signed_on)),
        ("服务期限", "signed_on + terms.duration_months", f"{cn_date(before.term_start)}至{cn_date(before.term_end)}",
         f"{cn_date(after.term_start)}至{cn_date(after.term_end)}"),
        ("预算年度", "budget_year", str(before.budget_year), str(after.budget_year)),
        ("上年度考核", "（上一年度的 assessment）", _prior(before), _prior(after)),
        ("甲方签字人", "signatories.buyer", before.signatories["buyer"], after.signatories["buyer"]),
        ("乙方签字人", "signatories.supplier", before.signatories["supplier"], after.signatories["supplier"]),
        ("合同类型", "kind", KIND_NAMES.get(before.kind, before.kind), KIND_NAMES.get(after.kind, after.kind)),
    ]
    changes = [(label, year_path(key), old, new) for label, key, old, new in facts if old != new]
    for name in sorted(set(before.overrides) | set(after.overrides)):
        old_text, old_at = before.overrides.get(name, ("", ()))
        new_text, new_at = after.overrides.get(name, ("", ()))
        if old_text != new_text:
            changes.append((f"条款覆盖 {name}", format_path(new_at or old_at), shown_value(old_text) if old_at else "（原文）",
                            shown_value(new_text) if new_at else "（原文）"))
    texts: set[tuple[Any, ...]] = set()
    for path, old, new in changed_facts(dict(before.data), dict(after.data)):
        if _is_example(path):
            continue
        if path[0] in TEXT_SECTIONS:
            # Clause text is compared in the body as tracked changes; here only where it changed.
            top = path[:2]
            if top not in texts:
                texts.add(top)
                label = _label(before, after, top)
                if len(path) == 2 and old is None:
                    changes.append((label + ADDED, show_path(top), "（无）", "（新增，见正文修订）"))
                elif len(path) == 2 and new is None:
                    changes.append((label + REMOVED, show_path(top), "（删除，见正文修订）", "（无）"))
                else:
                    changes.append((label, show_path(top), "（条款文字）", "（有修改，见正文修订）"))
            continue
        label = _label(before, after, path)
        if old is None and isinstance(new, dict):
            changes.append((label + ADDED, show_path(path), "（无）", shown_value(new)))
        elif new is None and isinstance(old, dict):
            changes.append((label + REMOVED, show_path(path), shown_value(old), "（无）"))
        else:
            changes.append((label, show_path(path), shown_value(old), shown_value(new)))
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
