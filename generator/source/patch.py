"""The change a year must write so that the contract it inherits becomes the contract wanted: layers inverted.

``layers`` merges a year's change onto what the year inherits; ``year_patch`` finds the smallest change
that gives a desired merged year, so that an editor of merged years never shows the merge rules to its
user: mappings differ key by key (``null`` for a key that goes), a list is written whole, except a list
whose items carry an ``id`` (or ``key``), which differs item by item — a changed item writes its id and
what changed, a new item is written whole, a dropped one is ``{id: x, _remove: true}``, and an item out
of its inherited order is placed with ``_after`` (or ``_before`` at the head). Merging the inherited
contract with the result gives the desired one (``merge_value``), which the tests check for any data.

``None`` in desired data means "absent", as it does in a change (RFC 7396 cannot set a value to null).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from generator.source.layers import AFTER, BEFORE, REMOVE, identity_field

__all__ = ["NO_CHANGE", "Unrepresentable", "conform_numbers", "same", "value_patch", "year_patch"]


class Unrepresentable(ValueError):
    """Desired data that no change can produce (two items of an id-merged list with the same id)."""


class _NoChange:
    """What ``value_patch`` gives when the desired value is the inherited one: nothing to write."""

    def __repr__(self) -> str:
        return "NO_CHANGE"


NO_CHANGE = _UNCHANGED = _NoChange()


def same(a: Any, b: Any) -> bool:
    """Equal as contract data: numbers by value (1900000 is 1900000.00), but a boolean is never a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal):
        return Decimal(str(a)) == Decimal(str(b)) if isinstance(a, float) or isinstance(b, float) else a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        a_keys = [k for k, v in a.items() if v is not None]
        b_keys = [k for k, v in b.items() if v is not None]
        # Key order is the inherited one whatever a change writes, so it is not part of the data.
        return len(a_keys) == len(b_keys) and set(a_keys) == set(b_keys) and all(same(a[k], b[k]) for k in a_keys)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def year_patch(inherited: Mapping[str, Any], desired: Mapping[str, Any]) -> dict[str, Any]:
    """The change of each section (``fees``, ``scoring`` …) that turns ``inherited`` into ``desired``.

    A section is never removed by a year (a ``null`` section is ignored by the merge), so one that is
    absent from ``desired`` is left as inherited.
    """
    out: dict[str, Any] = {}
    for section, value in desired.items():
        if value is None:
            continue
        change = _diff(inherited[section], value) if section in inherited else _fresh(value)
        if change is not _UNCHANGED:
            out[section] = change
    return out


def value_patch(base: Any, desired: Any) -> Any:
    """The change that merges ``base`` into ``desired``; ``NO_CHANGE`` when there is none to write."""
    return _diff(base, desired)


def _diff(base: Any, desired: Any) -> Any:
    if same(base, desired):
        return _UNCHANGED
    if isinstance(base, Mapping) and isinstance(desired, Mapping):
        return _mapping(base, desired)
    if isinstance(base, list) and isinstance(desired, list):
        identity = identity_field(base)
        if identity and all(isinstance(item, Mapping) and identity in item for item in desired):
            return _by_identity(base, desired, identity)
    return _fresh(desired)


def _fresh(value: Any) -> Any:
    """A value written whole (absent keys simply not written)."""
    if isinstance(value, Mapping):
        return {key: _fresh(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_fresh(item) for item in value]
    return value


def _mapping(base: Mapping[str, Any], desired: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {key: None for key, value in base.items()
                           if value is not None and desired.get(key) is None}
    for key, value in desired.items():
        if value is None:
            continue
        change = _diff(base[key], value) if base.get(key) is not None else _fresh(value)
        if change is not _UNCHANGED:
            out[key] = change
    return out


def _by_identity(base: Sequence[Mapping[str, Any]], desired: Sequence[Mapping[str, Any]], identity: str) -> Any:
    wanted = [item[identity] for item in desired]
    if len(set(map(_hashable, wanted))) != len(wanted):
        raise Unrepresentable(f"列表中有重复的 {identity}：每一项的 {identity} 必须不同")
    old = {_hashable(item[identity]): item for item in base}
    kept = [ident for ident in wanted if _hashable(ident) in old]
    stay = _steady(kept, [_hashable(item[identity]) for item in base])
    out: list[dict[str, Any]] = [{identity: item[identity], REMOVE: True} for item in base
                                 if _hashable(item[identity]) not in set(map(_hashable, wanted))]
    # The order the merge works on: the inherited one, without the dropped items.
    current = [_hashable(item[identity]) for item in base if _hashable(item[identity]) in set(map(_hashable, kept))]
    order = {_hashable(ident): position for position, ident in enumerate(wanted)}
    settled: set[Any] = set(stay)
    for position, item in enumerate(desired):
        ident, key = item[identity], _hashable(item[identity])
        if key in old:
            body = _diff({k: v for k, v in old[key].items() if k != identity},
                         {k: v for k, v in item.items() if k != identity})
            entry = {identity: ident, **({} if body is _UNCHANGED else body)}
        else:
            entry = {identity: ident, **_fresh({k: v for k, v in item.items() if k != identity})}
            current.append(key)  # where the merge puts a new item
        placement = None if key in stay else _placement(current, key, order, settled, wanted, position)
        if placement:
            anchor_key, anchor = placement
            current.remove(key)
            at = current.index(_hashable(anchor)) + (1 if anchor_key == AFTER else 0)
            current.insert(at, key)
            entry = {identity: ident, anchor_key: anchor, **{k: v for k, v in entry.items() if k != identity}}
        settled.add(key)
        if len(entry) > 1:
            out.append(entry)
    return out if out else _UNCHANGED


def _placement(current: list[Any], key: Any, order: Mapping[Any, int], settled: set[Any], wanted: list[Any],
               position: int) -> tuple[str, Any] | None:
    """Where an item must be placed (``_after``/``_before`` and the anchor), or None where it already is.

    Items settled so far (never moved, or placed already) must stay in the desired order around it.
    """
    around = [k for k in current if k in settled or k == key]
    if sorted(around, key=order.__getitem__) == around:
        return None
    if position > 0:
        return AFTER, wanted[position - 1]
    first = next(k for k in current if k in settled)
    return BEFORE, wanted[order[first]]


def _steady(kept: list[Any], inherited_order: list[Any]) -> set[Any]:
    """The kept items that need not move: a longest run of them already in inherited order."""
    rank = {key: index for index, key in enumerate(inherited_order)}
    sequence = [rank[_hashable(ident)] for ident in kept]
    # Longest increasing subsequence, O(n²): lists of contract items are short.
    best: list[list[int]] = []
    for index, value in enumerate(sequence):
        longest = max((run for run in best[:index] if sequence[run[-1]] < value), key=len, default=[])
        best.append([*longest, index])
    chosen = max(best, key=len, default=[])
    return {_hashable(kept[index]) for index in chosen}


def _hashable(value: Any) -> Any:
    return (type(value).__name__, value) if isinstance(value, bool) else value


def conform_numbers(value: Any, like: Any) -> Any:
    """Numbers of ``value`` written as the corresponding inherited numbers are (``1900000`` → ``1900000.00``).

    An edited amount keeps the two decimals its inherited amount was written with, and a whole count
    stays an integer; items of an id-merged list are matched by id, new ones after their siblings.
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return _number_like(value, like)
    if isinstance(value, Mapping):
        template = like if isinstance(like, Mapping) else {}
        # Keys in the order the inherited mapping writes them (kind before input), new ones after.
        keys = [*(k for k in template if k in value), *(k for k in value if k not in template)]
        return {key: conform_numbers(value[key], template.get(key)) for key in keys}
    if isinstance(value, list | tuple):
        return _list_like(list(value), like if isinstance(like, list) else [])
    return value


def _list_like(value: list[Any], like: list[Any]) -> list[Any]:
    identity = identity_field(like)
    if identity:
        by_id = {_hashable(item[identity]): item for item in like}
        # A new item is written like its siblings in its own fields (amounts to the fen), not in their lists.
        sibling = {k: v for k, v in like[0].items() if not isinstance(v, list)}
        return [conform_numbers(item, by_id.get(_hashable(item.get(identity)), sibling))
                if isinstance(item, Mapping) else item for item in value]
    return [conform_numbers(item, like[index] if index < len(like) else None) for index, item in enumerate(value)]


def _number_like(value: int | float | Decimal, like: Any) -> int | Decimal:
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(like, Decimal) and not isinstance(like, bool):
        places = like.as_tuple().exponent
        if isinstance(places, int) and places < 0 and exact == exact.quantize(Decimal(1).scaleb(places)):
            return exact.quantize(Decimal(1).scaleb(places))
        return exact
    if exact == exact.to_integral_value() and (isinstance(like, int) or isinstance(value, int) or like is None):
        return int(exact)
    return exact
