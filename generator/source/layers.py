"""A contract year as the base contract plus the changes of every year up to it, each value located.

contract.yaml states the base contract at its top level and, under ``years.<year>``, only what changes
from that year on. Year Y's contract is the base merged with the changes of every year ≤ Y in order.
Merging follows JSON Merge Patch (RFC 7396): mappings merge key by key, ``null`` removes a key, a list
is replaced whole — except a list whose items all carry an ``id`` (or ``key``), which merges item by
item by that field. In such a list a change item may carry ``_remove: true`` (drop the item),
``_after: <id>`` or ``_before: <id>`` (place a new or moved item); an item with a new id is appended.

Every node of a merged year remembers the place in the file where its value was written, so a problem
found in the merged contract is reported at the line of the year's change, or of the base if inherited.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Problem
from generator.source.loader import Document, PathKey, format_path

# The sections a year may change; everything else in the file (history, years) is not layered.
LAYERED = ("project", "parties", "fees", "payment", "terms", "rules", "exports", "scoring", "report", "sample", "calendar",
           "statutes", "snippets", "preamble", "articles", "appendices")
# What a year states about itself (not inherited, except overrides: see ``overrides_of``).
YEAR_FIELDS = ("kind", "contract_number", "signed_on", "budget_year", "signatories", "assessment", "overrides")
IDENTITY_FIELDS = ("id", "key")
REMOVE, AFTER, BEFORE = "_remove", "_after", "_before"
CONTROL_KEYS = (REMOVE, AFTER, BEFORE)


@dataclass
class Origin:
    """Where a merged node was written (its path in the file) and where its children were."""

    src: PathKey
    kids: dict[Any, Origin] | list[Origin] | None = None

    def by_key(self) -> dict[Any, Origin]:
        """The origins of a mapping's values, by key (empty for anything else)."""
        return self.kids if isinstance(self.kids, dict) else {}

    def in_order(self) -> list[Origin]:
        """The origins of a list's items, in order (empty for anything else)."""
        return self.kids if isinstance(self.kids, list) else []


def origin_of(value: Any, src: PathKey) -> Origin:
    """The origin tree of a value exactly as written at ``src``."""
    if isinstance(value, dict):
        return Origin(src, {key: origin_of(item, (*src, key)) for key, item in value.items()})
    if isinstance(value, list):
        return Origin(src, [origin_of(item, (*src, index)) for index, item in enumerate(value)])
    return Origin(src)


@dataclass
class YearSource:
    """One contract year's merged data; every node located where it was written in the file.

    It offers the same ``data``/``mark``/``problem`` interface as a loaded Document, so the schema and
    rule checks run on a merged year exactly as on a file.
    """

    year: int
    document: Document
    data: dict[str, Any]
    origins: dict[PathKey, PathKey] = field(default_factory=dict)

    @property
    def file(self) -> str:
        """The file name used in messages."""
        return self.document.file

    def _written(self, path: PathKey) -> tuple[PathKey, PathKey]:
        """The longest prefix of merged ``path`` that was written, and where in the file it was written."""
        p = tuple(path)
        while p and p not in self.origins:
            p = p[:-1]
        return p, self.origins.get(p, p)

    def source_path(self, path: PathKey) -> PathKey:
        """The path in the file where the value at merged ``path`` (or its nearest ancestor) was written."""
        return self._written(path)[1]

    def mark(self, path: PathKey) -> tuple[int, int]:
        """Line and column where the value at merged ``path`` was written."""
        return self.document.mark(self.source_path(path))

    def problem(self, path: PathKey, message: str, severity: str = "error") -> Problem:
        """A problem with the merged contract, located at the change (or base) that wrote the value."""
        prefix, source = self._written(path)
        line, col = self.document.mark(source)
        # A path below the written node (a key the schema names but nobody wrote) keeps its merged tail.
        shown = source + tuple(path)[len(prefix):]
        return Problem(self.document.file, line, col, format_path(shown), message, severity, (self.year,))

    def problem_among(self, paths: list[PathKey], message: str, severity: str = "error") -> Problem:
        """A problem of a relation between values, located at whichever was written last (the change
        that broke it), else at the first."""
        def written_in(path: PathKey) -> int:
            source = self.source_path(path)
            return int(source[1]) if len(source) > 1 and source[0] == "years" else 0

        return self.problem(max(paths, key=written_in), message, severity)


class _Merger:
    """Applies one year's changes to the contract in force, recording origins and located problems."""

    def __init__(self, document: Document, year: int) -> None:
        self.document = document
        self.year = year
        self.problems: list[Problem] = []

    def fail(self, src: PathKey, message: str) -> None:
        line, col = self.document.mark(src)
        self.problems.append(Problem(self.document.file, line, col, format_path(src), message, "error", (self.year,)))

    def merge(self, base: Any, base_origin: Origin, patch: Any, patch_origin: Origin) -> tuple[Any, Origin]:
        if isinstance(patch, dict) and isinstance(base, dict):
            return self._mapping(base, base_origin, patch, patch_origin)
        if isinstance(patch, list) and isinstance(base, list):
            identity = identity_field(base)
            if identity and all(isinstance(item, dict) and identity in item for item in patch):
                return self._by_identity(base, base_origin, patch, patch_origin, identity)
        return self.fresh(patch, patch_origin)

    def fresh(self, patch: Any, patch_origin: Origin) -> tuple[Any, Origin]:
        """A value written whole by the change (nulls inside a new mapping mean "absent", as in RFC 7396)."""
        if isinstance(patch, dict):
            return self._mapping({}, Origin(patch_origin.src, {}), patch, patch_origin)
        return patch, patch_origin

    def _mapping(self, base: dict[str, Any], base_origin: Origin, patch: dict[str, Any],
                 patch_origin: Origin) -> tuple[dict[str, Any], Origin]:
        out = dict(base)
        kids = dict(base_origin.by_key())
        patch_kids = patch_origin.by_key()
        for key, value in patch.items():
            if key in CONTROL_KEYS:
                self.fail(patch_kids[key].src, f"“{key}” 只能写在按 id 合并的列表项中")
                continue
            if value is None:
                out.pop(key, None)
                kids.pop(key, None)
            elif key in out:
                out[key], kids[key] = self.merge(out[key], kids[key], value, patch_kids[key])
            else:
                out[key], kids[key] = self.fresh(value, patch_kids[key])
        # The mapping now holds the change's values: a problem with it as a whole belongs to the change.
        return out, Origin(patch_origin.src, kids)

    def _by_identity(self, base: list[Any], base_origin: Origin, patch: list[Any], patch_origin: Origin,
                     identity: str) -> tuple[list[Any], Origin]:
        items = list(base)
        origins = list(base_origin.in_order())
        # Fields every existing item has must be written for a new one (else the id is likely misspelt);
        # worked examples never are, as a new item may come without them.
        required = set.intersection(*(set(item) for item in base)) - {"examples"} if base else set()
        for index, change in enumerate(patch):
            change_origin = patch_origin.in_order()[index]
            ident = change[identity]
            ids = [item[identity] for item in items]
            body = {key: value for key, value in change.items() if key not in CONTROL_KEYS}
            body_origin = Origin(change_origin.src, {k: v for k, v in change_origin.by_key().items() if k not in CONTROL_KEYS})
            remove = change.get(REMOVE)
            if remove is not None and remove is not True:
                self.fail((*change_origin.src, REMOVE), f"“{REMOVE}” 只能写 true（删除这一项）")
                continue
            if remove is True:
                if ident in ids:
                    position = ids.index(ident)
                    del items[position], origins[position]
                else:
                    self.fail(change_origin.src, f"没有{identity}为 “{ident}” 的项可以删除（现有：{'、'.join(map(str, ids))}）")
                continue
            if ident in ids:
                position = ids.index(ident)
                merged, merged_origin = self.merge(items[position], origins[position], body, body_origin)
                del items[position], origins[position]
            else:
                missing = sorted(required - set(body))
                if missing:
                    self.fail(change_origin.src, (
                        f"{identity}为 “{ident}” 的项与现有各项都不匹配（现有：{'、'.join(map(str, ids))}）："
                        f"如要修改现有项请检查拼写；如要新增一项，还需写出 {'、'.join(missing)}"))
                    continue
                merged, merged_origin = self.fresh(body, body_origin)
                position = len(items)
            position = self._placement(change, change_origin, [item[identity] for item in items], identity, position)
            items.insert(position, merged)
            origins.insert(position, merged_origin)
        return items, Origin(patch_origin.src, origins)

    def _placement(self, change: Mapping[str, Any], origin: Origin, ids: list[Any], identity: str, default: int) -> int:
        for key, offset in ((AFTER, 1), (BEFORE, 0)):
            if key in change:
                anchor = change[key]
                if anchor in ids:
                    return ids.index(anchor) + offset
                self.fail((*origin.src, key), f"没有{identity}为 “{anchor}” 的项（现有：{'、'.join(map(str, ids))}）")
        return default


def merge_value(base: Any, patch: Any, name: str = "", year: int = 0) -> tuple[Any, list[Problem]]:
    """``base`` with one year's change ``patch`` applied by the rules above, and the changes that do not apply.

    The same merge as ``merged_years`` uses, for a value that is not in a file (the editor's patches).
    """
    merger = _Merger(Document(name, {}), year)
    merged, _ = merger.merge(base, origin_of(base, ("base",)), patch, origin_of(patch, ("patch",)))
    return merged, merger.problems


def identity_field(items: list[Any]) -> str | None:
    """The field that identifies the items of a list (``id`` or ``key``), when every item carries it."""
    for name in IDENTITY_FIELDS:
        if items and all(isinstance(item, dict) and name in item for item in items):
            return name
    return None


def year_keys(document: Document) -> list[int]:
    """The contract years the file defines, in order (keys that are not years are left to the schema)."""
    years = document.data.get("years") if isinstance(document.data, dict) else None
    if not isinstance(years, dict):
        return []
    return sorted(int(key) for key in years if isinstance(key, str) and key.isdigit())


def merged_years(document: Document) -> tuple[dict[int, YearSource], list[Problem]]:
    """Every year's merged contract, in year order, and the problems of changes that do not apply."""
    data = document.data if isinstance(document.data, dict) else {}
    current = {name: data[name] for name in data}
    origins = {name: origin_of(data[name], (name,)) for name in data}
    out: dict[int, YearSource] = {}
    problems: list[Problem] = []
    for year in year_keys(document):
        entry = data["years"][str(year)]
        merger = _Merger(document, year)
        if isinstance(entry, dict):
            for section in LAYERED:
                if section not in entry or entry[section] is None:
                    continue
                patch_origin = origin_of(entry[section], ("years", str(year), section))
                if section in current:
                    current[section], origins[section] = merger.merge(current[section], origins[section],
                                                                      entry[section], patch_origin)
                else:
                    current[section], origins[section] = merger.fresh(entry[section], patch_origin)
        problems += merger.problems
        out[year] = YearSource(year, document, dict(current), _flatten(current, origins))
    return out, problems


def _flatten(data: Mapping[str, Any], origins: Mapping[str, Origin]) -> dict[PathKey, PathKey]:
    flat: dict[PathKey, PathKey] = {}

    def walk(value: Any, origin: Origin, path: PathKey) -> None:
        flat[path] = origin.src
        if isinstance(value, dict) and isinstance(origin.kids, dict):
            for key, item in value.items():
                if key in origin.kids:
                    walk(item, origin.kids[key], (*path, key))
        elif isinstance(value, list) and isinstance(origin.kids, list):
            for index, item in enumerate(value):
                if index < len(origin.kids):
                    walk(item, origin.kids[index], (*path, index))

    for name, value in data.items():
        if name in origins:
            walk(value, origins[name], (name,))
    return flat


def overrides_of(document: Document, year: int) -> dict[str, tuple[str, PathKey]]:
    """Clause overrides in force in ``year``: each from the year that wrote it until changed or nulled."""
    found: dict[str, tuple[str, PathKey]] = {}
    for earlier in year_keys(document):
        if earlier > year:
            break
        entry = document.data["years"][str(earlier)]
        changes = entry.get("overrides") if isinstance(entry, dict) else None
        for name, text in (changes or {}).items():
            if text is None:
                found.pop(name, None)
            else:
                found[name] = (text, ("years", str(earlier), "overrides", name))
    return found


def show_path(path: PathKey) -> str:
    """A path of ``changed_facts`` for people: ``fees.items[id=labour].amount``."""
    out = ""
    for part in path:
        if isinstance(part, int) or (isinstance(part, str) and "=" in part):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def changed_facts(before: Any, after: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, Any, Any]]:
    """Every leaf that differs between two merged contracts: (path, old, new); lists with ids match by id."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            yield from changed_facts(before.get(key), after.get(key), (*path, key))
        return
    if isinstance(before, list) and isinstance(after, list):
        identity = identity_field(before) if identity_field(before) == identity_field(after) else None
        if identity:
            old = {item[identity]: item for item in before}
            new = {item[identity]: item for item in after}
            for ident in [*old, *(i for i in new if i not in old)]:
                yield from changed_facts(old.get(ident), new.get(ident), (*path, f"{identity}={ident}"))
            return
        if len(before) == len(after):
            for index, (a, b) in enumerate(zip(before, after, strict=True)):
                yield from changed_facts(a, b, (*path, index))
            return
    if before != after:
        yield path, before, after
