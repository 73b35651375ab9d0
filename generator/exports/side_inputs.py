"""Side inputs of the payment schedule: monthly ranks and actual payments, each checked with file and line."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from generator.errors import InputError, Problem
from generator.rules.inputs import KINDS, BadValue, InputSpec, rank_input, specs_of
from generator.rules.model import ContractYear
from generator.rules.money import round_fen, to_decimal
from generator.rules.payment import Payment
from generator.source.loader import Document, load_file
from generator.source.schema import schema_problems

# A number written with thousands separators inside a flow mapping ({milestone: m2, amount: 580,000.00}):
# YAML takes the comma for the end of the entry, and the rest (000.00) for a key of its own.
_GROUPED_IN_FLOW = re.compile(r"\{[^}#]*:\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?)")


def _checked(path: Path, schema: str) -> Document:
    try:
        document = load_file(path, path.name)
    except InputError as error:
        raise InputError(_grouped_numbers(path) or error.problems) from None
    # One problem, one message: a value that breaks two rules of one schema (a format and a pattern) is said once.
    first: dict[tuple[str, int, str], Problem] = {}
    for problem in schema_problems(document, schema):
        first.setdefault((problem.file, problem.line, problem.path), problem)
    problems = list(first.values())
    if problems:
        raise InputError(problems)
    return document


def _grouped_numbers(path: Path) -> list[Problem]:
    """Problems for numbers with thousands separators in a {…} mapping, which break the file's structure."""
    try:
        lines = path.read_text("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    found = []
    for number, line in enumerate(lines, start=1):
        for match in _GROUPED_IN_FLOW.finditer(line):
            figure = match.group(1)
            found.append(Problem(path.name, number, match.start(1) + 1, "", (
                f"{figure} 中的逗号在 {{…}} 写法中会被当作两项之间的分隔：请写成 {figure.replace(',', '')}"
                f"（或加引号 \"{figure}\"）")))
    return found


def _amount(raw: object) -> Decimal:
    """An amount as written: a number, or text with thousands separators (580,000.00)."""
    return to_decimal(raw.replace(",", "") if isinstance(raw, str) else raw)


def _rank(document: Document, key: tuple[str, ...], raw: object, year: ContractYear) -> tuple[int | None, Problem | None]:
    name = rank_input(year.data["scoring"]) or "名次"
    # Without a declared rank input the ranks are still read as ranks (they decide the payment tiers).
    spec = specs_of(year.data["scoring"]).get(name) or InputSpec(name, "rank", "average")
    try:
        return KINDS["rank"].read(spec, raw, (year.rank_best, year.rank_worst)), None
    except BadValue as exc:
        return None, document.problem(key, str(exc))


def load_rankings(path: Path, year: ContractYear, months: list[str]) -> dict[str, int]:
    """Ranks from a ``YYYY-MM: rank`` file; every month must belong to the service year."""
    document = _checked(path, "rankings.schema.json")
    problems: list[Problem] = []
    ranks = {}
    for month, raw in document.data.items():
        rank, problem = _rank(document, (month,), raw, year)
        if problem:
            problems.append(problem)
        elif rank is not None:
            ranks[month] = rank
        if month not in months:
            problems.append(document.problem((month,), f"月份 {month} 不在本服务年度内（{months[0]} 至 {months[-1]}）"))
    if problems:
        raise InputError(problems)
    return ranks


def rankings_from_data(data_dir: Path, year: ContractYear, months: list[str]) -> dict[str, int]:
    """Ranks from the monthly data folders (``DIR/YYYY-MM/month.yaml``, the year's rank input), where present."""
    name = rank_input(year.data["scoring"])
    ranks: dict[str, int] = {}
    problems: list[Problem] = []
    for month in months:
        path = data_dir / month / "month.yaml"
        if name is None or not path.is_file():
            continue
        document = load_file(path, f"{month}/month.yaml")
        if not isinstance(document.data, dict) or name not in document.data:
            continue
        rank, problem = _rank(document, (name,), document.data[name], year)
        if problem:
            problems.append(problem)
        elif rank is not None:
            ranks[month] = rank
    if problems:
        raise InputError(problems)
    return ranks


def load_payments(path: Path, year: ContractYear) -> tuple[list[Payment], list[Problem]]:
    """Actual payments. A milestone is named by its id (m2) or by the label the documents print (第2笔); one
    the year does not have is an error naming those it has; an amount below the fen is an error."""
    document = _checked(path, "payments.schema.json")
    known = {key: m.id for m in year.milestones for key in (m.id, m.label)}
    payments, problems = [], []
    for index, entry in enumerate(document.data):
        line = document.mark((index,))[0]
        name = str(entry["milestone"]).strip()
        if name not in known:
            listed = "、".join(f"{m.id}（{m.label}）" for m in year.milestones)
            problems.append(document.problem((index, "milestone"), (
                f"{year.year}年度没有付款节点 “{name}”：请写节点标识或文档中的名称，本年度的节点为 {listed}")))
            continue
        amount = _amount(entry["amount"])
        if amount != round_fen(amount):
            problems.append(document.problem((index, "amount"), f"金额 {amount} 精确到分以下"))
            continue
        payments.append(Payment(known[name], date.fromisoformat(entry["paid_on"]), amount, line))
    if problems:
        raise InputError(problems)
    return payments, []
