"""Conditions of a count (``where:``), each kind one small registered unit.

A condition is written as ``field: value`` and its form says its kind: ``true``/``false`` for a
是/否 column, a list of values, ``present``/``absent``, ``{within_hours: N, after: other}`` or
``{min: a, max: b}``. Each kind checks that it fits its column, tests a whole column at once, and
says in words what it means (for the report's definitions of its rates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

from generator.exports.fields import FieldSpec

Columns = Mapping[str, Sequence[Any]]


class Condition:
    """One kind of condition on one column."""

    name: ClassVar[str]
    field_types: ClassVar[frozenset[str]]

    @staticmethod
    def fits(value: Any) -> bool:
        """Whether a written condition value has this kind's form."""
        raise NotImplementedError

    def problem(self, field: FieldSpec, value: Any, fields: Mapping[str, FieldSpec]) -> str | None:
        """Why the condition cannot apply to the column (None when it can)."""
        if field.type not in self.field_types:
            return f"列 “{field.id}”（{field.name}）的类型是 {field.type}，不能用这种条件"
        return None

    def test(self, field: str, value: Any, columns: Columns) -> list[bool]:
        """The condition on every row of a chunk."""
        raise NotImplementedError

    def describe(self, field: FieldSpec, value: Any, fields: Mapping[str, FieldSpec]) -> str:
        """The condition in words."""
        raise NotImplementedError

    def expression(self, field: str, value: Any, col: Any, pl: Any) -> Any:
        """The condition as a polars expression over typed columns (``col(name)``), true where ``test`` is.

        A kind without one sends a month to the careful reader; ``pl`` is passed in so that this module
        never imports polars itself.
        """
        raise NotImplementedError


KINDS: list[Condition] = []


def register(cls: type[Condition]) -> type[Condition]:
    """Add a condition kind to the registry."""
    KINDS.append(cls())
    return cls


def kind_of(value: Any) -> Condition | None:
    """The condition kind a written value has, if any."""
    return next((kind for kind in KINDS if kind.fits(value)), None)


def _checked(value: Any) -> Condition:
    """The kind of a condition the contract's checks have already accepted (so one fits)."""
    kind = kind_of(value)
    if kind is None:
        raise ValueError(f"no condition kind fits {value!r}")  # the year's checks refuse such a contract first
    return kind


@register
class FlagIs(Condition):
    """``answered: true``: a 是/否 column is 是 (or 否)."""

    name = "flag"
    field_types = frozenset({"flag"})

    @staticmethod
    def fits(value: Any) -> bool:
        return isinstance(value, bool)

    def test(self, field: str, value: Any, columns: Columns) -> list[bool]:
        return [v is value for v in columns[field]]

    def expression(self, field: str, value: Any, col: Any, pl: Any) -> Any:
        return (col(field) == value).fill_null(False)

    def describe(self, field: FieldSpec, value: Any, fields: Mapping[str, FieldSpec]) -> str:
        return f"{field.name}为“{'是' if value else '否'}”"


@register
class OneOf(Condition):
    """``satisfaction: [满意, 基本满意]``: the cell is one of the values."""

    name = "one_of"
    field_types = frozenset({"choice", "label", "id", "text"})

    @staticmethod
    def fits(value: Any) -> bool:
        return isinstance(value, list)

    def problem(self, field: FieldSpec, value: Any, fields: Mapping[str, FieldSpec]) -> str | None:
        found = super().problem(field, value, fields)
        if found is None and field.type == "choice":
            unknown = [v for v in value if v not in field.values]
            if unknown:
                return f"“{unknown[0]}” 不是列 “{field.id}” 的取值（应为 {'、'.join(field.values)}）"
        return found

    def test(self, field: str, value: Any, columns: Columns) -> list[bool]:
        wanted = frozenset(value)
        return [v in wanted for v in columns[field]]

    def expression(self, field: str, value: Any, col: Any, pl: Any) -> Any:
        return col(field).is_in([str(v) for v in value]).fill_null(False)

    def describe(self, field: FieldSpec, value: Any, fields: Mapping[str, FieldSpec]) -> str:
        return f"{field.name}为{'、'.join(value)}"


@register
class Presence(Condition):
    """``closed: present``: the cell is filled in (or ``absent``: empty)."""

    name = "presence"
    field_types = frozenset({"time", "flag", "seconds", "number", "id", "label", "choice", "text"})

    @staticmethod
    def fits(value: Any) -> bool:
        return value in ("present", "absent")

    def test(self, field: str, value: Any, columns: Columns) -> list[bool]:
        present = value == "present"
        return [(v is not None and v != "") is present for v in columns[field]]

    def expression(self, field: str, value: Any, col: Any, pl: Any) -> Any:
        filled = col(field).cast(pl.String).fill_null("") != ""
        return filled if value == "present" else ~filled

    def describe(self, field: FieldSpec, value: Any, fields: Mapping[str, FieldSpec]) -> str:
        return f"{field.name}{'不为空' if value == 'present' else '为空'}"


@register
class Within(Condition):
    """``revisited: {within_hours: 24, after: closed}``: the time falls in the window after another time."""

    name = "within"
    field_types = frozenset({"time"})

    @staticmethod
    def fits(value: Any) -> bool:
        return isinstance(value, Mapping) and "within_hours" in value

    def problem(self, field: FieldSpec, value: Any, fields: Mapping[str, FieldSpec]) -> str | None:
        found = super().problem(field, value, fields)
        other = fields.get(value["after"])
        if found is None and (other is None or other.type != "time"):
            return f"“after: {value['after']}” 应为本表的一个时间列（{'、'.join(f for f, s in fields.items() if s.type == 'time')}）"
        return found

    def test(self, field: str, value: Any, columns: Columns) -> list[bool]:
        window = timedelta(hours=float(value["within_hours"]))
        return [a is not None and b is not None and b <= a <= b + window
                for a, b in zip(columns[field], columns[value["after"]], strict=True)]

    def expression(self, field: str, value: Any, col: Any, pl: Any) -> Any:
        window = timedelta(hours=float(value["within_hours"]))
        a, b = col(field), col(value["after"])
        return (a.is_not_null() & b.is_not_null() & (b <= a) & (a <= b + window)).fill_null(False)

    def describe(self, field: FieldSpec, value: Any, fields: Mapping[str, FieldSpec]) -> str:
        hours = Decimal(str(value["within_hours"])).normalize()
        return f"{field.name}在{fields[value['after']].name}之后{hours:f}小时内"


@register
class Between(Condition):
    """``wait_seconds: {max: 15}``: a number within bounds (inclusive)."""

    name = "between"
    field_types = frozenset({"seconds", "number"})

    @staticmethod
    def fits(value: Any) -> bool:
        return isinstance(value, Mapping) and ("min" in value or "max" in value) and "within_hours" not in value

    def test(self, field: str, value: Any, columns: Columns) -> list[bool]:
        low, high = value.get("min"), value.get("max")
        return [v is not None and (low is None or v >= low) and (high is None or v <= high) for v in columns[field]]

    def expression(self, field: str, value: Any, col: Any, pl: Any) -> Any:
        test = col(field).is_not_null()
        for bound, compare in (("min", "__ge__"), ("max", "__le__")):
            if value.get(bound) is not None:
                limit = Decimal(str(value[bound]))
                number = int(limit) if limit == limit.to_integral_value() else float(limit)
                test = test & getattr(col(field), compare)(number)
        return test.fill_null(False)

    def describe(self, field: FieldSpec, value: Any, fields: Mapping[str, FieldSpec]) -> str:
        parts = []
        if "min" in value:
            parts.append(f"不小于{value['min']}")
        if "max" in value:
            parts.append(f"不大于{value['max']}")
        return f"{field.name}{'且'.join(parts)}"


def test_all(where: Mapping[str, Any], columns: Columns, rows: int) -> list[bool]:
    """Rows meeting every condition of a ``where`` mapping (all rows when it is empty)."""
    vectors = [_checked(value).test(field, value, columns) for field, value in where.items()]
    if not vectors:
        return [True] * rows
    if len(vectors) == 1:
        return vectors[0]
    return [all(row) for row in zip(*vectors, strict=True)]


def describe_all(where: Mapping[str, Any], fields: Mapping[str, FieldSpec]) -> str:
    """A ``where`` mapping in words: 请求人工为“是”且人工接通为“是”."""
    return "且".join(_checked(value).describe(fields[field], value, fields) for field, value in where.items())
