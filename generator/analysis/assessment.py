"""Article 五.1's annual assessment over service months 1-10, and recording its result in contract.yaml."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from generator.analysis.monthly import scoring_inputs
from generator.errors import InputError, Problem
from generator.exports.ingest import load_month
from generator.exports.metrics import Counts, count_month
from generator.rules.model import Contract
from generator.rules.payment import Schedule, build_schedule, service_months
from generator.rules.resolve import resolve_year
from generator.rules.scoring import ScoreCard, score
from generator.source.loader import load_bytes


@dataclass(frozen=True)
class Assessment:
    """The year's assessment: what it covers, the score card, the verdict and the payments it implies."""

    json_properties: ClassVar[tuple[str, ...]] = ("partial",)

    year: int
    months: tuple[str, ...]
    missing: tuple[str, ...]
    counts: Counts
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


def assess(contract: Contract, year: int, data_dir: Path, partial: bool = False) -> Assessment:
    """Score months ``assessment_months`` of service year ``year`` by appendix 1."""
    resolved = resolve_year(contract, year)
    months = service_months(resolved.term_start, contract.duration_months)
    first, last = contract.renewal.assessment_months
    period = months[first - 1 : last]
    missing = tuple(m for m in period if not (data_dir / m).is_dir())
    if missing and not partial:
        raise InputError([Problem(str(data_dir), 1, 1, "", (
            f"{year} 年度考核需要第 {first}-{last} 个服务月的数据，缺少：{'、'.join(missing)}"
            "（数据不全时可加 --partial 按已有月份计算，报告首页会注明）"))])
    present = [m for m in period if m not in missing]
    if not present:
        raise InputError([Problem(str(data_dir), 1, 1, "", f"{year} 年度考核期内没有任何月份的数据")])
    scoring = contract.data["scoring"]
    counts, extras = Counts(), []
    for month in present:
        data = load_month(data_dir, month)
        counts = counts + count_month(data, scoring["satisfied_answers"], scoring["revisit_hours"])
        extras.append(data.extra)
    inputs = scoring_inputs(contract, counts, extras)
    card = score(contract, inputs)
    recorded = contract.years[year].assessment
    breaches = recorded.breaches if recorded else ()
    ranks = {m: int(e["全省排名"]) for m, e in zip(present, extras, strict=True)}
    return Assessment(
        year=year, months=tuple(present), missing=missing, counts=counts, inputs=inputs, card=card,
        threshold=contract.renewal.min_score, breaches=tuple(breaches),
        passed=card.total >= contract.renewal.min_score and not breaches,
        schedule=build_schedule(contract, resolved, ranks),
    )


def recorded_text(result: Assessment, indent: str) -> str:
    """The ``assessment:`` block for contract.yaml at the given indentation."""
    breaches = "[]" if not result.breaches else "\n" + "".join(f"{indent}    - {b}\n" for b in result.breaches).rstrip("\n")
    note = f"  # gen assess：{result.months[0]} 至 {result.months[-1]}" + ("（数据不全）" if result.partial else "")
    return (f"{indent}assessment:{note}\n{indent}  score: {result.card.total}\n"
            f"{indent}  passed: {'true' if result.passed else 'false'}\n{indent}  breaches: {breaches}\n")


def record(path: Path, contract: Contract, result: Assessment) -> bytes:
    """contract.yaml with ``years.<year>.assessment`` replaced (or added), comments elsewhere untouched.

    The edit is made on the text, located by the loader's line marks, and the result is loaded and
    schema-checked again by the caller before anything is written.
    """
    lines = path.read_text("utf-8").splitlines(keepends=True)
    doc = contract.document
    year_line = doc.mark(("years", str(result.year)))[0] - 1
    child = next(i for i in range(year_line + 1, len(lines)) if lines[i].strip() and not lines[i].lstrip().startswith("#"))
    indent = re.match(r"\s*", lines[child]).group(0)  # type: ignore[union-attr]
    end = child
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith(indent)):
        end += 1
    while end > child and not lines[end - 1].strip():
        end -= 1
    block = recorded_text(result, indent)
    if ("years", str(result.year), "assessment") in doc.marks:
        start = doc.mark(("years", str(result.year), "assessment"))[0] - 1
        stop = start + 1
        while stop < end and (not lines[stop].strip() or len(re.match(r"\s*", lines[stop]).group(0)) > len(indent)):  # type: ignore[union-attr]
            stop += 1
        lines[start:stop] = [block]
    else:
        lines[end:end] = [block]
    text = "".join(lines).encode("utf-8")
    load_bytes(text, path.name)  # must still parse; the caller re-validates fully
    return text
