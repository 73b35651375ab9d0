"""Checks of what a contract year declares about its exports: columns, counts and the report's references.

A count's conditions must fit the columns they name, every ratio must divide declared counts, and
the report may only refer to columns and counts that exist; each problem is located where written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.errors import Problem
from generator.exports.conditions import kind_of as condition_kind
from generator.exports.fields import FieldSpec
from generator.rules.inputs import specs_of
from generator.rules.model import ContractYear


def check_exports(year: ContractYear) -> list[Problem]:
    """Every problem of the year's export, count and report declarations."""
    return [*_inputs(year), *_exports(year), *_report(year)]


def _inputs(year: ContractYear) -> Iterator[Problem]:
    src, counts = year.source, year.data["scoring"]["counts"]
    for name, spec in specs_of(year.data["scoring"]).items():
        if spec.kind != "ratio":
            continue
        for part in ("numerator", "denominator"):
            ref = getattr(spec, part)
            if ref not in counts:
                yield src.problem(("scoring", "inputs", name, part), (
                    f"计数 “{ref}” 没有在 scoring.counts 中声明（已声明：{'、'.join(counts)}）"))


def _exports(year: ContractYear) -> Iterator[Problem]:
    src, exports = year.source, year.data["exports"]
    for name, table in exports.items():
        fields = table["fields"]
        month_field = fields.get(table["month_field"])
        if month_field is None or month_field["type"] != "time":
            yield src.problem(("exports", name, "month_field"), (
                f"“{table['month_field']}” 应为本表的一个时间列（{'、'.join(f for f, s in fields.items() if s['type'] == 'time')}）"))
        for fid, spec in fields.items():
            if spec["type"] == "choice" and not spec.get("values"):
                yield src.problem(("exports", name, "fields", fid), "choice 类型的列须写明全部取值 values")
            if spec["type"] == "choice" and "empty" in spec and spec["empty"] not in spec.get("values", ()):
                yield src.problem(("exports", name, "fields", fid, "empty"), f"空值 “{spec['empty']}” 应为 values 中的一个")
    specs = {name: _field_specs(table) for name, table in exports.items()}
    for cid, count in year.data["scoring"]["counts"].items():
        if count["table"] not in exports:
            yield src.problem(("scoring", "counts", cid, "table"), f"没有表 “{count['table']}”")
            continue
        yield from _where(src, ("scoring", "counts", cid, "where"), count["where"], specs[count["table"]])


def _field_specs(table: Mapping[str, Any]) -> dict[str, FieldSpec]:
    return {fid: FieldSpec(fid, f["name"], f["type"], tuple(f.get("values", ()))) for fid, f in table["fields"].items()}


def _where(src: Any, here: tuple[Any, ...], where: Mapping[str, Any], fields: Mapping[str, FieldSpec]) -> Iterator[Problem]:
    for field, value in where.items():
        if field not in fields:
            yield src.problem((*here, field), f"没有列 “{field}”（本表的列：{'、'.join(fields)}）")
            continue
        kind = condition_kind(value)
        message = kind.problem(fields[field], value, fields) if kind else "无法识别的条件写法"
        if message:
            yield src.problem((*here, field), message)


def _report(year: ContractYear) -> Iterator[Problem]:
    src, report, data = year.source, year.data["report"], year.data
    tickets = _field_specs(data["exports"]["tickets"])
    counts = data["scoring"]["counts"]
    specs = specs_of(data["scoring"])
    for role, value in report["breakdowns"].items():
        fid = value["field"] if isinstance(value, Mapping) else role
        if fid not in tickets:
            yield src.problem(("report", "breakdowns", role), f"工单明细中没有列 “{fid}”（列：{'、'.join(tickets)}）")
    cases = report["cases"]
    for key, wanted in (("confidential", "flag"), ("closed", "time")):
        if key in cases and (tickets.get(cases[key]) is None or tickets[cases[key]].type != wanted):
            yield src.problem(("report", "cases", key), f"应为工单明细中一个 {wanted} 类型的列标识")
    if "text" in cases:
        yield src.problem(("report", "cases", "text"), (
            "月报不再引用来电人写的诉求内容（典型案例由运营人员写在当月 month.yaml 的“典型案例”中，"
            "没有撰写的按工单的分类、地区、承办单位和日期概述）：请删除这一项"), "warning")
    if cases.get("exclude"):
        yield from _where(src, ("report", "cases", "exclude"), cases["exclude"], tickets)
    for index, ratio in enumerate(report["unit_ratios"]):
        for part in ("numerator", "denominator"):
            ref = ratio[part]
            if ref != "rows" and (ref not in counts or counts[ref]["table"] != "tickets"):
                yield src.problem(("report", "unit_ratios", index, part), f"应为工单明细的计数标识或 rows（现为 “{ref}”）")
    for index, average in enumerate(report.get("averages", ())):
        over = counts.get(average["over"])
        table = over["table"] if over else None
        if over is None:
            yield src.problem(("report", "averages", index, "over"), f"没有计数 “{average['over']}”")
        elif average["field"] not in _field_specs(data["exports"][table]) or \
                _field_specs(data["exports"][table])[average["field"]].type not in ("seconds", "number"):
            yield src.problem(("report", "averages", index, "field"), f"应为{data['exports'][table]['title']}中的数值列")
    if report.get("trend_rate") and (specs.get(report["trend_rate"]) is None or specs[report["trend_rate"]].kind != "ratio"):
        yield src.problem(("report", "trend_rate"), "应为 scoring.inputs 中一个 ratio 类型的输入")
    staff = specs.get(report["staff_input"])
    if staff is None or staff.kind != "count":
        yield src.problem(("report", "staff_input"), "应为 scoring.inputs 中一个 count 类型的输入（每月在岗人数）")
    keys = {i["key"] for i in data["scoring"]["indicators"]}
    for key in report["advice"]["indicators"]:
        if key not in keys:
            yield src.problem(("report", "advice", "indicators", key), f"没有指标标识 “{key}”（指标：{'、'.join(sorted(keys))}）")
