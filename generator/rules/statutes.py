"""The duties the law attaches to a signed contract, as data: the shipped statutes file plus the contract's changes.

templates/statutes.yaml holds each duty with its statute, article and quoted text, its day count and how
the days are counted, what starts the count and what the duty applies to. A contract may change a rule
or add one (a province's own rule) in its layered ``statutes:`` section, merged by id. The code here
knows how such rules work (a deadline after signing, a payment term after delivery, an interest floor),
never what they say: every figure comes from the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from generator.errors import InputError, Problem
from generator.resources import SCHEMAS, TEMPLATES
from generator.rules.dates import add_months
from generator.rules.model import ContractYear
from generator.rules.money import pct, rate_words, to_decimal
from generator.rules.numerals import cn_date, cn_num
from generator.rules.workdays import Deadline, add_days
from generator.source.loader import Document, PathKey

SHIPPED = TEMPLATES / "statutes.yaml"
SCHEMA = "statutes.schema.json"
# 《保障中小企业款项支付条例》第三条: medium, small and micro enterprises are SMEs; every other one is large.
SME_SIZES = ("medium", "small", "micro")
SIZE_WORDS = {"large": "大型企业", "medium": "中型企业", "small": "小型企业", "micro": "微型企业"}
# The LPR is published monthly (on the 20th): a value older than this cannot be the one in force at signing.
LPR_FRESH_DAYS = 31


@dataclass(frozen=True)
class Rule:
    """One statutory duty as merged for a contract year (see schemas/statutes.schema.json for each field)."""

    id: str
    kind: str
    title: str
    statute: str
    article: str
    text: str
    source: str
    in_force: date
    applies_to: str
    starts_from: str
    who: str
    action: str
    days: int | None = None
    max_days: int | None = None
    counting: str | None = None
    years: int | None = None
    default_daily_rate: Decimal | None = None
    year_days: int | None = None
    command: str = ""

    @property
    def citation(self) -> str:
        """《政府采购法实施条例》第五十条."""
        return f"{self.statute}{self.article}"

    @property
    def quoted(self) -> str:
        """The citation followed by the article's text in quotation marks (paragraphs kept apart)."""
        return f"{self.citation}：“{self.text.replace(chr(10), '')}”"

    def deadline(self, start: date) -> Deadline:
        """The last day of this rule's period after ``start``."""
        return add_days(start, self.days or 0, self.counting == "working")

    def period_words(self) -> str:
        """'2个工作日', '30日（合同另有约定的最长60日）'."""
        unit = "个工作日" if self.counting == "working" else "日"
        text = f"{self.days}{unit}"
        return f"{text}（合同另有约定的最长{self.max_days}{unit}）" if self.max_days is not None else text


@dataclass(frozen=True)
class Lpr:
    """The one-year loan prime rate the contract states for its signing."""

    rate: Decimal
    published: date


@dataclass(frozen=True)
class Statutes:
    """The rules in force for one contract year and the contract's own statements about them."""

    rules: tuple[Rule, ...]
    province: str
    public_service: bool
    lpr: Lpr | None
    confidential: tuple[str, ...]
    notice: Mapping[str, Any] | None
    acceptance: Mapping[str, Any]
    supplier_size: str | None

    def get(self, rule_id: str) -> Rule | None:
        """The rule with this id, if any."""
        return next((r for r in self.rules if r.id == rule_id), None)

    def of_kind(self, kind: str) -> list[Rule]:
        """The rules of one kind that apply to this contract."""
        return [r for r in self.rules if r.kind == kind and self.applies(r)]

    @property
    def sme(self) -> bool:
        """Whether the supplier is a small or medium enterprise (medium, small or micro)."""
        return self.supplier_size in SME_SIZES

    def applies(self, rule: Rule) -> bool:
        """Whether ``rule`` concerns this contract (its supplier's size, a public service)."""
        if rule.applies_to == "sme_supplier":
            return self.sme
        if rule.applies_to == "public_service":
            return self.public_service
        return True


# -- the shipped file ---------------------------------------------------------------------------------

@cache
def shipped() -> Document:
    """templates/statutes.yaml loaded and checked against its schema, once per run."""
    from generator.source.loader import load_bytes, read_bounded
    from generator.source.schema import schema_problems

    document = load_bytes(read_bounded(SHIPPED, SHIPPED.name), str(SHIPPED))
    problems = schema_problems(document, SCHEMA)
    if problems:
        raise InputError(problems)
    return document


@cache
def _required() -> dict[str, set[str]]:
    """The fields a complete rule of each kind must have, read from the schema (never restated here)."""
    import json

    schema = json.loads((SCHEMAS / SCHEMA).read_text("utf-8"))["$defs"]
    rule, common = schema["rule"], set(schema["rule"]["required"])
    by_kind = {branch["if"]["properties"]["kind"]["const"]: set(branch["then"]["required"]) for branch in rule["allOf"]}
    return {kind: common | by_kind.get(kind, set()) for kind in schema["kind"]["enum"]}


def rule_of(raw: Mapping[str, Any]) -> Rule:
    """A rule from its mapping in the statutes file (already checked by the schema)."""
    rate = raw.get("default_daily_rate")
    return Rule(
        id=raw["id"], kind=raw["kind"], title=raw["title"], statute=raw["statute"], article=raw["article"],
        text=raw["text"], source=raw["source"], in_force=date.fromisoformat(raw["in_force"]),
        applies_to=raw["applies_to"], starts_from=raw["starts_from"], who=raw["who"], action=raw["action"],
        days=raw.get("days"), max_days=raw.get("max_days"), counting=raw.get("counting"), years=raw.get("years"),
        default_daily_rate=None if rate is None else to_decimal(rate), year_days=raw.get("year_days"),
        command=raw.get("command", ""),
    )


def _merged(year: ContractYear) -> tuple[list[Mapping[str, Any]], list[Problem]]:
    """The shipped rules with the year's changes applied by id, new rules appended; incomplete new rules refused."""
    rules: dict[str, dict[str, Any]] = {raw["id"]: dict(raw) for raw in shipped().data["rules"]}
    problems: list[Problem] = []
    section = year.data.get("statutes", {})
    for index, change in enumerate(section.get("rules", ())):
        if change["id"] in rules:
            rules[change["id"]].update(change)
            continue
        kind = change.get("kind")
        needed = _required()[kind] if kind else {"kind", *min(_required().values(), key=len)}
        missing = sorted(needed - set(change))
        if missing:
            known = "、".join(rules)
            problems.append(year.source.problem(("statutes", "rules", index), (
                f"法定义务 “{change['id']}” 不是附带法规文件中的义务（现有：{known}）：如要修改现有一条请检查 id 的拼写；"
                f"如要增加一条，还需写出 {'、'.join(missing)}")))
            continue
        rules[change["id"]] = dict(change)
    return list(rules.values()), problems


def statutes_of(year: ContractYear) -> Statutes:
    """The statutory rules in force for a contract year and the contract's statements about them."""
    raw_rules, _ = _merged(year)
    section = year.data.get("statutes", {})
    lpr = section.get("lpr")
    return Statutes(
        rules=tuple(rule_of(raw) for raw in raw_rules),
        province=section.get("province", ""),
        public_service=bool(section.get("public_service", False)),
        lpr=Lpr(to_decimal(lpr["rate"]), date.fromisoformat(lpr["published"])) if lpr else None,
        confidential=tuple(section.get("confidential", ())),
        notice=section.get("notice"),
        acceptance=section.get("acceptance", {}),
        supplier_size=year.data["parties"]["supplier"].get("size"),
    )


# -- deadlines of a year ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Due:
    """A statutory deadline of a contract year: the rule, the event that starts it, and the day it falls on."""

    rule: Rule
    event: str
    deadline: Deadline


def signing_deadlines(year: ContractYear, statutes: Statutes | None = None) -> list[Due]:
    """The deadlines counted from the year's signing (公告, 备案, and any a province adds) in force at signing."""
    statutes = statutes or statutes_of(year)
    return [Due(rule, f"合同签订（{cn_date(year.signed_on)}）", rule.deadline(year.signed_on))
            for rule in statutes.of_kind("deadline")
            if rule.starts_from == "signing" and rule.in_force <= year.signed_on]


def service_month_end(year: ContractYear, number: int) -> date:
    """The last day of the n-th service month: the end of the calendar month holding it (as the data has it),
    never after the term."""
    first = date.fromisoformat(f"{year.service_month(number)}-01")
    return min(add_months(first, 1) - timedelta(days=1), year.term_end)


def assessment_end(year: ContractYear) -> date:
    """The last day of the assessment months (the acceptance follows it)."""
    return service_month_end(year, year.renewal.assessment_months[1])


def retention_period(year: ContractYear, rule: Rule) -> tuple[date, date]:
    """The retention period of the year's files: from the day after the term ends, ``years`` years long."""
    start = year.term_end + timedelta(days=1)
    years = rule.years or 0
    try:
        after = start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year without one
        after = start.replace(year=start.year + years, day=28)
    return start, after - timedelta(days=1)


# -- payment terms for SME suppliers ------------------------------------------------------------------

@dataclass(frozen=True)
class TermCheck:
    """One milestone's due date set against the payment term of 《保障中小企业款项支付条例》."""

    index: int
    label: str
    pays_for: str
    delivered: date | None
    due: date
    days: int | None
    latest: date | None
    status: str  # advance | within | agreed | over | unknown | not_in_force
    words: str


def payment_terms(year: ContractYear, statutes: Statutes | None = None) -> tuple[Rule | None, list[TermCheck]]:
    """Each milestone's due date checked against the SME payment term (none when the supplier is not an SME)."""
    statutes = statutes or statutes_of(year)
    rules = statutes.of_kind("payment_term")
    if not rules:
        return None, []
    rule = rules[0]
    checks = []
    for milestone, raw in zip(year.milestones, year.data["payment"]["milestones"], strict=True):
        due = add_months(year.signed_on, milestone.months_after_signing)
        checks.append(_term(year, rule, milestone.index, milestone.label, raw.get("pays_for"), due))
    return rule, checks


def _term(year: ContractYear, rule: Rule, index: int, label: str, pays_for: Mapping[str, Any] | None,
          due: date) -> TermCheck:
    if pays_for is None:
        span, delivered = "", None
    elif pays_for.get("advance"):
        span, delivered = "预付款", None
    else:
        first, last = pays_for["service_months"]
        span = f"第{first}个服务月" if first == last else f"第{first}-{last}个服务月"
        delivered = service_month_end(year, last)
    if due < rule.in_force:
        return TermCheck(index, label, span, delivered, due, None, None, "not_in_force",
                         f"应付日期{cn_date(due)}早于{rule.statute}施行日期{cn_date(rule.in_force)}")
    if pays_for is None:
        return TermCheck(index, label, span, None, due, None, None, "unknown",
                         "合同数据未写明本笔支付哪些月份的服务（payment.milestones 的 pays_for），无法核对付款期限")
    if delivered is None:
        return TermCheck(index, label, span, None, due, None, None, "advance", "预付款，在服务交付前支付")
    days = (due - delivered).days
    latest = rule.deadline(delivered).due
    outer = add_days(delivered, rule.max_days or 0, rule.counting == "working").due
    if days <= 0:
        status, words = "within", f"应付日期不晚于服务交付日（{cn_date(delivered)}）"
    elif due <= latest:
        status, words = "within", f"交付后{days}日付款，在{rule.days}日内"
    elif due <= outer:
        status, words = "agreed", (f"交付后{days}日付款，超过{rule.days}日，属合同另有约定（最长{rule.max_days}日，"
                                   f"即不晚于{cn_date(outer)}）")
    else:
        status, words = "over", (f"交付后{days}日付款，超过{rule.citation}规定的最长{rule.max_days}日"
                                 f"（应不晚于{cn_date(outer)}）")
    return TermCheck(index, label, span, delivered, due, days, outer, status, words)


@dataclass(frozen=True)
class InterestCheck:
    """The contract's late-payment rate set against the late-interest floor of the regulation."""

    rule: Rule
    daily_rate: Decimal | None
    annual: Decimal | None
    lpr: Lpr | None
    status: str  # ok | below | default | no_lpr | stale_lpr
    words: str
    cap_days: int | None  # days after which a capped late fee falls below interest at the LPR, when capped


def interest_check(year: ContractYear, statutes: Statutes | None = None) -> InterestCheck | None:
    """The agreed late-payment rate checked against the LPR floor (None when the supplier is not an SME)."""
    statutes = statutes or statutes_of(year)
    rules = [r for r in statutes.of_kind("late_interest") if r.in_force <= year.term_end]
    if not rules:
        return None
    rule, lpr = rules[0], statutes.lpr
    fee = year.data["payment"].get("late_fee") or {}
    if "daily_rate" not in fee:
        return InterestCheck(rule, None, None, lpr, "default", (
            f"合同未约定逾期利率：按{rule.citation}，按照每日{rate_words(rule.default_daily_rate)}支付逾期利息"), None)
    daily = to_decimal(fee["daily_rate"])
    annual = daily * (rule.year_days or 365)
    stated = f"合同约定每日{rate_words(daily)}（年化约{pct(annual * 100)}，一年按{rule.year_days}日计）"
    if lpr is None:
        return InterestCheck(rule, daily, annual, None, "no_lpr", (
            f"{stated}；合同数据未写明订立时的1年期贷款市场报价利率（statutes.lpr），无法核对是否不低于它"), None)
    age = (year.signed_on - lpr.published).days
    if age < 0 or age > LPR_FRESH_DAYS:
        return InterestCheck(rule, daily, annual, lpr, "stale_lpr", (
            f"{stated}；statutes.lpr 写的是{cn_date(lpr.published)}公布的1年期LPR，不是签订日{cn_date(year.signed_on)}"
            "前最近一次公布的值：请写明合同订立时的1年期LPR"), None)
    words = f"{stated}，合同订立时的1年期LPR为{pct(lpr.rate * 100)}（{cn_date(lpr.published)}公布）"
    status = "ok" if annual >= lpr.rate else "below"
    words += "，不低于该利率" if status == "ok" else f"，低于该利率，不符合{rule.citation}"
    return InterestCheck(rule, daily, annual, lpr, status, words, _cap_days(year, lpr, rule))


def _cap_days(year: ContractYear, lpr: Lpr, rule: Rule) -> int | None:
    """Days late after which the contract's cap on late fees is below interest at the LPR on the largest payment."""
    cap_rate = (year.data["payment"].get("late_fee") or {}).get("cap_rate")
    if cap_rate is None or lpr.rate <= 0:
        return None
    largest = max(tier.amount for milestone in year.milestones for tier in milestone.tiers)
    per_day = largest * lpr.rate / (rule.year_days or 365)
    return int(year.total * to_decimal(cap_rate) / per_day) + 1 if per_day else None


# -- the standards of the requirement appendix -------------------------------------------------------

@dataclass(frozen=True)
class Requirement:
    """One standard of the requirement appendix: its number (四（一）), title, and where its texts are written."""

    number: str
    title: str
    paths: tuple[PathKey, ...]


# How a requirement is numbered: the top level as written (一), a level below it in brackets (一（一）, 八（1）).
_TOP: dict[str, Callable[[int], str]] = {"arabic": str, "arabic_cn": str, "paren": lambda n: f"（{n}）", "cn": cn_num, "cn_paren": lambda n: f"（{cn_num(n)}）"}
_BELOW: dict[str, Callable[[int], str]] = {"arabic": lambda n: f"（{n}）", "arabic_cn": lambda n: f"（{n}）", "paren": lambda n: f"（{n}）",
          "cn": lambda n: f"（{cn_num(n)}）", "cn_paren": lambda n: f"（{cn_num(n)}）"}
REQUIREMENTS_APPENDIX = "requirements"


def title_of(text: str) -> str:
    """A requirement's title: its text up to the first 。 or ：（"人员配置。人员配置不少于…" → 人员配置）."""
    for mark in ("。", "："):
        text = text.split(mark, 1)[0]
    return text.strip()


def requirements(year: ContractYear) -> list[Requirement]:
    """Every standard of the requirement appendix: a top-level item with its own paragraphs, and each item of a
    list below it; tables (the scoring appendix) are accepted indicator by indicator instead."""
    index = next((i for i, a in enumerate(year.data["appendices"]) if a["id"] == REQUIREMENTS_APPENDIX), None)
    if index is None:
        return []
    found: list[Requirement] = []
    _walk(year.data["appendices"][index]["body"], ("appendices", index, "body"), "", found)
    return found


def _walk(blocks: Any, path: PathKey, prefix: str, found: list[Requirement]) -> None:
    """Top-level paragraphs and lists of the appendix (``prefix`` empty), or the lists below an item."""
    for position, block in enumerate(blocks):
        here = (*path, position)
        if isinstance(block, str) and not prefix:
            found.append(Requirement(str(len(found) + 1), title_of(block), (here,)))
        elif isinstance(block, Mapping) and "list" in block:
            label = _BELOW[block["list"]] if prefix else _TOP[block["list"]]
            for number, item in enumerate(block["items"], start=1):
                _item(item, (*here, "items", number - 1), prefix + label(number), found)


def _item(item: Any, path: PathKey, number: str, found: list[Requirement]) -> None:
    """An item is a standard by its own text and paragraphs; the items of a list below it are standards too."""
    if isinstance(item, str):
        found.append(Requirement(number, title_of(item), (path,)))
        return
    body = item.get("body", [])
    paragraphs = [(*path, "body", i) for i, b in enumerate(body) if isinstance(b, str)]
    if paragraphs or not any(isinstance(b, Mapping) and "list" in b for b in body):
        found.append(Requirement(number, title_of(item["text"]), ((*path, "text"), *paragraphs)))
    _walk([b if isinstance(b, Mapping) and "list" in b else {} for b in body], (*path, "body"), number, found)


# -- problems for gen validate ------------------------------------------------------------------------

def statute_problems(year: ContractYear) -> list[Problem]:
    """What `gen validate` reports about the statutory duties of a year (errors and warnings, located)."""
    _, problems = _merged(year)
    if problems:
        return problems
    statutes = statutes_of(year)
    problems += _size_problems(year, statutes)
    problems += _assumed(year, statutes)
    problems += _payment_problems(year, statutes)
    problems += _confidential_problems(year, statutes)
    problems += _acceptance_problems(year, statutes)
    return problems


def _entry_problem(year: ContractYear, field: str, message: str) -> Problem:
    """A warning at the year's own entry (years.<year>.<field>, or the entry when the field is not written)."""
    from dataclasses import replace

    document = year.source.document
    path: PathKey = ("years", str(year.year), field)
    if path not in document.marks:
        path = ("years", str(year.year))
    return replace(document.problem(path, message, "warning"), years=(year.year,))


def _size_problems(year: ContractYear, statutes: Statutes) -> Iterator[Problem]:
    if statutes.supplier_size is None and any(r.applies_to == "sme_supplier" for r in statutes.rules):
        cited = "、".join(dict.fromkeys(r.citation for r in statutes.rules if r.applies_to == "sme_supplier"))
        yield year.source.problem(("parties", "supplier"), (
            f"未写明乙方的企业规模（parties.supplier.size：large、medium、small 或 micro），无法判断是否适用{cited}"),
            "warning")


def _assumed(year: ContractYear, statutes: Statutes) -> Iterator[Problem]:
    for due in signing_deadlines(year, statutes):
        if due.deadline.assumed:
            yield _entry_problem(year, "signed_on", f"{due.rule.title}（{due.rule.citation}）：{due.deadline.assumption()}")


def _payment_problems(year: ContractYear, statutes: Statutes) -> Iterator[Problem]:
    rule, checks = payment_terms(year, statutes)
    for check in checks:
        if check.status in ("over", "unknown"):
            here = ("payment", "milestones", check.index, "pays_for" if check.status == "over" else "id")
            yield year.source.problem(here, f"{check.label}：{check.words}（{rule.quoted if rule else ''}）", "warning")
    interest = interest_check(year, statutes)
    if interest is not None and interest.status in ("below", "no_lpr", "stale_lpr"):
        where = ("statutes", "lpr") if interest.status == "stale_lpr" else ("payment", "late_fee")
        yield year.source.problem(where, f"{interest.words}（{interest.rule.quoted}）", "warning")


def _confidential_problems(year: ContractYear, statutes: Statutes) -> Iterator[Problem]:
    from generator.source.schema import titles

    for index, path in enumerate(statutes.confidential):
        parts = tuple(path.split("."))
        if len(titles("contract.schema.json", parts)) < len(parts):
            yield year.source.problem(("statutes", "confidential", index), (
                f"“{path}” 不是合同数据中的路径：写错的路径不会把该内容从公告中略去，请检查拼写"
                "（例如 parties.supplier.bank、parties.supplier.contact.phone）"))


def _acceptance_problems(year: ContractYear, statutes: Statutes) -> Iterator[Problem]:
    from generator.rules.inputs import specs_of

    config = statutes.acceptance
    titles = list(dict.fromkeys(r.title for r in requirements(year)))
    specs = specs_of(year.data["scoring"])
    here: PathKey = ("statutes", "acceptance")
    for index, title in enumerate(config.get("not_standards", ())):
        if title not in titles:
            yield year.source.problem((*here, "not_standards", index),
                                      f"用户需求书中没有标题为 “{title}” 的条目（现有：{'、'.join(titles)}）")
    for title, kind in config.get("evidence", {}).items():
        if title not in titles:
            yield year.source.problem((*here, "evidence", title),
                                      f"用户需求书中没有标题为 “{title}” 的条目（现有：{'、'.join(titles)}）")
        elif isinstance(kind, Mapping) and kind["input"] not in specs:
            yield year.source.problem((*here, "evidence", title, "input"),
                                      f"没有名为 “{kind['input']}” 的输入（scoring.inputs 中有：{'、'.join(specs)}）")
    for index, name in enumerate(config.get("opinions", ())):
        if name not in specs or specs[name].kind != "ratio":
            ratios = "、".join(n for n, s in specs.items() if s.kind == "ratio")
            yield year.source.problem((*here, "opinions", index),
                                      f"服务对象意见应取 scoring.inputs 中的比率输入（ratio：{ratios}），“{name}” 不是")
