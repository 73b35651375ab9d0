"""Simple clause texts are rendered without jinja's compiler, to exactly the text jinja2 renders."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from generator.documents import templating
from generator.documents.contract import build_contract, build_requirements
from generator.documents.templating import environment, render_simple
from generator.validation import load_contract

from conftest import ROOT

CONTRACTS = [ROOT / "contract.yaml", ROOT / "examples" / "second-contract" / "contract.yaml"]


def _clause_texts(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, str, dict[str, Any]]]:
    """Every templated text the contract's documents render, with the values it is rendered with."""
    seen: list[tuple[Any, str, dict[str, Any]]] = []
    original = templating.render_simple

    def spy(env: Any, text: str, values: Any) -> str | None:
        seen.append((env, text, values))
        return original(env, text, values)

    monkeypatch.setattr(templating, "render_simple", spy)
    contract = load_contract(path)
    for year in contract.years.values():
        build_contract(year)
        build_requirements(year)
    monkeypatch.undo()
    return seen


def _jinja(env: Any, text: str, values: Any) -> str:
    return str(env.from_string(text).render(values))


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.parent.name)
def test_every_clause_renders_as_jinja_renders_it(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _clause_texts(path, monkeypatch)
    simple = 0
    for env, text, values in texts:
        fast = render_simple(env, text, values)
        if fast is not None:
            simple += 1
            assert fast == _jinja(env, text, values), text
    assert simple >= len(texts) // 2  # the fast path is the common one, not an idle branch


VALUES: dict[str, Any] = {
    "fees": {"total": Decimal("2000000.00"), "items": [Decimal("1"), Decimal("2")], "keys": "k", "rate": Decimal("0.05")},
    "terms": {"copies": {"buyer": 2}, "names": ["甲", "乙"], "weights": {"一般": Decimal("0.5"), "0": "zero"}},
    "flag": True,
    "nothing": None,
    "word": "文字",
    "count": 3,
}


@pytest.mark.parametrize("text", [
    "合同总金额{{ fees.total | yuan }}元（大写：{{ fees.total | capital }}）",
    "{{fees.total|yuan}}",
    "{{ fees.total\n | yuan }}",
    "甲方执{{ terms.copies.buyer | cn_upper }}份\n",
    "行一\r\n行二{{ word }}\r\n\r\n",
    "{{ terms.names[1] }}{{ terms.names[0] }}",
    "{{ terms.weights['一般'] }} {{ terms.weights[\"一般\"] }}",
    "{{ fees.rate | pct }} {{ fees.rate | permille }} {{ fees.total | wan }}",
    "{{ flag }} {{ nothing }} {{ count | cn_num }}",
    "{{ fees['items'] }}",
    "{{ fees['keys'] }}",
    "}} 单独的右括号 {{ word }}",
])
def test_simple_texts_match_jinja(text: str) -> None:
    env = environment(False)
    fast = render_simple(env, text, VALUES)
    assert fast is not None
    assert fast == _jinja(env, text, VALUES)


@pytest.mark.parametrize("text", [
    "{{ fees.items }}",  # dict.items, a method: the sandbox's business
    "{{ fees.keys }}",
    "{{ missing }}",  # undefined: jinja2 reports it in its words
    "{{ fees.missing }}",
    "{{ terms.names[5] }}",
    "{{ terms.weights[0] }}",
    "{{ word.upper }}",  # an attribute of an object
    "{{ word | upper }}",  # a filter that is not the contract's
    "{{ word | yuan }}",  # a filter that fails
    "{{ true }}",
    "{{ count + 1 }}",
    "{{ fees.total | yuan() }}",
    "{{- word }}",
    "{% if flag %}是{% endif %}",
    "{# 注释 #}{{ word }}",
    "{{ word }} {{ 未闭合",
    "{{ _private }}",
    "{{ terms.names[01] }}",
])
def test_other_texts_are_left_to_jinja(text: str) -> None:
    assert render_simple(environment(False), text, VALUES) is None


def test_a_clause_the_fast_path_declines_still_renders_or_reports_through_jinja() -> None:
    from generator.source.loader import load_bytes

    document = load_bytes(b"a: 1\n", "x.yaml")
    renderer = templating.Renderer(document, environment(False), VALUES)
    assert renderer.render("{{ terms.names | length }}项", ("a",)) == "2项"
    assert renderer.render("{{ fees.missing }}", ("a",)) == ""
    assert "missing" in renderer.problems[0].message

