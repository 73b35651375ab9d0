"""One error hierarchy for everything a user can get wrong; the CLI maps it to exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about an input file, located as precisely as the input allows."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"
    years: tuple[int, ...] = ()  # the contract years it breaks, when not all of them
    # Where the problem is in the merged contract year (``scoring.indicators[0].examples[1].points``), when
    # that differs from ``path``, the place in the file: what a form of the year attaches the message to.
    target: str = ""
    # Lines the user may paste to fix it (e.g. recomputed worked examples); offered, never applied.
    fix: str = ""

    def format(self) -> str:
        """Render as ``file:line:col: path: message`` (the form editors and CI logs link)."""
        where = f"{self.file}:{self.line}:{self.column}"
        prefix = {"warning": "警告", "note": "提示"}.get(self.severity, "错误")
        path = f" {self.path}:" if self.path else ""
        years = f"{'、'.join(map(str, self.years))} 年度：" if self.years else ""
        fix = f"\n{self.fix.rstrip()}" if self.fix else ""
        return f"{where}:{path} {prefix}：{years}{self.message}{fix}"


def merge_years(problems: Iterable[Problem], all_years: Iterable[int]) -> list[Problem]:
    """One problem per place and message, naming the years it breaks (none named when it breaks all)."""
    everyone = set(all_years)
    grouped: dict[Problem, set[int]] = {}
    for problem in problems:
        grouped.setdefault(replace(problem, years=()), set()).update(problem.years or everyone)
    return sorted(replace(p, years=() if years >= everyone else tuple(sorted(years))) for p, years in grouped.items())


class GenError(Exception):
    """Base of every expected failure; its text is shown to the user as is."""

    exit_code = 1


class InputError(GenError):
    """The input files are broken; carries every problem found, sorted."""

    def __init__(self, problems: Iterable[Problem], note: str = "") -> None:
        self.problems = sorted(problems)
        self.note = note
        text = "\n".join(p.format() for p in self.problems)
        super().__init__(f"{text}\n{note}" if note else text)


class UsageError(GenError):
    """The command was called with arguments that make no sense for the data (e.g. an unknown year)."""

    exit_code = 2


class EnvironmentProblem(GenError):
    """Something outside the inputs is missing (a font, LibreOffice); the message names the fix."""
