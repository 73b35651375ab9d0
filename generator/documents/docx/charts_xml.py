"""Native Word charts: DrawingML chart parts with their data embedded as a small workbook.

A chart in a .docx is three package parts plus two references:

* ``word/charts/chartN.xml`` — the chart (c:chartSpace). It carries every category and value in
  c:strCache/c:numCache, because Word, WPS and LibreOffice all draw from the cache and only open the
  workbook when someone edits the data.
* ``word/embeddings/Microsoft_Excel_WorksheetN.xlsx`` — the same data as a one-sheet workbook, so
  Word's and WPS's "编辑数据" works; the cache formulas (``Sheet1!$B$2:$B$32``) point into it.
* ``word/charts/_rels/chartN.xml.rels`` — links the chart to that workbook (c:externalData).
* the document's own relationship (type :data:`CHART_RELATIONSHIP_TYPE`, target ``charts/chartN.xml``)
  and content types (:func:`chart_content_types`), then :func:`drawing_xml` inside a ``w:r``.

Everything is built as plain strings (no lxml, no openpyxl at run time) in a fixed order, and the
workbook is zipped with fixed timestamps, so the same spec always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.documents.docx.packaging import package
from generator.documents.docx.xmltext import attribute, escape

__all__ = [
    "CHART_CONTENT_TYPE",
    "CHART_RELATIONSHIP_TYPE",
    "XLSX_CONTENT_TYPE",
    "ChartSpec",
    "Series",
    "chart_content_types",
    "chart_parts",
    "document_relationship_xml",
    "drawing_xml",
]

CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_RELATIONSHIP_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_PACKAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"

_NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_NS_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

SHEET = "Sheet1"  # the name Word itself gives the data sheet; the cache formulas refer to it
_EMU_PER_MM = 36000
# wp:docPr ids must be unique in the document. python-docx numbers its pictures from the largest id
# already present, counting up from 1; starting charts high keeps the two sequences apart.
_DOCPR_BASE = 10000
# Fixed axis ids: primary category/value, secondary category/value. Any unsigned ints unique in the chart.
_AX_CAT, _AX_VAL, _AX_CAT2, _AX_VAL2 = "50010001", "50010002", "50010003", "50010004"

_TEXT_COLOR = "262626"
_AXIS_COLOR = "808080"
_GRID_COLOR = "D9D9D9"
_BASE_SIZE = 900  # hundredths of a point
_TITLE_SIZE = 1200
_LABEL_SIZE = 800


@dataclass(frozen=True)
class Series:
    """One data series: a value per category (None leaves a gap)."""

    name: str
    values: tuple[Decimal | int | None, ...]
    kind: str = "bar"  # "bar" | "line"
    secondary: bool = False  # on a secondary value axis (combo charts)
    color: str = "1F4E79"  # hex RGB
    labels: bool = False  # show value data labels
    number_format: str = ""  # for this series' values and labels; "" = its axis's number format


@dataclass(frozen=True)
class ChartSpec:
    """A bar, line or bar+line combo chart over one list of categories."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool = False  # bars left-to-right (ranked lists: first category at the top)
    axis_title: str = ""
    secondary_axis_title: str = ""
    axis_min: Decimal | None = None  # None = automatic
    axis_max: Decimal | None = None
    number_format: str = "General"  # e.g. '0.00"%"' for percentages given as numbers
    font: str = "宋体"  # East-Asian typeface for every chart text
    legend: bool = True
    category_axis_title: str = ""
    secondary_axis_min: Decimal | None = None
    secondary_axis_max: Decimal | None = None
    secondary_number_format: str = "General"

    def __post_init__(self) -> None:
        if not self.categories or not self.series:
            raise ValueError("a chart needs at least one category and one series")
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"series {series.name!r} has {len(series.values)} values for "
                                 f"{len(self.categories)} categories")
            if series.kind not in ("bar", "line"):
                raise ValueError(f"series {series.name!r}: kind must be 'bar' or 'line', not {series.kind!r}")
            if len(series.color) != 6 or any(c not in "0123456789abcdefABCDEF" for c in series.color):
                raise ValueError(f"series {series.name!r}: color must be six hex digits, not {series.color!r}")
            if self.horizontal and series.kind == "line":
                # A line over horizontal bars would run along the value axis: not a chart Word can draw.
                raise ValueError("a horizontal chart can only hold bar series")


# -- public API ---------------------------------------------------------------------------------------


def chart_parts(spec: ChartSpec, number: int) -> dict[str, bytes]:
    """The package parts of chart ``number``: zip member name -> bytes.

    ``word/charts/chart{number}.xml``, its ``_rels`` part, and
    ``word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx`` holding the data for "编辑数据".
    """
    workbook = f"Microsoft_Excel_Worksheet{number}.xlsx"
    rels = (f'{_DECL}<Relationships xmlns="{_NS_PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{_PACKAGE_REL}" Target="../embeddings/{workbook}"/></Relationships>')
    return {
        f"word/charts/chart{number}.xml": _chart_xml(spec).encode(),
        f"word/charts/_rels/chart{number}.xml.rels": rels.encode(),
        f"word/embeddings/{workbook}": _xlsx(spec),
    }


def chart_content_types(number: int) -> dict[str, str]:
    """Content types the package needs for chart ``number``.

    Keys starting with "/" are part names for ``<Override PartName=…>``; a key without one is a file
    extension for ``<Default Extension=…>`` (``xlsx``, added once per package whatever the count).
    """
    return {f"/word/charts/chart{number}.xml": CHART_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}


def document_relationship_xml(rel_id: str, number: int) -> str:
    """The ``<Relationship>`` for word/_rels/document.xml.rels that links ``rel_id`` to chart ``number``."""
    return f'<Relationship Id={_attr(rel_id)} Type="{CHART_RELATIONSHIP_TYPE}" Target="charts/chart{number}.xml"/>'


def drawing_xml(rel_id: str, number: int, width_mm: float, height_mm: float, name: str) -> str:
    """The ``<w:drawing>`` run content that shows chart ``number`` inline, ``width_mm`` × ``height_mm``.

    The namespaces are declared on w:drawing itself, so the string can be pasted into any ``w:r``.
    ``rel_id`` is the document relationship that targets ``charts/chart{number}.xml``.
    """
    cx, cy = round(width_mm * _EMU_PER_MM), round(height_mm * _EMU_PER_MM)
    return (
        f'<w:drawing xmlns:w="{_NS_W}" xmlns:wp="{_NS_WP}" xmlns:a="{_NS_A}" xmlns:c="{_NS_C}" xmlns:r="{_NS_R}">'
        '<wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{_DOCPR_BASE + number}" name={_attr(name)}/>'
        "<wp:cNvGraphicFramePr/>"
        f'<a:graphic><a:graphicData uri="{_NS_C}"><c:chart r:id={_attr(rel_id)}/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing>"
    )


# -- chart XML ---------------------------------------------------------------------------------------


def _attr(value: str) -> str:
    """A double-quoted, escaped attribute value."""
    return '"' + attribute(value) + '"'


def _number(value: Decimal | int) -> str:
    """A value as XML/SpreadsheetML number text: plain digits, never an exponent."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"chart values must be finite, not {value}")
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(int(value))


def _column(index: int) -> str:
    """Spreadsheet column letters for a 0-based index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _fonts(font: str) -> str:
    typeface = _attr(font)
    # Latin, East-Asian and complex-script faces all set: with only a:latin, Word and WPS draw Chinese
    # in the theme's East-Asian font, and LibreOffice may pick a face without CJK glyphs.
    return f"<a:latin typeface={typeface}/><a:ea typeface={typeface}/><a:cs typeface={typeface}/>"


def _run_props(tag: str, font: str, size: int, bold: bool = False, color: str = _TEXT_COLOR) -> str:
    extra = ' lang="zh-CN" altLang="en-US"' if tag == "a:rPr" else ""
    return (f'<{tag}{extra} sz="{size}" b="{int(bold)}">'
            f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill>{_fonts(font)}</{tag}>')


def _tx_pr(font: str, size: int = _BASE_SIZE, rotation: int | None = None) -> str:
    """c:txPr: default text properties for an axis, legend or label set."""
    body = "<a:bodyPr/>" if rotation is None else f'<a:bodyPr rot="{rotation}" vert="horz"/>'
    return (f"<c:txPr>{body}<a:lstStyle/><a:p><a:pPr>{_run_props('a:defRPr', font, size)}</a:pPr>"
            '<a:endParaRPr lang="zh-CN"/></a:p></c:txPr>')


def _title(text: str, font: str, size: int, bold: bool, rotation: int = 0) -> str:
    """c:title with rich text, the font set on both the paragraph default and the run."""
    return (f'<c:title><c:tx><c:rich><a:bodyPr rot="{rotation}" vert="horz"/><a:lstStyle/><a:p>'
            f"<a:pPr>{_run_props('a:defRPr', font, size, bold)}</a:pPr>"
            f"<a:r>{_run_props('a:rPr', font, size, bold)}<a:t>{escape(text)}</a:t></a:r>"
            '</a:p></c:rich></c:tx><c:overlay val="0"/></c:title>')


def _line(color: str, width: int = 9525) -> str:
    return f'<a:ln w="{width}"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:ln>'


def _str_cache(values: tuple[str, ...]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{escape(v)}</c:v></c:pt>' for i, v in enumerate(values))
    return f'<c:strCache><c:ptCount val="{len(values)}"/>{points}</c:strCache>'


def _num_cache(values: tuple[Decimal | int | None, ...], number_format: str) -> str:
    # A None is simply left out of the cache: with dispBlanksAs=gap it becomes a gap, not a zero.
    points = "".join(f'<c:pt idx="{i}"><c:v>{_number(v)}</c:v></c:pt>' for i, v in enumerate(values) if v is not None)
    return (f"<c:numCache><c:formatCode>{escape(number_format)}</c:formatCode>"
            f'<c:ptCount val="{len(values)}"/>{points}</c:numCache>')


def _series_format(spec: ChartSpec, series: Series) -> str:
    if series.number_format:
        return series.number_format
    return spec.secondary_number_format if _on_secondary(spec, series) else spec.number_format


def _has_secondary(spec: ChartSpec) -> bool:
    """Secondary axes only when some series is on each side; all-secondary is drawn as primary."""
    return any(s.secondary for s in spec.series) and not all(s.secondary for s in spec.series)


def _on_secondary(spec: ChartSpec, series: Series) -> bool:
    return series.secondary and _has_secondary(spec)


def _data_labels(spec: ChartSpec, series: Series) -> str:
    position = "t" if series.kind == "line" else "outEnd"
    return (f'<c:dLbls><c:numFmt formatCode={_attr(_series_format(spec, series))} sourceLinked="0"/>'
            "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
            f'{_tx_pr(spec.font, _LABEL_SIZE)}<c:dLblPos val="{position}"/>'
            '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
            '<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>')


_NO_LABELS = ('<c:dLbls><c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/>'
              '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>')


def _series_xml(spec: ChartSpec, index: int, series: Series) -> str:
    """One c:ser, its elements in the schema's order (CT_BarSer / CT_LineSer)."""
    rows = len(spec.categories)
    column = _column(index + 1)
    parts = [f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>',
             f"<c:tx><c:strRef><c:f>{SHEET}!${column}$1</c:f>{_str_cache((series.name,))}</c:strRef></c:tx>"]
    fill = f'<a:solidFill><a:srgbClr val="{series.color}"/></a:solidFill>'
    if series.kind == "bar":
        parts.append(f'<c:spPr>{fill}<a:ln><a:noFill/></a:ln></c:spPr><c:invertIfNegative val="0"/>')
    else:
        parts.append(f'<c:spPr><a:ln w="28575" cap="rnd">{fill}<a:round/></a:ln></c:spPr>'
                     f'<c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr>{fill}{_line(series.color)}'
                     "</c:spPr></c:marker>")
    if series.labels:
        parts.append(_data_labels(spec, series))
    parts.append(f"<c:cat><c:strRef><c:f>{SHEET}!$A$2:$A${rows + 1}</c:f>{_str_cache(spec.categories)}"
                 "</c:strRef></c:cat>")
    parts.append(f"<c:val><c:numRef><c:f>{SHEET}!${column}$2:${column}${rows + 1}</c:f>"
                 f"{_num_cache(series.values, _series_format(spec, series))}</c:numRef></c:val>")
    if series.kind == "line":
        parts.append('<c:smooth val="0"/>')
    parts.append("</c:ser>")
    return "".join(parts)


def _groups(spec: ChartSpec) -> str:
    """The chart groups (c:barChart / c:lineChart), one per kind and axis side, bars first."""
    out = []
    for kind in ("bar", "line"):
        for secondary in (False, True):
            members = [(i, s) for i, s in enumerate(spec.series)
                       if s.kind == kind and _on_secondary(spec, s) == secondary]
            if not members:
                continue
            series = "".join(_series_xml(spec, i, s) for i, s in members)
            axes = (_AX_CAT2, _AX_VAL2) if secondary else (_AX_CAT, _AX_VAL)
            ax_ids = f'<c:axId val="{axes[0]}"/><c:axId val="{axes[1]}"/>'
            if kind == "bar":
                direction = "bar" if spec.horizontal else "col"
                # Narrow gaps: Word's default (150%) leaves 31 daily bars as thin slivers.
                out.append(f'<c:barChart><c:barDir val="{direction}"/><c:grouping val="clustered"/>'
                           f'<c:varyColors val="0"/>{series}{_NO_LABELS}<c:gapWidth val="60"/>'
                           f"{ax_ids}</c:barChart>")
            else:
                out.append(f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{series}'
                           f'{_NO_LABELS}<c:marker val="1"/>{ax_ids}</c:lineChart>')
    return "".join(out)


def _scaling(reverse: bool, low: Decimal | None = None, high: Decimal | None = None) -> str:
    orientation = "maxMin" if reverse else "minMax"
    bounds = (f'<c:max val="{_number(high)}"/>' if high is not None else "") + (
        f'<c:min val="{_number(low)}"/>' if low is not None else "")
    return f'<c:scaling><c:orientation val="{orientation}"/>{bounds}</c:scaling>'


def _axis_line() -> str:
    return f"<c:spPr>{_line(_AXIS_COLOR)}</c:spPr>"


def _cat_ax(spec: ChartSpec) -> str:
    """The primary category axis: bottom for columns, left (top to bottom, reversed) for horizontal bars."""
    title = _title(spec.category_axis_title, spec.font, _BASE_SIZE, False,
                   -5400000 if spec.horizontal else 0) if spec.category_axis_title else ""
    return (f'<c:catAx><c:axId val="{_AX_CAT}"/>{_scaling(spec.horizontal)}<c:delete val="0"/>'
            f'<c:axPos val="{"l" if spec.horizontal else "b"}"/>{title}'
            '<c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="out"/>'
            f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{_axis_line()}{_tx_pr(spec.font)}'
            f'<c:crossAx val="{_AX_VAL}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
            '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>')


def _val_ax(spec: ChartSpec) -> str:
    """The primary value axis, with light gridlines."""
    title = _title(spec.axis_title, spec.font, _BASE_SIZE, False,
                   0 if spec.horizontal else -5400000) if spec.axis_title else ""
    # With the category axis reversed (first category at the top), the value axis must cross it at its
    # maximum to stay at the bottom of the plot.
    crosses = "max" if spec.horizontal else "autoZero"
    return (f'<c:valAx><c:axId val="{_AX_VAL}"/>{_scaling(False, spec.axis_min, spec.axis_max)}'
            f'<c:delete val="0"/><c:axPos val="{"b" if spec.horizontal else "l"}"/>'
            f"<c:majorGridlines><c:spPr>{_line(_GRID_COLOR, 6350)}</c:spPr></c:majorGridlines>{title}"
            f'<c:numFmt formatCode={_attr(spec.number_format)} sourceLinked="0"/><c:majorTickMark val="out"/>'
            f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{_axis_line()}{_tx_pr(spec.font)}'
            f'<c:crossAx val="{_AX_CAT}"/><c:crosses val="{crosses}"/><c:crossBetween val="between"/></c:valAx>')


def _secondary_axes(spec: ChartSpec) -> str:
    """A value axis on the right (crossing its category axis at the maximum) and a hidden category axis."""
    title = _title(spec.secondary_axis_title, spec.font, _BASE_SIZE, False, -5400000) \
        if spec.secondary_axis_title else ""
    value = (f'<c:valAx><c:axId val="{_AX_VAL2}"/>'
             f"{_scaling(False, spec.secondary_axis_min, spec.secondary_axis_max)}"
             f'<c:delete val="0"/><c:axPos val="r"/>{title}'
             f'<c:numFmt formatCode={_attr(spec.secondary_number_format)} sourceLinked="0"/>'
             '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
             f'{_axis_line()}{_tx_pr(spec.font)}<c:crossAx val="{_AX_CAT2}"/><c:crosses val="max"/>'
             '<c:crossBetween val="between"/></c:valAx>')
    category = (f'<c:catAx><c:axId val="{_AX_CAT2}"/>{_scaling(False)}<c:delete val="1"/><c:axPos val="b"/>'
                '<c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="out"/>'
                '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
                f'<c:crossAx val="{_AX_VAL2}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
                '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>')
    return value + category


def _chart_xml(spec: ChartSpec) -> str:
    """The whole c:chartSpace, in the schema's element order."""
    if spec.title:
        heading = _title(spec.title, spec.font, _TITLE_SIZE, True) + '<c:autoTitleDeleted val="0"/>'
    else:
        # Without this, Word titles a single-series chart with the series name on its own.
        heading = '<c:autoTitleDeleted val="1"/>'
    axes = _cat_ax(spec) + _val_ax(spec) + (_secondary_axes(spec) if _has_secondary(spec) else "")
    legend = (f'<c:legend><c:legendPos val="b"/><c:overlay val="0"/>{_tx_pr(spec.font)}</c:legend>'
              if spec.legend else "")
    return (
        f'{_DECL}<c:chartSpace xmlns:c="{_NS_C}" xmlns:a="{_NS_A}" xmlns:r="{_NS_R}">'
        '<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        f"<c:chart>{heading}<c:plotArea><c:layout/>{_groups(spec)}{axes}"
        "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr></c:plotArea>"
        f'{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>'
        f'{_tx_pr(spec.font)}<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData>'
        "</c:chartSpace>"
    )


# -- embedded workbook ---------------------------------------------------------------------------------

_SML_TYPES = {
    "/xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "/xl/worksheets/sheet1.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    "/xl/styles.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
    "/xl/sharedStrings.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
}
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _xlsx(spec: ChartSpec) -> bytes:
    """A minimal one-sheet workbook: A1 empty, series names across row 1, categories down column A.

    Strings are shared strings (what Excel and WPS write, and what every reader accepts); each
    series' cells carry its number format so the sheet looks like the chart.
    """
    strings: dict[str, int] = {}

    def shared(text: str) -> int:
        return strings.setdefault(text, len(strings))

    # Distinct non-General formats in first-use order: format i is numFmtId 164 + i, used by cellXfs 1 + i.
    formats: list[str] = []

    def style_of(number_format: str) -> int:
        if number_format == "General":
            return 0
        if number_format not in formats:
            formats.append(number_format)
        return 1 + formats.index(number_format)

    last_col = _column(len(spec.series))
    header = "".join(f'<c r="{_column(j + 1)}1" t="s"><v>{shared(s.name)}</v></c>' for j, s in enumerate(spec.series))
    rows = [f'<row r="1">{header}</row>']
    series_styles = [style_of(_series_format(spec, s)) for s in spec.series]
    for i, category in enumerate(spec.categories):
        r = i + 2
        cells = [f'<c r="A{r}" t="s"><v>{shared(category)}</v></c>']
        for j, series in enumerate(spec.series):
            value = series.values[i]
            if value is None:
                continue  # an empty cell: the gap stays a gap after 编辑数据
            style = f' s="{series_styles[j]}"' if series_styles[j] else ""
            cells.append(f'<c r="{_column(j + 1)}{r}"{style}><v>{_number(value)}</v></c>')
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = (f'{_DECL}<worksheet xmlns="{_NS_SML}" xmlns:r="{_NS_R}">'
             f'<dimension ref="A1:{last_col}{len(spec.categories) + 1}"/>'
             '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
             f'<cols><col min="1" max="1" width="18" customWidth="1"/><col min="2" max="{len(spec.series) + 1}" '
             f'width="12" customWidth="1"/></cols><sheetData>{"".join(rows)}</sheetData>'
             '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
    items = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings)
    shared_xml = (f'{_DECL}<sst xmlns="{_NS_SML}" count="{len(strings)}" uniqueCount="{len(strings)}">'
                  f"{items}</sst>")
    num_fmts = "".join(f'<numFmt numFmtId="{164 + i}" formatCode={_attr(code)}/>' for i, code in enumerate(formats))
    xfs = "".join(f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                  for i in range(len(formats)))
    styles_xml = (
        f'{_DECL}<styleSheet xmlns="{_NS_SML}">'
        + (f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>' if formats else "")
        + f'<fonts count="1"><font><sz val="11"/><name val={_attr(spec.font)}/><family val="2"/>'
        '<charset val="134"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{1 + len(formats)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        f"{xfs}</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )
    workbook = (f'{_DECL}<workbook xmlns="{_NS_SML}" xmlns:r="{_NS_R}">'
                '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="16000" windowHeight="9000"/>'
                f'</bookViews><sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    workbook_rels = (f'{_DECL}<Relationships xmlns="{_NS_PKG_RELS}">'
                     f'<Relationship Id="rId1" Type="{_REL}worksheet" Target="worksheets/sheet1.xml"/>'
                     f'<Relationship Id="rId2" Type="{_REL}styles" Target="styles.xml"/>'
                     f'<Relationship Id="rId3" Type="{_REL}sharedStrings" Target="sharedStrings.xml"/>'
                     "</Relationships>")
    overrides = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in _SML_TYPES.items())
    content_types = (f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                     f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>')
    root_rels = (f'{_DECL}<Relationships xmlns="{_NS_PKG_RELS}">'
                 f'<Relationship Id="rId1" Type="{_REL}officeDocument" Target="xl/workbook.xml"/></Relationships>')
    # packaging.package zips with fixed timestamps and a fixed member order: deterministic bytes.
    return package({
        "[Content_Types].xml": content_types.encode(),
        "_rels/.rels": root_rels.encode(),
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": workbook_rels.encode(),
        "xl/worksheets/sheet1.xml": sheet.encode(),
        "xl/sharedStrings.xml": shared_xml.encode(),
        "xl/styles.xml": styles_xml.encode(),
    })
