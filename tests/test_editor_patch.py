"""The editor's change of a year: the smallest years.<y> change giving a desired merged year (source/patch.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.source.layers import merge_value
from generator.source.loader import load_bytes
from generator.source.patch import NO_CHANGE, Unrepresentable, conform_numbers, same, value_patch, year_patch

from conftest import CONTRACT


def merged(base: Any, patch: Any) -> Any:
    if patch is NO_CHANGE:
        return base
    result, problems = merge_value(base, patch)
    assert problems == []
    return result


ITEMS = [{"id": "labour", "amount": Decimal("1660000.00")}, {"id": "management", "amount": Decimal("280000.00")},
         {"id": "network", "amount": Decimal("60000.00")}]


def test_a_changed_item_writes_its_id_and_the_change_only() -> None:
    desired = [{**ITEMS[0], "amount": Decimal("1580000.00")}, {**ITEMS[1], "amount": Decimal("260000.00")}, ITEMS[2]]
    assert value_patch(ITEMS, desired) == [{"id": "labour", "amount": Decimal("1580000.00")},
                                           {"id": "management", "amount": Decimal("260000.00")}]


def test_a_new_item_is_whole_and_placed_only_when_not_last() -> None:
    new = {"id": "training", "amount": Decimal("1.00")}
    assert value_patch(ITEMS, [*ITEMS, new]) == [new]
    assert value_patch(ITEMS, [ITEMS[0], new, ITEMS[1], ITEMS[2]]) == [{"id": "training", "_after": "labour",
                                                                       "amount": Decimal("1.00")}]
    assert value_patch(ITEMS, [new, *ITEMS]) == [{"id": "training", "_before": "labour", "amount": Decimal("1.00")}]


def test_a_dropped_item_is_removed_and_a_moved_one_placed() -> None:
    assert value_patch(ITEMS, ITEMS[:2]) == [{"id": "network", "_remove": True}]
    assert value_patch(ITEMS, [ITEMS[2], ITEMS[0], ITEMS[1]]) == [{"id": "network", "_before": "labour"}]


def test_mappings_differ_key_by_key_and_null_removes() -> None:
    base = {"total": Decimal("2000000.00"), "period": "年", "labour_cost": {"min": 1, "max": 2}}
    desired = {"total": Decimal("1900000.00"), "labour_cost": {"min": 1, "max": 3}}
    assert value_patch(base, desired) == {"total": Decimal("1900000.00"), "period": None, "labour_cost": {"max": 3}}


def test_reverting_to_the_inherited_value_leaves_no_change() -> None:
    base = {"fees": {"total": Decimal("2000000.00"), "items": ITEMS}, "terms": {"staffing": {"minimum": 25}}}
    # The browser sends numbers without their written decimals and keys in the schema's order.
    assert year_patch(base, {"terms": {"staffing": {"minimum": 25}}, "fees": {"items": ITEMS, "total": 2000000}}) == {}


def test_lists_without_ids_are_replaced_whole() -> None:
    assert value_patch({"ranks": [5, 5, 6]}, {"ranks": [5, 6]}) == {"ranks": [5, 6]}


def test_numbers_are_told_from_booleans() -> None:
    assert not same(True, 1)
    assert value_patch({"flag": 1}, {"flag": True}) == {"flag": True}


def test_duplicate_ids_cannot_be_written() -> None:
    with pytest.raises(Unrepresentable):
        value_patch(ITEMS, [ITEMS[0], ITEMS[0]])


def test_numbers_keep_the_inherited_way_of_writing_them() -> None:
    like = {"total": Decimal("2000000.00"), "items": ITEMS, "minimum": 25}
    got = conform_numbers({"total": 1900000, "items": [{"id": "labour", "amount": 1580000},
                                                       {"id": "new", "amount": 5.5}], "minimum": 26}, like)
    assert got == {"total": Decimal("1900000.00"), "items": [{"id": "labour", "amount": Decimal("1580000.00")},
                                                             {"id": "new", "amount": Decimal("5.50")}], "minimum": 26}
    assert str(got["total"]) == "1900000.00" and isinstance(got["minimum"], int)


def test_the_shipped_2025_is_its_own_patch_merged() -> None:
    """On the real contract: the patch from 2024's merged contract to 2025's reproduces 2025."""
    from generator.source.layers import LAYERED, merged_years

    document = load_bytes(CONTRACT.read_bytes(), "contract.yaml")
    years, problems = merged_years(document)
    assert problems == []
    before, after = years[2024].data, years[2025].data
    patch = year_patch(before, after)
    for section in LAYERED:
        if section in patch:
            assert same(merged(before[section], patch[section]), after[section])


# -- any data: merging the inherited value with the computed change gives the desired value -------------------

KEYS = st.sampled_from(["a", "b", "c", "total", "名称"])
IDS = st.sampled_from(["labour", "management", "network", "m1", "m2", "x"])
SCALARS = st.one_of(st.integers(-5, 5), st.booleans(), st.text(max_size=3),
                    st.decimals(min_value=-100, max_value=100, places=2, allow_nan=False))


def _values(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    identified = st.lists(st.tuples(IDS, inner), max_size=5, unique_by=lambda pair: pair[0]).map(
        lambda pairs: [{"id": ident, "v": value} for ident, value in pairs])
    return st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=4), identified)


DATA = st.recursive(SCALARS, _values, max_leaves=20)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATA, DATA)
def test_any_desired_value_is_reached(base: Any, desired: Any) -> None:
    patch = value_patch(base, desired)
    assert same(merged(base, patch), desired)
    assert (patch is NO_CHANGE) == same(base, desired)


@st.composite
def _edited(draw: st.DrawFn, value: Any) -> Any:
    """A desired value close to ``value``: some leaves changed, keys and id items dropped, added, moved."""
    if isinstance(value, dict):
        out = {k: draw(_edited(v)) for k, v in value.items() if draw(st.integers(0, 5))}
        out.update(draw(st.dictionaries(KEYS, SCALARS, max_size=1)))
        return out
    if isinstance(value, list) and value and all(isinstance(i, dict) and "id" in i for i in value):
        kept = [{**i, "v": draw(_edited(i["v"]))} for i in value if draw(st.integers(0, 4))]
        kept = draw(st.permutations(kept)) if draw(st.booleans()) else kept
        fresh = [{"id": f"new{n}", "v": draw(SCALARS)} for n in range(draw(st.integers(0, 2)))]
        for item in fresh:
            kept.insert(draw(st.integers(0, len(kept))), item)
        return kept
    if isinstance(value, list):
        return [draw(_edited(v)) for v in value]
    return draw(SCALARS) if draw(st.integers(0, 3)) == 0 else value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATA.flatmap(lambda base: st.tuples(st.just(base), _edited(base))))
def test_small_edits_round_trip_with_small_changes(pair: tuple[Any, Any]) -> None:
    base, desired = pair
    patch = value_patch(base, desired)
    assert same(merged(base, patch), desired)
