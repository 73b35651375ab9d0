"""Checks the schema cannot express: sums, bounds, tier coverage, dates, references between parts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from generator.errors import Problem
from generator.rules.dates import term_end
from generator.rules.model import Contract
from generator.rules.money import cny, pct, round_fen, to_decimal
from generator.rules.resolve import signing_date

REQUIRED_APPENDICES = ("scoring", "requirements")


def check_rules(contract: Contract) -> list[Problem]:
    """Every rule violation in a schema-valid contract."""
    checks = (_fees, _labour, _milestones, _scoring, _years, _appendices, _overrides)
    return [problem for check in checks for problem in check(contract)]


def _fees(contract: Contract) -> Iterator[Problem]:
    doc, fees = contract.document, contract.data["fees"]
    money_paths = [("fees", "total")] + [("fees", "items", i, "amount") for i in range(len(fees["items"]))]
    money_paths += [("fees", "labour_cost", "min"), ("fees", "labour_cost", "max")]
    for path in money_paths:
        value = _get(contract.data, path)
        if to_decimal(value) != round_fen(value):
            yield doc.problem(path, f"金额 {value} 精确到分以下，请最多保留两位小数")
    subtotal = sum((to_decimal(i["amount"]) * i["quantity"] for i in fees["items"]), Decimal(0))
    if subtotal != contract.total:
        yield doc.problem(("fees", "items"), (
            f"明细小计合计 {cny(subtotal)} 不等于合同总金额 fees.total {cny(contract.total)}"
            f"（相差 {cny(abs(subtotal - contract.total))}）"))


def _labour(contract: Contract) -> Iterator[Problem]:
    doc, fees = contract.document, contract.data["fees"]
    bounds = fees["labour_cost"]
    low, high = to_decimal(bounds["min"]), to_decimal(bounds["max"])
    if low > high:
        yield doc.problem(("fees", "labour_cost"), f"人工成本下限 {cny(low)} 高于上限 {cny(high)}")
    index = bounds["item"] - 1
    if index >= len(fees["items"]):
        yield doc.problem(("fees", "labour_cost", "item"), f"明细中没有第 {bounds['item']} 项")
        return
    item = fees["items"][index]
    amount = to_decimal(item["amount"]) * item["quantity"]
    if not low <= amount <= high:
        yield doc.problem(("fees", "items", index, "amount"), (
            f"人工成本 {cny(amount)} 不在约定的 {cny(low)}–{cny(high)} 之间"))


def _milestones(contract: Contract) -> Iterator[Problem]:
    doc = contract.document
    best, worst = contract.rank_best, contract.rank_worst
    if best > worst:
        yield doc.problem(("payment", "ranking"), f"最好名次 {best} 大于最差名次 {worst}")
        return
    ids = Counter(m.id for m in contract.milestones)
    for milestone in contract.milestones:
        here = ("payment", "milestones", milestone.index)
        if ids[milestone.id] > 1:
            yield doc.problem((*here, "id"), f"付款节点标识 “{milestone.id}” 重复")
        if milestone.months_after_signing > contract.duration_months:
            yield doc.problem((*here, "months_after_signing"), (
                f"付款节点在签订后 {milestone.months_after_signing} 个月，超出合同期限 {contract.duration_months} 个月"))
        if milestone.ranking_months and milestone.ranking_months[0] > milestone.ranking_months[1]:
            yield doc.problem((*here, "ranking_months"), "排名统计月份的起始月晚于结束月")
        if milestone.ranking_months is None and len(milestone.tiers) > 1:
            yield doc.problem((*here, "ranking_months"), "有多个排名档位的付款节点必须写明排名统计月份 ranking_months")
        yield from _tier_coverage(contract, here, milestone.tiers, best, worst)
    best_sum = sum((m.tiers[0].percent for m in contract.milestones), Decimal(0))
    if best_sum != 100:
        yield doc.problem(("payment", "milestones"), (
            f"各付款节点最好档位的比例合计为 {pct(best_sum)}，应为 100%"))
        return
    # Each milestone is rounded to the fen on its own, so the parts can miss the total by a fen.
    paid = sum((m.tiers[0].amount(contract.total) for m in contract.milestones), Decimal(0))
    if paid != contract.total:
        yield doc.problem(("payment", "milestones"), (
            f"各节点金额分别四舍五入到分后合计 {cny(paid)}，与合同总金额 {cny(contract.total)} 不符；"
            "请调整比例或总金额"))


def _tier_coverage(contract: Contract, here: tuple[Any, ...], tiers: Any, best: int, worst: int) -> Iterator[Problem]:
    doc = contract.document
    expected = best
    for i, tier in enumerate(tiers):
        path = (*here, "tiers", i)
        if tier.rank_min > tier.rank_max:
            yield doc.problem(path, f"名次下限 {tier.rank_min} 大于上限 {tier.rank_max}")
        if tier.rank_min > expected:
            yield doc.problem(path, f"排名档位有缺口：第 {expected}-{tier.rank_min - 1} 名没有对应档位")
        elif tier.rank_min < expected:
            yield doc.problem(path, f"排名档位重叠：第 {tier.rank_min}-{expected - 1} 名属于多个档位")
        if i and tier.percent > tiers[i - 1].percent:
            yield doc.problem((*path, "percent"), "排名较差的档位支付比例高于较好的档位")
        expected = max(expected, tier.rank_max + 1)
    if expected <= worst:
        yield doc.problem((*here, "tiers"), f"排名档位没有覆盖到第 {worst} 名（止于第 {expected - 1} 名）")
    elif expected > worst + 1:
        yield doc.problem((*here, "tiers"), f"排名档位超出了最差名次 {worst}")


def _scoring(contract: Contract) -> Iterator[Problem]:
    doc, scoring = contract.document, contract.data["scoring"]
    categories = {c["id"]: c for c in scoring["categories"]}
    totals: Counter[str] = Counter()
    keys = Counter(i["key"] for i in scoring["indicators"])
    for index, item in enumerate(scoring["indicators"]):
        here = ("scoring", "indicators", index)
        if item["category"] not in categories:
            yield doc.problem((*here, "category"), (
                f"考核项目 “{item['category']}” 未在 scoring.categories 中定义（已有：{'、'.join(categories)}）"))
        if keys[item["key"]] > 1:
            yield doc.problem((*here, "key"), f"指标标识 “{item['key']}” 重复")
        kind = item["rule"]["kind"]
        if kind in ("linear_rate", "rate_times_points") and "target" not in item:
            yield doc.problem(here, "比率类指标必须写明指标值 target")
        if kind != "ranking" and "points" not in item:
            yield doc.problem(here, "计分指标必须写明分数 points")
        if kind == "ranking":
            rule = item["rule"]
            if not contract.rank_best <= rule["free_rank_min"] <= rule["free_rank_max"] <= contract.rank_worst:
                yield doc.problem((*here, "rule"), "不扣分的名次区间超出了全省名次范围")
        totals[item["category"]] += to_decimal(item.get("points", 0))
    for index, category in enumerate(scoring["categories"]):
        if "points" in category and to_decimal(category["points"]) != totals[category["id"]]:
            yield doc.problem(("scoring", "categories", index, "points"), (
                f"“{category['name']}” 分值为 {category['points']}，但其下指标分数合计为 {totals[category['id']]}"))
    months = contract.renewal.assessment_months
    if months[0] > months[1]:
        yield doc.problem(("rules", "renewal", "assessment_months"), "履约验收的起始月晚于结束月")


def _years(contract: Contract) -> Iterator[Problem]:
    doc = contract.document
    years = sorted(contract.years)
    history_years = [h.year for h in contract.history]
    for index, year in enumerate(history_years):
        if history_years.count(year) > 1 or year in contract.years:
            yield doc.problem(("history", index, "year"), f"服务年度 {year} 重复记录")
        elif years and year > years[0]:
            yield doc.problem(("history", index, "year"), f"既往服务年度 {year} 晚于 years 中的第一个年度 {years[0]}")
    previous_end = None
    for year in years:
        here = ("years", str(year))
        signed = signing_date(contract, year)
        if signed is None:
            yield doc.problem(here, f"{year} 年度没有签订日期 signed_on，且没有上一年度可以推算")
            continue
        spec = contract.years[year]
        if spec.signed_on and abs(signed.year - year) > 1:
            yield doc.problem((*here, "signed_on"), f"签订日期 {signed} 与合同年度 {year} 不符")
        if previous_end is not None and signed <= previous_end:
            yield doc.problem((*here, "signed_on"), (
                f"签订日期 {signed} 早于或等于上一年度服务期的最后一天 {previous_end}，服务期重叠"))
        previous_end = term_end(signed, contract.duration_months)
        assessment = spec.assessment
        if assessment and assessment.score is not None:
            passing = assessment.score >= contract.renewal.min_score and not assessment.breaches
            if assessment.passed != passing:
                yield doc.problem((*here, "assessment", "passed"), (
                    f"考核结果与得分不一致：得分 {assessment.score}，违约 {len(assessment.breaches)} 项，"
                    f"按续签最低分 {contract.renewal.min_score} 应为 {'合格' if passing else '不合格'}"))


def _appendices(contract: Contract) -> Iterator[Problem]:
    doc = contract.document
    ids = [a["id"] for a in contract.data["appendices"]]
    for index, name in enumerate(ids):
        if ids.count(name) > 1:
            yield doc.problem(("appendices", index, "id"), f"附件标识 “{name}” 重复")
    for name in REQUIRED_APPENDICES:
        if name not in ids:
            yield doc.problem(("appendices",), f"缺少标识为 “{name}” 的附件")


def _overrides(contract: Contract) -> Iterator[Problem]:
    known = set(clause_ids(contract.data))
    for year, spec in contract.years.items():
        for name in spec.overrides:
            if name not in known:
                yield contract.document.problem(("years", str(year), "overrides", name), (
                    f"没有标识为 “{name}” 的条款（条款用 id 命名后才能覆盖）"))


def clause_ids(node: Any) -> Iterator[str]:
    """Every clause ``id`` in the text tree."""
    if isinstance(node, Mapping):
        if isinstance(node.get("id"), str) and "text" in node:
            yield node["id"]
        for value in node.values():
            yield from clause_ids(value)
    elif isinstance(node, list):
        for value in node:
            yield from clause_ids(value)


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


