"""Clause templates are rendered by jinja2's sandbox with a real budget: nothing a clause says runs away.

Each bomb is refused quickly, at its clause, in Chinese, without a traceback and without building a big
value first (its peak memory is measured); ordinary clause text keeps working.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.documents.template_limits import MAX_OUTPUT
from generator.documents.templating import Renderer
from generator.source.loader import load_bytes

from conftest import run_cli

LITERAL = "'" + "abcdefghij" * 6 + "'"  # 60 characters
TWENTY_K = "{% set v = 'x' * 10000 %}{% set v = v ~ v %}"  # a 20,000-character value
FOUR = "{% for a in 'abcd' %}{% for b in 'abcd' %}{% for c in 'abcd' %}{% for d in 'abcd' %}"
END4 = "{% endfor %}" * 4

BOMBS = {
    # The red-team findings: minutes of CPU, and a MemoryError traceback.
    "five loops over a 60-character literal": ("{% for a in L %}" * 5 + "x" + "{% endfor %}" * 5).replace("L", LITERAL),
    "four loops printing a 20,000-character value": TWENTY_K + FOUR + "{{ v }}" + END4,
    # The same with the text gathered elsewhere than the result.
    "into a set block": TWENTY_K + "{% set s %}" + FOUR + "{{ v }}" + END4 + "{% endset %}x",
    "from a macro": TWENTY_K + "{% macro m() %}" + FOUR + "{{ v }}" + END4 + "{% endmacro %}{% set x = m() %}x",
    "a macro called in a loop": "{% macro m() %}" + "{{ 1 }}" * 50 + "{% endmacro %}"
                                "{% for i in range(1000) %}{% for j in range(1000) %}{% set x = m() %}{% endfor %}{% endfor %}",
    "through a filter block": TWENTY_K + "{% filter upper %}" + FOUR + "{{ v }}" + END4 + "{% endfilter %}",
    # Loops over mappings, their items and data strings count like any other.
    "loops over a mapping": "{% for a in d %}{% for b in d %}{% for c in d %}x{% endfor %}{% endfor %}{% endfor %}",
    "loops over items and values": "{% for a, b in d.items() %}{% for c in d.values() %}{% for e in d %}x{% endfor %}"
                                   "{% endfor %}{% endfor %}",
    "loops over a long data string": "{% for c in big %}{% for d in big %}{% endfor %}{% endfor %}",
    # A long body costs by its size: one loop of 1000 passes over 500 tests is as dear as nested loops.
    "a long body in a loop": "{% for i in range(1000) %}" + "{% if i == 0 %}{% endif %}" * 500 + "{% endfor %}",
    # A value is refused before it is built, not after.
    "a tilde chain": TWENTY_K + "{{ v ~ v }}",
    "replace": TWENTY_K + "{{ v | replace('x', v) }}",
    "join of copies": TWENTY_K + "{{ [v, v, v] | join }}",
    "join with a long separator": "{{ range(1000) | join('x' * 9000) }}",
    "sum of lists": TWENTY_K + "{{ [[v], [v]] | sum(start=[]) }}",
    "repeated text": "{{ ('ab' * 5000) * 2 }}",
    "joined lists": "{{ ([1] * 10000) + ([1] * 10000) + [1] }}",
    "a product of big integers": "{% set a = 2 ** 64 %}{{ " + "*".join(["a"] * 80) + " }}",
    # Methods that build whatever size they are told, however they are reached.
    "str.replace": "{{ 'x'.replace('x', 'yy') }}",
    "str.join": "{{ 'x'.join(['a', 'b']) }}",
    "int.to_bytes": "{{ (1).to_bytes(999999999, 'big') }}",
    "format by attr": "{{ ('{:>999999999}' | attr('format'))(1) }}",
    "format by item": "{{ '{:>999999999}'['format'](1) }}",
    "batch": "{{ [1] | batch(999999999, 'x') | list }}",
    "a recursive loop": "{% for c in 'abcdefghij' recursive %}{% if loop.depth < 6 %}{{ loop('abcdefghij') }}{% endif %}"
                        "{% endfor %}",
    # What jinja2 itself cannot compile is a located problem too.
    "21 nested loops": "{% for a in rows %}" * 21 + "x" + "{% endfor %}" * 21,
    "198 filters": "{{ word" + " | length | cn_num" * 99 + " }}",
    "110 parentheses": "{{ " + "(" * 110 + "1" + ")" * 110 + " }}",
    "1000 minus signs": "{{ " + "-" * 1000 + "1 }}",
    "an integer of 5000 digits": "{{ " + "9" * 5000 + " }}",
}

VALUES: dict[str, Any] = {"big": "y" * 20_000, "d": {f"k{i}": i for i in range(40)}, "word": "abc", "rows": [1, 2]}


def _renderer(values: dict[str, Any] | None = None) -> Renderer:
    return Renderer(load_bytes(b"a: 1\n", "x.yaml"), False, VALUES if values is None else values)


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_a_bomb_is_refused_quickly_within_little_memory(case: str) -> None:
    renderer = _renderer()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = renderer.render(BOMBS[case], ("a",))
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.perf_counter() - started < 3
    assert peak < 8 * 1024 * 1024, peak
    assert result == ""
    [problem] = renderer.problems
    assert problem.message.startswith("模板表达式"), problem.message
    assert problem.message.isascii() is False


@pytest.mark.parametrize("case", ["five loops over a 60-character literal", "four loops printing a 20,000-character value",
                                  "a long body in a loop", "format by attr"])
def test_gen_validate_refuses_a_bomb_at_its_clause(case: str, edited: Callable[..., Path]) -> None:
    target = "    title: 运维服务\n    body:\n      - 乙方需确保"
    path = edited((target, f"    title: 运维服务\n    body:\n      - 乙方{BOMBS[case]}需确保"))
    started = time.perf_counter()
    result = run_cli("validate", "--contract", str(path))
    assert time.perf_counter() - started < 5
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert ": articles[5].body[0]: 错误：模板表达式" in line
    assert "Traceback" not in result.stderr


def test_the_messages_say_which_limit() -> None:
    said = {}
    for case in ("five loops over a 60-character literal", "four loops printing a 20,000-character value", "replace",
                 "str.replace", "format by item", "a recursive loop"):
        renderer = _renderer()
        renderer.render(BOMBS[case], ("a",))
        said[case] = renderer.problems[0].message
    assert "计算量过大" in said["five loops over a 60-character literal"]
    assert f"模板展开后过长（超过 {MAX_OUTPUT} 字）" in said["four loops printing a 20,000-character value"]
    assert "过长" in said["replace"]
    assert "不允许在条款中使用 str 的 replace" in said["str.replace"]
    assert "不允许在条款中调用 format" in said["format by item"]
    assert "递归循环" in said["a recursive loop"]


ORDINARY = {
    "{% for t in tiers %}{{ loop.index }}/{{ loop.length }}{{ '，' if not loop.last }}{% endfor %}": "1/3，2/3，3/3",
    "{% set m = tiers[0] %}{% if m > 1 %}多{% elif m == 1 %}一{% else %}无{% endif %}": "一",
    "{{ total | yuan }}元（{{ total | capital }}）": "2000000.00元（人民币贰佰万元整）",
    "{% macro pair(a, b) %}{{ a }}-{{ b }}{% endmacro %}{{ pair(1, 2) ~ '，' ~ pair(3, 4) }}": "1-2，3-4",
    "{{ names | join('、') }}共{{ names | length | cn_num }}人": "甲、乙共二人",
    "{{ 'abc' | replace('b', 'xyz') | upper }}{{ word.upper() }}": "AXYZCABC",
    "{% for k, v in d | dictsort %}{% if loop.first %}{{ k }}={{ v }}{% endif %}{% endfor %}": "k0=0",
    "{{ (total * 45 / 100) | yuan }}": "900000.00",
    "{% for c in '四个字符' %}{{ c }}{% endfor %}{{ '%' }}": "四个字符%",
}


@pytest.mark.parametrize("text", sorted(ORDINARY))
def test_ordinary_clause_text_renders(text: str) -> None:
    from decimal import Decimal

    renderer = _renderer({**VALUES, "tiers": [1, 2, 3], "total": Decimal("2000000.00"), "names": ["甲", "乙"]})
    assert renderer.render(text, ("a",)) == ORDINARY[text]
    assert renderer.problems == []


@pytest.mark.parametrize("name", ["lipsum(3)", "cycler(1, 2).next()", "joiner()()", "namespace(a=1).a", "[1, 2] | random"])
def test_nothing_impure_is_offered(name: str) -> None:
    renderer = _renderer()
    assert renderer.render("{{ " + name + " }}", ("a",)) == ""
    assert renderer.problems


def test_each_text_has_a_whole_budget_of_its_own() -> None:
    # A text that spends nearly all of a budget does not leave the next one with less.
    renderer = _renderer({"xs": list(range(100))})
    text = "{% for a in xs %}{% for b in xs %}{% endfor %}{% endfor %}{{ xs | first }}"
    assert [renderer.render(text, ("a",)) for _ in range(5)] == ["0"] * 5
    assert renderer.problems == []
