"""YAML syntax errors explained in Chinese, located where the user has to make the fix.

libyaml reports, in English, the place where its parser gave up. That is often a line or more after the
real mistake: a full-width colon ``budget_year：2026`` makes the line a plain string, and the parser only
complains about the *next* line; an unclosed quote is noticed at the end of the file. ``explain`` looks
for the usual mistakes of people who write YAML by hand in a Chinese editor, near and above that place,
and names the first one that fits. Suspects that can be tested (a full-width colon or comma, a missing
space after a colon, a wrongly indented key, an unclosed quote) are confirmed by applying the fix to a
copy of the text and parsing it again: only a fix that lets the parser get past the reported line counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

# The same parser as the loader (libyaml when available): confirmations must fail exactly like the real parse.
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Line breaks as YAML (and so libyaml's marks) counts them; str.splitlines would also split on \f and \x1c.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# How far above the parser's mark a mistake it only noticed later is searched for.
_LOOKBACK = 12
# Re-parses spent confirming suspects; each parses only up to the reported line, but files may be 2 MB.
_MAX_TRIALS = 16
# Characters shown around the column when the offending line is too long for a terminal.
_WINDOW = 50

# The part of a line before its content: indentation and any "- " list markers.
_LEAD = re.compile(r"[ \t]*(?:-(?:[ \t]+|$))*")
# A key written with a full-width colon: short text without quotes, brackets or colons, then "：".
_FULLWIDTH_KEY = re.compile(r"(?P<key>[^\s#'\"\[\]{}:：,，&*!|>%@`][^:#：'\"]{0,40}?)[ \t]*：")
# A key glued to its value ("key:value"); a colon followed by "/" or "\" is a URL or a path, not a key.
_GLUED_KEY = re.compile(r"(?P<key>[^\s#'\"\[\]{}:,&*!|>%@`][^:#'\"]{0,40}?):(?=[^\s:/\\])")
# "key:" followed by a space or the end of the line: where a key ends and its value starts.
_KEY_END = re.compile(r"[^#]*?:(?=[ \t]|$)")

_CLOSERS = {"[": "]", "{": "}"}
_OPENERS = {"]": "[", "}": "{"}
_EXAMPLES = {"[": "[甲, 乙]", "{": "{name: 甲, amount: 1}"}


@dataclass
class _Error:
    """One parser error with the text it came from; marks are 0-based (line, column) pairs."""

    lines: list[str]
    problem: str
    context: str
    at: tuple[int, int]
    opened: tuple[int, int] | None
    last_scalar: Any
    trials: int = _MAX_TRIALS

    def line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def char(self, mark: tuple[int, int] | None) -> str:
        if mark is None:
            return ""
        line = self.line(mark[0])
        return line[mark[1]] if 0 <= mark[1] < len(line) else ""

    def window(self) -> list[int]:
        """Lines where a mistake noticed at ``at`` can be: the opening mark's line first, then upwards."""
        first = [self.opened[0]] if self.opened and self.opened[0] <= self.at[0] else []
        above = range(min(self.at[0], len(self.lines) - 1), max(self.at[0] - _LOOKBACK, -1), -1)
        return list(dict.fromkeys([*first, *above]))

    def fixed_by(self, index: int, new_line: str) -> bool:
        """Whether replacing line ``index`` lets the parser get past the line it complained about."""
        if self.trials <= 0:
            return False
        self.trials -= 1
        stop = self.at[0]
        # Parsing stops one line after the complaint: enough to see the parser move on, cheap on big files.
        lines = self.lines[: stop + 2]
        lines[index] = new_line
        try:
            for event in yaml.parse("\n".join(lines) + "\n", Loader=_PARSER):
                if event.start_mark is not None and event.start_mark.line > stop:
                    return True
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            return mark is not None and mark.line > stop
        except yaml.YAMLError:
            return False
        return True


Finding = tuple[int, int, str]


def explain(error: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """The 1-based line and column of the likely mistake behind ``error``, and a Chinese message.

    The message names the cause and the fix, then shows the offending line with a caret under the column.
    """
    mark = error.problem_mark or error.context_mark
    at = (mark.line, mark.column) if mark else (0, 0)
    opened = (error.context_mark.line, error.context_mark.column) if error.context_mark else None
    lines = _BREAK.split(text)
    e = _Error(lines, str(error.problem or ""), str(error.context or ""), at, opened, _last_scalar(text))
    finding = None
    for detect in _DETECTORS:
        try:
            finding = detect(e)
        except Exception:  # a guess that trips over odd input must not turn a syntax error into a traceback
            finding = None
        if finding:
            break
    line, column, headline = finding or _generic(e)
    return line + 1, column + 1, f"{headline}\n{_excerpt(lines, line, column)}"


def explain_reader_error(error: yaml.reader.ReaderError, text: str) -> tuple[int, int, str]:
    """Like ``explain``, for the reader's "unacceptable character" error, which carries no line mark."""
    code = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "\0")
    # libyaml counts the position in UTF-8 bytes, PyYAML's own reader in characters: take the one that fits.
    position = max(error.position, 0)
    as_bytes = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    if not (position < len(text) and ord(text[position]) == code) and as_bytes < len(text):
        position = as_bytes
    before = text[:position]
    lines = _BREAK.split(text)
    line = len(_BREAK.findall(before))
    column = len(_BREAK.split(before)[-1])
    headline = (f"第 {line + 1} 行第 {column + 1} 列有不可见的控制字符（U+{code:04X}）：YAML 不接受这种字符，"
                "通常是从网页或 Word 复制时带进来的，请删除它")
    return line + 1, column + 1, f"{headline}\n{_excerpt(lines, line, column)}"


def _last_scalar(text: str) -> Any:
    """The last scalar the parser produced before failing (a quoted one may hide an unclosed quote)."""
    last = None
    try:
        for event in yaml.parse(text, Loader=_PARSER):
            if isinstance(event, yaml.ScalarEvent):
                last = event
    except yaml.YAMLError:
        pass
    return last


# --- detectors, tried in order; each returns (line, column, headline) 0-based, or None ---------------


def _tab(e: _Error) -> Finding | None:
    """A tab character: YAML forbids tabs in indentation (and libyaml elsewhere too, in some places)."""
    line = e.line(e.at[0])
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    if e.char(e.at) == "\t":
        column = e.at[1]
    elif re.search(r"\btab\b", e.problem) and "\t" in line:
        column = line.index("\t")
    elif "\t" in lead:
        column = lead.index("\t")
    else:
        return None
    n = e.at[0] + 1
    if column < len(lead):
        return e.at[0], column, (f"第 {n} 行用了制表符（Tab）缩进：YAML 不允许用 Tab 缩进，请删掉 Tab 改用空格，"
                                 "同一层的键用同样多的空格（通常每层 2 个空格）")
    return e.at[0], column, f"第 {n} 行第 {column + 1} 列有制表符（Tab）：YAML 在这里不接受 Tab，请改成空格"


def _bad_escape(e: _Error) -> Finding | None:
    """A backslash inside double quotes that is not a known escape (typically a Windows path)."""
    if "escape" not in e.problem:
        return None
    line = e.line(e.at[0])
    column = line.rfind("\\", 0, e.at[1] + 1)
    column = column if column >= 0 else e.at[1]
    return e.at[0], column, (f"第 {e.at[0] + 1} 行双引号里的反斜杠 “\\” 被当作转义符：含有 \\ 的文字（例如路径）"
                             "请改用单引号括起整段，例如 'C:\\合同\\2025'，或把 \\ 写成两个 \\\\")


def _quote_hint(quote: str) -> str:
    if quote == "'":
        return "；单引号里的文字本身要用单引号时，请写成两个单引号 ''"
    return "；文字本身要用引号时，请改用中文引号 “ ”，或写成 \\\""


def _unclosed_quote(e: _Error) -> Finding | None:
    """A quote that is never closed (noticed at the end of the file) or closed only lines later."""
    if "quoted scalar" in e.context and e.opened and ("end of stream" in e.problem or "document" in e.problem):
        quote = e.char(e.opened) or '"'
        return e.opened[0], e.opened[1], (
            f"第 {e.opened[0] + 1} 行第 {e.opened[1] + 1} 列的引号 {quote} 没有配对的结束引号：YAML 把后面的内容一直读到了"
            f"文件末尾。请在这段文字结尾补上 {quote}{_quote_hint(quote)}")
    scalar = e.last_scalar
    if scalar is None or scalar.style not in ('"', "'"):
        return None
    start, end = scalar.start_mark, scalar.end_mark
    if start.line == end.line or end.line != e.at[0]:
        return None
    # The quote most likely belonged at the end of the line where it opened; confirm by putting it there.
    quote = scalar.style
    if not e.fixed_by(start.line, e.line(start.line).rstrip() + quote):
        return None
    return start.line, start.column, (
        f"第 {start.line + 1} 行第 {start.column + 1} 列的引号 {quote} 没有在这一行结束：YAML 一直读到第 {end.line + 1} 行"
        f"的下一个 {quote} 才结束这段文字。请在第 {start.line + 1} 行这段文字的结尾补上 {quote}{_quote_hint(quote)}")


def _quote_closed_early(e: _Error) -> Finding | None:
    """Text after a closing quote: the quoted text itself contained the same kind of quote."""
    scalar = e.last_scalar
    if scalar is None or scalar.style not in ('"', "'"):
        return None
    end = scalar.end_mark
    line = e.line(e.at[0])
    if end.line != e.at[0] or e.at[1] < end.column or line[end.column : e.at[1]].strip():
        return None
    rest = line[e.at[1] :].strip()
    if not rest or rest[0] in "#:,]}":
        return None
    column = end.column - 1
    return e.at[0], column, (
        f"第 {e.at[0] + 1} 行的引号 {scalar.style} 在第 {column + 1} 列就结束了，后面的 “{_clip(rest)}” 成了多余的文字："
        f"引号里的文字如果本身含有 {scalar.style}，请改用中文引号 “ ”，或整段改用另一种引号括起来")


def _special_start(e: _Error) -> Finding | None:
    """Text starting with a character YAML reserves (* & ! | > @ ` %)."""
    meanings = {"*": "别名（引用）", "&": "锚点", "!": "标签", "|": "多行文字标记", ">": "折叠文字标记",
                "@": "保留符号", "`": "保留符号", "%": "指令"}
    if e.opened and any(word in e.context for word in ("alias", "anchor", "tag", "block scalar", "directive")):
        mark = e.opened
    elif "cannot start any token" in e.problem:
        mark = e.at
    else:
        return None
    char = e.char(mark)
    if char not in meanings:
        return None
    key, value = _entry(e.line(mark[0]))
    example = f"，例如 {key}: {_quoted(value)}" if key and value else ""
    return mark[0], mark[1], (f"第 {mark[0] + 1} 行的文字以 “{char}” 开头，YAML 会把它当作{meanings[char]}："
                              f"如果是误输入请删掉它，否则请给整段文字加引号{example}")


def _fullwidth_comma(e: _Error) -> Finding | None:
    """A full-width comma between the items of a [ ] list or { } mapping."""
    for index in e.window():
        line = e.line(index)
        for column, char in enumerate(line):
            if char != "，":
                continue
            opener = _open_bracket(line, column)
            if opener is None:
                continue
            if e.fixed_by(index, line[:column] + ", " + line[column + 1 :].lstrip(" ")):
                closer = _CLOSERS[opener]
                return index, column, (f"第 {index + 1} 行的 {opener} {closer} 里用了全角逗号 “，”：各项之间要用半角逗号加空格"
                                       f"分开，例如 {_EXAMPLES[opener]}")
    return None


def _fullwidth_colon(e: _Error) -> Finding | None:
    """A key written with a full-width colon (``budget_year：2026``): YAML reads the line as plain text."""
    for index in e.window():
        line = e.line(index)
        lead = _LEAD.match(line)
        assert lead is not None  # the pattern matches the empty string
        match = _FULLWIDTH_KEY.match(line, lead.end())
        if match is None:
            continue
        column = match.end() - 1
        if e.fixed_by(index, line[:column] + ": " + line[column + 1 :].lstrip(" ")):
            example = f"{match['key'].strip()}: {_clip(line[column + 1 :].strip())}".rstrip()
            return index, column, (f"第 {index + 1} 行有全角冒号 “：”：YAML 的键和值之间要用半角冒号加空格，"
                                   f"例如 {example}")
    return None


def _missing_space(e: _Error) -> Finding | None:
    """``key:value`` without the space: YAML reads it as one piece of text, and then fails further on."""
    for index in e.window():
        line = e.line(index)
        lead = _LEAD.match(line)
        assert lead is not None
        match = _GLUED_KEY.match(line, lead.end())
        if match is None:
            continue
        column = match.end() - 1
        if e.fixed_by(index, line[: column + 1] + " " + line[column + 1 :]):
            key, value = match["key"].strip(), _clip(line[column + 1 :].strip())
            return index, column, (f"第 {index + 1} 行的冒号后面缺少空格：YAML 要写成 “键: 值”（半角冒号后加一个空格），"
                                   f"例如 {key}: {value}；写成 “{key}:{value}” 会被当作一整段文字")
    return None


def _starts_with_bracket(e: _Error) -> Finding | None:
    """Text that starts with [ or { : YAML reads the bracketed part as a list or mapping and the rest is extra."""
    line = e.line(e.at[0])
    key, value = _entry(line)
    if not value or value[0] not in "[{":
        return None
    column = line.find(value)
    if e.at[1] <= column or e.char(e.at) in ("#", ""):
        return None
    kind = "列表" if value[0] == "[" else "映射"
    example = f"{key}: {_quoted(value)}" if key else f"- {_quoted(value)}"
    return e.at[0], column, (f"第 {e.at[0] + 1} 行的文字以 “{value[0]}” 开头，YAML 会把 {value[0]} {_CLOSERS[value[0]]} "
                             f"当作{kind}，后面的文字就多出来了：请给整段文字加引号，例如 {example}")


def _unclosed_bracket(e: _Error) -> Finding | None:
    """A [ or { never closed, or items inside it not separated by commas."""
    if "flow" not in e.context or e.opened is None or "expected ','" not in e.problem.replace("did not find ", ""):
        return None
    opener = e.char(e.opened) or "["
    closer = _CLOSERS.get(opener, "]")
    name = "方括号" if opener == "[" else "花括号"
    if e.at[0] > e.opened[0]:
        return e.opened[0], e.opened[1], (
            f"第 {e.opened[0] + 1} 行的{name} “{opener}” 没有闭合：请在这一组内容的末尾补上 “{closer}”，"
            f"例如 {_EXAMPLES[opener]}；如果这段文字本来就以 “{opener}” 开头，请给整段文字加引号")
    return e.at[0], e.at[1], (
        f"第 {e.at[0] + 1} 行的 {opener} {closer} 里在第 {e.at[1] + 1} 列出了问题：各项之间要用半角逗号加空格分开，"
        f"含有冒号、逗号或括号的文字要加引号；如果整段本来就是文字，请给整段加引号")


def _extra_closing_bracket(e: _Error) -> Finding | None:
    """A ] or } with no matching opening bracket."""
    char = e.char(e.at)
    if char not in _OPENERS or "flow" in e.context:
        return None
    return e.at[0], e.at[1], (f"第 {e.at[0] + 1} 行多了一个 “{char}”：前面没有与它配对的 “{_OPENERS[char]}”，"
                              "请删掉它；如果它是文字的一部分，请给整段文字加引号")


def _stray_dash(e: _Error) -> Finding | None:
    """A "- " list item where a key was expected, or not aligned with the other items of its list."""
    line = e.line(e.at[0])
    if e.char(e.at) != "-" or line[e.at[1] + 1 : e.at[1] + 2] not in ("", " ", "\t"):
        return None
    n = e.at[0] + 1
    if "sequence entries are not allowed" in e.problem:
        key, _ = _entry(line)
        return e.at[0], e.at[1], (f"第 {n} 行的列表项 “- ” 不能和键写在同一行：请在 “{key}:” 后换行，"
                                  "下一行比这个键多缩进两个空格再写 “- ”")
    for index in range(e.at[0] - 1, max(e.at[0] - _LOOKBACK, -1), -1):
        other = e.line(index)
        stripped = other.lstrip(" ")
        if stripped.startswith("- ") or stripped == "-":
            indent = len(other) - len(stripped)
            if indent != e.at[1]:
                return e.at[0], e.at[1], (
                    f"第 {n} 行的列表项 “-” 缩进了 {e.at[1]} 个空格，和第 {index + 1} 行的列表项（{indent} 个空格）没有对齐："
                    "同一个列表的各项 “-” 必须上下对齐")
            break
    return e.at[0], e.at[1], (
        f"第 {n} 行的列表项 “- ” 放错了层级：这一层写的是 “键: 值”，不能混入列表项。列表要写在某个键的下一行，"
        "并比这个键多缩进（例如 “items:” 的下一行写 “  - 第一项”）")


def _dash_without_space(e: _Error) -> Finding | None:
    """``-item``: without the space after it a dash is ordinary text, not a list item."""
    line = e.line(e.at[0])
    after = line[e.at[1] + 1 : e.at[1] + 2]
    if e.char(e.at) != "-" or after in ("", " ", "\t", "-") or line[: e.at[1]].strip():
        return None
    return e.at[0], e.at[1], (f"第 {e.at[0] + 1} 行的 “-” 后面缺少空格：列表项要写成 “- 内容”（短横线后加一个空格）")


def _document_marker(e: _Error) -> Finding | None:
    """A line starting with ``---`` or ``...``, which YAML takes for the start or end of a document."""
    if "document" not in e.problem:
        return None
    for index in range(min(e.at[0], len(e.lines) - 1), max(e.at[0] - 4 * _LOOKBACK, -1), -1):
        marker = e.line(index)[:3]
        if marker in ("---", "..."):
            return index, 0, (f"第 {index + 1} 行以 “{marker}” 开头，YAML 会把它当作文档的分隔符：一个文件只能有一个文档，"
                              f"请删掉 “{marker}”；如果它是文字的一部分，请给整段文字加引号")
    scalar = e.last_scalar
    if "document start" in e.problem and scalar is not None and scalar.start_mark.line < e.at[0]:
        # A stray line of text became the whole document; the "key: value" lines after it have no place.
        line, column = scalar.start_mark.line, scalar.start_mark.column
        return line, column, (f"第 {line + 1} 行 “{_clip(e.line(line).strip())}” 不是 “键: 值” 的形式：文件的第一层只能写"
                              "“键: 值”；如果这是说明文字，请在行首加 “#” 把它变成注释")
    return None


def _missing_key(e: _Error) -> Finding | None:
    """A line starting with a colon: the key in front of it is missing."""
    line = e.line(e.at[0])
    if e.char(e.at) != ":" or line[: e.at[1]].strip(" -"):
        return None
    return e.at[0], e.at[1], f"第 {e.at[0] + 1} 行的冒号前面缺少键名：应写成 “键: 值”，例如 name: 甲"


def _key_in_list(e: _Error) -> Finding | None:
    """A line without "- " in the middle of a list."""
    if "block collection" not in e.context or e.char(e.at) in ("-", ""):
        return None
    return e.at[0], e.at[1], (
        f"第 {e.at[0] + 1} 行写在列表中间，却没有以 “- ” 开头：列表的每一项都要以 “- ” 开头；如果这一行属于上一项，"
        "请让它和上一项 “- ” 后面的文字对齐（比 “-” 多缩进两个空格）")


def _missing_colon(e: _Error) -> Finding | None:
    """A line in a mapping with no colon at all (or the unindented text of a ``|`` block)."""
    if "could not find expected ':'" not in e.problem or e.opened is None:
        return None
    index = e.opened[0]
    previous = _previous_content_line(e, index)
    if previous is not None and re.search(r":[ \t]+[|>][-+0-9]*[ \t]*(#.*)?$", e.line(previous)):
        return index, e.opened[1], (f"第 {index + 1} 行是第 {previous + 1} 行 “|” 或 “>” 之后的多行文字，但没有缩进："
                                    "多行文字的每一行都要比它的键多缩进（例如 2 个空格）")
    content = _clip(e.line(index).strip())
    return index, e.opened[1], (f"第 {index + 1} 行 “{content}” 缺少冒号：这一层的每一行都要写成 “键: 值”"
                                "（半角冒号加空格）；如果它是上一行文字的续行，请给上一行的整段文字加引号")


def _colon_in_value(e: _Error) -> Finding | None:
    """A value containing ": ", which YAML reads as the start of another key."""
    if "mapping values are not allowed" not in e.problem:
        return None
    line = e.line(e.at[0])
    lead = _LEAD.match(line)
    assert lead is not None
    first = _KEY_END.match(line, lead.end())
    if first is None or first.end() - 1 >= e.at[1]:
        return None
    key = line[lead.end() : first.end() - 1].strip()
    value = line[first.end() :].strip()
    return e.at[0], e.at[1], (
        f"第 {e.at[0] + 1} 行的值里又出现了 “: ”（冒号加空格），YAML 会把它当成新的键：请给整段值加引号，"
        f"例如 {key}: {_quoted(value)}，或改用中文冒号 “：”")


def _indentation(e: _Error) -> Finding | None:
    """A key indented differently from its siblings."""
    line = e.line(e.at[0])
    indent = len(line) - len(line.lstrip(" "))
    if not line.strip():
        return None
    n = e.at[0] + 1
    previous = _previous_content_line(e, e.at[0])
    if previous is None:
        return None
    above = e.line(previous)
    lead = _LEAD.match(above)
    assert lead is not None
    sibling = lead.end()  # where the keys of the line above start, after indentation and "- "
    key_above, value_above = _entry(above)
    if "mapping values are not allowed" in e.problem:
        # The key on this line was read as the continuation of the text above it.
        key, _ = _entry(line)
        fix = " " * sibling + line.lstrip(" ")
        if indent > sibling and key_above and value_above and e.fixed_by(e.at[0], fix):
            return e.at[0], indent, (
                f"第 {n} 行比上一行多缩进了：第 {previous + 1} 行的 “{key_above}:” 已经写了值，下面不能再写缩进的子项；"
                f"如果 “{key}” 和 “{key_above}” 是同一层，请同样缩进 {sibling} 个空格")
        if not key_above and "-" not in above[: lead.end()] and _stray_text(e, previous):
            return previous, sibling, (
                f"第 {previous + 1} 行 “{_clip(above.strip())}” 不是 “键: 值” 的形式，YAML 把它和第 {n} 行连成了一段文字："
                "如果这是说明，请在行首加 “#” 变成注释；如果它是某个键的值，请写在键的同一行，或给整段文字加引号")
        return e.at[0], indent, (
            f"第 {n} 行的 “{key}:” 被 YAML 当成了第 {previous + 1} 行文字的续行：上一行已经是一段完整的文字，下面不能再写"
            f"它的子项。请让第 {n} 行和同一层的键对齐（用同样多的空格），或检查是否漏写了 “- ” 或上一层的 “键:”")
    if ("expected key" not in e.problem and "block end" not in e.problem) or e.at[1] != indent:
        return None
    levels = {sibling: (previous, key_above)}
    if e.opened and e.opened[0] != previous and "block mapping" in e.context:
        levels.setdefault(e.opened[1], (e.opened[0], _entry(e.line(e.opened[0]))[0]))
    hints = "，".join(f"第 {row + 1} 行的 “{key}” 是 {spaces} 个空格" for spaces, (row, key) in sorted(levels.items()) if key)
    hints = f"（{hints}）" if hints else ""
    return e.at[0], indent, (f"第 {n} 行缩进了 {indent} 个空格，和上面的键对不齐{hints}：同一层的键必须用同样多的空格"
                             "缩进，下一层的键要比上一层多缩进")


def _generic(e: _Error) -> Finding:
    """No known cause fits: still Chinese, still located, with the parser's own words for experts."""
    descriptions = [
        ("nesting depth", "嵌套层级过深"),
        ("expected key", "这里应该是一个新的键（“键: 值”）"),
        ("block end", "这里应该是一个新的键（“键: 值”）"),
        ("mapping values are not allowed", "这里不能出现 “键: 值”"),
        ("could not find expected ':'", "缺少冒号"),
        ("end of stream", "文件意外结束"),
        ("cannot start any token", "有不能出现在这里的字符"),
        ("expected ','", "缺少逗号或右括号"),
        ("directive", "有重复或无效的 % 指令"),
    ]
    description = next((text for words, text in descriptions if words in e.problem), "无法解析")
    english = "，".join(part for part in (e.context, e.problem) if part)
    return e.at[0], e.at[1], (f"YAML 格式错误：第 {e.at[0] + 1} 行第 {e.at[1] + 1} 列{description}。"
                              f"请检查这一行和上一行的缩进、冒号和引号（解析器信息：{english}）")


_DETECTORS: list[Callable[[_Error], Finding | None]] = [
    _tab,
    _bad_escape,
    _unclosed_quote,
    _quote_closed_early,
    _special_start,
    _fullwidth_comma,
    _fullwidth_colon,
    _missing_space,
    _extra_closing_bracket,
    _starts_with_bracket,
    _unclosed_bracket,
    _stray_dash,
    _dash_without_space,
    _document_marker,
    _missing_key,
    _key_in_list,
    _missing_colon,
    _colon_in_value,
    _indentation,
]


# --- helpers ----------------------------------------------------------------------------------------


def _entry(line: str) -> tuple[str, str]:
    """``("key", "value")`` of a ``key: value`` line (either may be empty); ``("", text)`` for a list item."""
    lead = _LEAD.match(line)
    assert lead is not None
    body = line[lead.end() :]
    match = _KEY_END.match(body)
    if match is None:
        return "", body.strip()
    return body[: match.end() - 1].strip(), body[match.end() :].strip()


def _previous_content_line(e: _Error, index: int) -> int | None:
    """The nearest line above ``index`` that is neither blank nor only a comment."""
    for row in range(index - 1, -1, -1):
        stripped = e.line(row).strip()
        if stripped and not stripped.startswith("#"):
            return row
    return None


def _stray_text(e: _Error, index: int) -> bool:
    """Whether the keyless text on line ``index`` stands where a key belongs (not a continuation line)."""
    before = _previous_content_line(e, index)
    if before is None:
        return True
    line, above = e.line(index), e.line(before)
    return len(above) - len(above.lstrip(" ")) >= len(line) - len(line.lstrip(" "))


def _open_bracket(line: str, column: int) -> str | None:
    """The innermost [ or { still open at ``column`` of ``line`` (quotes ignored: this is a heuristic)."""
    stack: list[str] = []
    for char in line[:column]:
        if char in _CLOSERS:
            stack.append(char)
        elif char in _OPENERS and stack:
            stack.pop()
    return stack[-1] if stack else None


def _clip(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _quoted(value: str) -> str:
    """``value`` in the quotes that need no escaping, as an example of the fix."""
    value = _clip(value, 30)
    return f"'{value}'" if '"' in value else f'"{value}"'


def _width(char: str) -> int:
    """Terminal cells taken by ``char``: two for CJK and full-width forms, so the caret lines up."""
    if char == "\t":
        return 4
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _excerpt(lines: list[str], line: int, column: int) -> str:
    """The line, indented by four spaces, and a caret under ``column`` (wide characters counted twice)."""
    text = lines[line] if 0 <= line < len(lines) else ""
    if line >= len(lines) or (line == len(lines) - 1 and not text and line > 0):
        return "    （文件末尾）\n    ^"
    column = min(column, len(text))
    start = 0
    if len(text) > _WINDOW:
        start = max(0, min(column - _WINDOW // 2, len(text) - _WINDOW))
    shown = text[start : start + _WINDOW]
    before = "..." if start else ""
    after = "..." if start + _WINDOW < len(text) else ""
    display = "".join("    " if c == "\t" else (c if c.isprintable() else "?") for c in shown)
    offset = len(before) + sum(_width(c) for c in shown[: column - start])
    return f"    {before}{display}{after}\n    {' ' * offset}^"
