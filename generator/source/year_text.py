"""One contract year's entry in contract.yaml rewritten with new data, every line it does not change kept.

Only the text of ``years.<year>`` is touched: it is cut out, read by ruamel.yaml's round-trip loader
(which keeps comments, quotes, flow or block style and blank lines), changed value by value where the
new data differs from the old — a scalar replaced, a key added or dropped, an item of an id-merged list
matched by its id — and written back at the same indentation. Everything outside the entry stays
byte-identical by construction, and the result is read back by the project's own loader and compared
with the data it must hold before anyone may write it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from generator.errors import InputError, Problem
from generator.source.layers import IDENTITY_FIELDS
from generator.source.loader import load_bytes, reads_as_text
from generator.source.patch import same

__all__ = ["replace_year"]

# A new mapping of plain values is written on one line ({id: labour, amount: 1580000.00}) up to this width.
_FLOW_WIDTH = 100


def replace_year(text: str, name: str, year: int, entry: Mapping[str, Any]) -> str:
    """``text`` with ``years.<year>`` holding ``entry`` (the year's own fields and its changes)."""
    document = load_bytes(text.encode("utf-8"), name)
    years = document.data.get("years") if isinstance(document.data, dict) else None
    if not isinstance(years, dict) or str(year) not in years:
        raise InputError([Problem(name, 1, 1, "years", f"没有 {year} 年度")])
    old = years[str(year)]
    if same(old, entry) and list(old) == list(entry):
        return text
    lines = text.splitlines(keepends=True)
    start = document.mark(("years", str(year)))[0] - 1
    end = _block_end(lines, start)
    indent = _indent(lines[start])
    block = "".join(line[indent:] if line.strip() else line.lstrip(" ") for line in lines[start:end])
    yaml = _yaml(text)
    tree = yaml.load(block)
    key = next(iter(tree))
    tree[key] = _sync(tree[key], old, entry, top=True)
    stream = io.StringIO()
    yaml.dump(tree, stream)
    written = [(" " * indent + line if line.strip() else line) for line in stream.getvalue().splitlines(keepends=True)]
    result = "".join([*lines[:start], *written, *lines[end:]])
    _check(result, name, year, entry)
    return result


def _check(text: str, name: str, year: int, entry: Mapping[str, Any]) -> None:
    written = load_bytes(text.encode("utf-8"), name).data["years"][str(year)]
    if not same(written, entry):  # a defect of this module, never of the user's data
        raise AssertionError(f"years.{year} written as {written!r}, expected {entry!r}")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int) -> int:
    """Index after the last line of the entry whose key is on line ``start`` (its trailing comments included
    when indented deeper than the key; blank lines and shallower comments belong to what follows)."""
    own = _indent(lines[start])
    last = start
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.strip():
            if _indent(line) <= own:
                break
            last = index
    return last + 1


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never fold a long clause
    yaml.allow_unicode = True
    mapping, sequence, offset = _style(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    representer: RoundTripRepresenter = yaml.representer
    representer.add_representer(Decimal, _decimal)
    return yaml


def _decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    # Written as given (two decimals for money): the project's loader reads it back as this very Decimal.
    return representer.represent_scalar("tag:yaml.org,2002:float", f"{value:f}")


def _style(text: str) -> tuple[int, int, int]:
    """The file's indentation: of mappings, and of block sequences under a key (dash offset)."""
    lines = text.splitlines()
    mapping, sequence, offset = 2, 4, 2
    for index, line in enumerate(lines[:-1]):
        stripped = line.strip()
        if not stripped.endswith(":") or stripped.startswith(("#", "-")):
            continue
        child = next((other for other in lines[index + 1:] if other.strip() and not other.strip().startswith("#")), "")
        step = _indent(child) - _indent(line)
        if step <= 0 and not child.lstrip().startswith("- "):
            continue
        if child.lstrip().startswith("- "):
            offset = max(step, 0)
            sequence = offset + 2
            break
        mapping = step
    return mapping, sequence, offset


def _sync(node: Any, old: Any, new: Any, top: bool = False) -> Any:
    """``node`` (ruamel's view of ``old``) changed in place to hold ``new``, or a new node where it must be.

    ``top``: ``node`` is the year's entry, whose sections are written as blocks however small.
    """
    if same(old, new) and type(old) is type(new):
        return node
    if isinstance(node, CommentedMap) and isinstance(old, Mapping) and isinstance(new, Mapping):
        _sync_mapping(node, old, new, top)
        return node
    if isinstance(node, CommentedSeq) and isinstance(old, list) and isinstance(new, list):
        _sync_sequence(node, old, new)
        return node
    return _build(new, node)


def _sync_mapping(node: CommentedMap, old: Mapping[str, Any], new: Mapping[str, Any], top: bool) -> None:
    for key in [k for k in node if str(k) not in new]:
        _drop(node, key)
    keys = {str(k): k for k in node}
    for key, value in new.items():
        if key in keys:
            node[keys[key]] = _sync(node[keys[key]], old.get(key), value)
        else:
            node[key] = _build(value, block=top)


def _drop(node: CommentedMap, key: Any) -> None:
    """Delete ``key``; the comment lines that followed its value belong to what follows, so they stay.

    ruamel.yaml keeps the full-line comments after a value with that value (or with the last value
    inside it): they are handed to the next key as comments before it, or to the new last value.
    """
    keys = list(node)
    position = keys.index(key)
    lines = _tail_comments(node, key)
    del node[key]
    node.ca.items.pop(key, None)
    if not lines:
        return
    if position + 1 < len(keys):
        slot = node.ca.items.setdefault(keys[position + 1], [None, [], None, None])
        tokens = [CommentToken(line.lstrip(" ") + "\n", CommentMark(_indent(line))) for line in lines]
        slot[1] = [*tokens, *(slot[1] or [])]
    elif position > 0:
        holder, last = _last_slot(node, keys[position - 1])
        slot = holder.ca.items.setdefault(last, [None, None, None, None])
        if slot[2] is None:
            slot[2] = CommentToken("\n" + "".join(line + "\n" for line in lines), CommentMark(0))


def _tail_comments(node: Any, key: Any) -> list[str]:
    """The full-line comments (and blank lines between them) written after the value at ``key``."""
    found: list[str] = []
    holder, last = _last_slot(node, key)
    for place, slot_key in {(id(node), key): (node, key), (id(holder), last): (holder, last)}.values():
        slot = place.ca.items.get(slot_key)
        token = slot[2] if slot and len(slot) > 2 else None
        if token is not None and "\n" in token.value:
            found += token.value.split("\n", 1)[1].rstrip("\n").split("\n")
    return found


def _last_slot(node: Any, key: Any) -> tuple[Any, Any]:
    """The container and key of the last scalar written inside ``node[key]`` (``node, key`` for a scalar)."""
    value = node[key]
    while isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
        node, key = value, (list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1)
        value = node[key]
    return node, key


def _identity(items: list[Any]) -> str | None:
    for name in IDENTITY_FIELDS:
        if items and all(isinstance(item, Mapping) and name in item for item in items):
            return name
    return None


def _sync_sequence(node: CommentedSeq, old: list[Any], new: list[Any]) -> None:
    identity = _identity(old) if _identity(old) == _identity(new) else None
    if identity is None:
        for index, value in enumerate(new):
            if index < len(old):
                node[index] = _sync(node[index], old[index], value)
            else:
                node.append(_build(value))
        for index in range(len(node) - 1, len(new) - 1, -1):
            del node[index]
        return
    # Items of an id-merged change are matched by id (and whether they remove), kept in the new order.
    def ident(item: Mapping[str, Any]) -> tuple[Any, bool]:
        return item[identity], bool(item.get("_remove"))

    olds = {ident(item): index for index, item in enumerate(old)}
    wanted = [ident(item) for item in new]
    for index in range(len(old) - 1, -1, -1):
        if ident(old[index]) not in wanted:
            del node[index]
    order = [ident(item) for item in old if ident(item) in wanted]
    for position, item in enumerate(new):
        key = ident(item)
        if key in olds:
            current = order.index(key)
            value = _sync(node[current], old[olds[key]], item)
            if current != position:
                del node[current]
                order.pop(current)
                node.insert(position, value)
                order.insert(position, key)
            else:
                node[current] = value
        else:
            node.insert(position, _build(item))
            order.insert(position, key)


def _build(value: Any, like: Any = None, block: bool = False) -> Any:
    """A new node for ``value``: small mappings and lists of plain values on one line, as people write them."""
    if isinstance(value, Mapping):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _build(item)
        if not block and ((_plain_values(value.values()) and _flow_length(value) <= _FLOW_WIDTH) or _is_flow(like)):
            node.fa.set_flow_style()
        else:
            node.fa.set_block_style()
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_build(item) for item in value)
        if _plain_values(value) or _is_flow(like):
            seq.fa.set_flow_style()
        else:
            seq.fa.set_block_style()
        return seq
    if isinstance(value, str) and isinstance(like, str) and type(like) is not str:
        return type(like)(value)  # keep the quotes of the value it replaces
    if isinstance(value, str) and not reads_as_text(value):
        # ruamel writes unquoted what YAML 1.2 reads as text; the project's loader is stricter on a few such
        # words ("+.5e3" is refused as a number): quote whatever it would not read back as this very text.
        return DoubleQuotedScalarString(value)
    return value


def _is_flow(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node.fa.flow_style())


def _plain_values(values: Any) -> bool:
    return all(not isinstance(v, Mapping | list | tuple) or (isinstance(v, list | tuple) and _plain_values(v))
               for v in values)


def _flow_length(value: Mapping[str, Any]) -> int:
    return sum(len(str(k)) + len(str(v)) + 4 for k, v in value.items()) + 2
