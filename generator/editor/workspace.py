"""What the editor page asks of contract.yaml, as functions of its text: no HTTP, nothing kept between calls.

A year is shown as its merged contract (what it inherits plus its own changes), and an edit arrives as
the desired merged sections plus the year's own facts. From them ``propose`` makes the new text (the
smallest change under ``years.<y>``, see ``source.patch`` and ``source.year_text``), and ``examine``
tells what `gen validate` says of it, each problem at the field of the merged year it concerns, what
the year changes against the year before, and the values behind each clause placeholder.
"""

from __future__ import annotations

import copy
import hashlib
import re
import textwrap
from collections.abc import Iterator, Mapping
from typing import Any

from generator import api
from generator.documents.redline import shown_value
from generator.editor.chips import placeholder_chips
from generator.editor.forms import ENTRY_FIELDS, TABS, label_of
from generator.errors import GenError, InputError, Problem
from generator.rules.model import Contract
from generator.source.layers import LAYERED, YearSource, changed_facts, merge_value, merged_years
from generator.source.loader import Document, PathKey, format_path, load_bytes
from generator.source.patch import conform_numbers, same, year_patch
from generator.source.year_text import replace_year

__all__ = ["EditorError", "apply_fix", "digest", "examine", "is_signed", "overview", "propose", "revert", "same_data",
           "year_view"]

_PART = re.compile(r"([^.\[\]]+)|\[([^\]]+)\]")
SHOWN = tuple(section for _, _, sections in TABS for section in sections if section != "entry")


class EditorError(GenError):
    """A request the editor cannot carry out, told to the page in Chinese."""


def digest(text: str) -> str:
    """What the page holds a file by: the sha256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _document(text: str, name: str) -> Document:
    return load_bytes(text.encode("utf-8"), name)


def is_signed(entry: Mapping[str, Any]) -> bool:
    """A year is signed, and read-only here, once it records a signing date, a contract number or an assessment.

    The buyer assigns the number when both sides sign, and only a year in force is assessed; a year
    still being prepared has none of the three.
    """
    return bool(entry.get("signed_on") or entry.get("contract_number") or entry.get("assessment"))


def overview(text: str, name: str) -> dict[str, Any]:
    """The file's years as the page lists them: which are signed, by whom and when."""
    document = _document(text, name)
    years = document.data.get("years") if isinstance(document.data, dict) else None
    if not isinstance(years, dict) or not years:
        raise EditorError(f"{name} 中没有 years 部分，无法编辑年度")
    listed = []
    for key in sorted(years, key=str):
        entry: dict[str, Any] = years[key] if isinstance(years[key], dict) else {}
        written = entry.get("signatories")
        signatories: dict[str, Any] = written if isinstance(written, dict) else {}
        listed.append({"year": int(key), "signed": is_signed(entry), "kind": entry.get("kind"),
                       "contract_number": entry.get("contract_number") or "", "signed_on": entry.get("signed_on") or "",
                       "buyer": signatories.get("buyer", ""), "supplier": signatories.get("supplier", ""),
                       "assessed": bool(entry.get("assessment"))})
    return {"file": name, "digest": digest(text), "years": listed, "next_year": max(y["year"] for y in listed) + 1}


def _years(document: Document) -> dict[int, YearSource]:
    sources, _ = merged_years(document)
    if not sources:
        raise EditorError("合同中没有任何年度")
    return sources


def _inherited(document: Document, sources: Mapping[int, YearSource], year: int) -> dict[str, Any]:
    earlier = [y for y in sources if y < year]
    if earlier:
        return dict(sources[max(earlier)].data)
    return {s: document.data[s] for s in LAYERED if s in document.data}


def year_view(text: str, name: str, year: int) -> dict[str, Any]:
    """Everything the page shows of ``year`` as saved: its sections, its own facts, and what is said of them."""
    document = _document(text, name)
    sources = _years(document)
    if year not in sources:
        raise EditorError(f"{name} 中没有 {year} 年度（已有：{'、'.join(map(str, sources))}）")
    entry = document.data["years"][str(year)]
    earlier = [y for y in sources if y < year]
    view = {
        "year": year, "digest": digest(text), "signed": is_signed(entry),
        "inherits_from": max(earlier) if earlier else None,
        "entry": {f: entry[f] for f in ENTRY_FIELDS if f in entry},
        "sections": {s: sources[year].data[s] for s in SHOWN if s in sources[year].data},
    }
    return {**view, **examine(text, name, year, text)}


def _entry(document: Document, year: int, own: Mapping[str, Any], sections: Mapping[str, Any]) -> dict[str, Any]:
    """The new ``years.<year>``: its own facts as edited, the changes of the shown sections recomputed,
    everything else it writes (overrides, comments' places) as it was."""
    sources = _years(document)
    old = document.data["years"][str(year)]
    inherited = _inherited(document, sources, year)
    current = sources[year].data
    wanted = {s: conform_numbers(sections[s], current.get(s)) for s in SHOWN if s in sections}
    facts: dict[str, Any] = {}
    for field in ENTRY_FIELDS:
        if field not in own:
            if field in old:
                facts[field] = old[field]
        elif own[field] is not None and (own[field] != "" or field == "contract_number"):
            facts[field] = conform_numbers(own[field], old.get(field))
    changes = year_patch({s: inherited[s] for s in wanted if s in inherited}, wanted)
    entry: dict[str, Any] = {}
    for key, value in old.items():
        if key in ENTRY_FIELDS:
            if key in facts:
                entry[key] = facts[key]
        elif key not in wanted:
            entry[key] = value
        elif key in changes:
            entry[key] = _kept(value, changes[key], current.get(key), wanted[key])
    entry.update({k: v for k, v in facts.items() if k not in entry})
    entry.update({s: changes[s] for s in LAYERED if s in changes and s not in entry})
    return entry


def _kept(written: Any, change: Any, current: Any, wanted: Any) -> Any:
    """A section's new change keeping what the year wrote for the keys the user did not touch."""
    if not (isinstance(written, dict) and isinstance(change, dict) and isinstance(current, Mapping)
            and isinstance(wanted, Mapping)):
        return change
    out = dict(change)
    for key, value in written.items():
        untouched = key in current and key in wanted and same_data(current[key], wanted[key])
        if untouched:
            out[key] = value
    return {k: out[k] for k in [*written, *change] if k in out}


def same_data(a: Any, b: Any) -> bool:
    """Equal as contract data (numbers by value, keys in any order)."""
    return same(a, b)


def propose(text: str, name: str, year: int, own: Mapping[str, Any], sections: Mapping[str, Any]) -> str:
    """The text of contract.yaml with ``year`` holding the edited facts and sections; other lines untouched."""
    document = _document(text, name)
    if str(year) not in (document.data.get("years") or {}):
        raise EditorError(f"{name} 中没有 {year} 年度")
    if is_signed(document.data["years"][str(year)]):
        raise EditorError(f"{year} 年度已签订，不能在编辑器中修改")
    unknown = sorted(set(sections) - set(SHOWN))
    if unknown:
        raise EditorError(f"不认识的部分：{'、'.join(unknown)}")
    return replace_year(text, name, year, _entry(document, year, own, sections))


def examine(text: str, name: str, year: int, proposed: str) -> dict[str, Any]:
    """What `gen validate` says of the proposed text, attached to the fields of ``year``; the year's changes
    against the year before; the placeholders of its clause texts; the lines ``years.<year>`` will hold."""
    contract, problems = api.check_text(proposed, name)
    document = _document(proposed, name)
    sources = _years(document)
    source = sources[year]
    places = {format_path(written): merged for merged, written in source.origins.items() if merged[0] in SHOWN}
    inherited = _inherited(document, sources, year)
    return {
        "valid": contract is not None,
        "problems": [_problem(p, year, places) for p in problems],
        "changes": list(_changes(inherited, source.data)),
        "chips": placeholder_chips(contract, year, source) if contract is not None else {},
        "yaml": _block(proposed, document, year),
        "unchanged": proposed == text,
    }


def _problem(problem: Problem, year: int, places: Mapping[str, PathKey]) -> dict[str, Any]:
    target = _parse(problem.target) if problem.target else places.get(problem.path)
    own = f"years.{year}"
    if target is None and problem.path == own:
        target = ("entry",)
    elif target is None and problem.path.startswith(own + ".") and _parse(problem.path)[2] in ENTRY_FIELDS:
        target = ("entry", *_parse(problem.path)[2:])
    elsewhere = problem.path.startswith("years.") and not (problem.path + ".").startswith(own + ".")
    return {
        "severity": problem.severity, "message": problem.message, "location": f"{problem.file}:{problem.line}:{problem.column}",
        "path": problem.path, "other_year": (bool(problem.years) and year not in problem.years) or elsewhere,
        "years": list(problem.years), "where": _where(target), "fix": problem.fix, "target": format_path(target or ()),
    }


def _parse(path: str) -> PathKey:
    parts: list[Any] = []
    for name, index in _PART.findall(path):
        parts.append(name if name else (int(index) if index.isdigit() else index))
    return tuple(parts)


def _where(path: PathKey | None) -> dict[str, str] | None:
    """The form field of a merged path: its section and the form library's path (``fees.items.0.amount``)."""
    if not path or not isinstance(path[0], str):
        return None
    return {"section": path[0], "path": ".".join(map(str, path))}


def _changes(inherited: Mapping[str, Any], current: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for section in SHOWN:
        if section not in current:
            continue
        for path, old, new in changed_facts(inherited.get(section), current[section], (section,)):
            indexed = _indexed(current, path)
            name = _item_name(current, path) or _item_name(inherited, path)
            yield {"path": format_path(indexed) if indexed else _show(path), "key": list(map(str, path)),
                   "label": label_of(_schema_path(path), name), "old": shown_value(old), "new": shown_value(new),
                   "kind": "added" if old is None else ("removed" if new is None else "changed"),
                   "where": _where(indexed)}


def _show(path: PathKey) -> str:
    from generator.source.layers import show_path

    return show_path(path)


def _schema_path(path: PathKey) -> PathKey:
    return tuple(0 if isinstance(p, str) and "=" in p else p for p in path)


def _indexed(data: Any, path: PathKey) -> PathKey | None:
    """``fees.items[id=labour].amount`` as the index path of ``data`` (None where it is not in ``data``)."""
    out: list[Any] = []
    node = data
    for part in path:
        if isinstance(part, str) and "=" in part and isinstance(node, list):
            field, _, ident = part.partition("=")
            index = next((i for i, item in enumerate(node) if isinstance(item, dict) and str(item.get(field)) == ident), None)
            if index is None:
                return None
            out.append(index)
            node = node[index]
        elif _has(node, part):
            out.append(part)
            node = node[part]
        else:
            return None
    return tuple(out)


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, Mapping):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _item_name(data: Any, path: PathKey) -> str:
    node = data
    name = ""
    for part in path:
        if isinstance(part, str) and "=" in part and isinstance(node, list):
            field, _, ident = part.partition("=")
            node = next((i for i in node if isinstance(i, dict) and str(i.get(field)) == ident), None)
            if not isinstance(node, dict):
                return name
            name = str(node.get("name") or node.get("title") or ident)
        elif isinstance(node, Mapping):
            node = node.get(part)
        else:
            return name
    return name


def _block(text: str, document: Document, year: int) -> str:
    """The lines of ``years.<year>`` as the file holds them."""
    lines = text.splitlines(keepends=True)
    start = document.mark(("years", str(year)))[0] - 1
    own = len(lines[start]) - len(lines[start].lstrip(" "))
    end = start + 1
    last = start
    while end < len(lines):
        if lines[end].strip():
            if len(lines[end]) - len(lines[end].lstrip(" ")) <= own:
                break
            last = end
        end += 1
    return textwrap.dedent("".join(lines[start:last + 1]))


def revert(text: str, name: str, year: int, sections: Mapping[str, Any], key: list[str]) -> dict[str, Any]:
    """The sections with the change at ``key`` (a path of ``changes``) undone: the inherited value back."""
    document = _document(text, name)
    sources = _years(document)
    inherited = _inherited(document, sources, year)
    path: list[Any] = [int(p) if p.isdigit() else p for p in key]
    if not path or path[0] not in sections:
        raise EditorError("要恢复的内容不在本年度中")
    out = copy.deepcopy(dict(sections))
    out[path[0]] = _undo(inherited.get(path[0]), out[path[0]], path[1:])
    return out


def _undo(old: Any, new: Any, path: list[Any]) -> Any:
    if not path:
        return copy.deepcopy(old)
    head, rest = path[0], path[1:]
    if isinstance(head, str) and "=" in head and isinstance(new, list):
        field, _, ident = head.partition("=")
        olds = old if isinstance(old, list) else []
        before = next((i for i in olds if isinstance(i, dict) and str(i.get(field)) == ident), None)
        at = next((n for n, i in enumerate(new) if isinstance(i, dict) and str(i.get(field)) == ident), None)
        if at is None:
            if before is not None:
                new.insert(_position(olds, new, before, field), copy.deepcopy(before))
        elif before is None and not rest:
            del new[at]
        else:
            new[at] = _undo(before, new[at], rest)
        return new
    if isinstance(new, dict):
        earlier: Mapping[str, Any] = old if isinstance(old, Mapping) else {}
        if not rest and head not in earlier:
            new.pop(head, None)
        else:
            new[head] = _undo(earlier.get(head), new.get(head), rest)
        return new
    if isinstance(new, list) and isinstance(head, int) and head < len(new):
        new[head] = _undo(old[head] if isinstance(old, list) and head < len(old) else None, new[head], rest)
        return new
    return copy.deepcopy(old)


def _position(olds: list[Any], new: list[Any], item: Any, field: str) -> int:
    """Where an item dropped from ``new`` goes back: after the nearest item that was before it and is still there."""
    index = olds.index(item)
    present = [str(i.get(field)) for i in new if isinstance(i, dict)]
    for earlier in reversed(olds[:index]):
        if str(earlier.get(field)) in present:
            return present.index(str(earlier.get(field))) + 1
    return 0


def apply_fix(sections: Mapping[str, Any], year: int, target: str, fix: str) -> dict[str, Any]:
    """The sections with a problem's offered fix applied: lines for ``years.<year>`` (merged as that year's
    change would be) or one ``field: value`` line for the field at ``target``."""
    try:
        data = load_bytes(textwrap.dedent(fix).encode("utf-8"), "fix").data
    except InputError:
        raise EditorError("这条建议不是可以直接采用的数据，请按提示手动修改") from None
    if isinstance(data, dict) and set(map(str, data)) == {str(year)} and isinstance(data[str(year)], dict):
        data = data[str(year)]
    out = copy.deepcopy(dict(sections))
    if isinstance(data, dict) and data and set(data) <= set(SHOWN):
        for section, change in data.items():
            merged, problems = merge_value(out.get(section), change, "fix", year)
            if problems:
                raise EditorError("这条建议与本年度的数据对不上，请按提示手动修改")
            out[section] = merged
        return out
    path = _parse(target)
    if isinstance(data, dict) and len(data) == 1 and path and str(path[-1]) == str(next(iter(data))):
        node: Any = out
        for part in path[:-1]:
            node = node[part] if isinstance(node, dict) or isinstance(part, int) else None
            if node is None:
                break
        if isinstance(node, dict):
            node[path[-1]] = next(iter(data.values()))
            return out
    raise EditorError("这条建议不是可以直接采用的数据，请按提示手动修改")


def contract_of(text: str, name: str) -> Contract:
    """The validated contract of ``text``; its problems raise as they would in `gen validate`."""
    contract, problems = api.check_text(text, name)
    if contract is None:
        raise InputError([p for p in problems if p.severity == "error"])
    return contract
