"""How wide a text is and where its lines may break, as LibreOffice and Word lay out Chinese text.

A document's text is its data: no invisible character is ever added to keep a date or an amount whole.
Layout does it instead, from what this module knows:

* the width of a text (``text_em``), estimated per character with the small space both word processors
  add where CJK meets Latin letters or digits;
* the *tokens* a reader must see whole (dates, percentages, amounts in figures and in capitals, ranks,
  codes, a number with its unit in a short text, a short value after a label, and a short cell text
  as a whole), found by the same kinds of pattern the page checker of the tests uses;
* where LibreOffice may break a line: on either side of every CJK character (except before closing and
  after opening punctuation), after a space, and after a hyphen ("2024-" / "03-17"). A break there
  that falls inside a token is *unsafe*.

The writer makes a column at least as wide as the widest piece between safe breaks (``least_em``), and
when a cell's text must wrap and LibreOffice could choose an unsafe break (``needs_own_breaks``), it
breaks the lines itself at safe places (``wrap``), each line short enough that nothing wraps again.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import pairwise

# A text up to this many CJK cells wide (a Latin character counts half) is one token; up to
# RUNNING_CJK a number also stays with its unit (扣0.30分); wider text is running text.
SHORT_CJK = 6
RUNNING_CJK = 12
# Word and LibreOffice add about a fifth of an em between CJK and a Latin letter or digit (autoSpaceDE
# and autoSpaceDN, on by default; measured on LibreOffice's PDFs); a quarter leaves a margin.
AUTOSPACE_EM = 0.25
# A line the writer breaks itself is filled to this share of the room: the widths are estimates.
FILL = 0.9
# The same cell texts come back in every table and report of a run (each measured up to four times a
# cell, "合计" and "0" in every row): their widths are pure functions of the text, kept for the run.
_MEASURED = 1 << 14

_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SCRIPT_CHANGE = re.compile(f"(?<=[{_WIDE}])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[{_WIDE}])")
_TOKENS = (
    r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*月\s*\d{1,2}\s*日"  # dates in Chinese
    r"|\d{4}-\d{1,2}(?:-\d{1,2})?|\d{4}[./]\d{1,2}[./]\d{1,2}"  # dates in figures
    r"|[+-]?\d+(?:\.\d+)?\s*[%‰]"  # percentages
    r"|[¥￥]\s*-?\d[\d,]*(?:\.\d+)?|-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+"  # amounts
    # amounts in capitals (at least one capital digit: "万元" alone is a unit, as in 166万元)
    r"|(?:人民币)?(?=[拾佰仟万亿]*[零壹贰叁肆伍陆柒捌玖])[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+[元圆][零壹贰叁肆伍陆柒捌玖角分整正]*"
    r"|第\s*\d+(?:\.\d+)?(?:\s*[-–~至]\s*\d+)?\s*名"  # ranks
)
_NUMBER_UNIT = r"|\d+(?:\.\d+)?(?:\s*[-–~至]\s*\d+(?:\.\d+)?)?\s*[分次件个人名元天日月年通项期秒位户条]"
_CODE = r"|[A-Za-z0-9](?:[A-Za-z0-9,:/_+\-]*[A-Za-z0-9])?"  # codes, counts, account numbers
# Alternatives are tried in order at each position: a date before a number with its unit before a code.
_TOKEN = re.compile(_TOKENS + _CODE)
_TOKEN_SHORT = re.compile(_TOKENS + _NUMBER_UNIT + _CODE)
# Kinsoku: no line starts with a closing mark, none ends with an opening one (GB/T 15834 and both word processors).
_CLOSING = frozenset("，。、；：！？）」』”’》〉】〕〗％·…—～,.;:!?)]}%‰")
_OPENING = frozenset("（「『“‘《〈【〔〖￥¥([{")
_PAUSES = frozenset("，。、；：！？）」』”’》〉】")
# Inside a long run of Latin text (a data path), where a line may break when it must.
_PATH_BREAK_BEFORE = frozenset(".[")


def char_em(char: str) -> float:
    """Width of a character in ems of its font size (CJK and full-width forms are one em)."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in ".,:;'|!il()[]（）":
        return 0.3
    if char in "-/ ":
        return 0.35
    if char in "%¥$@MWmw":
        return 0.85
    if "A" <= char <= "Z":
        return 0.72
    return 0.55


class _Widths(dict[str, float]):
    """Each character's width, measured once per process: a contract measures tens of thousands."""

    def __missing__(self, char: str) -> float:
        width = self[char] = char_em(char)
        return width


_WIDTHS = _Widths()


@lru_cache(maxsize=_MEASURED)
def text_em(text: str) -> float:
    """Width of a text in ems, all on one line, with the space added where CJK meets Latin."""
    return sum(map(_WIDTHS.__getitem__, text)) + AUTOSPACE_EM * len(_SCRIPT_CHANGE.findall(text))


def cjk_cells(text: str) -> float:
    """Width of a text in CJK character cells: a wide character counts 1, any other 1/2."""
    return sum(1.0 if ord(char) >= 0x2E80 else 0.5 for char in text)


def _wide(char: str) -> bool:
    return ord(char) >= 0x2E80


def _opportunity(text: str, position: int) -> bool:
    """Whether LibreOffice may end a line before ``text[position]``."""
    before, after = text[position - 1], text[position]
    if before == " ":
        return after != " "
    if after == " " or after in _CLOSING or before in _OPENING:
        return False
    if _wide(before) or _wide(after):
        return True
    # After a hyphen before a letter or digit: "2024-" / "03-17", "第1-" / "5名", even "得-" / "4.07分".
    return before == "-" and after.isalnum()


def _protected(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` a line must not break inside, merged where they overlap."""
    if cjk_cells(text) <= SHORT_CJK:
        return [(0, len(text))]
    spans = [m.span() for m in (_TOKEN_SHORT if cjk_cells(text) <= RUNNING_CJK else _TOKEN).finditer(text)]
    label, colon, value = text.rpartition("：")
    if colon and label and cjk_cells(value) <= SHORT_CJK:
        spans.append((len(label) + 1, len(text)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _guarded(text: str) -> bytearray:
    """For each position, 1 when a line may not break before it because it lies strictly inside a token."""
    inside = bytearray(len(text) + 1)
    for start, end in _protected(text):
        inside[start + 1 : end] = b"\x01" * max(end - start - 1, 0)
    return inside


def _breaks(text: str, paths: bool) -> list[int]:
    """Positions where a line may safely break: LibreOffice's opportunities outside every token; with
    ``paths`` also before a "." or "[" of a Latin run (a data path too long for a line)."""
    inside = _guarded(text)
    found = []
    for position in range(1, len(text)):
        before, after = text[position - 1], text[position]
        path = paths and after in _PATH_BREAK_BEFORE and ((before.isascii() and before.isalpha()) or before == "]")
        if (_opportunity(text, position) or path) and not inside[position]:
            found.append(position)
    return found


class _Ruler:
    """Widths of every slice of one text in constant time (prefix sums): long cells stay linear."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spaced = [0] * (len(text) + 1)  # 1 where CJK meets Latin just before this position
        for match in _SCRIPT_CHANGE.finditer(text):
            self.spaced[match.start()] = 1
        self.prefix = [0.0]
        for position, char in enumerate(text):
            self.prefix.append(self.prefix[-1] + _WIDTHS[char] + (AUTOSPACE_EM * self.spaced[position] if position else 0.0))

    def em(self, start: int, end: int) -> float:
        """``text_em(text[start:end])``."""
        spaced = AUTOSPACE_EM * self.spaced[start] if 0 < start < end else 0.0
        return self.prefix[end] - self.prefix[start] - spaced


def _pieces(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    edges = [0, *cuts, len(text)]
    return [(a, b) for a, b in pairwise(edges) if b > a]


@lru_cache(maxsize=_MEASURED)
def least_em(text: str, paths: bool = True) -> float:
    """Width of the widest piece of ``text`` that no line may break (the least a column may give it);
    without ``paths``, a long Latin run (a data path) counts whole."""
    ruler = _Ruler(text)
    return max((ruler.em(a, b) for a, b in _pieces(text, _breaks(text, paths))), default=0.0)


@lru_cache(maxsize=_MEASURED)
def firm_em(text: str, planned_em: float) -> float:
    """Width a column should give ``text`` when it can: every Latin run whole (a data path or a code on one
    line, as people search for it), and a short text (up to ``RUNNING_CJK``) whole as far as the width
    the builder planned for the column allows (beyond it, the writer breaks it at a safe place)."""
    whole = text_em(text) if cjk_cells(text) <= RUNNING_CJK else 0.0
    return max(least_em(text, paths=False), min(whole, planned_em))


@lru_cache(maxsize=_MEASURED)
def needs_own_breaks(text: str, room_em: float) -> bool:
    """Whether ``text``, wrapped by LibreOffice in ``room_em``, could break inside a token or a word.

    That is so when it does not fit on one line and either a token holds a break opportunity
    (第1-|5名, 2024-|03-17, 来电来信1|次) or a piece between opportunities is wider than the line.
    """
    if text_em(text) <= room_em:  # the estimate errs wide: what it fits, LibreOffice fits
        return False
    natural = [p for p in range(1, len(text)) if _opportunity(text, p)]
    inside = _guarded(text)
    if any(inside[p] for p in natural):
        return True
    ruler = _Ruler(text)
    return any(ruler.em(a, b) > room_em for a, b in _pieces(text, natural))


def wrap(text: str, room_em: float) -> list[str]:
    """``text`` as lines no wider than the room (as far as its tokens allow), broken only at safe places.

    Greedy, like a word processor: each line takes as much as fits, ending at the last safe break.
    Trailing spaces of a line are dropped, as a word processor does not show them at a line end.
    """
    capacity = FILL * room_em
    ruler = _Ruler(text)
    safe, paths = _breaks(text, paths=False), _breaks(text, paths=True)
    lines: list[str] = []
    start = 0
    while ruler.em(start, len(text)) > capacity:
        fitting = _fitting(ruler, safe, start, capacity) or _fitting(ruler, paths, start, capacity)
        # A line ends after a punctuation mark when one comes late enough, as a typesetter would end it.
        pause = next((p for p in reversed(fitting) if text[p - 1] in _PAUSES and ruler.em(start, p) >= capacity / 2), None)
        end = pause or (fitting[-1] if fitting else next((p for p in paths if p > start), len(text)))
        lines.append(text[start:end].rstrip(" "))
        start = end
        if start >= len(text):
            break
    if start < len(text):
        lines.append(text[start:])
    return lines


def _fitting(ruler: _Ruler, breaks: list[int], start: int, capacity: float) -> list[int]:
    """The breaks after ``start`` that end a line within ``capacity`` (in order; widths only grow)."""
    first = bisect_right(breaks, start)
    last = first
    while last < len(breaks) and ruler.em(start, breaks[last]) <= capacity:
        last += 1
    return breaks[first:last]
