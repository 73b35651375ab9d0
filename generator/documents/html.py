"""A document model as HTML, for reading a contract or a redline in the browser (the editor's preview).

The same model the .docx is written from, so what the page shows is what Word will show: paragraphs in
their layout styles, tables with their spans, tracked changes as ``<ins>``/``<del>`` (inserted and
deleted paragraphs and table rows too), charts as their data table, page breaks as a rule. Every piece
of text is escaped; the styles come from the layout profile, never from the text.
"""

from __future__ import annotations

from html import escape

from generator.documents.layout import Layout
from generator.documents.model import Block, Cell, Chart, DocumentModel, PageBreak, Paragraph, Segment, Table

__all__ = ["render_html", "stylesheet"]

_TAGS = {"title": "h1", "cover_title": "h1", "heading1": "h2", "heading2": "h3", "appendix_label": "h2"}
_CHANGE = {"ins": ("ins", "插入"), "del": ("del", "删除")}
# Latin fonts follow the layout's; the Chinese faces fall back to what a Windows or Linux desktop has.
_FALLBACK = {"仿宋": "FangSong, STFangsong, 'Noto Serif CJK SC', serif", "黑体": "SimHei, 'Noto Sans CJK SC', sans-serif",
             "楷体": "KaiTi, STKaiti, 'Noto Serif CJK SC', serif", "宋体": "SimSun, 'Noto Serif CJK SC', serif"}


def render_html(model: DocumentModel) -> str:
    """The document's blocks as an HTML fragment (an ``<article>``), every text escaped."""
    body = "".join(_block(block) for block in model.blocks)
    return f'<article class="doc" aria-label="{escape(model.title)}">{body}</article>'


def stylesheet(layout: Layout, scope: str = ".doc") -> str:
    """CSS for the layout's paragraph styles (font, size, line height, alignment, first-line indent)."""
    rules = []
    for name, style in sorted(layout.styles.items()):
        family = f"'{style.font}', {_FALLBACK.get(style.font, 'serif')}"
        parts = [f"font-family: {family}", f"font-size: {style.size_pt}pt", f"line-height: {style.line_pt}pt",
                 f"text-align: {style.align}", f"text-indent: {style.indent_chars}em",
                 f"margin: 0 0 {style.space_after_pt}pt 0"]
        if style.color:
            parts.append(f"color: #{style.color}")
        rules.append(f"{scope} .s-{name} {{ {'; '.join(parts)} }}")
    return "\n".join(rules)


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _paragraph(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        return _chart(block)
    if isinstance(block, PageBreak):
        return '<hr class="page-break" aria-hidden="true">'
    raise TypeError(type(block))


def _paragraph(paragraph: Paragraph, tag: str = "") -> str:
    tag = tag or _TAGS.get(paragraph.style, "p")
    inner = "".join(_segment(segment) for segment in paragraph.segments) if paragraph.segments \
        else escape(paragraph.text)
    marked = f" changed-{paragraph.change}" if paragraph.change in _CHANGE else ""
    if paragraph.change in _CHANGE:
        inner = _wrap(paragraph.change, inner)
    return f'<{tag} class="s-{escape(paragraph.style)}{marked}">{inner}</{tag}>'


def _segment(segment: Segment) -> str:
    kind, text = segment
    return _wrap(kind, escape(text)) if kind in _CHANGE else escape(text)


def _wrap(kind: str, inner: str) -> str:
    tag, word = _CHANGE[kind]
    return f'<{tag} title="{word}">{inner}</{tag}>'


def _table(table: Table) -> str:
    rows = []
    for index, row in enumerate(table.rows):
        change = table.row_changes[index] if index < len(table.row_changes) else ""
        cells = "".join(_cell(cell, index < table.header_rows, change) for cell in row)
        marked = f' class="row-{change}"' if change in _CHANGE else ""
        rows.append(f"<tr{marked}>{cells}</tr>")
    head, body = rows[: table.header_rows], rows[table.header_rows:]
    ruled = " ruled" if table.borders else ""
    return (f'<div class="table-wrap"><table class="doc-table{ruled}"><thead>{"".join(head)}</thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _cell(cell: Cell, header: bool, change: str) -> str:
    tag = "th" if header else "td"
    spans = (f' colspan="{cell.span}"' if cell.span > 1 else "") + \
        (f' rowspan="{cell.merge_down + 1}"' if cell.merge_down else "")
    lines = "".join(_paragraph(line, "p") if isinstance(line, Paragraph)
                    else f'<p class="s-{escape(cell.style)}">{escape(line)}</p>' for line in cell.lines)
    if change in _CHANGE:
        lines = _wrap(change, lines)
    return f"<{tag}{spans}>{lines}</{tag}>"


def _chart(chart: Chart) -> str:
    spec = chart.spec
    header = "".join(f"<th>{escape(series.name)}</th>" for series in spec.series)
    rows = "".join(f"<tr><th>{escape(category)}</th>{''.join(_value(s.values[i]) for s in spec.series)}</tr>"
                   for i, category in enumerate(spec.categories))
    caption = escape(chart.caption or spec.title)
    return (f'<figure class="chart"><figcaption>{caption}（图表数据）</figcaption><table class="doc-table ruled">'
            f"<thead><tr><th>{escape(spec.category_axis_title)}</th>{header}</tr></thead><tbody>{rows}</tbody>"
            "</table></figure>")


def _value(value: object) -> str:
    return f"<td>{'' if value is None else escape(str(value))}</td>"

