"""The first half of the pipeline: load contract.yaml → merge each year's layers → validate → resolve.

The file as written is checked against the schema first (the base contract, and each year's changes
against the patch schemas); then every year's merged contract is checked as a whole contract, by the
schema and then by the rules. A problem is reported once, at the line where the offending value was
written, naming the years it breaks when it does not break them all.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import caching
from generator.errors import InputError, Problem, merge_years
from generator.source.loader import load_bytes, read_bounded

if TYPE_CHECKING:
    from generator.rules.model import Contract
    from generator.source.loader import Document

SCHEMA = "contract.schema.json"
_VALID = "schema-valid-section"


# The contracts this process loaded last, by file name and the digest of the very bytes: a long-lived
# process (the editor, a library user, the tests) asks for an unchanged file again and again, and a loaded
# contract is immutable. Everything else a load reads (schemas, statutes, the working-day calendar) is read
# once per process anyway. A few only: each holds a whole contract.
_LOADED: OrderedDict[tuple[str, str], Contract] = OrderedDict()
LOADED_KEPT = 4


def load_contract(path: Path) -> Contract:
    """Load contract.yaml safely and check every year against the schema and the contract's rules."""
    raw = read_bounded(path, path.name)
    if not caching.in_use():
        return check_document(load_bytes(raw, path.name))
    key = (path.name, hashlib.sha256(raw).hexdigest())
    if key in _LOADED:
        _LOADED.move_to_end(key)
        return _LOADED[key]
    contract = check_document(load_bytes(raw, path.name))
    _LOADED[key] = contract
    if len(_LOADED) > LOADED_KEPT:
        _LOADED.popitem(last=False)
    return contract


def check_document(document: Document) -> Contract:
    """The validated, resolved contract of a loaded document; every problem found raises at once."""
    from generator.exports.checks import check_exports
    from generator.rules.checks import check_sequence, check_year
    from generator.rules.examples import example_problems
    from generator.rules.resolve import resolve_years
    from generator.rules.statute_examples import contract_example_problems, shipped_example_problems
    from generator.rules.statutes import statute_problems
    from generator.source.layers import merged_years

    known: set[str] = set()
    problems = _schema_check(document, known)
    if problems:
        raise InputError(problems)
    sources, problems = merged_years(document)
    for source in sources.values():
        problems += _schema_check(source, known)
    _raise(problems, sources)
    contract, problems = resolve_years(document, sources)
    for year in contract.years.values():
        found = [*check_year(year), *check_exports(year)]
        # Examples are evaluated only on a year whose rules hold together; else they would fail for that reason.
        problems += found or example_problems(year)
        if not any(p.severity == "error" for p in found):
            problems += [*statute_problems(year), *contract_example_problems(year)]
    problems += check_sequence(contract)
    problems += shipped_example_problems()
    _raise(problems, sources)
    warnings = merge_years([p for p in problems if p.severity == "warning"], sources)
    return replace(contract, warnings=tuple(warnings))


# -- sections validated once per run ---------------------------------------------------------------------
# Each year's merged contract repeats most sections of the base contract unchanged: a top-level section
# (fees, articles …) with the very content of one already validated in this run is not validated again.
# "This run" is the process: the editor checks the whole contract on every edit, and an edit changes one
# section, so only that section meets the schema again. What is remembered is the digest of the section's
# exact text, and only after it passed: a problem is always found again, and located in its own document.


def _exact(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"Decimal({value})"  # 1.0 and 1.00 are told apart: the text is of what was written
    raise TypeError(type(value))


def _exact_json(key: Any, value: Any) -> str | None:
    """The section as exact JSON text (what was written, with its types), or None when it is not JSON."""
    try:
        return json.dumps([key, value], default=_exact, ensure_ascii=False, sort_keys=True)
    except TypeError:
        return None


def _schema_check(document: Any, known: set[str]) -> list[Problem]:
    """Schema problems of the sections not known to be valid; the whole document when its top level is off.

    Once a document's sections pass, the digests of their exact JSON texts join ``known`` and are remembered
    for the rest of the run (``caching.remember``).
    """
    from generator.source.schema import schema_of, schema_problems

    data: Mapping[str, Any] = document.data
    top = schema_of(SCHEMA)
    required, allowed = set(top.get("required", ())), set(top.get("properties", {}))
    texts = {key: _digest(key, value) for key, value in data.items()} if isinstance(data, Mapping) else {}
    whole = not isinstance(data, Mapping) or not required <= set(data) or not set(data) <= allowed
    todo = [key for key, text in texts.items()
            if text is None or (text not in known and not caching.recalls(_VALID, text))]
    if not whole and not todo:
        return []
    problems = schema_problems(document, SCHEMA, only=None if whole else todo)
    if not problems:
        for text in texts.values():
            if text is not None:
                known.add(text)
                caching.remember(_VALID, text, True)
    return problems


def _digest(key: Any, value: Any) -> str | None:
    text = _exact_json(key, value)
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def _raise(problems: list[Problem], years: Iterable[int]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(merge_years(errors, years))
