"""Find layout defects on rendered pages: read a LibreOffice PDF back and compare it with its .docx.

A reader at the client rejects pages that LibreOffice renders with these defects:

* a blank page (only the running header and the page number);
* a table cell that breaks a token that must stay whole (a date, an amount, a percentage, a rank, a
  short text such as a person's name; in a short cell also a number with its unit) across lines; in
  running text, a number (with its currency sign or percent) broken across lines;
* a heading left as the last text line of a page, cut off from the text it introduces;
* a page, other than the last, with fewer than 3 lines of body text;
* a page holding only a note ("注：…") or only signature lines;
* a table whose last row alone spills over onto the next page.

The rules are generic: what a heading, a token, a note or a signature line is comes from the .docx
(paragraph styles and keep-with-next, table cells, text patterns), never from strings of one particular
document. The PDF is read with poppler (`pdftotext -bbox-layout`, `pdfimages -list`). The running header
and footer are told apart from the body by position (the page margins of the .docx) and, for lines that
stray out of the margin, by their text (a header or footer paragraph of the .docx) coming back at the
same height page after page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SETUP_HINT = "请运行 bash scripts/setup.sh（安装 LibreOffice、poppler-utils 和中文字体）"

# Paragraph styles that open a section: left alone at the bottom of a page they introduce nothing. Any
# other style (or paragraph) set to keep with the next paragraph counts as a heading too.
HEADING_STYLES = frozenset({"HCGHeading1", "HCGHeading2", "HCGTitle", "HCGAppendixLabel", "HCGSubtitle"})
# A body paragraph that is only a numbered label ("2.费用支付", "（三）按乡镇", "第七条 保密") reads as a
# heading even when it is styled as body text.
NUMBERED_LABEL = re.compile(
    r"^(?:第[一二三四五六七八九十百\d]+[条章节部分]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+(?:\.\d+)*[.、．])[^。；;，,：:！!？?]{1,20}$"
)
TWIPS_PER_POINT = 20
# Word's own default margins (1 inch) when a document says nothing.
DEFAULT_MARGIN = 72.0
MIN_BODY_ROWS = 3
# A short cell text (a name, "扣0.00分", "合计") must fit on one line; measured in CJK character widths.
SHORT_CELL_WIDTH = 6.0
# Wider than this, a cell's text is running text: a number may part from its unit there (GB/T 15835 asks
# only that the number itself stays whole), but dates, amounts, percentages and ranks still may not.
RUNNING_CELL_WIDTH = 12.0

# Tokens that must never break inside a table cell. Spaces are allowed inside the patterns because the
# writer (or poppler) may put them between CJK characters and digits; comparisons squeeze them out.
TOKEN_PATTERNS: dict[str, re.Pattern[str]] = {
    "date": re.compile(
        r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{4}-\d{1,2}(?:-\d{1,2})?|\d{4}[./]\d{1,2}[./]\d{1,2}"
    ),
    "percent": re.compile(r"[+-]?\d+(?:\.\d+)?\s*[%‰]"),
    "amount": re.compile(r"[¥￥]\s*-?\d[\d,]*(?:\.\d+)?|-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+"),
    # An amount in capital numerals, as written on Chinese contracts and invoices: at least one capital digit
    # ("166万元" is a number and its unit, which running text may part like any other).
    "amount in words": re.compile(
        r"(?:人民币)?(?=[拾佰仟万亿]*[零壹贰叁肆伍陆柒捌玖])[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+[元圆][零壹贰叁肆伍陆柒捌玖角分整正]*"),
    "rank": re.compile(r"第\s*\d+(?:\.\d+)?(?:\s*[-–~至]\s*\d+)?\s*名"),
    # A number stays with its one-character unit ("0.00 分", "3 次", "10 月"); what precedes it (such as
    # "扣") may wrap away like any other character of running text.
    "number+unit": re.compile(r"\d+(?:\.\d+)?(?:\s*[-–~至]\s*\d+(?:\.\d+)?)?\s*[分次件个人名元天日月年通项期秒位户条]"),
    # Any run of Latin letters and digits (codes, counts, account numbers): a break inside it is never a
    # word boundary. A "." is one, as in a dotted data path (a decimal number is an "amount" above).
    "code": re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9,:/_+\-]*[A-Za-z0-9])?"),
}
# In running text a line may break between any two CJK characters, also before or after a number; what
# must not break is a run of Latin letters and digits with its currency sign or percent ("¥2,000,000.00",
# "20.18%", "2%", "2024-05").
RUN_PATTERN = re.compile(r"[¥￥]?[A-Za-z0-9](?:[A-Za-z0-9.,:/_+\-]*[A-Za-z0-9])?[%‰]?")
NOTE_START = re.compile(r"^\s*(?:注|备注|说明)\s*[：:]")
SIGNATURE_WORDS = re.compile(r"签字|签章|签名|盖章")
# Digits vary from page to page in a running header or footer (the page number): compare without them.
DIGITS = re.compile(r"\d+")


def squeeze(text: str) -> str:
    """The text with all white space removed: poppler and Word disagree about spaces around CJK text."""
    return "".join(text.split())


def cjk_width(text: str) -> float:
    """Width of a text in CJK character cells: wide characters count 1, the rest (Latin, digits) 1/2."""
    return sum(1.0 if ord(char) >= 0x2E80 else 0.5 for char in text)


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} 未安装：{SETUP_HINT}"
    return found


def require(*names: str) -> None:
    """Fail (never skip) when a tool is missing, naming the setup script that installs it."""
    for name in names:
        _tool(name)


# ---------------------------------------------------------------------------------------------- PDF side


@dataclass(frozen=True)
class Line:
    """One text line as poppler groups words into it, with its bounding box in points (y grows down)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    # Poppler's words: a gap in the line (such as between two table cells) always separates two words.
    words: tuple[str, ...] = ()

    @property
    def squeezed(self) -> str:
        """The line's text without white space."""
        return squeeze(self.text)

    @property
    def mid(self) -> float:
        """The vertical centre of the line."""
        return (self.y0 + self.y1) / 2


@dataclass
class Page:
    """One rendered page: its number (from 1), size in points, text lines in reading order and image count."""

    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    images: int = 0


def to_pdfs(docx_paths: Iterable[Path], out_dir: Path, timeout: float = 600) -> dict[str, Path]:
    """Convert .docx files to PDF in one LibreOffice run; return the PDFs keyed by file stem.

    A private profile folder inside out_dir keeps the run independent of any LibreOffice the user has
    open and of profiles left over by other runs.
    """
    docs = [Path(path) for path in docx_paths]
    stems = [doc.stem for doc in docs]
    assert len(set(stems)) == len(stems), f"one PDF folder cannot hold two documents of the same name: {stems}"
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = (out_dir / "lo-profile").resolve()
    result = subprocess.run(
        [_tool("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docs)],
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    pdfs = {doc.stem: out_dir / f"{doc.stem}.pdf" for doc in docs}
    missing = sorted(stem for stem, pdf in pdfs.items() if not pdf.is_file())
    assert result.returncode == 0 and not missing, (
        f"LibreOffice did not convert {missing or 'all files'} (exit {result.returncode}): {result.stderr[-2000:]}"
    )
    return pdfs


def _image_counts(pdf: Path) -> dict[int, int]:
    """Images per page (soft masks belong to their image and are not counted)."""
    listing = subprocess.run([_tool("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True,
                             timeout=120).stdout
    counts: dict[int, int] = {}
    for row in listing.splitlines()[2:]:
        cells = row.split()
        if len(cells) > 2 and cells[0].isdigit() and cells[2] == "image":
            counts[int(cells[0])] = counts.get(int(cells[0]), 0) + 1
    return counts


def pages(pdf: Path) -> list[Page]:
    """Every page of a PDF with its text lines, read from `pdftotext -bbox-layout`.

    Lines are poppler's own `<line>` elements (inside `<block>` inside `<flow>`), kept in poppler's
    reading order, which keeps the wrapped lines of one table cell next to each other.
    """
    xhtml = subprocess.run([_tool("pdftotext"), "-bbox-layout", str(pdf), "-"], capture_output=True, check=True,
                           timeout=120).stdout
    # The output names an external DTD: never fetch or expand anything.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    root = etree.fromstring(xhtml, parser)
    images = _image_counts(pdf)
    result: list[Page] = []
    for number, element in enumerate(root.iter(f"{XHTML}page"), start=1):
        page = Page(number, float(element.get("width")), float(element.get("height")), images=images.get(number, 0))
        for line in element.iter(f"{XHTML}line"):
            words = tuple(squeeze(word.text or "") for word in line.iter(f"{XHTML}word"))
            words = tuple(word for word in words if word)
            if words:
                box = (float(line.get(key)) for key in ("xMin", "yMin", "xMax", "yMax"))
                page.lines.append(Line(" ".join(words), *box, words=words))
        result.append(page)
    return result


# --------------------------------------------------------------------------------------------- DOCX side


@dataclass(frozen=True)
class Token:
    """A piece of a paragraph that must stay on one line, with the squeezed text of its paragraph."""

    text: str
    kind: str
    paragraph: str
    # The texts of the other cells of the row, which sit beside the cell on the page.
    siblings: tuple[str, ...] = ()
    in_table: bool = True


@dataclass
class Expect:
    """What the .docx says the pages should hold: headings, unbreakable cell tokens, notes and signatures."""

    headings: list[str] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    # Squeezed texts of the rows of each table, top to bottom (one string per row, cells in order).
    tables: list[list[list[str]]] = field(default_factory=list)
    # Running header and footer paragraphs, squeezed and with digits removed (page numbers vary).
    furniture: set[str] = field(default_factory=set)
    # The smallest top and bottom page margins of all sections, in points.
    top: float = DEFAULT_MARGIN
    bottom: float = DEFAULT_MARGIN


def _paragraph_text(paragraph: etree._Element) -> str:
    """The text a reader sees: runs, tabs and breaks; tracked deletions too (LibreOffice shows them struck)."""
    parts: list[str] = []
    for node in paragraph.iter(f"{W}t", f"{W}delText", f"{W}tab", f"{W}br", f"{W}cr"):
        if node.tag in (f"{W}t", f"{W}delText"):
            parts.append(node.text or "")
        else:
            parts.append("\n" if node.tag != f"{W}tab" else " ")
    return "".join(parts)


def _style(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val", "") if style is not None else ""


def _cell_tokens(text: str, siblings: tuple[str, ...]) -> Iterator[Token]:
    """The unbreakable tokens of one table-cell paragraph."""
    whole = squeeze(text)
    for segment in text.split("\n"):
        short = squeeze(segment)
        # A short cell text (a name, a score) is one token; so is each pattern match inside longer text.
        if len(short) > 1 and cjk_width(short) <= SHORT_CELL_WIDTH:
            yield Token(short, "short", whole, siblings)
            continue
        # A short value after a label ("签字：李永年", "得分：9.87") is as unbreakable as a short cell.
        label, colon, value = short.rpartition("：") if "：" in short else short.rpartition(":")
        if label and colon and len(value) > 1 and cjk_width(value) <= SHORT_CELL_WIDTH:
            yield Token(value, "short value", whole, siblings)
        # Running text is judged by the whole paragraph, as the writer judges it: its lines (where the writer
        # broke it) are still running text, in which a number may part from its unit.
        running = cjk_width(whole) > RUNNING_CELL_WIDTH
        for kind, pattern in TOKEN_PATTERNS.items():
            if running and kind == "number+unit":
                continue
            for match in pattern.finditer(segment):
                token = squeeze(match.group())
                if len(token) > 1:
                    yield Token(token, kind, whole, siblings)


def _margins(root: etree._Element) -> tuple[float, float]:
    """The smallest top and bottom margins of all sections, in points: no body text is ever above or below."""
    tops: list[float] = [DEFAULT_MARGIN] if root.find(f".//{W}pgMar") is None else []
    bottoms: list[float] = list(tops)
    for margin in root.iter(f"{W}pgMar"):
        # A negative margin means "exactly, even if the header overlaps": its size is what counts.
        tops.append(abs(float(margin.get(f"{W}top", DEFAULT_MARGIN * TWIPS_PER_POINT))) / TWIPS_PER_POINT)
        bottoms.append(abs(float(margin.get(f"{W}bottom", DEFAULT_MARGIN * TWIPS_PER_POINT))) / TWIPS_PER_POINT)
    return min(tops), min(bottoms)


def _on(element: etree._Element | None) -> bool | None:
    """The value of a Word on/off property element: None when absent."""
    if element is None:
        return None
    return element.get(f"{W}val", "true") not in ("0", "false", "off")


def _keep_with_next_styles(styles: etree._Element | None) -> set[str]:
    """Paragraph style ids that keep with the next paragraph, directly or through the styles they are based on."""
    if styles is None:
        return set()
    own: dict[str, bool | None] = {}
    parent: dict[str, str] = {}
    for style in styles.iterchildren(f"{W}style"):
        style_id = style.get(f"{W}styleId", "")
        own[style_id] = _on(style.find(f"{W}pPr/{W}keepNext"))
        based = style.find(f"{W}basedOn")
        if based is not None:
            parent[style_id] = based.get(f"{W}val", "")
    keep: set[str] = set()
    for style_id in own:
        current, seen = style_id, set()
        while current in own and current not in seen and own[current] is None:
            seen.add(current)
            current = parent.get(current, "")
        if own.get(current):
            keep.add(style_id)
    return keep


def expectations(docx: Path) -> Expect:
    """Read a .docx (zipfile + lxml) for what check() needs to know about its pages."""
    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
        names = archive.namelist()
        furniture_parts = [archive.read(name) for name in names if re.fullmatch(r"word/(header|footer)\d*\.xml", name)]
        styles = etree.fromstring(archive.read("word/styles.xml")) if "word/styles.xml" in names else None
    heading_styles = HEADING_STYLES | _keep_with_next_styles(styles)
    expect = Expect()
    expect.top, expect.bottom = _margins(root)
    plain: set[str] = set()
    for part in furniture_parts:
        for paragraph in etree.fromstring(part).iter(f"{W}p"):
            text = DIGITS.sub("", squeeze(_paragraph_text(paragraph)))
            if text:
                expect.furniture.add(text)
    for paragraph in root.iter(f"{W}p"):
        text = _paragraph_text(paragraph)
        squeezed = squeeze(text)
        if not squeezed:
            continue
        style = _style(paragraph)
        in_table = any(ancestor.tag == f"{W}tc" for ancestor in paragraph.iterancestors())
        if not in_table:
            for match in RUN_PATTERN.finditer(text):
                if len(match.group()) > 1:
                    expect.tokens.append(Token(match.group(), "number", squeezed, in_table=False))
        # A heading style stays a heading even where the writer switched its keep-with-next off.
        heading = style in heading_styles or bool(_on(paragraph.find(f"{W}pPr/{W}keepNext")))
        if not in_table and (heading or NUMBERED_LABEL.match(squeezed)):
            expect.headings.append(squeezed)
        elif not in_table:
            plain.add(squeezed)
        if NOTE_START.match(text):
            expect.notes.append(squeezed)
        # A signature line names where to sign and is not a sentence (a clause about signing ends in "。").
        elif "Signature" in style or (SIGNATURE_WORDS.search(text) and "。" not in text):
            expect.signatures.append(squeezed)
    # The same text both kept with its next paragraph and standing alone (the two parties' "签订日期" lines
    # of a signature block) cannot be told apart on the page: it is not taken for a heading.
    expect.headings = [heading for heading in expect.headings if heading not in plain]
    for table in root.iter(f"{W}tbl"):
        rows = []
        for row in table.iterchildren(f"{W}tr"):
            cells = list(row.iterchildren(f"{W}tc"))
            texts = ["".join(squeeze(_paragraph_text(p)) for p in cell.iter(f"{W}p")) for cell in cells]
            rows.append(texts)
            for index, cell in enumerate(cells):
                siblings = tuple(text for other, text in enumerate(texts) if other != index and text)
                for paragraph in cell.iter(f"{W}p"):
                    expect.tokens.extend(_cell_tokens(_paragraph_text(paragraph), siblings))
        expect.tables.append(rows)
    return expect


# ------------------------------------------------------------------------------------------------ checks


@dataclass(frozen=True)
class Finding:
    """One defect: its kind, the page (from 1) and a short description."""

    kind: str
    page: int
    detail: str

    def __str__(self) -> str:
        return f"p{self.page} {self.kind}: {self.detail}"


# Running headers and footers sit in the outer sixth of the page at most; nothing else is looked at for them.
FURNITURE_BAND = 1 / 6


def recurring(book: Sequence[Page]) -> set[tuple[str, int]]:
    """Lines that come back at the same height on several pages: (text without digits, height in 2 pt steps).

    The page number changes from page to page, so digits are left out of the comparison.
    """
    counts: dict[tuple[str, int], int] = {}
    for page in book:
        for key in {_key(line) for line in page.lines}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, len(book) // 3)
    return {key for key, count in counts.items() if count >= needed}


def _key(line: Line) -> tuple[str, int]:
    return DIGITS.sub("", line.squeezed), round(line.y0 / 2)


def body_lines(page: Page, expect: Expect, repeats: set[tuple[str, int]] | None = None) -> list[Line]:
    """The page's lines without the running header and footer.

    First by position: a line whose vertical centre lies in the top or bottom page margin of the .docx
    is furniture (a body line never reaches into the margin). Then by text, for a header taller than its
    margin or a document of several sections with different margins: a line in the outer sixth of the
    page that is a piece of a header or footer paragraph of the .docx (digits aside) and that comes back
    at the same height on other pages (`repeats`, from recurring()). A masthead that merely repeats the
    header's words on the first page does not come back, and stays body text.
    """
    body: list[Line] = []
    for line in page.lines:
        from_bottom = page.height - line.mid
        if line.mid <= expect.top or from_bottom <= expect.bottom:
            continue
        outer = min(line.mid, from_bottom) <= page.height * FURNITURE_BAND
        if outer and _is_furniture(line, expect) and (repeats is None or _key(line) in repeats):
            continue
        body.append(line)
    return body


def _is_furniture(line: Line, expect: Expect) -> bool:
    text = DIGITS.sub("", line.squeezed)
    return bool(text) and any(text in part or part in text for part in expect.furniture)


def _rows(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines grouped into visual rows: lines that overlap vertically sit on one row (cells, two columns)."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda item: (item.y0, item.x0)):
        if rows and line.mid < max(other.y1 for other in rows[-1]):
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


class _Wrap:
    """The lines of one page as a graph of "continues on the next line" links, to re-trace wrapped cells."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = list(lines)
        # A paragraph may run on from the previous page or onto the next one.
        self.top = min((line.y0 for line in lines), default=0.0)
        self.bottom = max((line.y1 for line in lines), default=0.0)
        self.below: list[set[int]] = [set() for _ in self.lines]
        self.above: list[set[int]] = [set() for _ in self.lines]
        for index, upper in enumerate(self.lines):
            # The next line of a wrapped paragraph lies below and shares part of its column, whichever
            # way the paragraph is aligned.
            below = [(line.y0, other) for other, line in enumerate(self.lines)
                     if line.y0 >= upper.mid and line.x0 < upper.x1 and upper.x0 < line.x1
                     and line.y0 - upper.y1 < upper.y1 - upper.y0]
            # Poppler's reading order keeps a cell's lines together; the nearest line directly below is
            # tried as well, since a cell beside a taller neighbour can be read out of order.
            if index + 1 in {other for _, other in below}:
                self._link(index, index + 1)
            if below:
                self._link(index, min(below)[1])

    def _link(self, upper: int, lower: int) -> None:
        self.below[upper].add(lower)
        self.above[lower].add(upper)

    def continued(self, index: int, lines: int = 3) -> str:
        """The squeezed text of line `index` and of the lines that follow it down its column."""
        text = self.lines[index].squeezed
        for _ in range(lines - 1):
            if not self.below[index]:
                break
            index = min(self.below[index], key=lambda other: self.lines[other].y0)
            text += self.lines[index].squeezed
        return text

    def pairs(self) -> Iterator[tuple[int, int]]:
        """Every (upper, lower) link."""
        for upper, lowers in enumerate(self.below):
            for lower in sorted(lowers):
                yield upper, lower

    def ends(self, head: str, index: int, loose: bool, depth: int = 0) -> int | None:
        """The first line of `head` (the start of a cell paragraph) laid out as lines ending with `index`.

        Every line must hold only paragraph text, except that with `loose` the first line may begin with
        other words (a neighbouring cell that poppler ran into the line), split off at a word boundary.
        None when the lines do not spell the text.
        """
        line = self.lines[index]
        if head == line.squeezed or (head.endswith(line.squeezed) and line.y0 <= self.top + 1):
            return index
        if head.endswith(line.squeezed) and depth < 50:
            rest = head[: -len(line.squeezed)]
            found = (self.ends(rest, other, loose, depth + 1) for other in sorted(self.above[index]))
            return next((first for first in found if first is not None), None)
        if loose and any("".join(line.words[cut:]) == head for cut in range(1, len(line.words))):
            return index
        return None

    def starts(self, tail: str, index: int, loose: bool, depth: int = 0) -> int | None:
        """The last line of `tail` (the rest of a cell paragraph) laid out as lines starting with `index`."""
        line = self.lines[index]
        if tail == line.squeezed or (tail.startswith(line.squeezed) and line.y1 >= self.bottom - 1):
            return index
        if tail.startswith(line.squeezed) and depth < 50:
            rest = tail[len(line.squeezed):]
            found = (self.starts(rest, other, loose, depth + 1) for other in sorted(self.below[index]))
            return next((last for last in found if last is not None), None)
        if loose and any("".join(line.words[:cut]) == tail for cut in range(1, len(line.words))):
            return index
        return None

    def beside(self, first: int, last: int, siblings: Sequence[str]) -> bool:
        """Whether the other cells of the row show up level with the lines first..last of a cell.

        Two numbers of one column, one above the other, can spell a short token by chance; the row's
        other cells then sit elsewhere. At least half of them must be found (a line that is a piece of a
        sibling, or holds one) within a line height of the cell's lines.
        """
        if not siblings:
            return True
        chain = {first, last}
        height = self.lines[first].y1 - self.lines[first].y0
        top, bottom = self.lines[first].y0 - height, self.lines[last].y1 + height
        near = [line.squeezed for index, line in enumerate(self.lines)
                if index not in chain and top <= line.mid <= bottom]
        # A one-character line is a piece of too many texts to tell anything.
        found = sum(any(sibling in text or (len(text) > 1 and text in sibling) for text in near)
                    for sibling in siblings)
        return 2 * found >= len(siblings)


def _split_tokens(page: Page, lines: Sequence[Line], expect: Expect) -> Iterator[Finding]:
    """Tokens that start on one line and end on the next (or one after: "2024" / "-03-" / "17").

    The break must re-trace its paragraph: the paragraph, cut inside the token, is laid out exactly as
    the chain of lines above and below the break. One end of the chain may run into a neighbouring
    cell's words. This keeps out a token of a table that also occurs in running text, and two numbers
    of a column that happen to spell a token when read one after the other.
    """
    wrap = _Wrap(lines)
    used: set[int] = set()
    for upper, lower in wrap.pairs():
        if upper in used:  # a line ends once: one break per line, whichever link found it
            continue
        top, low = wrap.lines[upper].squeezed, wrap.continued(lower)
        # One finding per line break: the longest token it cuts (a date rather than its year).
        broken = [token for token in expect.tokens
                  if token.text not in top and token.text in top + low and _breaks(wrap, upper, lower, token)]
        if broken:
            used.add(upper)
            token = max(broken, key=lambda item: len(item.text))
            where = "table cell" if token.in_table else "text"
            shown = wrap.lines[lower].squeezed
            yield Finding("split-token", page.number,
                          f"{where}: {token.kind} “{token.text}” broken as “{top[-12:]}” / “{shown[:12]}”")


def _breaks(wrap: _Wrap, upper: int, lower: int, token: Token) -> bool:
    """Whether the break between lines upper and lower falls inside this token of its paragraph."""
    top = wrap.lines[upper].squeezed
    for start in _find_all(top + wrap.continued(lower), token.text):
        if not start < len(top) < start + len(token.text):
            continue
        cut = len(top) - start  # characters of the token left on the upper line
        for spot in _find_all(token.paragraph, token.text):
            head, tail = token.paragraph[: spot + cut], token.paragraph[spot + cut:]
            for loose_head in (False, True):
                first = wrap.ends(head, upper, loose_head)
                last = wrap.starts(tail, lower, not loose_head) if first is not None else None
                # A short token may be spelt by chance, and a short cell's text can recur inside longer text
                # ("单价（元）" in a label): its row must be beside it as well.
                by_chance = len(token.text) <= 3 or token.kind.startswith("short")
                if last is not None and (not by_chance or wrap.beside(first, last, token.siblings)):
                    return True
    return False


def _find_all(text: str, part: str) -> Iterator[int]:
    start = text.find(part)
    while start >= 0:
        yield start
        start = text.find(part, start + 1)


def _last_heading(page: Page, rows: list[list[Line]], expect: Expect) -> Iterator[Finding]:
    """A heading that is the last text of a page: the bottom one to three rows spell exactly a heading."""
    for count in range(1, min(3, len(rows)) + 1):
        tail = "".join(line.squeezed for row in rows[-count:] for line in sorted(row, key=lambda item: item.x0))
        if tail in expect.headings:
            yield Finding("stranded-heading", page.number, f"heading “{tail}” is the last line of the page")
            return


def _only(lines: Sequence[Line], paragraphs: Sequence[str]) -> bool:
    """Whether every line is a piece of one of the paragraphs (a note or signature line running on)."""
    return bool(paragraphs) and all(any(line.squeezed in text for text in paragraphs) for line in lines)


def _orphan_rows(book: Sequence[Page], bodies: Sequence[list[Line]], expect: Expect) -> Iterator[Finding]:
    """A table whose last row alone carries over to the next page.

    A row is placed on a page when the page's text holds every cell of it; rows too short to tell apart
    (fewer than 4 characters in cells of 2 or more) are not placed. The last row must be on exactly one
    page, the page after the only page of the row before it.
    """
    texts = ["".join(line.squeezed for line in lines) for lines in bodies]

    def place(row: list[str]) -> list[int]:
        cells = [cell for cell in row if len(cell) >= 2]
        if sum(map(len, cells)) < 4:
            return []
        return [index for index, text in enumerate(texts) if all(cell in text for cell in cells)]

    for rows in expect.tables:
        if len(rows) < 2:
            continue
        before, last = place(rows[-2]), place(rows[-1])
        if len(before) == 1 and len(last) == 1 and last[0] == before[0] + 1:
            shown = " ".join(cell for cell in rows[-1] if cell)[:30]
            yield Finding("orphan-row", book[last[0]].number, f"the table's last row “{shown}” alone on the page")


def check(pdf: Path, docx: Path) -> list[Finding]:
    """All layout defects of one rendered document, page by page."""
    expect = expectations(docx)
    book = pages(pdf)
    repeats = recurring(book)
    bodies = [body_lines(page, expect, repeats) for page in book]
    findings: list[Finding] = []
    for page, lines in zip(book, bodies, strict=True):
        last = page.number == len(book)
        if not lines and not page.images:
            findings.append(Finding("blank-page", page.number, "no text on the page besides header and footer"))
            continue
        rows = _rows(lines)
        if not last and not page.images and len(rows) < MIN_BODY_ROWS:
            shown = " / ".join(line.text for line in lines)[:60]
            findings.append(Finding("sparse-page", page.number, f"only {len(rows)} line(s) of text: {shown}"))
        if lines and _only(lines, expect.notes):
            findings.append(Finding("note-only-page", page.number, f"the page holds only a note: {lines[0].text[:30]}"))
        elif lines and _only(lines, expect.signatures):
            findings.append(Finding("signature-only-page", page.number,
                                    f"the page holds only signature lines: {lines[0].text[:30]}"))
        findings.extend(_split_tokens(page, lines, expect))
        if not last:
            findings.extend(_last_heading(page, rows, expect))
    findings.extend(_orphan_rows(book, bodies, expect))
    return sorted(findings, key=lambda finding: finding.page)
