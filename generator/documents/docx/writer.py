"""Write a DocumentModel as the parts of a .docx package, from our own WordprocessingML.

Every part is written here (no template document is opened), so output is small, fast and fully
determined by the model and the layout profile. The East-Asian font is set on every style
(``w:rFonts/@w:eastAsia``; the Latin name alone leaves Chinese in the theme font), text is marked
zh-CN, and a running header and GB/T 9704 page numbers (— 3 —, odd pages right, even left) are added.

The layout rules a reader expects are the writer's, not each builder's: a page break is the next
paragraph's "page break before" (an empty paragraph carrying a break can land after a full page and
leave a blank one); the last lines before a break are kept together so no page holds one or two lines;
a sentence stays with the table it introduces; table columns are fitted to their content with a
CJK-aware width measure (``lines``) so that dates, amounts, percentages, ranks and short names never break
inside, a cell that fits is marked not to wrap, and where a cell's text must wrap and LibreOffice could
break it inside such a token, the writer ends its lines itself (``w:br``) at safe places; tables of up to
12 rows never split, longer ones repeat their header and never leave a lone row; every table has its own
full borders. The text itself is always the plain data: no joiner, zero-width or other invisible
character is ever added to it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import pairwise
from typing import Any

from generator.documents.docx.lines import firm_em, least_em, needs_own_breaks, text_em, wrap
from generator.documents.docx.xmltext import attribute as _attr
from generator.documents.docx.xmltext import escape as _xml_escape
from generator.documents.docx.xmltext import strict_attribute, strict_text
from generator.documents.layout import Layout, Style
from generator.documents.model import Block, Cell, Chart, DocumentModel, PageBreak, Paragraph, Table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# The namespaces the document element declares: a drawing placed inside does not declare them again.
_IN_SCOPE = re.compile(f' xmlns:(?:w="{re.escape(W_NS)}"|r="{re.escape(R_NS)}")')
AUTHOR = "hotline-contract-gen"
SMALL_TABLE_ROWS = 12
MIN_LINES_BEFORE_BREAK = 3
SPACER_TWIPS = 160  # the gap after a table: 8 pt
CELL_MARGIN_PT = 2.85  # left and right cell margins (0.1 cm): dense Chinese tables need the room
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_XML_HEAD = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
class _Element:
    """One WordprocessingML element, serialised byte for byte as lxml would, at a fraction of the cost.

    The body of a contract is thousands of small elements; lxml took longer to import than they take to write.
    """

    __slots__ = ("attrs", "children", "tag", "text")

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.attrs: list[tuple[str, str]] = []
        self.children: list[_Element | _Raw] = []
        self.text: str | None = None

    def set(self, name: str, value: str) -> None:
        self.attrs.append((name, value))

    def append(self, child: _Element | _Raw) -> None:
        self.children.append(child)

    def write(self, out: list[str]) -> None:
        out.append("<" + self.tag)
        for name, value in self.attrs:
            out.append(f' {name}="{strict_attribute(value)}"')
        if self.text is None and not self.children:
            out.append("/>")
            return
        out.append(">")
        if self.text:
            out.append(strict_text(self.text))
        for child in self.children:
            child.write(out)
        out.append(f"</{self.tag}>")


class _Raw:
    """A finished piece of XML (a chart's drawing) placed as it is."""

    __slots__ = ("xml",)

    def __init__(self, xml: str) -> None:
        self.xml = xml

    def write(self, out: list[str]) -> None:
        out.append(self.xml)


def _el(tag: str, parent: _Element | None = None, **attrs: str) -> _Element:
    element = _Element("w:" + tag)
    if parent is not None:
        parent.children.append(element)
    for key, value in attrs.items():
        element.attrs.append(("w:" + key, value))
    return element


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _style_id(name: str) -> str:
    return "HCG" + "".join(part.capitalize() for part in name.split("_"))


# -- the document body ----------------------------------------------------------------------------------


class _Revisions:
    """Numbers tracked changes and stamps them with a fixed author and date (for deterministic files)."""

    def __init__(self, author: str, when: datetime) -> None:
        self.author = author
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1

    def mark(self, tag: str, parent: _Element | None = None) -> _Element:
        element = _el(tag, parent, id=str(self.next_id), author=self.author, date=self.date)
        self.next_id += 1
        return element


def _run(parent: _Element, text: str, deleted: bool = False) -> None:
    """A run of text; each line after the first (a line the writer broke itself) follows a ``w:br``."""
    run = _el("r", parent)
    for number, line in enumerate(text.split("\n")):
        if number:
            _el("br", run)
            if not line:
                continue
        t = _el("delText" if deleted else "t", run)
        t.set("xml:space", "preserve")
        t.text = line


class _Body:
    """Turns the model's blocks into ``w:body`` children, applying the layout rules."""

    def __init__(self, model: DocumentModel, layout: Layout) -> None:
        self.model, self.layout = model, layout
        self.marks = _Revisions(model.revision_author, model.created)
        self.charts: list[Chart] = []
        self.type_width_pt = (layout.page["width_mm"] - layout.page["left_mm"] - layout.page["right_mm"]) / 25.4 * 72

    def paragraph(self, block: Paragraph, keep_next: bool = False, break_before: bool = False) -> Any:
        p = _el("p")
        ppr = _el("pPr", p)
        _el("pStyle", ppr, val=_style_id(block.style))
        if block.keep_with_next or keep_next:
            _el("keepNext", ppr)
        if break_before:
            _el("pageBreakBefore", ppr)
        if block.change:
            # The paragraph mark itself is inserted or deleted, so accepting or rejecting removes the paragraph.
            self.marks.mark(block.change, _el("rPr", ppr))
        for kind, text in block.segments or ((block.change, block.text),):
            if not text:
                continue
            if kind:
                _run(self.marks.mark(kind, p), text, deleted=kind == "del")
            else:
                _run(p, text)
        return p

    def spacer(self) -> Any:
        """A half-line gap after a table, kept with what follows.

        Besides the room it gives, it carries the keep: LibreOffice ignores keep-with-next on the first
        paragraph after a table, so a heading there would stay alone at the foot of the page.
        """
        p = _el("p")
        ppr = _el("pPr", p)
        _el("pStyle", ppr, val=_style_id("plain"))
        _el("keepNext", ppr)
        _el("spacing", ppr, before="0", after="0", line=str(SPACER_TWIPS), lineRule="exact")
        return p

    def lines(self, block: Block) -> int:
        """How many lines a block takes, estimated (enough to keep a page from holding one or two)."""
        if isinstance(block, Paragraph):
            style = self.layout.styles[block.style]
            per_line = max(1.0, self.type_width_pt / style.size_pt)
            return max(1, math.ceil((text_em(block.text) + style.indent_chars) / per_line))
        if isinstance(block, Table):
            return len(block.rows)
        return 10

    def blocks(self, blocks: Sequence[Block]) -> Iterator[Any]:
        flow = [b for b in blocks]
        keep = self._kept_before_breaks(flow)
        break_next = False
        for index, block in enumerate(flow):
            if isinstance(block, PageBreak):
                break_next = True
                continue
            following = flow[index + 1] if index + 1 < len(flow) else None
            if isinstance(block, Paragraph):
                # A sentence that introduces a table, or a chart, stays on its page.
                intro = isinstance(following, Table | Chart)
                yield self.paragraph(block, keep_next=index in keep or intro, break_before=break_next)
            elif isinstance(block, Table):
                if break_next:
                    yield self.paragraph(Paragraph("", "plain"), break_before=True)
                yield self.table(block, keep_with_following=index in keep)
                if isinstance(following, Paragraph | Chart):
                    yield self.spacer()
            elif isinstance(block, Chart):
                yield from self.chart(block, break_next)
            break_next = False

    def _kept_before_breaks(self, flow: Sequence[Block]) -> set[int]:
        """Blocks kept with the next one so that the last page before a break holds at least a few lines.

        The block right before the break is not marked (the break itself is the next paragraph's), but the
        ones before it are chained to it until they add up to ``MIN_LINES_BEFORE_BREAK`` lines.
        """
        kept: set[int] = set()
        for index, block in enumerate(flow):
            if not isinstance(block, PageBreak):
                continue
            lines, back = 0, index - 1
            while back >= 0 and not isinstance(flow[back], PageBreak):
                lines += self.lines(flow[back])
                if lines >= MIN_LINES_BEFORE_BREAK:
                    break
                if back - 1 >= 0 and not isinstance(flow[back - 1], PageBreak):
                    kept.add(back - 1)
                back -= 1
        return kept

    def chart(self, block: Chart, break_before: bool) -> Iterator[Any]:
        self.charts.append(block)
        number = len(self.charts)
        p = _el("p")
        ppr = _el("pPr", p)
        _el("pStyle", ppr, val=_style_id("caption"))
        _el("keepNext", ppr)  # the chart stays with its caption
        if break_before:
            _el("pageBreakBefore", ppr)
        # The caption style's exact line height would clip the chart to one line: this line grows with it.
        _el("spacing", ppr, before="120", after="0", line="240", lineRule="auto")
        run = _el("r", p)
        from generator.documents.docx import charts_xml

        drawing = charts_xml.drawing_xml(f"rIdHcgChart{number}", number, block.width_mm, block.height_mm,
                                         block.caption or block.spec.title)
        run.append(_Raw(_IN_SCOPE.sub("", drawing, count=2)))
        yield p
        if block.caption:
            yield self.paragraph(Paragraph(block.caption, "caption"))

    # -- tables --------------------------------------------------------------------------------------

    def widths(self, table: Table) -> list[float]:
        """Column widths (mm) fitted to the content, in three tiers: no column narrower than its widest piece
        that may not break at all; then, as far as room allows, wide enough for its short texts whole and
        for the runs only the writer would break (a data path); then for its whole text on one line."""
        total_mm = sum(table.widths_mm)
        columns = len(table.widths_mm)
        tiers = [[0.0] * columns for _ in range(4)]
        margin = 2 * CELL_MARGIN_PT + 2
        for column, cell in _placed(table):
            if cell.span != 1:
                continue
            size = self.layout.styles[cell.style].size_pt
            # A short text is kept whole only within the width the builder planned for its column, rather
            # than starving a column of running text beside it.
            planned = (table.widths_mm[column] / 25.4 * 72 - margin) / size
            for line in cell.lines:
                shown = _shown(line)
                # A struck number right beside its replacement has no break between them: the pair is one
                # token on the page, given its room after every column has its least (else it breaks where
                # it must; a line break in the tracked text would not reject to the older text exactly).
                pieces = _shown(line, breakable=True).split("\n")
                ems = (max(map(least_em, pieces)), least_em(shown), max(firm_em(p, planned) for p in pieces),
                       text_em(shown))
                for tier, em in zip(tiers, ems, strict=True):
                    tier[column] = max(tier[column], em * size + margin)
        total_pt = total_mm / 25.4 * 72
        least = [max(v, 18.0) for v in tiers[0]]
        if sum(least) >= total_pt:
            return [v / sum(least) * total_mm for v in least]
        widths = least
        for wanted in tiers[1:]:
            # What is left goes to the columns that would wrap, in proportion to how much they would.
            extra = total_pt - sum(widths)
            need = [max(w - m, 0.0) for w, m in zip(wanted, widths, strict=True)]
            if sum(need) > extra:
                return [(m + extra * n / sum(need)) / 72 * 25.4 for m, n in zip(widths, need, strict=True)]
            widths = [m + n for m, n in zip(widths, need, strict=True)]
        # Spare room follows the builder's own proportions, so a table keeps its intended look.
        spare = total_pt - sum(widths)
        return [(m + spare * h / total_mm) / 72 * 25.4 for m, h in zip(widths, table.widths_mm, strict=True)]

    def table(self, table: Table, keep_with_following: bool = False) -> Any:
        widths = self.widths(table)
        tbl = _el("tbl")
        pr = _el("tblPr", tbl)
        _el("tblW", pr, w=str(_twips(sum(widths))), type="dxa")
        _el("jc", pr, val="center")
        if table.borders:
            # Borders of the table's own, so a merged or spanned cell (the 合计 row) is ruled all round.
            borders = _el("tblBorders", pr)
            for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
                _el(side, borders, val="single", sz="4", space="0", color="000000")
        _el("tblLayout", pr, type="fixed")
        margins = _el("tblCellMar", pr)  # on the table itself too: not every reader applies the default style's
        for side in ("left", "right"):
            _el(side, margins, w=str(round(CELL_MARGIN_PT * 20)), type="dxa")
        grid = _el("tblGrid", tbl)
        for width in widths:
            _el("gridCol", grid, w=str(_twips(width)))
        rows = len(table.rows)
        small = rows <= SMALL_TABLE_ROWS
        trs: dict[int, Any] = {}
        for r, column, spec in _walk(table):
            change = table.row_changes[r] if table.row_changes else ""
            if r not in trs:
                tr = trs[r] = _el("tr", tbl)
                tr_pr = _el("trPr", tr)
                _el("cantSplit", tr_pr)  # a row never breaks across pages: its cells belong together
                if r < table.header_rows:
                    _el("tblHeader", tr_pr)
                if change:
                    # The row itself is inserted or deleted (its cells' text is marked below as well), so
                    # accepting or rejecting removes the whole row, not just its text.
                    self.marks.mark(change, tr_pr)
            # A small table is kept whole; a long one keeps its header with the body and its last two rows together.
            keep = (small and r < rows - 1) or r < table.header_rows or r == rows - 2 or (keep_with_following and r == rows - 1)
            if spec is None:  # covered by a vertical merge from above
                self.cell(trs[r], widths[column], 1, "continue", ("",), "table", keep, change)
            else:
                width = sum(widths[column : column + spec.span])
                self.cell(trs[r], width, spec.span, "restart" if spec.merge_down else None, spec.lines, spec.style, keep,
                          change)
        return tbl

    def cell(self, tr: Any, width_mm: float, span: int, merge: str | None, lines: tuple[str | Paragraph, ...],
             style: str, keep: bool, change: str = "") -> None:
        tc = _el("tc", tr)
        pr = _el("tcPr", tc)
        _el("tcW", pr, w=str(_twips(width_mm)), type="dxa")
        if span > 1:
            _el("gridSpan", pr, val=str(span))
        if merge:
            _el("vMerge", pr, val=merge)
        room_pt = width_mm / 25.4 * 72 - 2 * CELL_MARGIN_PT
        blocks = [self.laid_out(line, style, room_pt) for line in lines or ("",)]
        if change:  # a row inserted or deleted as a whole: every paragraph of its cells with it
            blocks = [replace(block, change=change, segments=()) for block in blocks]
        # A cell whose every line fits is declared not to wrap (Word honours it when a table is autofitted,
        # and an editor who narrows the column keeps whole lines), besides the width that already fits it.
        if any(b.text for b in blocks) and all(
                text_em(line) * self.layout.styles[b.style].size_pt <= room_pt for b in blocks for line in _shown(b).split("\n")):
            _el("noWrap", pr)
        _el("vAlign", pr, val="center")
        for block in blocks:
            tc.append(self.paragraph(block, keep_next=keep))

    def laid_out(self, line: str | Paragraph, style: str, room_pt: float) -> Paragraph:
        """A cell's line as a paragraph, broken into lines by the writer where LibreOffice could break a token."""
        block = line if isinstance(line, Paragraph) else Paragraph(line, style)
        room_em = room_pt / self.layout.styles[block.style].size_pt
        if block.segments:
            return block  # tracked text is never broken by the writer: accepting and rejecting must give each text
        if block.change or not needs_own_breaks(block.text, room_em):
            return block
        return replace(block, text="\n".join(wrap(block.text, room_em)))


def _shown(line: str | Paragraph, breakable: bool = False) -> str:
    """The text a line shows: a tracked deletion (struck through) stands beside the insertion and takes room.

    With ``breakable``, split where a struck value meets its replacement (to measure each on its own).
    """
    if isinstance(line, str):
        return line
    segments = _paired(line.segments) if breakable else line.segments
    return "".join(part for _, part in segments) or line.text


def _paired(segments: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The segments with a line break ending each deletion that runs straight into an insertion."""
    out = list(segments)
    for index, ((kind, text), (after, following)) in enumerate(pairwise(segments)):
        if kind == "del" and after == "ins" and text[-1:].isalnum() and following[:1].isalnum():
            out[index] = (kind, text + "\n")
    return tuple(out)


def _walk(table: Table) -> Iterator[tuple[int, int, Cell | None]]:
    """Every grid position a row writes: (row, grid column, its cell), None for one covered by a merge from above."""
    columns = len(table.widths_mm)
    pending: dict[int, int] = {}  # grid column -> rows still covered by a vertical merge from above
    for r, row in enumerate(table.rows):
        column, specs = 0, iter(row)
        while column < columns:
            if pending.get(column, 0) > 0:
                pending[column] -= 1
                yield r, column, None
                column += 1
                continue
            spec = next(specs, None)
            if spec is None:
                break
            if spec.merge_down:
                pending[column] = spec.merge_down
            yield r, column, spec
            column += spec.span


def _placed(table: Table) -> Iterator[tuple[int, Cell]]:
    """Every written cell with the grid column it starts in (cells covered by a merge from above are absent)."""
    return ((column, spec) for _, column, spec in _walk(table) if spec is not None)


# -- the other parts ------------------------------------------------------------------------------------


def _fonts_xml(east_asia: str, latin: str) -> str:
    return (f'<w:rFonts w:ascii="{_attr(latin)}" w:hAnsi="{_attr(latin)}" w:cs="{_attr(latin)}" '
            f'w:eastAsia="{_attr(east_asia)}" w:hint="eastAsia"/>')


def _style_xml(name: str, spec: Style, layout: Layout) -> str:
    # East-Asian line breaking: forbidden first/last characters (kinsoku, so no line starts with % or ，).
    # wordWrap is left at its default (on): off would let Latin words and numbers break anywhere.
    ppr = ["<w:keepNext/>" if spec.keep_with_next else "", "<w:widowControl/>", '<w:kinsoku w:val="1"/>',
           '<w:overflowPunct w:val="1"/>',
           f'<w:spacing w:before="0" w:after="{round(spec.space_after_pt * 20)}" w:line="{round(spec.line_pt * 20)}" '
           'w:lineRule="exact"/>']
    if spec.indent_chars:
        # Word measures Chinese indents in characters; the twips value is the fallback for other readers.
        ppr.append(f'<w:ind w:firstLine="{round(spec.size_pt * spec.indent_chars * 20)}" '
                   f'w:firstLineChars="{round(spec.indent_chars * 100)}"/>')
    ppr.append(f'<w:jc w:val="{_JC[spec.align]}"/>')
    size = round(spec.size_pt * 2)
    color = f'<w:color w:val="{spec.color}"/>' if spec.color else ""
    return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{_style_id(name)}">'
            f'<w:name w:val="HCG {name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
            f'<w:pPr>{"".join(ppr)}</w:pPr>'
            f'<w:rPr>{_fonts_xml(spec.font, layout.latin_font)}{color}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
            "</w:style>")


def _styles(layout: Layout) -> bytes:
    body = layout.styles["body"]
    size = round(body.size_pt * 2)
    # Latin text (digits, amounts) is tagged English: a Chinese tag makes LibreOffice break numbers anywhere.
    lang = f'<w:lang w:val="en-US" w:eastAsia="{layout.language}" w:bidi="ar-SA"/>'
    text = (
        f'<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr>{_fonts_xml(body.font, layout.latin_font)}'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>{lang}</w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:rPr>{_fonts_xml(body.font, layout.latin_font)}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>'
        '<w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        f'<w:left w:w="{round(CELL_MARGIN_PT * 20)}" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        f'<w:right w:w="{round(CELL_MARGIN_PT * 20)}" w:type="dxa"/>'
        '</w:tblCellMar></w:tblPr></w:style>'
        + "".join(_style_xml(name, spec, layout) for name, spec in layout.styles.items())
        + "</w:styles>"
    )
    return _XML_HEAD + text.encode("utf-8")


def _settings(model: DocumentModel, layout: Layout) -> bytes:
    return _XML_HEAD + (
        # CT_Settings is a sequence: Word refuses a file whose elements are out of order.
        f'<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
        '<w:evenAndOddHeaders/><w:characterSpacingControl w:val="compressPunctuation"/>'
        f'<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
        f'</w:compat><w:themeFontLang w:val="en-US" w:eastAsia="{layout.language}"/>'
        '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>'
    ).encode()


def _header_xml(text: str, layout: Layout) -> bytes:
    size = round(layout.header_size_pt * 2)
    run = (f'<w:r><w:rPr>{_fonts_xml(layout.header_font, layout.latin_font)}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
           f'</w:rPr><w:t xml:space="preserve">{_xml_escape(text)}</w:t></w:r>') if text else ""
    return _XML_HEAD + (f'<w:hdr xmlns:w="{W_NS}"><w:p><w:pPr><w:jc w:val="right"/></w:pPr>{run}</w:p></w:hdr>').encode()


def _footer_xml(layout: Layout, align: str | None) -> bytes:
    if align is None:
        return _XML_HEAD + f'<w:ftr xmlns:w="{W_NS}"><w:p/></w:ftr>'.encode()
    size = round(layout.footer_size_pt * 2)
    props = f'<w:rPr>{_fonts_xml(layout.footer_font, layout.footer_font)}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    one_char = round(layout.footer_size_pt * 20)
    indent = f'<w:ind w:{"right" if align == "right" else "left"}="{one_char}"/>'
    dash = _xml_escape(layout.footer_dash)
    field = (f'<w:r>{props}<w:t xml:space="preserve">{dash} </w:t></w:r>'
             f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
             f'<w:r>{props}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
             f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
             f'<w:r>{props}<w:t>1</w:t></w:r><w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
             f'<w:r>{props}<w:t xml:space="preserve"> {dash}</w:t></w:r>')
    return _XML_HEAD + (f'<w:ftr xmlns:w="{W_NS}"><w:p><w:pPr>{indent}<w:jc w:val="{align}"/></w:pPr>{field}</w:p></w:ftr>'
                        ).encode()


def _section(model: DocumentModel, layout: Layout) -> Any:
    page = layout.page
    sect = _el("sectPr")
    refs = [("header", "default", "rIdHcgHeader1"), ("header", "even", "rIdHcgHeader2"),
            ("footer", "default", "rIdHcgFooter1"), ("footer", "even", "rIdHcgFooter2")]
    if model.cover_page:
        refs += [("header", "first", "rIdHcgHeader3"), ("footer", "first", "rIdHcgFooter3")]
    for kind, which, rid in refs:
        element = _el(f"{kind}Reference", sect, type=which)
        element.set("r:id", rid)
    _el("pgSz", sect, w=str(_twips(page["width_mm"])), h=str(_twips(page["height_mm"])))
    _el("pgMar", sect, top=str(_twips(page["top_mm"])), right=str(_twips(page["right_mm"])),
        bottom=str(_twips(page["bottom_mm"])), left=str(_twips(page["left_mm"])), header=str(_twips(page["header_mm"])),
        footer=str(_twips(page["footer_mm"])), gutter="0")
    if model.cover_page:
        _el("titlePg", sect)
    return sect


def _core(model: DocumentModel, layout: Layout) -> bytes:
    stamp = model.created.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = {"dc:title": model.title, "dc:subject": model.subject, "dc:creator": AUTHOR, "cp:keywords": model.keywords,
              "cp:lastModifiedBy": AUTHOR, "cp:revision": "1", "dc:language": layout.language}
    fields = "".join(f"<{k}>{_xml_escape(v)}</{k}>" for k, v in values.items())
    return _XML_HEAD + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'{fields}<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    ).encode()


_APP = _XML_HEAD + (
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>hotline-contract-gen</Application><DocSecurity>0</DocSecurity></Properties>")


def _relationships(entries: Sequence[tuple[str, str, str]]) -> bytes:
    body = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in entries)
    return _XML_HEAD + f'<Relationships xmlns="{_PKG_REL}">{body}</Relationships>'.encode()


def _serialised(element: _Element) -> bytes:
    out: list[str] = []
    element.write(out)
    return "".join(out).encode("utf-8")


def render_docx(model: DocumentModel, layout: Layout) -> dict[str, bytes]:
    """The document's package parts by zip name (zipped deterministically by packaging)."""
    writer = _Body(model, layout)
    document = _Element("w:document")
    document.set("xmlns:w", W_NS)
    document.set("xmlns:r", R_NS)
    body = _el("body", document)
    for element in writer.blocks(model.blocks):
        body.append(element)
    body.append(_section(model, layout))
    parts: dict[str, bytes] = {
        "word/document.xml": _XML_HEAD + _serialised(document),
        "word/styles.xml": _styles(layout),
        "word/settings.xml": _settings(model, layout),
        "word/header1.xml": _header_xml(model.header_text, layout),
        "word/header2.xml": _header_xml(model.header_text, layout),
        "word/footer1.xml": _footer_xml(layout, "right"),
        "word/footer2.xml": _footer_xml(layout, "left"),
        "docProps/core.xml": _core(model, layout),
        "docProps/app.xml": _APP,
    }
    rels = [("rIdHcgStyles", f"{_REL}/styles", "styles.xml"), ("rIdHcgSettings", f"{_REL}/settings", "settings.xml"),
            ("rIdHcgHeader1", f"{_REL}/header", "header1.xml"), ("rIdHcgHeader2", f"{_REL}/header", "header2.xml"),
            ("rIdHcgFooter1", f"{_REL}/footer", "footer1.xml"), ("rIdHcgFooter2", f"{_REL}/footer", "footer2.xml")]
    overrides = {"/word/document.xml": f"{_WML}.document.main+xml", "/word/styles.xml": f"{_WML}.styles+xml",
                 "/word/settings.xml": f"{_WML}.settings+xml", "/word/header1.xml": f"{_WML}.header+xml",
                 "/word/header2.xml": f"{_WML}.header+xml", "/word/footer1.xml": f"{_WML}.footer+xml",
                 "/word/footer2.xml": f"{_WML}.footer+xml",
                 "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
                 "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml"}
    if model.cover_page:
        parts["word/header3.xml"] = _header_xml("", layout)
        parts["word/footer3.xml"] = _footer_xml(layout, None)
        rels += [("rIdHcgHeader3", f"{_REL}/header", "header3.xml"), ("rIdHcgFooter3", f"{_REL}/footer", "footer3.xml")]
        overrides |= {"/word/header3.xml": f"{_WML}.header+xml", "/word/footer3.xml": f"{_WML}.footer+xml"}
    defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"}
    if writer.charts:
        from generator.documents.docx import charts_xml
    for number, chart in enumerate(writer.charts, start=1):
        parts.update(charts_xml.chart_parts(chart.spec, number))
        rels.append((f"rIdHcgChart{number}", charts_xml.CHART_RELATIONSHIP_TYPE, f"charts/chart{number}.xml"))
        for name, content_type in charts_xml.chart_content_types(number).items():
            (overrides if name.startswith("/") else defaults)[name] = content_type
    parts["word/_rels/document.xml.rels"] = _relationships(rels)
    parts["_rels/.rels"] = _relationships([
        ("rId1", f"{_REL}/officeDocument", "word/document.xml"),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
        ("rId3", f"{_REL}/extended-properties", "docProps/app.xml")])
    types = "".join(f'<Default Extension="{e}" ContentType="{c}"/>' for e, c in sorted(defaults.items()))
    types += "".join(f'<Override PartName="{n}" ContentType="{c}"/>' for n, c in sorted(overrides.items()))
    parts["[Content_Types].xml"] = _XML_HEAD + f'<Types xmlns="{_CT}">{types}</Types>'.encode()
    return parts
