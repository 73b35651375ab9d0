"""Clause text evaluated directly renders exactly what jinja2 renders, or is left to jinja2."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.documents import sandbox, template_eval, templating
from generator.documents.contract import build_contract, build_requirements
from generator.documents.template_limits import BUDGET, Budget, counted, direct_filters
from generator.source.loader import load_bytes
from generator.validation import load_contract

from conftest import ROOT

CONTRACTS = [ROOT / "contract.yaml", ROOT / "examples" / "second-contract" / "contract.yaml"]


def _direct(text: str, values: Any, policy: bool = False) -> str | None:
    token = BUDGET.set(Budget())
    try:
        return template_eval.render(text, values, direct_filters(policy))
    finally:
        BUDGET.reset(token)


def _jinja(text: str, values: Any, policy: bool = False) -> str:
    token = BUDGET.set(Budget())
    try:
        return sandbox.render(policy, text, values)
    finally:
        BUDGET.reset(token)


def _clause_texts(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any, bool]]:
    """Every templated text the contract's documents render, with its values and money policy."""
    seen: list[tuple[str, Any, bool]] = []
    original = template_eval.render

    def spy(text: str, values: Any, filters: Any) -> str | None:
        seen.append((text, values, filters is direct_filters(True)))
        return original(text, values, filters)

    monkeypatch.setattr(template_eval, "render", spy)
    contract = load_contract(path)
    for year in contract.years.values():
        build_contract(year)
        build_requirements(year)
    monkeypatch.undo()
    return seen


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.parent.name)
def test_every_clause_of_the_shipped_contracts_renders_directly_as_jinja_renders_it(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _clause_texts(path, monkeypatch)
    assert len(texts) > 40
    for text, values, policy in texts:
        direct = _direct(text, values, policy)
        assert direct is not None, text  # the shapes contract text uses are all handled
        assert direct == _jinja(text, values, policy), text


def test_gen_contract_does_not_import_jinja(tmp_path: Path) -> None:
    code = ("import sys, os; os.environ['HCG_NO_CACHE'] = '1'; from pathlib import Path;"
            "from generator.validation import load_contract; from generator.documents.contract import build_contract;"
            f"y = load_contract(Path({str(CONTRACTS[0])!r})).years[2025]; assert build_contract(y)[1] == [];"
            "print('jinja2' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stdout.strip() == "False"


VALUES: dict[str, Any] = counted({
    "fees": {"total": Decimal("2000000.00"), "items": [Decimal("1"), Decimal("2")], "keys": "k", "rate": Decimal("0.05")},
    "terms": {"copies": {"buyer": 2, "supplier": 3}, "names": ["甲", "乙"], "weights": {"一般": Decimal("0.5"), "0": "z"}},
    "rows": [{"amount": Decimal("900000.00"), "rank": 1, "residual": Decimal("0")},
             {"amount": Decimal("100000.01"), "rank": 7, "residual": Decimal("0.01")}],
    "empty": [],
    "flag": True,
    "nothing": None,
    "word": "文字",
    "count": 3,
    "months": 12,
})


@pytest.mark.parametrize("text", [
    "合同总金额{{ fees.total | yuan }}元（大写：{{ fees.total | capital }}）",
    "{{fees.total|yuan}}{{ fees.total\n | yuan }}",
    "甲方执{{ terms.copies.buyer | cn_upper }}份\n",
    "行一\r\n行二{{ word }}\r\n\r\n",
    "{{ terms.names[1] }}{{ terms.names.0 }}{{ terms.weights['一般'] }}{{ terms.weights[\"0\"] }}",
    "{{ fees.rate | pct }} {{ fees.rate | permille }} {{ fees.total | wan }}",
    "{{ flag }} {{ nothing }} {{ count | cn_num }} {{ true }} {{ none }}",
    "{{ fees['items'] }}{{ fees['keys'] }}",
    "}} 单独的右括号 %} {{ word }}",
    "{{ (terms.copies.buyer + terms.copies.supplier) | cn_upper }}份",
    "{{ (months // 12) | cn_num }}年，{{ months / 5 }}，{{ months % 5 }}，{{ -count }}，{{ count * 2 }}",
    "{% set r = rows[0] %}第{{ r.rank }}名{% if r.residual %}（尾差）{% endif %}。",
    "{% for r in rows %}{{ loop.index }}:{{ r.amount | yuan }}{{ '。' if loop.last else '；' }}{% endfor %}",
    "{% for r in rows %}{% if r.residual %}{{ r.residual | yuan }}{% elif loop.first %}首{% else %}无{% endif %}{% endfor %}",
    "{% for r in empty %}x{% endfor %}空",
    "{{ rows | length }}项{{ terms.names | length | cn_num }}",
    "{{ 'a' 'b' }}{{ word if not flag else count }}{{ count > 2 and count < 5 }}{{ 'x' in word if false else '文' in word }}",
    "{% set a = 1 %}{% set a = a + 1 %}{{ a }}",
    "{% for t in terms.names %}{% for u in terms.names %}{{ t }}{{ u }}{% endfor %}{% endfor %}",
])
def test_shapes_render_as_jinja_renders_them(text: str) -> None:
    direct = _direct(text, VALUES)
    assert direct is not None
    assert direct == _jinja(text, VALUES)


@pytest.mark.parametrize("text", [
    "{{ fees.items }}",  # dict.items, a method: the sandbox's business
    "{{ fees.keys }}",
    "{{ missing }}",  # undefined: jinja2 reports it in its words
    "{{ fees.missing }}",
    "{{ terms.names[5] }}",
    "{{ word.upper }}",  # an attribute of an object
    "{{ word | upper }}",  # a filter that is not handled here
    "{{ word | yuan }}",  # a filter that fails
    "{{ count ** 2 }}",
    "{{ fees.total | yuan() }}",
    "{{- word }}",
    "{{ word -}}",
    "{# 注释 #}{{ word }}",
    "{{ word }} {{ 未闭合",
    "{{ 1.5 }}",
    "{{ 'a\\'b' }}",
    "{{ [1, 2] }}",
    "{{ range(3) }}",
    "{{ loop }}",
    "{{ loop.index }}",
    "{{ a }}{% set a = 1 %}",
    "{% if flag %}{% set a = 1 %}{% endif %}",
    "{% for r in rows %}{% else %}x{% endfor %}",
    "{% for r in rows if r.rank %}{% endfor %}",
    "{% for a, b in rows %}{% endfor %}",
    "{% if flag %}x{% else %}y{% elif flag %}z{% endif %}",
    "{% if flag %}x",
    "{% macro m() %}{% endmacro %}",
    "{{ 1 < 2 < 3 }}",
    "{{ word if flag }}",
    "{{ count is odd }}",
    "{{ 'x' ~ 'y' }}",
    "{{ word * 100000000 }}",  # over the size limit: jinja2 reports it
    "{% if word if flag else count %}x{% endif %}",  # a syntax error in jinja: no bare condition here
    "{% for r in rows if flag else empty %}{% endfor %}",
    "{% if flag %}{% elif word if flag else count %}{% endif %}",
    "{{ self }}",  # jinja's own TemplateReference, whatever the context holds
    "{% if self %}a{% endif %}",
])
def test_other_shapes_are_left_to_jinja(text: str) -> None:
    assert _direct(text, VALUES) is None


# -- generated templates: whatever the shape, a direct answer is jinja's answer ---------------------------

_PATHS = ["fees.total", "fees.rate", "terms.copies.buyer", "terms.copies.supplier", "terms.names[0]", "terms.names.1",
          "rows[0].amount", "rows[1].rank", "rows[0].residual", "count", "months", "flag", "nothing", "word",
          "terms.weights['一般']", "missing", "fees.items", "rows[2]"]
_FILTERS = ["yuan", "capital", "pct", "cn_num", "cn_upper", "length", "wan", "upper"]
_atoms = st.one_of(st.sampled_from(_PATHS), st.integers(0, 30).map(str), st.sampled_from(["'。'", "'；'", "true", "none"]))


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "//", "/", "%", "==", "!=", "<", ">=", "and", "or", "in"]),
                       inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    return st.one_of(
        binary,
        st.tuples(inner, st.sampled_from(_FILTERS)).map(lambda t: f"{t[0]} | {t[1]}"),
        inner.map(lambda e: f"(not {e})"),
        inner.map(lambda e: f"(-{e})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
    )


_expressions = st.recursive(_atoms, _extend, max_leaves=5)
# Conditions written bare too: jinja reads "a if b else c" in {{ }} and set, but not in if, elif or for.
_tests = st.one_of(_expressions, st.tuples(_expressions, _expressions, _expressions).map(
    lambda t: f"{t[0]} if {t[1]} else {t[2]}"))
_text = st.sampled_from(["", "甲方", "\n", " ", "}}", "%", "，", "\r\n"])


def _blocks(depth: int) -> st.SearchStrategy[str]:
    printed = _tests.map(lambda e: "{{ " + e + " }}")
    simple = st.one_of(_text, printed)
    if depth == 0:
        return st.lists(simple, max_size=4).map("".join)
    inner = _blocks(depth - 1)
    return st.lists(st.one_of(
        simple,
        st.tuples(_tests, inner, _tests, inner).map(lambda t: "{% if " + t[0] + " %}" + t[1] + "{% elif " + t[2]
                                                    + " %}{% else %}" + t[3] + "{% endif %}"),
        st.tuples(st.sampled_from(["rows", "terms.names", "empty", "word", "count", "rows if flag else empty"]),
                  inner).map(
            lambda t: "{% for it in " + t[0] + " %}" + t[1] + "{{ it }}{{ loop.index }}{{ loop.last }}{% endfor %}"),
    ), max_size=4).map("".join)


_templates = st.tuples(st.lists(st.tuples(st.sampled_from(["v", "count"]), _expressions), max_size=2),
                       _blocks(2)).map(lambda t: "".join("{% set " + n + " = " + e + " %}" for n, e in t[0]) + t[1])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_templates)
def test_generated_templates_render_as_jinja_renders_them(text: str) -> None:
    direct = _direct(text, VALUES)
    try:
        expected: str | None = _jinja(text, VALUES)
    except Exception:
        expected = None
    if direct is not None:
        assert direct == expected, text


def test_a_declined_clause_is_rendered_or_reported_by_jinja() -> None:
    document = load_bytes(b"a: 1\n", "x.yaml")
    renderer = templating.Renderer(document, False, VALUES)
    assert renderer.render("{{ terms.names | join('、') }}", ("a",)) == "甲、乙"
    assert renderer.render("{{ fees.missing }}", ("a",)) == ""
    assert "missing" in renderer.problems[0].message
    assert renderer.render("{{ word * 100000000 }}", ("a",)) == ""
    assert "过长" in renderer.problems[1].message


def test_the_budget_spent_directly_is_not_charged_to_jinja() -> None:
    # A direct attempt that runs nearly the whole budget and then declines (an unknown filter at the end)
    # must leave jinja2 a whole budget of its own.
    document = load_bytes(b"a: 1\n", "x.yaml")
    renderer = templating.Renderer(document, False, {"xs": list(range(100))})
    text = "{% for a in xs %}{% for b in xs %}{% endfor %}{% endfor %}{{ xs | first }}"
    assert renderer.render(text, ("a",)) == "0"
    assert renderer.problems == []


# Found by a red-team pass: what jinja2 itself cannot compile must not render here either, and nothing the
# direct path meets may escape as an exception.
TOO_BIG = {
    "21 nested loops": "{% for a in rows %}" * 21 + "x" + "{% endfor %}" * 21,
    "99 nested ifs": "{% if flag %}" * 99 + "x" + "{% endif %}" * 99,
    "a chain of 198 additions": "{{ count" + " + count" * 198 + " }}",
    "198 filters": "{{ word" + " | length | cn_num" * 99 + " }}",
    "110 parentheses": "{{ " + "(" * 110 + "1" + ")" * 110 + " }}",
    "1000 minus signs": "{{ " + "-" * 1000 + "1 }}",
    "1000 nots": "{{ " + "not " * 1000 + "flag }}",
    "an integer of 5000 digits": "{{ " + "9" * 5000 + " }}",
}


@pytest.mark.parametrize("case", sorted(TOO_BIG))
def test_what_jinja_cannot_compile_is_left_to_it_and_reported(case: str) -> None:
    text = TOO_BIG[case]
    assert _direct(text, VALUES) is None
    renderer = templating.Renderer(load_bytes(b"a: 1\n", "x.yaml"), False, VALUES)
    assert renderer.render(text, ("a",)) == ""
    assert renderer.problems and "模板表达式" in renderer.problems[0].message


def test_a_context_with_keys_jinja_cannot_take_is_left_to_it() -> None:
    assert _direct("{{ word }}", {**VALUES, 2: "x"}) is None
