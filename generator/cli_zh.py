"""click in Chinese: usage errors, help headings, defaults and hints, for users who read no English.

click marks every message it shows with gettext: each of its modules does ``from gettext import gettext as
_`` (and ``ngettext``) and calls ``_("Missing option")`` when the message is needed. ``install`` replaces
those two module-level names with functions that look the English text up in the table below and fall back
to gettext (that is, to the English original) for anything the table lacks. Looking up at call time means
it does not matter whether ``install`` runs before or after the commands are declared.

A translated message is a ``str`` subclass whose ``format`` also turns click's English-style arguments
Chinese (``'--year'`` → “--year”, ``integer range`` → 整数, ``'%Y-%m-%d'`` → “YYYY-MM-DD”), so the
``{name}``/``%(name)s`` placeholders of click's own calls keep working unchanged.

What gettext does not cover is done by a help formatter (``click.Context.formatter_class``, click's own
extension point): the "用法：" prefix without a stray space, full-width colons after section headings,
``[OPTIONS]``/``COMMAND [ARGS]...`` and type names such as ``INTEGER RANGE`` in usage lines and option
lists, and column alignment that counts a Chinese character as two terminal cells.

Checked against click 8.5.1.
"""

from __future__ import annotations

import gettext
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import click
from click.formatting import iter_rows, wrap_text

# click's English messages (exactly as its modules pass them to gettext) and their Chinese.
MESSAGES: dict[str, str] = {
    # core.py
    "Aborted!": "已中止！",
    "deprecated": "已弃用",
    "Missing command.": "缺少命令。",
    "Options": "选项",
    "Positional arguments": "参数",
    "Commands": "命令",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "Got unexpected extra argument ({args})": "多余的参数：{args}",
    "Got unexpected extra arguments ({args})": "多余的参数：{args}",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "提示：命令 “{name}” 已弃用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "提示：{param_type} “{name}” 已弃用。{extra_message}",
    "Value must be an iterable.": "值必须是一组数据。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，但只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，但给了 {len} 个。",
    # decorators.py
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "直接确认，不再询问。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Show the version and exit.": "显示版本并退出。",
    "Show this message and exit.": "显示本帮助并退出。",
    # exceptions.py
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看帮助。",
    "Invalid value: {message}": "值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_kind} {param_hint} 的值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 “{name}”。",
    "No such command {name!r}.": "没有命令 “{name}”。",
    "Did you mean {possibility}?": "您是不是要输入 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（您是不是要输入其中之一：{possibilities}？）",
    "Could not open file {filename!r}: {message}": "无法打开文件 “{filename}”：{message}",
    "unknown error": "未知错误",
    # formatting.py: the full-width colon replaces click's "Usage: " (colon and space)
    "Usage:": "用法：",
    # parser.py
    "Option {name!r} does not take a value.": "选项 “{name}” 后面不能带值。",
    "Option {name!r} requires an argument.": "选项 “{name}” 后面需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 “{name}” 后面需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 “{name}” 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的第一个字符无效（{option}）",
    # types.py
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} “{filename}” 不存在。",
    "{name} {filename!r} is a file.": "“{filename}” 是一个文件，这里需要的是文件夹。",
    "{name} {filename!r} is a directory.": "“{filename}” 是一个文件夹，这里需要的是文件。",
    "{name} {filename!r} is not readable.": "{name} “{filename}” 没有读取权限。",
    "{name} {filename!r} is not writable.": "{name} “{filename}” 没有写入权限。",
    "{name} {filename!r} is not executable.": "{name} “{filename}” 不能执行。",
    "{value!r} is not a valid {number_type}.": "“{value}” 不是有效的{number_type}，请用阿拉伯数字书写。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围内（{range}）。",
    "{value!r} is not {choice}.": "“{value}” 不是可选的值，只能是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}” 不是可选的值，可选：{choices}。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} does not match the format {format}.": "“{value}” 的格式不对，应为 {format}。",
    "{value!r} does not match the formats {formats}.": "“{value}” 的格式不对，应为以下之一：{formats}。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}” 不是有效的是/否值，可用：{states}",
    "{value!r} is not a valid UUID.": "“{value}” 不是有效的 UUID。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值，但只给了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个值，但给了 {len_value} 个。",
    # termui.py, utils.py, _termui_impl.py, shell_completion.py, _winconsole.py
    "Repeat for confirmation": "请再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "Unknown color {colour!r}": "未知的颜色 “{colour}”",
    "Unknown standard stream '{name}'": "未知的标准流 “{name}”",
    "d": "天",  # days in a progress bar's time estimate
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    "Windows error: {error}": "Windows 错误：{error}",
    "Couldn't detect Bash version, shell completion is not supported.": "无法识别 Bash 版本，不支持命令补全。",
    "Shell completion is not supported for Bash versions older than 4.4.": "Bash 4.4 以下的版本不支持命令补全。",
}

# English words click puts into messages as arguments, and what they read as in the Chinese sentences.
_KINDS = {"option": "选项", "argument": "参数", "parameter": "参数"}
_PATH_KINDS = {"file": "文件", "directory": "文件夹", "path": "路径"}
_NUMBER_TYPES = {"integer": "整数", "integer range": "整数", "float": "数字", "float range": "数字"}
# strftime codes as people write dates.
_DATE_CODES = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "HH", "%M": "mm", "%S": "ss"}
# Type names click shows as an option's metavar ("--year INTEGER RANGE") and in usage lines. Patterns are
# kept as text (re compiles and caches them on first use): most runs print no help and no click message.
_METAVARS = [
    (r"\bINTEGER RANGE\b", "整数"),
    (r"\bFLOAT RANGE\b", "数字"),
    (r"\bINTEGER\b", "整数"),
    (r"\bFLOAT\b", "数字"),
    (r"\bFILENAME\b", "文件"),
    (r"\bFILE\b", "文件"),
    (r"\bDIRECTORY\b", "文件夹"),
    (r"\bPATH\b", "路径"),
    (r"\bTEXT\b", "文字"),
    (r"\bBOOLEAN\b", "是/否"),
    (r"\bOPTIONS\b", "选项"),
    (r"\bCOMMAND(\d?)\b", r"命令\1"),
    (r"\bARGS\b", "参数"),
]
_QUOTED = r"'([^'\n]*)'"
# Option names and argument metavars click quotes with repr() outside any gettext call (MissingParameter).
_QUOTED_NAME = r"'(-{1,2}[^'\s]+|[A-Z][A-Z0-9_]*|[\u4e00-\u9fff]+)'"
_CJK_END = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef”’）"

_original_gettext = gettext.gettext
_original_ngettext = gettext.ngettext

#: Names of the click modules whose gettext functions install() replaced (for tests and diagnostics).
hooked: list[str] = []


class _Message(str):
    """A translated message that formats like click's original, quoting its arguments the Chinese way."""

    __slots__ = ()

    def format(self, /, *args: Any, **kwargs: Any) -> str:
        kwargs = {key: _argument(key, value, kwargs) for key, value in kwargs.items()}
        if "param_hint" in kwargs:
            # click says "Invalid value for '--year'" for options and arguments alike; Chinese names which.
            hint = str(kwargs["param_hint"] or "")
            kwargs["param_kind"] = "选项" if hint.lstrip("“").startswith("-") else "参数"
        return str.format(self, *args, **kwargs)


def _translate(message: str) -> str:
    translated = MESSAGES.get(message)
    return _Message(translated) if translated is not None else _original_gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _translate(_original_ngettext(singular, plural, n))


def _requote(text: str) -> str:
    """``'--year' / '-y'`` → ``“--year” / “-y”``: click quotes names and values with repr()."""
    return re.sub(_QUOTED, r"“\1”", text)


def _argument(key: str, value: Any, kwargs: dict[str, Any]) -> Any:
    """One argument of a click message, in the form the Chinese sentence needs."""
    if not isinstance(value, str):
        return value
    if key in ("param_hint", "possibility", "possibilities", "choice", "choices", "decl", "decls"):
        return _requote(value)
    if key in ("format", "formats"):
        for code, readable in _DATE_CODES.items():
            value = value.replace(code, readable)
        return _requote(value)
    if key == "number_type":
        return _NUMBER_TYPES.get(value, value)
    if key == "param_type":
        return _KINDS.get(value, value)
    if key == "name" and "filename" in kwargs:
        # Path types pass their kind, title-cased ("File"); translated already when declared after install().
        return _PATH_KINDS.get(value.lower(), value)
    if key == "message":
        return _polish(value)
    return value


def _polish(message: str) -> str:
    """Chinese punctuation for messages click assembles outside gettext ("Missing option '--year'.")."""
    message = re.sub(_QUOTED_NAME, r"“\1”", message)
    message = re.sub(rf"(?<=[{_CJK_END}])\.(?=\s|$)", "。", message)
    return re.sub(r"(?<=[。！？；])[ ]+(?=\S)", "", message)


def _display_width(text: str) -> int:
    """Terminal cells ``text`` takes: Chinese characters and full-width forms take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in click.unstyle(text))


def _metavars(text: str) -> str:
    for pattern, chinese in _METAVARS:
        text = re.sub(pattern, chinese, text)
    for code, readable in _DATE_CODES.items():
        text = text.replace(code, readable)
    return text


class ChineseHelpFormatter(click.HelpFormatter):
    """click's help formatter with Chinese punctuation, type names and width-aware columns."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        # click's default prefix is "Usage: "; after a full-width colon no space is wanted.
        super().write_usage(prog, _metavars(args), _translate("Usage:") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        colon = ":" if heading.isascii() else "："
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """click's definition list, measuring the first column in terminal cells rather than characters."""
        table: Sequence[tuple[str, str]] = [(_metavars(first), _extras(second)) for first, second in rows]
        if not table:
            return
        first_col = min(max(_display_width(first) for first, _ in table), col_max) + col_spacing
        for first, second in iter_rows(table, 2):
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            width = _display_width(first)
            if width <= first_col - col_spacing:
                self.write(" " * (first_col - width))
            else:
                self.write("\n")
                self.write(" " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap_text(second, text_width, preserve_paragraphs=True).splitlines()
            if not lines:
                self.write("\n")
                continue
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


def _extras(help_text: str) -> str:
    """``[2000<=x<=2100; 必填]`` → ``[2000<=x<=2100；必填]``: click joins the extras with "; "."""
    return re.sub(r"\[([^\[\]]*)\]$", lambda m: "[" + m[1].replace("; ", "；") + "]", help_text)


def install() -> None:
    """Make click speak Chinese in this process; calling it again changes nothing.

    The click modules already imported get our gettext functions; gettext's own are replaced too, so a
    click module imported later (the progress bar's, say) binds ours when it does ``from gettext import
    gettext as _``. Importing every click module up front instead would cost a command 10 ms of imports
    (pdb among them) it never uses.
    """
    gettext.gettext = _translate
    gettext.ngettext = _ngettext  # type: ignore[assignment]  # ours takes str counts' forms as gettext's does, typed looser
    for name, module in sorted(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        changed = False
        if getattr(module, "_", None) is _original_gettext:
            module._ = _translate  # type: ignore[attr-defined]  # a module attribute mypy does not see: click's own alias
            changed = True
        if getattr(module, "ngettext", None) is _original_ngettext:
            module.ngettext = _ngettext  # type: ignore[attr-defined]  # likewise click's own import of ngettext
            changed = True
        if changed and module.__name__ not in hooked:
            hooked.append(module.__name__)
    click.Context.formatter_class = ChineseHelpFormatter
