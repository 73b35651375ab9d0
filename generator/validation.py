"""The first half of the pipeline: load contract.yaml → merge each year's layers → validate → resolve.

The file as written is checked against the schema first (the base contract, and each year's changes
against the patch schemas); then every year's merged contract is checked as a whole contract, by the
schema and then by the rules. A problem is reported once, at the line where the offending value was
written, naming the years it breaks when it does not break them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator import caching
from generator.errors import InputError, Problem, merge_years
from generator.source.loader import load_bytes, read_bounded

if TYPE_CHECKING:
    from generator.rules.model import Contract
    from generator.source.loader import Document

SCHEMA = "contract.schema.json"


def load_contract(path: Path) -> Contract:
    """Load contract.yaml safely and check every year against the schema and the contract's rules.

    A contract whose bytes were checked before by this very version of the tool comes from the cache
    (keyed by its content and the tool's fingerprint): no YAML parser, no JSON Schema, no rules run.
    A contract with errors is never cached, so its errors are always found again.
    """
    raw = read_bounded(path, path.name)
    name = caching.key("contract", path.name, caching.digest_bytes(raw))
    contract = caching.load_object("contracts", name)
    if contract is None:
        contract = check_document(load_bytes(raw, path.name))
        caching.store_object("contracts", name, contract)
    return contract  # type: ignore[no-any-return]


def check_document(document: Document) -> Contract:
    """The validated, resolved contract of a loaded document; every problem found raises at once."""
    from generator.exports.checks import check_exports
    from generator.rules.checks import check_sequence, check_year
    from generator.rules.examples import example_problems
    from generator.rules.resolve import resolve_years
    from generator.source.layers import merged_years
    from generator.source.schema import schema_problems

    problems = schema_problems(document, SCHEMA)
    if problems:
        raise InputError(problems)
    sources, problems = merged_years(document)
    for source in sources.values():
        problems += schema_problems(source, SCHEMA)
    _raise(problems, sources)
    contract, problems = resolve_years(document, sources)
    for year in contract.years.values():
        found = [*check_year(year), *check_exports(year)]
        # Examples are evaluated only on a year whose rules hold together; else they would fail for that reason.
        problems += found or example_problems(year)
    problems += check_sequence(contract)
    _raise(problems, sources)
    warnings = merge_years([p for p in problems if p.severity == "warning"], sources)
    return replace(contract, warnings=tuple(warnings))


def _raise(problems: list[Problem], years: Iterable[int]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(merge_years(errors, years))
