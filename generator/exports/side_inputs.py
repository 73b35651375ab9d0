"""Side inputs of the payment schedule: monthly ranks and actual payments, each checked with file and line."""

from __future__ import annotations

from pathlib import Path

from generator.errors import InputError, Problem
from generator.rules.dates import parse_iso
from generator.rules.model import ContractYear
from generator.rules.money import round_fen, to_decimal
from generator.rules.payment import Payment
from generator.source.loader import Document, load_file
from generator.source.schema import schema_problems

RANK_KEY = "全省排名"


def _checked(path: Path, schema: str) -> Document:
    document = load_file(path, path.name)
    problems = schema_problems(document, schema)
    if problems:
        raise InputError(problems)
    return document


def _rank_problem(document: Document, path: tuple[str, ...], rank: object, contract: ContractYear) -> Problem | None:
    if isinstance(rank, bool) or not isinstance(rank, int):
        return document.problem(path, f"名次应为整数，实际是 “{rank}”")
    if not contract.rank_best <= rank <= contract.rank_worst:
        return document.problem(path, f"名次 {rank} 超出范围：应为 {contract.rank_best}-{contract.rank_worst}")
    return None


def load_rankings(path: Path, contract: ContractYear, months: list[str]) -> dict[str, int]:
    """Ranks from a ``YYYY-MM: rank`` file; every month must belong to the service year."""
    document = _checked(path, "rankings.schema.json")
    problems: list[Problem] = []
    for month, rank in document.data.items():
        problem = _rank_problem(document, (month,), rank, contract)
        if problem:
            problems.append(problem)
        if month not in months:
            problems.append(document.problem((month,), (
                f"月份 {month} 不在本服务年度内（{months[0]} 至 {months[-1]}）")))
    if problems:
        raise InputError(problems)
    return dict(document.data)


def rankings_from_data(data_dir: Path, contract: ContractYear, months: list[str]) -> dict[str, int]:
    """Ranks from the monthly data folders (``DIR/YYYY-MM/month.yaml``, key 全省排名), where present."""
    ranks: dict[str, int] = {}
    problems: list[Problem] = []
    for month in months:
        path = data_dir / month / "month.yaml"
        if not path.is_file():
            continue
        document = load_file(path, str(Path(month) / "month.yaml"))
        if not isinstance(document.data, dict) or RANK_KEY not in document.data:
            continue
        rank = document.data[RANK_KEY]
        problem = _rank_problem(document, (RANK_KEY,), rank, contract)
        if problem:
            problems.append(problem)
        else:
            ranks[month] = rank
    if problems:
        raise InputError(problems)
    return ranks


def load_payments(path: Path, contract: ContractYear) -> list[Payment]:
    """Actual payments; each must name a milestone of the contract and be a whole number of fen."""
    document = _checked(path, "payments.schema.json")
    known = {m.id for m in contract.milestones}
    payments, problems = [], []
    for index, entry in enumerate(document.data):
        if entry["milestone"] not in known:
            problems.append(document.problem((index, "milestone"), (
                f"没有付款节点 “{entry['milestone']}”（已有：{'、'.join(sorted(known))}）")))
            continue
        amount = to_decimal(entry["amount"])
        if amount != round_fen(amount):
            problems.append(document.problem((index, "amount"), f"金额 {amount} 精确到分以下"))
            continue
        payments.append(Payment(entry["milestone"], parse_iso(entry["paid_on"]), amount))
    if problems:
        raise InputError(problems)
    return payments
