"""Write a DocumentModel as .docx bytes. The only module of ours that imports python-docx.

It sets the East-Asian font on every style (``w:rFonts/@w:eastAsia``; the Latin name alone leaves
Chinese in the theme font), strips theme-font attributes that would override them, marks the text
zh-CN, and adds a running header and GB/T 9704 page numbers (— 3 —, odd pages right, even left).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from docx import Document as new_document
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from generator.documents.docx import charts_xml
from generator.documents.layout import Layout, Style
from generator.documents.model import Chart, DocumentModel, Image, PageBreak, Paragraph, Table

_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
AUTHOR = "hotline-contract-gen"


def render_docx(model: DocumentModel, layout: Layout) -> dict[str, bytes]:
    """The document's package parts by zip name (zipped deterministically by packaging)."""
    doc = new_document()
    _defaults(doc, layout)
    styles = doc.styles.element
    ids = {}
    for name, spec in layout.styles.items():
        ids[name] = _style_id(name)
        styles.append(_style_element(name, spec, layout))
    _page(doc, model, layout)
    body = doc.element.body
    anchor = body.sectPr  # new blocks go before the section properties, which must stay last
    marks = _Revisions(model.revision_author, model.created)
    charts: list[Chart] = []
    for block in model.blocks:
        if isinstance(block, Paragraph):
            anchor.addprevious(_paragraph(block, ids[block.style], marks))
        elif isinstance(block, Table):
            anchor.addprevious(_table(block, ids, marks))
        elif isinstance(block, PageBreak):
            anchor.addprevious(_page_break())
        elif isinstance(block, Image):
            _image(doc, block, ids)
        elif isinstance(block, Chart):
            charts.append(block)
            for element in _chart(block, len(charts), ids):
                anchor.addprevious(element)
    _properties(doc, model, layout)
    parts = _parts(doc)
    for number, chart in enumerate(charts, start=1):
        _add_chart_parts(parts, chart, number)
    return parts


def _chart_rel(number: int) -> str:
    return f"rIdHcgChart{number}"


def _chart(block: Chart, number: int, ids: dict[str, str]) -> list[Any]:
    """The paragraph holding a chart, then its caption (kept together with the chart)."""
    p = _el("p")
    ppr = _el("pPr", p)
    _el("pStyle", ppr, val=ids["caption"])
    if block.caption:
        _el("keepNext", ppr)
    run = _el("r", p)
    run.append(etree.fromstring(charts_xml.drawing_xml(_chart_rel(number), number, block.width_mm, block.height_mm,
                                                       block.caption or block.spec.title)))
    out = [p]
    if block.caption:
        out.append(_p(ids["caption"], block.caption))
    return out


def _add_chart_parts(parts: dict[str, bytes], block: Chart, number: int) -> None:
    """The chart's own parts, its relationship from the document, and their content types."""
    parts.update(charts_xml.chart_parts(block.spec, number))
    rels = "word/_rels/document.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", (
        charts_xml.document_relationship_xml(_chart_rel(number), number) + "</Relationships>").encode("utf-8"))
    types = parts["[Content_Types].xml"]
    for name, content_type in charts_xml.chart_content_types(number).items():
        if name.startswith("/"):
            entry = f'<Override PartName="{name}" ContentType="{content_type}"/>'
        else:
            entry = f'<Default Extension="{name}" ContentType="{content_type}"/>'
            if f'Extension="{name}"'.encode() in types:
                continue
        types = types.replace(b"</Types>", entry.encode("utf-8") + b"</Types>")
    parts["[Content_Types].xml"] = types


_IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif"}
_CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def _parts(doc: Document) -> dict[str, bytes]:
    """Every part of the package by zip name, serialised once (python-docx's own save zips them, and
    packaging would only unzip them again)."""
    package = doc.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    types = etree.Element(f"{{{_CONTENT_TYPES_NS}}}Types", nsmap={None: _CONTENT_TYPES_NS})
    defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"}
    overrides = {}
    out: dict[str, bytes] = {"_rels/.rels": package.rels.xml}
    for part in parts:
        name = str(part.partname)
        if _IMAGE_TYPES.get(part.partname.ext.lower()) == part.content_type:
            defaults[part.partname.ext.lower()] = part.content_type
        else:
            overrides[name] = part.content_type
        out[name.lstrip("/")] = part.blob
        if len(part.rels):
            out[part.partname.rels_uri.lstrip("/")] = part.rels.xml
    for extension, content_type in sorted(defaults.items()):
        etree.SubElement(types, f"{{{_CONTENT_TYPES_NS}}}Default", Extension=extension, ContentType=content_type)
    for name, content_type in sorted(overrides.items()):
        etree.SubElement(types, f"{{{_CONTENT_TYPES_NS}}}Override", PartName=name, ContentType=content_type)
    out["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


# -- raw WordprocessingML helpers (python-docx's element API is too slow for whole documents) --


def _w(tag: str) -> str:
    return qn(f"w:{tag}")


def _el(tag: str, parent: Any = None, **attrs: str) -> Any:
    element = etree.Element(_w(tag)) if parent is None else etree.SubElement(parent, _w(tag))
    for key, value in attrs.items():
        element.set(_w(key), value)
    return element


def _twips(mm: float) -> str:
    return str(round(mm / 25.4 * 1440))


def _style_id(name: str) -> str:
    return "HCG" + "".join(part.capitalize() for part in name.split("_"))


def _p(style_id: str, text: str) -> Any:
    p = _el("p")
    _el("pStyle", _el("pPr", p), val=style_id)
    if text:
        t = _el("t", _el("r", p))
        t.set(qn("xml:space"), "preserve")
        t.text = text
    return p


class _Revisions:
    """Numbers tracked changes and stamps them with a fixed author and date (for deterministic files)."""

    def __init__(self, author: str, when: datetime) -> None:
        self.author = author
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1

    def mark(self, tag: str, parent: Any = None) -> Any:
        element = _el(tag, parent, id=str(self.next_id), author=self.author, date=self.date)
        self.next_id += 1
        return element


def _run(parent: Any, text: str, deleted: bool = False) -> None:
    t = _el("delText" if deleted else "t", _el("r", parent))
    t.set(qn("xml:space"), "preserve")
    t.text = text


def _paragraph(block: Paragraph, style_id: str, marks: _Revisions) -> Any:
    """A paragraph, with tracked insertions and deletions where the block carries them."""
    if not block.segments and not block.change:
        p = _p(style_id, block.text)
        if block.keep_with_next:
            _el("keepNext", p[0])
        return p
    p = _el("p")
    ppr = _el("pPr", p)
    _el("pStyle", ppr, val=style_id)
    if block.keep_with_next:
        _el("keepNext", ppr)
    if block.change:
        # The paragraph mark itself is inserted or deleted, so accepting or rejecting removes the paragraph.
        marks.mark(block.change, _el("rPr", ppr))
    segments = block.segments or ((block.change, block.text),)
    for kind, text in segments:
        if not text:
            continue
        if kind:
            _run(marks.mark(kind, p), text, deleted=kind == "del")
        else:
            _run(p, text)
    return p


def _page_break() -> Any:
    p = _el("p")
    _el("br", _el("r", p), type="page")
    return p


def _fonts(rpr: Any, east_asia: str, latin: str) -> None:
    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        fonts = _el("rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr, value in (("ascii", latin), ("hAnsi", latin), ("cs", latin), ("eastAsia", east_asia), ("hint", "eastAsia")):
        fonts.set(_w(attr), value)


def _style_element(name: str, spec: Style, layout: Layout) -> Any:
    style = _el("style", type="paragraph", customStyle="1", styleId=_style_id(name))
    _el("name", style, val=f"HCG {name}")
    _el("basedOn", style, val="Normal")
    _el("qFormat", style)
    ppr = _el("pPr", style)
    if spec.keep_with_next:
        _el("keepNext", ppr)
    _el("widowControl", ppr)
    _el("spacing", ppr, before="0", after=str(round(spec.space_after_pt * 20)),
        line=str(round(spec.line_pt * 20)), lineRule="exact")
    if spec.indent_chars:
        # Word measures Chinese indents in characters; the twips value is the fallback for other readers.
        _el("ind", ppr, firstLine=str(round(spec.size_pt * spec.indent_chars * 20)),
            firstLineChars=str(round(spec.indent_chars * 100)))
    _el("jc", ppr, val=_JC[spec.align])
    rpr = _el("rPr", style)
    _fonts(rpr, spec.font, layout.latin_font)
    if spec.color:
        _el("color", rpr, val=spec.color)
    half_points = str(round(spec.size_pt * 2))
    _el("sz", rpr, val=half_points)
    _el("szCs", rpr, val=half_points)
    return style


def _defaults(doc: Document, layout: Layout) -> None:
    rpr = doc.styles.element.find(_w("docDefaults")).find(_w("rPrDefault")).find(_w("rPr"))
    body = layout.styles["body"]
    _fonts(rpr, body.font, layout.latin_font)
    lang = rpr.find(_w("lang"))
    if lang is None:
        lang = _el("lang", rpr)
    lang.set(_w("val"), layout.language)
    lang.set(_w("eastAsia"), layout.language)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(body.size_pt)
    _fonts(normal.element.get_or_add_rPr(), body.font, layout.latin_font)


def _page(doc: Document, model: DocumentModel, layout: Layout) -> None:
    section = doc.sections[0]
    page = layout.page
    section.page_width, section.page_height = Mm(page["width_mm"]), Mm(page["height_mm"])
    section.top_margin, section.bottom_margin = Mm(page["top_mm"]), Mm(page["bottom_mm"])
    section.left_margin, section.right_margin = Mm(page["left_mm"]), Mm(page["right_mm"])
    section.header_distance, section.footer_distance = Mm(page["header_mm"]), Mm(page["footer_mm"])
    doc.settings.odd_and_even_pages_header_footer = True
    section.different_first_page_header_footer = model.cover_page
    for header in (section.header, section.even_page_header):
        _header(header.paragraphs[0], model.header_text, layout)
    _page_number(section.footer.paragraphs[0], layout, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], layout, WD_ALIGN_PARAGRAPH.LEFT)
    if model.cover_page:
        section.first_page_header.paragraphs[0].text = ""
        section.first_page_footer.paragraphs[0].text = ""


def _header(paragraph, text: str, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.font.size = Pt(layout.header_size_pt)
    _fonts(run._r.get_or_add_rPr(), layout.header_font, layout.latin_font)


def _page_number(paragraph, layout: Layout, align: WD_ALIGN_PARAGRAPH) -> None:  # type: ignore[no-untyped-def]
    paragraph.alignment = align
    one_char = Pt(layout.footer_size_pt)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = one_char
    else:
        paragraph.paragraph_format.left_indent = one_char
    dash = layout.footer_dash

    def run(text: str = ""):  # type: ignore[no-untyped-def]
        r = paragraph.add_run(text)
        r.font.size = Pt(layout.footer_size_pt)
        _fonts(r._r.get_or_add_rPr(), layout.footer_font, layout.footer_font)
        return r

    run(f"{dash} ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            r._r.append(field)
        elif instruction == " PAGE ":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            r._r.append(text)
        else:
            r.text = instruction or ""
    run(f" {dash}")


def _table(table: Table, ids: dict[str, str], marks: _Revisions) -> Any:
    tbl = _el("tbl")
    pr = _el("tblPr", tbl)
    if table.borders:
        _el("tblStyle", pr, val="TableGrid")
    _el("tblW", pr, w=_twips(sum(table.widths_mm)), type="dxa")
    _el("jc", pr, val="center")
    _el("tblLayout", pr, type="fixed")
    grid = _el("tblGrid", tbl)
    for width in table.widths_mm:
        _el("gridCol", grid, w=_twips(width))
    pending: dict[int, int] = {}  # grid column -> rows still covered by a vertical merge from above
    for r, row in enumerate(table.rows):
        tr = _el("tr", tbl)
        tr_pr = _el("trPr", tr)
        _el("cantSplit", tr_pr)  # a row never breaks across pages: its cells belong together
        if r < table.header_rows:
            _el("tblHeader", tr_pr)
        column, specs = 0, iter(row)
        while column < len(table.widths_mm):
            if pending.get(column, 0) > 0:
                pending[column] -= 1
                _cell(tr, table.widths_mm[column], 1, "continue", ("",), ids["table"], marks)
                column += 1
                continue
            spec = next(specs)
            if spec.merge_down:
                pending[column] = spec.merge_down
            width = sum(table.widths_mm[column : column + spec.span])
            _cell(tr, width, spec.span, "restart" if spec.merge_down else None, spec.lines, ids[spec.style], marks)
            column += spec.span
    return tbl


def _cell(
    tr: Any, width_mm: float, span: int, merge: str | None, lines: tuple[str | Paragraph, ...], style_id: str,
    marks: _Revisions,
) -> None:
    tc = _el("tc", tr)
    pr = _el("tcPr", tc)
    _el("tcW", pr, w=_twips(width_mm), type="dxa")
    if span > 1:
        _el("gridSpan", pr, val=str(span))
    if merge:
        _el("vMerge", pr, val=merge)
    _el("vAlign", pr, val="center")
    for line in lines or ("",):
        tc.append(_paragraph(line, style_id, marks) if isinstance(line, Paragraph) else _p(style_id, line))


def _image(doc: Document, image: Image, ids: dict[str, str]) -> None:
    doc.add_picture(io.BytesIO(image.png), width=Mm(image.width_mm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if image.caption:
        doc.element.body.sectPr.addprevious(_p(ids["caption"], image.caption))


def _properties(doc: Document, model: DocumentModel, layout: Layout) -> None:
    props = doc.core_properties
    stamp = model.created.replace(microsecond=0)
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.title = model.title
    props.subject = model.subject
    props.keywords = model.keywords
    props.comments = ""
    props.category = ""
    props.language = layout.language
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = datetime(2000, 1, 1)
