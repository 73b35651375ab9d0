"""Native Word charts (generator.documents.docx.charts_xml): parts, determinism, and LibreOffice rendering.

Each chart kind of the monthly report is put into a real .docx — a python-docx document, unzipped, with
the chart parts, the document relationship, the content types and a drawing run added, then zipped
again — and converted to PDF with LibreOffice. pdftotext must find the title and the category labels
(Chinese), and a rendered page must contain the series colours (bars, line), proving the chart draws.
A missing tool fails with the fix named (bash scripts/setup.sh), never skips.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from lxml import etree

from generator.documents.docx.charts_xml import (
    CHART_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    ChartSpec,
    Series,
    chart_content_types,
    chart_parts,
    document_relationship_xml,
    drawing_xml,
)
from generator.documents.docx.packaging import package

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

TOWNS = ("椰林镇", "英州镇", "新村镇", "光坡镇", "本号镇", "三才镇", "隆广镇", "黎安镇", "文罗镇", "提蒙乡", "群英乡",
         "国营岭门农场", "国营南平农场", "国营吊罗山林业公司")
TYPES = ("咨询", "投诉", "求助", "建议", "其他", "举报", "表扬")
KPIS = ("人工接通率", "即时答复率", "按时回访率", "满意率")
MONTHS = tuple(f"{m}月" for m in range(1, 13))

# The report's five charts at their real sizes: 31 daily bars, 12-month combo, 7 type bars, 14 towns, 4 KPI pairs.
SPECS: dict[str, ChartSpec] = {
    "daily": ChartSpec(
        title="5月每日来电量", categories=tuple(str(d) for d in range(1, 32)),
        series=(Series("来电量", tuple(200 + (d * 37) % 90 for d in range(1, 32))),),
        axis_title="来电量（通）", category_axis_title="日", legend=False),
    "combo": ChartSpec(
        title="近期月度来电量与接通率", categories=MONTHS,
        series=(Series("来电量", tuple(6000 + (m * 613) % 2500 for m in range(12)), color="2E75B6"),
                Series("接通率", tuple(None if m == 4 else Decimal("90") + Decimal((m * 7) % 9) for m in range(12)),
                       kind="line", secondary=True, color="C00000")),
        axis_title="来电量（通）", secondary_axis_title="接通率（%）", secondary_axis_min=Decimal(80),
        secondary_axis_max=Decimal(100), secondary_number_format='0"%"'),
    "types": ChartSpec(
        title="诉求类型分布", categories=TYPES,
        series=(Series("工单量", (1210, 602, 431, 170, 160, 139, 52), color="2E75B6", labels=True,
                       number_format='0"件"'),),
        horizontal=True, legend=False),
    "ranked": ChartSpec(
        title="各乡镇（农场）工单量", categories=TOWNS,
        series=(Series("工单量", (702, 251, 240, 190, 186, 160, 158, 155, 131, 80, 77, 55, 50, 27), color="2E75B6",
                       labels=True, number_format='0"件"'),),
        horizontal=True, legend=False),
    "kpi": ChartSpec(
        title="主要运行指标与考核指标值", categories=KPIS,
        series=(Series("实际", (Decimal("96.52"), Decimal("61.30"), Decimal("99.1"), None), labels=True,
                       number_format='0.00"%"'),
                Series("指标值", (Decimal(95), Decimal(50), Decimal(100), Decimal(95)), color="7F7F7F")),
        axis_title="%", axis_min=Decimal(0), axis_max=Decimal(110), number_format='0"%"'),
}
WIDTH_MM = 150
HEIGHTS_MM = {"daily": 70, "combo": 70, "types": 70, "ranked": 120, "kpi": 70}
# The chart kinds each get a document of their own (the brief's four; "types" is a second ranked chart).
KINDS = ("daily", "ranked", "kpi", "combo")
# What pdftotext must find in each chart's PDF (whitespace squeezed out).
EXPECTED_TEXT = {
    "daily": ("5月每日来电量", "来电量（通）", "日"),
    "ranked": ("各乡镇（农场）工单量", *TOWNS, "702件", "27件"),
    "kpi": ("主要运行指标与考核指标值", *KPIS, "实际", "指标值", "96.52%", "61.30%"),
    "combo": ("近期月度来电量与接通率", *MONTHS, "来电量（通）", "接通率（%）", "来电量", "接通率"),
}
# Series colours and the pixels of each that the 80 dpi page must show: bars fill thousands (LibreOffice 7.4
# gives 11,000-20,000), the combo's 2.25 pt line with markers about 900; axes and gridlines are far fewer.
BARS, LINE = 3000, 500
EXPECTED_COLOURS = {"daily": {"1F4E79": BARS}, "ranked": {"2E75B6": BARS},
                    "kpi": {"1F4E79": BARS, "7F7F7F": BARS}, "combo": {"2E75B6": BARS, "C00000": LINE}}


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} 未安装：请运行 bash scripts/setup.sh（安装 LibreOffice、poppler-utils 和中文字体）"
    return found


def build_docx(charts: list[tuple[ChartSpec, float, float]], heading: str) -> bytes:
    """A python-docx document with the given charts added by hand, each in a centred paragraph."""
    buffer = io.BytesIO()
    Document().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    rels = parts["word/_rels/document.xml.rels"].decode()
    types = parts["[Content_Types].xml"].decode()
    paragraphs = [f'<w:p><w:r><w:rPr><w:rFonts w:eastAsia="宋体"/></w:rPr><w:t>{heading}</w:t></w:r></w:p>']
    for number, (spec, width_mm, height_mm) in enumerate(charts, start=1):
        parts.update(chart_parts(spec, number))
        rel_id = f"rIdHcgChart{number}"
        rels = rels.replace("</Relationships>", document_relationship_xml(rel_id, number) + "</Relationships>")
        for key, content_type in chart_content_types(number).items():
            if key.startswith("/"):
                types = types.replace("</Types>", f'<Override PartName="{key}" ContentType="{content_type}"/></Types>')
            elif f'Extension="{key}"' not in types:
                types = types.replace("</Types>", f'<Default Extension="{key}" ContentType="{content_type}"/></Types>')
        run = drawing_xml(rel_id, number, width_mm, height_mm, f"图表 {number}")
        paragraphs.append(f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r>{run}</w:r></w:p>')
    document = parts["word/document.xml"].decode()
    at = document.rindex("<w:sectPr")  # new paragraphs go before the section properties, which stay last
    parts["word/document.xml"] = (document[:at] + "".join(paragraphs) + document[at:]).encode()
    parts["word/_rels/document.xml.rels"] = rels.encode()
    parts["[Content_Types].xml"] = types.encode()
    return package(parts)


def _docx_for(kind: str) -> bytes:
    return build_docx([(SPECS[kind], WIDTH_MM, HEIGHTS_MM[kind])], f"图表测试：{SPECS[kind].title}")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each chart kind as .docx, converted to PDF by LibreOffice in one run."""
    out = tmp_path_factory.mktemp("charts")
    docs = []
    for kind in KINDS:
        path = out / f"chart-{kind}.docx"
        path.write_bytes(_docx_for(kind))
        docs.append(str(path))
    subprocess.run(
        [_tool("soffice"), f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *docs],
        check=True, capture_output=True, timeout=600,
    )
    pdfs = {kind: out / f"chart-{kind}.pdf" for kind in KINDS}
    for kind, pdf in pdfs.items():
        assert pdf.exists(), f"LibreOffice did not convert the {kind} chart document"
    return pdfs


# -- the parts themselves -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_parts_are_deterministic_and_well_formed(kind: str) -> None:
    first, second = chart_parts(SPECS[kind], 3), chart_parts(SPECS[kind], 3)
    assert first == second
    assert sorted(first) == ["word/charts/_rels/chart3.xml.rels", "word/charts/chart3.xml",
                             "word/embeddings/Microsoft_Excel_Worksheet3.xlsx"]
    for name, data in first.items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)
    with zipfile.ZipFile(io.BytesIO(first["word/embeddings/Microsoft_Excel_Worksheet3.xlsx"])) as workbook:
        for info in workbook.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            etree.fromstring(workbook.read(info))
    assert _docx_for(kind) == _docx_for(kind)


def test_chart_xml_carries_caches_gaps_and_the_workbook_link() -> None:
    parts = chart_parts(SPECS["kpi"], 1)
    root = etree.fromstring(parts["word/charts/chart1.xml"])
    categories = root.findall(f".//{C}cat//{C}strCache")
    assert [p.findtext(f"{C}v") for p in categories[0].iter(f"{C}pt")] == list(KPIS)
    actual = root.findall(f".//{C}val//{C}numCache")[0]
    assert actual.find(f"{C}ptCount").get("val") == "4"
    assert [p.get("idx") for p in actual.iter(f"{C}pt")] == ["0", "1", "2"]  # None is a gap, not a zero
    assert [p.findtext(f"{C}v") for p in actual.iter(f"{C}pt")] == ["96.52", "61.3", "99.1"]
    assert root.find(f".//{C}dispBlanksAs").get("val") == "gap"
    assert root.find(f".//{C}valAx/{C}numFmt").get("formatCode") == '0"%"'
    assert root.find(f".//{C}ser/{C}dLbls/{C}numFmt").get("formatCode") == '0.00"%"'
    rel_id = root.find(f"{C}externalData").get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    rels = etree.fromstring(parts["word/charts/_rels/chart1.xml.rels"])
    (rel,) = [r for r in rels if r.get("Id") == rel_id]
    assert rel.get("Target") == "../embeddings/Microsoft_Excel_Worksheet1.xlsx"
    assert rel.get("Type").endswith("/package")
    # Chinese needs the East-Asian face everywhere text is styled, title runs included.
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    assert {e.get("typeface") for e in root.iter(f"{a}ea")} == {"宋体"}
    assert len(list(root.iter(f"{a}ea"))) == len(list(root.iter(f"{a}latin")))
    assert root.find(f".//{C}title//{a}r/{a}rPr/{a}ea") is not None
    assert root.find(f"{C}chart/{C}autoTitleDeleted").get("val") == "0"


def test_untitled_chart_suppresses_the_automatic_title() -> None:
    spec = ChartSpec(title="", categories=("甲",), series=(Series("乙", (1,)),))
    root = etree.fromstring(chart_parts(spec, 1)["word/charts/chart1.xml"])
    assert root.find(f"{C}chart/{C}title") is None
    assert root.find(f"{C}chart/{C}autoTitleDeleted").get("val") == "1"


def test_horizontal_bars_list_the_first_category_at_the_top() -> None:
    root = etree.fromstring(chart_parts(SPECS["ranked"], 1)["word/charts/chart1.xml"])
    assert root.find(f".//{C}barDir").get("val") == "bar"
    cat_ax, val_ax = root.find(f".//{C}catAx"), root.find(f".//{C}valAx")
    assert cat_ax.find(f"{C}scaling/{C}orientation").get("val") == "maxMin"
    assert cat_ax.find(f"{C}axPos").get("val") == "l"
    assert val_ax.find(f"{C}crosses").get("val") == "max"  # keeps the value axis at the bottom
    assert root.find(f".//{C}ser/{C}dLbls/{C}dLblPos").get("val") == "outEnd"


def test_combo_puts_the_line_on_a_secondary_axis() -> None:
    root = etree.fromstring(chart_parts(SPECS["combo"], 1)["word/charts/chart1.xml"])
    plot = root.find(f".//{C}plotArea")
    bar, line = plot.find(f"{C}barChart"), plot.find(f"{C}lineChart")
    bar_axes = [a.get("val") for a in bar.findall(f"{C}axId")]
    line_axes = [a.get("val") for a in line.findall(f"{C}axId")]
    assert set(bar_axes).isdisjoint(line_axes)
    axes = {a.find(f"{C}axId").get("val"): a for a in plot
            if a.tag in (f"{C}catAx", f"{C}valAx")}
    assert len(axes) == 4
    line_cat, line_val = axes[line_axes[0]], axes[line_axes[1]]
    assert line_cat.tag == f"{C}catAx" and line_cat.find(f"{C}delete").get("val") == "1"
    assert line_val.tag == f"{C}valAx" and line_val.find(f"{C}axPos").get("val") == "r"
    assert line_val.find(f"{C}crosses").get("val") == "max"
    assert line_val.find(f"{C}scaling/{C}min").get("val") == "80"
    assert line_val.find(f"{C}scaling/{C}max").get("val") == "100"
    points = line.find(f".//{C}numCache")
    assert "4" not in [p.get("idx") for p in points.iter(f"{C}pt")]


def test_embedded_workbook_opens_in_openpyxl_with_the_chart_data() -> None:
    spec = SPECS["kpi"]
    data = chart_parts(spec, 1)["word/embeddings/Microsoft_Excel_Worksheet1.xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Sheet1"]
    assert [sheet.cell(1, c).value for c in (2, 3)] == ["实际", "指标值"]
    assert [sheet.cell(r, 1).value for r in range(2, 6)] == list(KPIS)
    assert [sheet.cell(r, 2).value for r in range(2, 6)] == [96.52, 61.3, 99.1, None]
    assert [sheet.cell(r, 3).value for r in range(2, 6)] == [95, 50, 100, 95]
    assert sheet.cell(2, 2).number_format == '0.00"%"'
    assert sheet.cell(2, 3).number_format == '0"%"'
    ranked = openpyxl.load_workbook(io.BytesIO(chart_parts(SPECS["ranked"], 2)[
        "word/embeddings/Microsoft_Excel_Worksheet2.xlsx"]))["Sheet1"]
    assert ranked.max_row == len(TOWNS) + 1 and ranked["A15"].value == "国营吊罗山林业公司"


def test_content_types_and_drawing_run() -> None:
    assert chart_content_types(2) == {"/word/charts/chart2.xml": CHART_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
    run = f'<w:r xmlns:w="{W_NS}">{drawing_xml("rId9", 2, 150, 70, "图表 <2>")}</w:r>'
    root = etree.fromstring(run)
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    extent = root.find(f".//{wp}extent")
    assert (extent.get("cx"), extent.get("cy")) == ("5400000", "2520000")
    assert root.find(f".//{wp}docPr").get("name") == "图表 <2>"
    assert root.find(f".//{C}chart").get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id") == "rId9"
    assert drawing_xml("rId9", 2, 150, 70, "x") == drawing_xml("rId9", 2, 150, 70, "x")


def test_built_document_is_a_valid_package() -> None:
    data = build_docx([(SPECS[k], WIDTH_MM, HEIGHTS_MM[k]) for k in sorted(SPECS)], "五个图表")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))
        types = archive.read("[Content_Types].xml").decode()
        assert types.count('Extension="xlsx"') == 1
        for number in range(1, len(SPECS) + 1):
            assert f'PartName="/word/charts/chart{number}.xml"' in types
            assert f"word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx" in archive.namelist()
        document = etree.fromstring(archive.read("word/document.xml"))
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    ids = [d.get("id") for d in document.iter(f"{wp}docPr")]
    assert len(ids) == len(set(ids)) == len(SPECS)
    reopened = Document(io.BytesIO(data))  # python-docx reads it back, chart parts included
    assert sum(rel.reltype.endswith("/chart") for rel in reopened.part.rels.values()) == len(SPECS)


# Child order of the CT_* types used, from the ECMA-376 chart schema (dml-chart.xsd). LibreOffice forgives
# a misplaced element; Word reports the whole document as unreadable, so the order is checked here.
_SEQUENCES = {
    "chartSpace": ("date1904", "lang", "roundedCorners", "AlternateContent", "style", "clrMapOvr", "pivotSource",
                   "protection", "chart", "spPr", "txPr", "externalData", "printSettings", "userShapes", "extLst"),
    "chart": ("title", "autoTitleDeleted", "pivotFmts", "view3D", "floor", "sideWall", "backWall", "plotArea",
              "legend", "plotVisOnly", "dispBlanksAs", "showDLblsOverMax", "extLst"),
    "barChart": ("barDir", "grouping", "varyColors", "ser", "dLbls", "gapWidth", "overlap", "serLines", "axId",
                 "extLst"),
    "lineChart": ("grouping", "varyColors", "ser", "dLbls", "dropLines", "hiLowLines", "upDownBars", "marker",
                  "smooth", "axId", "extLst"),
    "barChart/ser": ("idx", "order", "tx", "spPr", "invertIfNegative", "pictureOptions", "dPt", "dLbls",
                     "trendline", "errBars", "cat", "val", "shape", "extLst"),
    "lineChart/ser": ("idx", "order", "tx", "spPr", "marker", "dPt", "dLbls", "trendline", "errBars", "cat", "val",
                      "smooth", "extLst"),
    "catAx": ("axId", "scaling", "delete", "axPos", "majorGridlines", "minorGridlines", "title", "numFmt",
              "majorTickMark", "minorTickMark", "tickLblPos", "spPr", "txPr", "crossAx", "crosses", "auto",
              "lblAlgn", "lblOffset", "tickLblSkip", "tickMarkSkip", "noMultiLvlLbl", "extLst"),
    "valAx": ("axId", "scaling", "delete", "axPos", "majorGridlines", "minorGridlines", "title", "numFmt",
              "majorTickMark", "minorTickMark", "tickLblPos", "spPr", "txPr", "crossAx", "crosses", "crossBetween",
              "majorUnit", "minorUnit", "dispUnits", "extLst"),
    "scaling": ("logBase", "orientation", "max", "min", "extLst"),
    "dLbls": ("dLbl", "numFmt", "spPr", "txPr", "dLblPos", "showLegendKey", "showVal", "showCatName", "showSerName",
              "showPercent", "showBubbleSize", "separator", "showLeaderLines", "leaderLines", "extLst"),
    "title": ("tx", "layout", "overlay", "spPr", "txPr", "extLst"),
    "legend": ("legendPos", "legendEntry", "layout", "overlay", "spPr", "txPr", "extLst"),
    "marker": ("symbol", "size", "spPr", "extLst"),
    "strRef": ("f", "strCache", "extLst"),
    "numRef": ("f", "numCache", "extLst"),
    "strCache": ("ptCount", "pt", "extLst"),
    "numCache": ("formatCode", "ptCount", "pt", "extLst"),
    "externalData": ("autoUpdate",),
    "defRPr": ("ln", "noFill", "solidFill", "effectLst", "highlight", "uLnTx", "uLn", "uFillTx", "uFill", "latin",
               "ea", "cs", "sym", "hlinkClick", "hlinkMouseOver", "rtl", "extLst"),
}
_SEQUENCES["rPr"] = _SEQUENCES["defRPr"]
_PLOT_AREA = {"layout": 0, "barChart": 1, "lineChart": 1, "catAx": 2, "valAx": 2, "dTable": 3, "spPr": 4, "extLst": 5}
_REQUIRED = {"barChart": ("barDir", "axId"), "lineChart": ("grouping", "axId"), "ser": ("idx", "order"),
             "catAx": ("axId", "scaling", "axPos", "crossAx"), "valAx": ("axId", "scaling", "axPos", "crossAx")}


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_chart_xml_follows_the_schema_order(kind: str) -> None:
    root = etree.fromstring(chart_parts(SPECS[kind], 1)["word/charts/chart1.xml"])
    for element in root.iter():
        name = _local(element)
        key = f"{_local(element.getparent())}/{name}" if name == "ser" else name
        children = [_local(child) for child in element]
        if name == "plotArea":
            ranks = [_PLOT_AREA[child] for child in children]
        elif key in _SEQUENCES:
            assert set(children) <= set(_SEQUENCES[key]), (key, children)
            ranks = [_SEQUENCES[key].index(child) for child in children]
        else:
            continue
        assert ranks == sorted(ranks), f"{key}: children out of schema order: {children}"
        for required in _REQUIRED.get(name, ()):
            assert required in children, f"{key} lacks {required}"
    # Every chart group's two axes exist, and each axis crosses the other one of its pair.
    axes = {a.find(f"{C}axId").get("val"): a for a in root.find(f".//{C}plotArea") if _local(a).endswith("Ax")}
    for group in root.find(f".//{C}plotArea"):
        if _local(group).endswith("Chart"):
            first, second = (a.get("val") for a in group.findall(f"{C}axId"))
            assert axes[first].find(f"{C}crossAx").get("val") == second
            assert axes[second].find(f"{C}crossAx").get("val") == first


def test_text_is_escaped() -> None:
    spec = ChartSpec(title='A&B <"测试">', categories=("x<y", "a&b", "bell\x07"),
                     series=(Series('"引号"&', (1, None, Decimal("2.50")), number_format='0.0"元"'),))
    parts = chart_parts(spec, 1)
    root = etree.fromstring(parts["word/charts/chart1.xml"])
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    assert root.find(f".//{C}title//{a}t").text == 'A&B <"测试">'
    assert [p.text for p in root.iter(f"{C}v")][:4] == ['"引号"&', "x<y", "a&b", "bell"]
    sheet = openpyxl.load_workbook(io.BytesIO(parts["word/embeddings/Microsoft_Excel_Worksheet1.xlsx"]))["Sheet1"]
    assert [sheet["B1"].value, sheet["A2"].value, sheet["A4"].value, sheet["B4"].value] == ['"引号"&', "x<y", "bell", 2.5]


def test_specs_are_checked() -> None:
    with pytest.raises(ValueError, match="values for"):
        ChartSpec(title="x", categories=("a", "b"), series=(Series("s", (1,)),))
    with pytest.raises(ValueError, match="horizontal"):
        ChartSpec(title="x", categories=("a",), series=(Series("s", (1,), kind="line"),), horizontal=True)
    with pytest.raises(ValueError, match="hex"):
        ChartSpec(title="x", categories=("a",), series=(Series("s", (1,), color="#1F4E79"),))


# -- LibreOffice renders them ---------------------------------------------------------------------------


def _text(pdf: Path) -> str:
    out = subprocess.run([_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return "".join(out.split())


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_shows_title_and_category_labels(rendered: dict[str, Path], kind: str) -> None:
    text = _text(rendered[kind])
    missing = [label for label in EXPECTED_TEXT[kind] if label not in text]
    assert not missing, f"{kind}: not in the PDF text: {missing}\n{text}"
    fonts = subprocess.run([_tool("pdffonts"), str(rendered[kind])], check=True, capture_output=True, text=True).stdout
    assert "CJK" in fonts, fonts  # Chinese drawn in a real CJK face, not as boxes


def _ppm(pdf: Path, out: Path) -> tuple[int, int, bytes]:
    """Page 1 at 80 dpi as raw RGB (pdftoppm's default PPM output: a tiny header, then the pixels)."""
    subprocess.run([_tool("pdftoppm"), "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)],
                   check=True, capture_output=True)
    data = out.with_suffix(".ppm").read_bytes()
    match = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert match, "unexpected pdftoppm output"
    return int(match[1]), int(match[2]), data[match.end():]


def _count(pixels: bytes, colour: str, tolerance: int = 6) -> int:
    """How many RGB pixels lie within ``tolerance`` of ``colour`` in each of red, green and blue."""
    target = bytes.fromhex(colour)
    near = -1  # read as bytes, one per pixel: 1 while every channel so far is near its target, else 0
    for channel in range(3):
        table = bytes(int(abs(value - target[channel]) <= tolerance) for value in range(256))
        near &= int.from_bytes(pixels[channel::3].translate(table), "little")
    return near.bit_count()


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_draws_the_series(rendered: dict[str, Path], kind: str, tmp_path: Path) -> None:
    width, height, pixels = _ppm(rendered[kind], tmp_path / kind)
    assert len(pixels) == width * height * 3
    for colour, least in EXPECTED_COLOURS[kind].items():
        found = _count(pixels, colour)
        assert found > least, f"{kind}: only {found} pixels of #{colour}: the series did not draw"
