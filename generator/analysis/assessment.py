"""The annual assessment (履约验收) over the assessment months, and recording its result in contract.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from generator.analysis.periods import period
from generator.errors import GenError
from generator.exports.month import load_month
from generator.exports.tables import Figures
from generator.rules.inputs import rank_input
from generator.rules.model import Assessment as RecordedAssessment
from generator.rules.model import ContractYear
from generator.rules.payment import Schedule, build_schedule
from generator.rules.scoring import ScoreCard
from generator.source.edit import assessment_lines, set_assessment


@dataclass(frozen=True)
class Assessment:
    """The year's assessment: what it covers, the score card, the verdict and the payments it implies."""

    json_properties: ClassVar[tuple[str, ...]] = ("partial",)

    year: int
    months: tuple[str, ...]
    missing: tuple[str, ...]
    figures: Mapping[str, Figures]
    inputs: Mapping[str, Any]
    card: ScoreCard
    threshold: Decimal
    breaches: tuple[str, ...]
    passed: bool
    schedule: Schedule

    @property
    def partial(self) -> bool:
        """Whether some months of the assessment period had no data."""
        return bool(self.missing)


def assess(contract: ContractYear, data_dir: Path, partial: bool = False) -> Assessment:
    """Score the assessment months of a contract year by its scoring appendix."""
    year = contract.year
    months = contract.service_months()
    first, last = contract.renewal.assessment_months
    span = months[first - 1 : last]
    missing = tuple(m for m in span if not (data_dir / m).is_dir())
    hand = (f"已由甲方出具考核结果时，可直接记录：gen assess --year {year} --record --score 得分"
            f"（或在 contract.yaml 的 years.{year} 下手写 assessment: {{score: 得分, passed: true, breaches: []}}）")
    if missing and not partial:
        raise GenError(
            f"{year} 年度考核需要第 {first}-{last} 个服务月的数据（{data_dir} 中的 YYYY-MM 目录），缺少：{'、'.join(missing)}。"
            f"数据不全时可加 --partial 按已有月份计算，报告首页会注明；{hand}")
    present = [m for m in span if m not in missing]
    if not present:
        raise GenError(f"{year} 年度考核期内（{span[0]} 至 {span[-1]}）在 {data_dir} 中没有任何月份的数据。{hand}")
    data = {m: load_month(data_dir, m, contract) for m in present}
    result = period(contract, span, data)
    recorded = contract.entry.assessment
    breaches = recorded.breaches if recorded else ()
    name = rank_input(contract.data["scoring"])
    ranks = {m: int(d.inputs[name]) for m, d in data.items() if name and name in d.inputs}
    card = result.card
    assert card is not None  # at least one month is present
    return Assessment(
        year=year, months=tuple(present), missing=missing, figures=result.figures, inputs=result.inputs, card=card,
        threshold=contract.renewal.min_score, breaches=tuple(breaches),
        passed=card.total >= contract.renewal.min_score and not breaches,
        schedule=build_schedule(contract, ranks),
    )


def recorded_block(result: Assessment) -> list[str]:
    """The ``assessment:`` entry for contract.yaml, as lines without indentation."""
    note = f"gen assess：{result.months[0]} 至 {result.months[-1]}" + ("（数据不全）" if result.partial else "")
    return assessment_lines(result.card.total, result.passed, result.breaches, note)


def record(text: str, name: str, result: Assessment) -> str:
    """contract.yaml's text with ``years.<year>.assessment`` replaced (or added), all else untouched.

    The caller validates the result before anything is written.
    """
    return set_assessment(text, name, result.year, recorded_block(result))


def recorded_words(result: RecordedAssessment | None) -> str:
    """A recorded result in words: 88 分，合格，无违约行为."""
    if result is None:
        return "未记录"
    score = f"{result.score:f} 分，" if result.score is not None else ""
    breaches = f"违约行为：{'；'.join(result.breaches)}" if result.breaches else "无违约行为"
    return f"{score}{'合格' if result.passed else '不合格'}，{breaches}"


def record_given(text: str, name: str, contract: ContractYear, score: Decimal | None, passed: bool | None,
                 breaches: tuple[str, ...]) -> str:
    """contract.yaml's text with a result the buyer issued (no exports read) as ``years.<year>.assessment``.

    Without ``passed``, the verdict follows the renewal article: at least the minimum score and no breach.
    """
    if passed is None:
        if score is None:
            raise GenError("记录考核结果须给出得分（--score）或结论（--passed / --failed）")
        passed = score >= contract.renewal.min_score and not breaches
    note = "甲方出具的考核结果（gen assess --score）" if score is not None else "甲方出具的考核结论"
    return set_assessment(text, name, contract.year, assessment_lines(score, passed, breaches, note))
