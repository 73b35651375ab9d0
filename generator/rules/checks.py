"""Checks the schema cannot express: sums, bounds, tier coverage, dates, references between parts.

``check_year`` runs on each year's merged contract (a problem is located where the offending value was
written); ``check_sequence`` on the years together (terms that overlap, the service history).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from generator.errors import Problem
from generator.rules.clauses import clause_labels
from generator.rules.inputs import KINDS as INPUT_KINDS
from generator.rules.inputs import specs_of
from generator.rules.model import RESIDUAL_REPORT, Contract, ContractYear
from generator.rules.money import cny, pct, round_fen, to_decimal
from generator.rules.scoring import RULES
from generator.source.loader import format_path

REQUIRED_APPENDICES = ("scoring", "requirements")


def check_year(year: ContractYear) -> list[Problem]:
    """Every rule violation in one year's merged contract."""
    checks = (_fees, _labour, _milestones, _scoring, _ranking, _clauses, _appendices, _overrides, _recorded_assessment)
    return [problem for check in checks for problem in check(year)]


def _fees(year: ContractYear) -> Iterator[Problem]:
    src, fees = year.source, year.data["fees"]
    money_paths = [("fees", "total")] + [("fees", "items", i, "amount") for i in range(len(fees["items"]))]
    if "labour_cost" in fees:
        money_paths += [("fees", "labour_cost", "min"), ("fees", "labour_cost", "max")]
    for path in money_paths:
        value = _get(year.data, path)
        if to_decimal(value) != round_fen(value):
            yield src.problem(path, f"金额 {value} 精确到分以下，请最多保留两位小数")
    subtotal = sum((to_decimal(i["amount"]) * i["quantity"] for i in fees["items"]), Decimal(0))
    if subtotal != year.total:
        yield src.problem_among([("fees", "items"), ("fees", "total")], (
            f"明细小计合计 {cny(subtotal)} 不等于合同总金额 fees.total {cny(year.total)}"
            f"（相差 {cny(abs(subtotal - year.total))}）"))
    ids = Counter(i.get("id") for i in fees["items"] if "id" in i)
    for index, item in enumerate(fees["items"]):
        if ids[item.get("id")] > 1:
            yield src.problem(("fees", "items", index, "id"), f"费用明细标识 “{item['id']}” 重复")


def _labour(year: ContractYear) -> Iterator[Problem]:
    src, fees = year.source, year.data["fees"]
    bounds = fees.get("labour_cost")
    if bounds is None:
        return
    low, high = to_decimal(bounds["min"]), to_decimal(bounds["max"])
    if low > high:
        yield src.problem(("fees", "labour_cost"), f"人工成本下限 {cny(low)} 高于上限 {cny(high)}")
    ids = [i.get("id") for i in fees["items"]]
    if bounds["item"] not in ids:
        known = "、".join(str(i) for i in ids if i)
        yield src.problem(("fees", "labour_cost", "item"), f"费用明细中没有标识为 “{bounds['item']}” 的项（已有：{known}）")
        return
    index = ids.index(bounds["item"])
    item = fees["items"][index]
    amount = to_decimal(item["amount"]) * item["quantity"]
    if not low <= amount <= high:
        yield src.problem_among([("fees", "items", index, "amount"), ("fees", "labour_cost")], (
            f"人工成本 {cny(amount)} 不在约定的 {cny(low)}–{cny(high)} 之间"))


def _milestones(year: ContractYear) -> Iterator[Problem]:
    src = year.source
    best, worst = year.rank_best, year.rank_worst
    if best > worst:
        yield src.problem(("payment", "ranking"), f"最好名次 {best} 大于最差名次 {worst}")
        return
    ids = Counter(m.id for m in year.milestones)
    for milestone in year.milestones:
        here = ("payment", "milestones", milestone.index)
        if ids[milestone.id] > 1:
            yield src.problem((*here, "id"), f"付款节点标识 “{milestone.id}” 重复")
        if milestone.months_after_signing > year.duration_months:
            yield src.problem((*here, "months_after_signing"), (
                f"付款节点在签订后 {milestone.months_after_signing} 个月，超出合同期限 {year.duration_months} 个月"))
        if milestone.ranking_months and milestone.ranking_months[0] > milestone.ranking_months[1]:
            yield src.problem((*here, "ranking_months"), "排名统计月份的起始月晚于结束月")
        if milestone.ranking_months and milestone.ranking_months[1] > year.duration_months:
            yield src.problem((*here, "ranking_months"), (
                f"排名统计月份超出合同期限 {year.duration_months} 个月"))
        if milestone.ranking_months is None and len(milestone.tiers) > 1:
            yield src.problem((*here, "ranking_months"), "有多个排名档位的付款节点必须写明排名统计月份 ranking_months")
        yield from _tier_coverage(year, here, milestone.tiers, best, worst)
    best_sum = sum((m.tiers[0].percent for m in year.milestones), Decimal(0))
    if best_sum != 100:
        yield src.problem(("payment", "milestones"), f"各付款节点最好档位的比例合计为 {pct(best_sum)}，应为 100%")
        return
    paid = sum((m.tiers[0].amount for m in year.milestones), Decimal(0))
    if paid != year.total and year.residual_rule == RESIDUAL_REPORT:
        # Budgets come from the finance bureau: a rounding remainder is reported, never a reason to refuse.
        yield src.problem(("rules", "money", "residual"), (
            f"各节点金额分别四舍五入到分后合计 {cny(paid)}，与合同总金额 {cny(year.total)} 相差 "
            f"{cny(abs(paid - year.total))}（尾差；如需由最后一笔吸收，请设 residual: absorb_last）"), "warning")


def _tier_coverage(year: ContractYear, here: tuple[Any, ...], tiers: Any, best: int, worst: int) -> Iterator[Problem]:
    src = year.source
    expected = best
    for i, tier in enumerate(tiers):
        path = (*here, "tiers", i)
        if tier.rank_min > tier.rank_max:
            yield src.problem(path, f"名次下限 {tier.rank_min} 大于上限 {tier.rank_max}")
        if tier.rank_min > expected:
            yield src.problem(path, f"排名档位有缺口：第 {expected}-{tier.rank_min - 1} 名没有对应档位")
        elif tier.rank_min < expected:
            yield src.problem(path, f"排名档位重叠：第 {tier.rank_min}-{expected - 1} 名属于多个档位")
        if i and tier.percent > tiers[i - 1].percent:
            yield src.problem((*path, "percent"), "排名较差的档位支付比例高于较好的档位")
        expected = max(expected, tier.rank_max + 1)
    if expected <= worst:
        yield src.problem((*here, "tiers"), f"排名档位没有覆盖到第 {worst} 名（止于第 {expected - 1} 名）")
    elif expected > worst + 1:
        yield src.problem((*here, "tiers"), f"排名档位超出了最差名次 {worst}")


def _scoring(year: ContractYear) -> Iterator[Problem]:
    src, scoring = year.source, year.data["scoring"]
    specs = specs_of(scoring)
    categories = {c["id"]: c for c in scoring["categories"]}
    totals: Counter[str] = Counter()
    keys = Counter(i["key"] for i in scoring["indicators"])
    for index, item in enumerate(scoring["indicators"]):
        here = ("scoring", "indicators", index)
        if item["category"] not in categories:
            yield src.problem((*here, "category"), (
                f"考核项目 “{item['category']}” 未在 scoring.categories 中定义（已有：{'、'.join(categories)}）"))
        if keys[item["key"]] > 1:
            yield src.problem((*here, "key"), f"指标标识 “{item['key']}” 重复")
        rule = item["rule"]
        kind = RULES[rule["kind"]]
        spec = specs.get(rule["input"])
        if spec is None:
            close = [n for n in specs if set(n) & set(rule["input"])]
            yield src.problem((*here, "rule", "input"), (
                f"输入 “{rule['input']}” 没有在 scoring.inputs 中声明（已声明：{'、'.join(specs)}）"
                + (f"；是不是 “{close[0]}”？" if close else "")))
        elif spec.kind not in kind.accepts:
            yield src.problem((*here, "rule", "input"), (
                f"规则 {rule['kind']} 不能读取{INPUT_KINDS[spec.kind].label}类输入 “{spec.name}”"
                f"（可读取：{'、'.join(INPUT_KINDS[k].label for k in sorted(kind.accepts))}）"))
        else:
            for message in kind.problems(item, spec):
                yield src.problem((*here, "rule"), message)
        if kind.name == "ranking" and not year.rank_best <= rule["free_rank_min"] <= rule["free_rank_max"] <= year.rank_worst:
            yield src.problem((*here, "rule"), "不扣分的名次区间超出了全省名次范围")
        totals[item["category"]] += to_decimal(item.get("points", 0))
    for index, category in enumerate(scoring["categories"]):
        if "points" in category and to_decimal(category["points"]) != totals[category["id"]]:
            # Reported at whichever was written last (an indicator added or re-weighted in a renewal year),
            # with both ways out.
            members = [("scoring", "indicators", i, "points") for i, item in enumerate(scoring["indicators"])
                       if item["category"] == category["id"] and "points" in item]
            yield src.problem_among([("scoring", "categories", index, "points"), *members], (
                f"“{category['name']}” 分值为 {category['points']}，但其下指标分数合计为 {totals[category['id']]}："
                f"请调整其下指标的分数（指标按 key 合并，例如 - {{key: 某指标, points: 新分数}}），"
                f"或改动项目分值（项目按 id 合并：- {{id: {category['id']}, points: {totals[category['id']]}}}）"))
    months = year.renewal.assessment_months
    if months[0] > months[1]:
        yield src.problem(("rules", "renewal", "assessment_months"), "履约验收的起始月晚于结束月")
    if months[1] > year.duration_months:
        yield src.problem(("rules", "renewal", "assessment_months"), f"履约验收月份超出合同期限 {year.duration_months} 个月")


def _ranking(year: ContractYear) -> Iterator[Problem]:
    platforms = year.data["project"]["platforms"]
    if year.rank_best != 1 or year.rank_worst != platforms:
        yield year.source.problem_among([("payment", "ranking", "worst"), ("project", "platforms")], (
            f"全省名次范围为第 {year.rank_best}-{year.rank_worst} 名，应为第 1-{platforms} 名（project.platforms = {platforms}）"))


def _clauses(year: ContractYear) -> Iterator[Problem]:
    labels = clause_labels(year.data)
    for path in (("payment",), ("payment", "late_fee"), ("rules", "renewal")):
        node: Any = year.data
        for part in path:
            node = node.get(part, {})
        ref = node.get("clause")
        if ref and ref not in labels:
            yield year.source.problem((*path, "clause"), (
                f"没有条款 “{ref}”：应为 条款标识 或 条款标识.条目标识（可引用：{'、'.join(sorted(labels))}）"))


def _appendices(year: ContractYear) -> Iterator[Problem]:
    src = year.source
    ids = [a["id"] for a in year.data["appendices"]]
    for index, name in enumerate(ids):
        if ids.count(name) > 1:
            yield src.problem(("appendices", index, "id"), f"附件标识 “{name}” 重复")
    for name in REQUIRED_APPENDICES:
        if name not in ids:
            yield src.problem(("appendices",), f"缺少标识为 “{name}” 的附件")
    articles = [a.get("id") for a in year.data["articles"] if a.get("id")]
    for index, article in enumerate(year.data["articles"]):
        if article.get("id") and articles.count(article["id"]) > 1:
            yield src.problem(("articles", index, "id"), f"条款标识 “{article['id']}” 重复")


def _overrides(year: ContractYear) -> Iterator[Problem]:
    known = set(clause_ids(year.data))
    for name, (_, path) in year.overrides.items():
        if name not in known:
            line, col = year.source.document.mark(path)
            yield Problem(year.source.file, line, col, format_path(path), (
                f"没有标识为 “{name}” 的条款（条款用 id 命名后才能覆盖）"), "error", (year.year,))


def _recorded_assessment(year: ContractYear) -> Iterator[Problem]:
    assessment = year.entry.assessment
    if assessment and assessment.score is not None:
        passing = assessment.score >= year.renewal.min_score and not assessment.breaches
        if assessment.passed != passing:
            yield year.source.document.problem(("years", str(year.year), "assessment", "passed"), (
                f"考核结果与得分不一致：得分 {assessment.score}，违约 {len(assessment.breaches)} 项，"
                f"按续签最低分 {year.renewal.min_score} 应为 {'合格' if passing else '不合格'}"))


def check_sequence(contract: Contract) -> list[Problem]:
    """Problems between years: overlapping terms, the history's order and duplicates."""
    doc = contract.document
    found: list[Problem] = []
    years = list(contract.years)
    history_years = [h.year for h in contract.history]
    for index, year in enumerate(history_years):
        if history_years.count(year) > 1 or year in contract.years:
            found.append(doc.problem(("history", index, "year"), f"服务年度 {year} 重复记录"))
        elif years and year > years[0]:
            found.append(doc.problem(("history", index, "year"), f"既往服务年度 {year} 晚于 years 中的第一个年度 {years[0]}"))
    previous = None
    for year in contract.years.values():
        here = ("years", str(year.year))
        if year.entry.signed_on and abs(year.signed_on.year - year.year) > 1:
            found.append(doc.problem((*here, "signed_on"), f"签订日期 {year.signed_on} 与合同年度 {year.year} 不符"))
        if previous is not None and year.signed_on <= previous.term_end:
            found.append(doc.problem((*here, "signed_on"), (
                f"签订日期 {year.signed_on} 早于或等于上一年度服务期的最后一天 {previous.term_end}，服务期重叠")))
        previous = year
    return found


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
