"""Write a DocumentModel as .docx bytes. The only module of ours that imports python-docx.

It sets the East-Asian font on every style (``w:rFonts/@w:eastAsia``; the Latin name alone leaves
Chinese in the theme font), strips theme-font attributes that would override them, marks the text
zh-CN, and adds a running header and GB/T 9704 page numbers (— 3 —, odd pages right, even left).
"""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document as new_document
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .docmodel import DocumentModel, Image, PageBreak, Paragraph, Table
from .layout import Layout, Style

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
AUTHOR = "hotline-contract-gen"


def render_docx(model: DocumentModel, layout: Layout) -> bytes:
    """The document as .docx bytes (not yet normalised for byte-identical output; see packaging)."""
    doc = new_document()
    _defaults(doc, layout)
    for name, style in layout.styles.items():
        _add_style(doc, name, style, layout)
    _page(doc, model, layout)
    for block in model.blocks:
        if isinstance(block, Paragraph):
            doc.add_paragraph(block.text, style=_style_name(block.style))
        elif isinstance(block, Table):
            _table(doc, block, layout)
        elif isinstance(block, PageBreak):
            doc.add_page_break()
        elif isinstance(block, Image):
            _image(doc, block)
    _properties(doc, model, layout)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _style_name(name: str) -> str:
    return f"HCG {name}"


def _set_fonts(rpr: OxmlElement, east_asia: str, latin: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_lang(rpr: OxmlElement, language: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def _defaults(doc: Document, layout: Layout) -> None:
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    body = layout.styles["body"]
    _set_fonts(rpr, body.font, layout.latin_font)
    _set_lang(rpr, layout.language)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(body.size_pt)
    _set_fonts(normal.element.get_or_add_rPr(), body.font, layout.latin_font)


def _add_style(doc: Document, name: str, spec: Style, layout: Layout) -> None:
    style = doc.styles.add_style(_style_name(name), WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(spec.size_pt)
    if spec.color:
        style.font.color.rgb = RGBColor.from_string(spec.color)
    _set_fonts(style.element.get_or_add_rPr(), spec.font, layout.latin_font)
    fmt = style.paragraph_format
    fmt.alignment = _ALIGN[spec.align]
    fmt.line_spacing = Pt(spec.line_pt)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(spec.space_after_pt)
    fmt.keep_with_next = spec.keep_with_next
    fmt.widow_control = True
    if spec.indent_chars:
        fmt.first_line_indent = Pt(spec.size_pt * spec.indent_chars)
        # Word measures Chinese indents in characters; the twips value is the fallback for other readers.
        style.element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), str(int(spec.indent_chars * 100)))


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
    _set_fonts(run._r.get_or_add_rPr(), layout.header_font, layout.latin_font)


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
        _set_fonts(r._r.get_or_add_rPr(), layout.footer_font, layout.footer_font)
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


def _table(doc: Document, table: Table, layout: Layout) -> None:
    columns = len(table.widths_mm)
    grid = doc.add_table(rows=len(table.rows), cols=columns)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    if table.borders:
        grid.style = doc.styles["Table Grid"]
    for index, width in enumerate(table.widths_mm):
        grid.columns[index].width = Mm(width)
        for cell in grid.columns[index].cells:
            cell.width = Mm(width)
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(table.rows):
        c = 0
        for spec in row:
            while (r, c) in covered:
                c += 1
            cell = grid.cell(r, c)
            if spec.span > 1 or spec.merge_down:
                cell = cell.merge(grid.cell(r + spec.merge_down, c + spec.span - 1))
                for extra in cell.paragraphs[1:]:
                    extra._p.getparent().remove(extra._p)
                covered.update((r + k, c + j) for k in range(spec.merge_down + 1) for j in range(spec.span))
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            first = cell.paragraphs[0]
            first.text = spec.lines[0] if spec.lines else ""
            first.style = doc.styles[_style_name(spec.style)]
            for line in spec.lines[1:]:
                cell.add_paragraph(line, style=_style_name(spec.style))
            c += spec.span
        if r < table.header_rows:
            tr_pr = grid.rows[r]._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            tr_pr.append(header)


def _image(doc: Document, image: Image) -> None:
    doc.add_picture(io.BytesIO(image.png), width=Mm(image.width_mm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if image.caption:
        doc.add_paragraph(image.caption, style=_style_name("caption"))


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
