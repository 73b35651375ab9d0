"""Safe YAML loading that keeps line marks.

The tree is built from PyYAML's event stream rather than its composer and constructors, so that
nothing recursive ever sees hostile nesting, anchors and aliases are refused before anything can
expand them, duplicate keys are errors, and scalars resolve by a small YAML-1.2-like rule set
(``NO`` stays a string, ``010`` is refused, dates stay strings, numbers with a point are Decimal).
"""

from __future__ import annotations

import errno
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.errors import InputError, Problem

# PyYAML is imported when a file is parsed, not with this module. None: libyaml's parser when there is one.
_PARSER: Any = None

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000
# 15 digits hold any amount in fen below a trillion yuan; more is a typing mistake, not a budget.
MAX_DIGITS = 15

PathKey = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_DECIMAL = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)")
# A number in scientific notation has a digit before its exponent: "1e5" and ".5E3" are refused, "E5" is text.
_FLOATY = re.compile(r"[-+]?([0-9][0-9_]*\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+|[-+]?\.(inf|Inf|INF|nan|NaN|NAN)")
_NULL_WORDS = ("", "~", "null", "Null", "NULL")
_TRUE_WORDS = ("true", "True", "TRUE")
_FALSE_WORDS = ("false", "False", "FALSE")
_WORD_VALUES = {"null": None, "true": True, "false": False}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass
class Document:
    """A loaded YAML file: plain data plus the line/column of every node by its path."""

    file: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def mark(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the node at ``path``, or of its nearest ancestor."""
        p = tuple(path)
        while p and p not in self.marks:
            p = p[:-1]
        return self.marks.get(p, (1, 1))

    def problem(self, path: PathKey, message: str, severity: str = "error") -> Problem:
        """A Problem located at ``path`` in this file."""
        line, col = self.mark(path)
        return Problem(self.file, line, col, format_path(path), message, severity)


def format_path(path: PathKey) -> str:
    """``('fees', 'items', 0, 'amount')`` → ``fees.items[0].amount``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _position(event: Any) -> tuple[int, int]:
    """Line and column (from 1) where a parser event starts."""
    return event.start_mark.line + 1, event.start_mark.column + 1


def read_bounded(path: Path, name: str, limit: int = MAX_BYTES) -> bytes:
    """A regular file's bytes, refused before reading when it is too large or not a file at all.

    The size is checked with stat and again by reading at most ``limit`` + 1 bytes, so neither a
    device such as /dev/zero nor a file growing while it is read can make the tool eat memory.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError([Problem(name, 1, 1, "", "不是普通文件（目录、设备、管道等不能作为输入）")])
        if info.st_size > limit:
            raise InputError([Problem(name, 1, 1, "", f"文件过大（{info.st_size} 字节，上限 {limit} 字节）")])
        with path.open("rb") as stream:
            raw = stream.read(limit + 1)
    except OSError as exc:
        raise InputError([Problem(name, 1, 1, "", f"无法读取文件：{os_reason(exc)}")]) from None
    if len(raw) > limit:
        raise InputError([Problem(name, 1, 1, "", f"文件过大（超过 {limit} 字节）")])
    return raw


def load_file(path: Path, display_name: str | None = None) -> Document:
    """Read and parse one YAML file safely; raise InputError on anything malformed."""
    name = display_name or str(path)
    return load_bytes(read_bounded(path, name), name)


_REASONS = {errno.ENOENT: "文件不存在", errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限",
            errno.EISDIR: "这是一个目录，不是文件", errno.ENOTDIR: "路径中有一部分不是目录"}


def os_reason(exc: OSError) -> str:
    """An operating-system error in Chinese (the system's own text is English on most machines)."""
    return _REASONS.get(exc.errno or 0, f"系统错误（{exc.strerror or exc}）")


def load_bytes(raw: bytes, name: str) -> Document:
    """Parse YAML bytes (UTF-8 only) into a Document."""
    if len(raw) > MAX_BYTES:
        raise InputError([Problem(name, 1, 1, "", f"文件过大（{len(raw)} 字节，上限 {MAX_BYTES} 字节）")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [Problem(name, line, 1, "", "文件不是 UTF-8 编码（可能是 GBK/GB18030），请在编辑器中另存为 UTF-8")]
        ) from None
    return _Builder(name).build(text)


def _plain_kind(text: str) -> str:
    """What an unquoted scalar is read as: null, true, false, leading_zero, int, decimal, floaty or text."""
    if text in _NULL_WORDS:
        return "null"
    if text in _TRUE_WORDS:
        return "true"
    if text in _FALSE_WORDS:
        return "false"
    if _LEADING_ZERO.fullmatch(text):
        return "leading_zero"
    if _INT.fullmatch(text):
        return "int"
    if _DECIMAL.fullmatch(text):
        return "decimal"
    if _FLOATY.fullmatch(text):
        return "floaty"
    return "text"


def reads_as_text(text: str) -> bool:
    """Whether ``text``, written unquoted, is read back by this loader as that very text (not a number, a
    truth value, nothing, or a refusal): what a writer of contract.yaml must quote otherwise."""
    return _plain_kind(text) == "text"


class _Builder:
    """Turns the event stream into Python data, recording marks and refusing what is unsafe."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.marks: dict[PathKey, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.nodes = 0

    def fail(self, event: Any, message: str, path: PathKey = ()) -> InputError:
        mark = event.start_mark
        return InputError([Problem(self.name, mark.line + 1, mark.column + 1, format_path(path), message)])

    def build(self, text: str) -> Document:
        import yaml

        # libyaml's event parser is iterative (no recursion to exhaust) and ten times faster than PyYAML's.
        parser = _PARSER or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        self.lines = text.splitlines()
        # Each stack frame: [container, path, pending_key, key_event]
        stack: list[list[Any]] = []
        root: Any = None
        documents = 0
        try:
            for event in yaml.parse(text, Loader=parser):
                if isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        raise self.fail(event, "一个文件只能包含一个 YAML 文档（发现了 “---” 分隔的第二个文档）")
                    continue
                if isinstance(event, yaml.AliasEvent):
                    raise self.fail(event, "不允许使用 YAML 别名（*引用）：请直接写出内容", self._path(stack))
                if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                    raise self.fail(event, "不允许使用 YAML 锚点（&定义）：请直接写出内容", self._path(stack))
                if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                    self._check_tag(event, stack)
                    if len(stack) >= MAX_DEPTH:
                        raise self.fail(event, f"嵌套层级过深（超过 {MAX_DEPTH} 层）", self._path(stack))
                    container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                    path = self._place(stack, container, event)
                    if path is None:
                        continue
                    stack.append([container, path, None, None])
                elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                    done = stack.pop()
                    if not stack:
                        root = done[0]
                elif isinstance(event, yaml.ScalarEvent):
                    self._check_tag(event, stack)
                    value = self._scalar(event, stack)
                    if not stack:
                        root = value
                        self.marks[()] = _position(event)
                    else:
                        self._place(stack, value, event)
        except yaml.MarkedYAMLError as exc:
            # Newer libyaml scanners enforce their own nesting limit before our event count reaches ours.
            if "nesting depth" in str(exc.problem or exc):
                mark = exc.problem_mark or exc.context_mark
                line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                message = f"嵌套层级过深（超过 {MAX_DEPTH} 层）"
            else:
                # The parser's mark is often a line after the real mistake, and its wording is English.
                from generator.source.yaml_errors import explain

                line, col, message = explain(exc, text)
            raise InputError([Problem(self.name, line, col, "", message)]) from None
        except yaml.reader.ReaderError as exc:
            from generator.source.yaml_errors import explain_reader_error

            line, col, message = explain_reader_error(exc, text)
            raise InputError([Problem(self.name, line, col, "", message)]) from None
        except yaml.YAMLError as exc:
            raise InputError([Problem(self.name, 1, 1, "", f"YAML 格式错误：{exc}")]) from None
        if self.problems:
            raise InputError(self.problems)
        return Document(self.name, root, self.marks)

    @staticmethod
    def _path(stack: list[list[Any]]) -> PathKey:
        if not stack:
            return ()
        container, path, key, _ = stack[-1]
        if isinstance(container, dict):
            return (*path, key) if key is not None else path
        return (*path, len(container))

    def _place(self, stack: list[list[Any]], value: Any, event: Any) -> PathKey | None:
        """Put ``value`` where the top frame expects it; return its path (None when it was a key)."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(event, f"文件节点数过多（超过 {MAX_NODES} 个）")
        mark = _position(event)
        if not stack:
            self.marks[()] = mark
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = (*path, len(container))
            container.append(value)
            self.marks[child] = mark
            return child
        if frame[2] is None:
            if not isinstance(value, str | int | bool) or isinstance(value, dict | list):
                raise self.fail(event, "映射的键必须是简单的文字（以 “{{” 开头的文字会被当作映射，请给整段文字加引号）", path)
            key = str(value)
            if key in container:
                first = self.marks.get((*path, key), (0, 0))[0]
                raise self.fail(
                    event, f"重复的键 “{key}”：第 {first} 行已定义过，第 {mark[0]} 行又定义了一次", (*path, key)
                )
            frame[2], frame[3] = key, mark
            return None
        key = frame[2]
        child = (*path, key)
        container[key] = value
        # A mapping value is located at its key, which is where a reader looks for it.
        self.marks[child] = frame[3]
        frame[2] = None
        return child

    def _check_tag(self, event: Any, stack: list[list[Any]]) -> None:
        tag = event.tag
        if tag in (None, "!") or tag in _CORE_TAGS:
            return
        raise self.fail(event, f"不支持的 YAML 标签 “{tag}”：只允许普通文字、数字、列表和映射", self._path(stack))

    def _scalar(self, event: Any, stack: list[list[Any]]) -> Any:
        text: str = event.value
        if not event.style and not text.isascii() and self._comment_follows(event):
            raise self.fail(event, "这段文字后面的 “ #” 会被 YAML 当作注释，其后的文字被截掉了：请给整段文字加引号",
                            self._path(stack))
        if _XML_ILLEGAL.search(text):
            raise self.fail(event, "文字中含有不可见的控制字符，Word 文档无法保存，请删除", self._path(stack))
        tag = event.tag
        if tag == "tag:yaml.org,2002:str" or (tag is None and not event.implicit[0]) or tag == "!":
            return text
        return self._resolve_plain(text, event, stack)

    def _comment_follows(self, event: Any) -> bool:
        """Whether a plain scalar is followed by `` #`` glued to more text (YAML drops the rest silently).

        In clause text such as ``第 #1 号`` or ``提前 #2 日`` the ``#`` is a number sign, and YAML cuts the
        sentence there without a word. An end-of-line comment is written ``# 说明``: a space (or nothing, or
        more ``#``) after the ``#``, as everywhere in contract.yaml. So only a ``#`` directly followed by
        other text counts as cut-off text; ``kind: 续签  # 注释`` is an ordinary comment.
        """
        end = event.end_mark
        line = self.lines[end.line] if end.line < len(self.lines) else ""
        rest = line[end.column :].lstrip()
        return rest.startswith("#") and len(rest) > 1 and not rest[1].isspace() and rest[1] != "#"

    def _resolve_plain(self, text: str, event: Any, stack: list[list[Any]]) -> Any:
        kind = _plain_kind(text)
        if kind == "text":
            return text
        if kind in _WORD_VALUES:
            return _WORD_VALUES[kind]
        if kind == "leading_zero":
            raise self.fail(
                event, f"“{text}” 以 0 开头，含义不明确：编号或号码请加引号写成 \"{text}\"", self._path(stack)
            )
        if kind == "floaty":
            raise self.fail(event, f"不支持科学计数法或特殊数值 “{text}”，请写成普通数字", self._path(stack))
        digits = len(text.lstrip("+-").split(".")[0])
        if digits > MAX_DIGITS or len(text) > MAX_DIGITS + 12:
            raise self.fail(event, f"数字 “{text[:30]}…” 位数过多（整数部分最多 {MAX_DIGITS} 位）", self._path(stack))
        return int(text) if kind == "int" else Decimal(text)
