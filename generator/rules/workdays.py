"""Deadlines counted in working days by the State Council's holiday schedule, or in calendar days.

Which days are working days comes from the maintained `chinesecalendar` package (the yearly
schedules with their 调休 weekend working days), never from a list of our own. A day of a year the
installed package does not cover is counted Monday to Friday, and the deadline says so: it names the
uncovered years and the date it assumed, so nothing is guessed silently.

Counting follows 《民法典》第二百零一条: the day of the event is not counted; the period starts the day
after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from generator.rules.numerals import cn_date

# No statute counts more than a year of days; a larger count is a typing mistake, and this bound keeps
# any input from making the count run away.
MAX_DAYS = 400
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Coverage:
    """The years the installed holiday schedule covers, and which package version says so."""

    first: int
    last: int
    version: str

    def covers(self, day: date) -> bool:
        """Whether ``day`` lies in a year whose schedule the package holds."""
        return self.first <= day.year <= self.last


@cache
def _library() -> tuple[Any, Coverage]:
    import chinese_calendar

    from generator.errors import EnvironmentProblem

    holidays = getattr(chinese_calendar, "holidays", None)
    if not holidays:
        raise EnvironmentProblem("chinesecalendar 没有可用的节假日数据，无法计算工作日：请重新安装 pip install -U chinesecalendar")
    years = [day.year for day in holidays]
    version = str(getattr(chinese_calendar, "__version__", "")) or "?"
    return chinese_calendar, Coverage(min(years), max(years), version)


def coverage() -> Coverage:
    """The years the installed `chinesecalendar` covers."""
    return _library()[1]


@dataclass(frozen=True)
class Day:
    """How one day counts: working or not, why (a holiday's name, 调休), and whether it was assumed."""

    day: date
    working: bool
    reason: str  # "" for an ordinary weekday or weekend; 国庆节, 调休上班 …
    assumed: bool


def day_kind(day: date) -> Day:
    """Whether ``day`` is a working day; Monday to Friday (flagged as assumed) outside the package's years."""
    library, covered = _library()
    if not covered.covers(day):
        return Day(day, day.weekday() < 5, "", True)
    resting, name = library.get_holiday_detail(day)
    if name is None:
        return Day(day, not resting, "", False)
    chinese = next((h.chinese for h in library.Holiday if h.value == name), name)
    return Day(day, not resting, "调休上班" if not resting else chinese, False)


@dataclass(frozen=True)
class Deadline:
    """The last day of a period of ``days`` (working or calendar) days after ``start``, and how it was found."""

    start: date
    days: int
    working: bool
    due: date
    notable: tuple[Day, ...]  # holidays skipped and weekend days worked within the period
    assumed_years: tuple[int, ...]

    @property
    def assumed(self) -> bool:
        """Whether a year the holiday schedule does not cover was counted Monday to Friday."""
        return bool(self.assumed_years)

    def unit(self) -> str:
        """个工作日 or 日."""
        return "个工作日" if self.working else "日"

    def how(self) -> str:
        """The count in words, with the holidays and 调休 days that moved it."""
        text = f"{cn_date(self.start)}次日起算{self.days}{self.unit()}，截止{cn_date(self.due)}（星期{WEEKDAYS[self.due.weekday()]}）"
        notes = list(_notable_words(self.notable))
        return text + (f"；期间{'，'.join(notes)}" if notes else "")

    def assumption(self) -> str:
        """The warning for a period reaching into years the installed schedule lacks ('' when none does)."""
        if not self.assumed:
            return ""
        covered = coverage()
        years = "、".join(str(y) for y in self.assumed_years)
        return (f"{years} 年的节假日安排尚未收录（已安装的 chinesecalendar {covered.version} 收录 {covered.first}–{covered.last} 年），"
                f"按周一至周五为工作日推算：截止日 {self.due.isoformat()}。国务院公布该年节假日安排后，请升级 chinesecalendar"
                "（pip install -U chinesecalendar）再核对")


def _notable_words(days: tuple[Day, ...]) -> Iterator[str]:
    """'2024年10月1日至7日国庆节放假', '2024年9月29日（星期日）调休上班' for the days that moved a count."""
    runs: list[list[Day]] = []
    for day in (d for d in days if not d.working):
        # A run is consecutive days off for one holiday (国庆节 1-5日, 中秋 6日, 国庆节 7-8日 are three).
        if runs and runs[-1][-1].reason == day.reason and (day.day - runs[-1][-1].day).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:
        first, last = run[0].day, run[-1].day
        span = cn_date(first) if first == last else f"{cn_date(first)}至{cn_date(last)}"
        yield f"{span}{run[0].reason}放假"
    for worked in (d for d in days if d.working):
        yield f"{cn_date(worked.day)}（星期{WEEKDAYS[worked.day.weekday()]}）调休上班"


def add_days(start: date, days: int, working: bool) -> Deadline:
    """The deadline ``days`` working (or calendar) days after ``start``, the start day itself not counted."""
    if not 0 <= days <= MAX_DAYS:
        raise ValueError(f"天数应在 0-{MAX_DAYS} 之间：{days}")
    if not working:
        due = start + timedelta(days=days)
        return Deadline(start, days, False, due, (), ())
    day, counted = start, 0
    notable: list[Day] = []
    assumed: set[int] = set()
    while counted < days:
        day += timedelta(days=1)
        kind = day_kind(day)
        if kind.assumed:
            assumed.add(day.year)
        if kind.working:
            counted += 1
        if kind.reason:
            notable.append(kind)
    return Deadline(start, days, True, day, tuple(notable), tuple(sorted(assumed)))
