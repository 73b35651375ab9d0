"""Side inputs of the payment schedule: monthly ranks and actual payments, each checked with file and line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.errors import InputError, Problem
from generator.rules.inputs import KINDS, BadValue, rank_input, specs_of
from generator.rules.model import ContractYear
from generator.rules.money import round_fen, to_decimal
from generator.rules.payment import Payment
from generator.source.loader import Document, load_file
from generator.source.schema import schema_problems


def _checked(path: Path, schema: str) -> Document:
    document = load_file(path, path.name)
    problems = schema_problems(document, schema)
    if problems:
        raise InputError(problems)
    return document


def _rank(document: Document, key: tuple[str, ...], raw: object, year: ContractYear) -> tuple[int | None, Problem | None]:
    name = rank_input(year.data["scoring"]) or "名次"
    spec = specs_of(year.data["scoring"]).get(name)
    try:
        return KINDS["rank"].read(spec, raw, (year.rank_best, year.rank_worst)), None  # type: ignore[arg-type]
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
    """Actual payments and the warnings about them: a payment naming no milestone of the year is left out
    with a warning at its line; an amount below the fen is an error."""
    document = _checked(path, "payments.schema.json")
    known = {m.id: m.label for m in year.milestones}
    payments, problems, warnings = [], [], []
    for index, entry in enumerate(document.data):
        line = document.mark((index,))[0]
        if entry["milestone"] not in known:
            listed = "、".join(f"{k}（{v}）" for k, v in known.items())
            warnings.append(document.problem((index, "milestone"), (
                f"没有付款节点 “{entry['milestone']}”，这条付款未计入（本年度的节点：{listed}）"), "warning"))
            continue
        amount = to_decimal(entry["amount"])
        if amount != round_fen(amount):
            problems.append(document.problem((index, "amount"), f"金额 {amount} 精确到分以下"))
            continue
        payments.append(Payment(entry["milestone"], date.fromisoformat(entry["paid_on"]), amount, line))
    if problems:
        raise InputError(problems)
    return payments, warnings
