"""`gen validate`: schema errors and the contract's own rules, all reported at once with locations."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CONTRACT, run_cli


def test_shipped_contract_is_valid() -> None:
    result = run_cli("validate", "--contract", str(CONTRACT))
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{CONTRACT} 有效：2 个合同年度（2024、2025），2 条警告"
    # 2025 would be the third service year and has no contract number yet: warnings, not errors.
    assert "第 3 个服务年度" in result.stderr
    assert "合同编号为空" in result.stderr


def test_strict_turns_renewal_warnings_into_errors() -> None:
    result = run_cli("validate", "--contract", str(CONTRACT), "--strict")
    assert result.exit_code == 1
    assert "错误：2025 年是本项目第 3 个服务年度" in result.stderr


LINE = re.compile(r"^contract\.yaml:(\d+):(\d+): (\S+): 错误：(.+)$")

RULE_CASES = {
    "items_do_not_sum": (("  total: 2000000.00", "  total: 2100000.00"), "fees.items", "不等于合同总金额"),
    "sub_fen_amount": (("      amount: 280000.00", "      amount: 280000.004"), "fees.items[1].amount", "精确到分以下"),
    "labour_out_of_bounds": (("    min: 1580000.00", "    min: 1670000.00"), "fees.labour_cost", "下限"),
    "tier_gap": (("        - {rank_min: 6, rank_max: 9, percent: 29}", "        - {rank_min: 7, rank_max: 9, percent: 29}"),
                 "payment.milestones[1].tiers[1]", "缺口：第 6-6 名"),
    "tier_overlap": (("        - {rank_min: 10, rank_max: 19, percent: 23}", "        - {rank_min: 9, rank_max: 19, percent: 23}"),
                     "payment.milestones[2].tiers[2]", "重叠"),
    "tier_short": (("        - {rank_min: 10, rank_max: 19, percent: 28}", "        - {rank_min: 10, rank_max: 18, percent: 28}"),
                   "payment.milestones[1].tiers", "没有覆盖到第 19 名"),
    "percent_sum": (("        - {rank_min: 1, rank_max: 19, percent: 45}", "        - {rank_min: 1, rank_max: 19, percent: 44}"),
                    "payment.milestones", "合计为 99%"),
    "worse_tier_pays_more": (("        - {rank_min: 6, rank_max: 9, percent: 24}", "        - {rank_min: 6, rank_max: 9, percent: 26}"),
                             "payment.milestones[2].tiers[1].percent", "高于较好的档位"),
    "milestone_after_term": (("      months_after_signing: 10", "      months_after_signing: 13"),
                             "payment.milestones[2].months_after_signing", "超出合同期限"),
    "category_points": (("    - {id: support, name: 保障指标, points: 40}", "    - {id: support, name: 保障指标, points: 45}"),
                        "scoring.categories[1].points", "合计为 40"),
    "unknown_category": (("    - category: bonus", "    - category: bonuses"), "scoring.indicators[10].category", "未在 scoring.categories"),
    "overlapping_years": (("    budget_year: 2025\n", "    budget_year: 2025\n    signed_on: 2025-01-10\n"),
                          "years.2025.signed_on", "服务期重叠"),
    "low_prior_score": (("    assessment:\n      passed: true\n      breaches: []\n  2025:",
                         "    assessment:\n      score: 65\n      passed: true\n      breaches: []\n  2025:"),
                        "years.2024.assessment.passed", "考核结果与得分不一致"),
    "missing_appendix": (("  - id: requirements\n", "  - id: needs\n"), "appendices", "缺少标识为 “requirements” 的附件"),
}


@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_rule_violations_are_located(case: str, edited: Callable[..., Path]) -> None:
    replacement, path, message = RULE_CASES[case]
    result = run_cli("validate", "--contract", str(edited(replacement)))
    assert result.exit_code == 1, result.stdout
    lines = [LINE.match(line) for line in result.stderr.splitlines() if "错误" in line]
    assert any(m and m.group(3) == path and message in m.group(4) for m in lines), result.stderr


SCHEMA_CASES = {
    "phone_as_number": (('phone: "18907556661"', "phone: 18907556661"), "parties.supplier.contact.phone", "号码、账号、编号请加引号"),
    "invalid_date": (("    signed_on: 2024-01-17", "    signed_on: 2024-02-30"), "years.2024.signed_on", "不是有效的日期"),
    "unknown_key": (("  invoice_days_before: 15", "  invoice_day_before: 15"), "payment.invoice_day_before", "不认识的键"),
    "missing_required": (("  number: HNZH-2022-311\n", ""), "project", "缺少必填项 “number”"),
    "bad_enum": (("    fractional_average: literal", "    fractional_average: nearest"), "payment.ranking.fractional_average", "应为以下之一"),
    "negative_amount": (("      amount: 60000.00", "      amount: -60000.00"), "fees.items[2].amount", "超出范围"),
    "yes_for_bool": (("        clamp: true", "        clamp: yes"), "scoring.indicators[0].rule.clamp", "是/否请写 true 或 false"),
}


@pytest.mark.parametrize("case", sorted(SCHEMA_CASES))
def test_schema_violations_are_located(case: str, edited: Callable[..., Path]) -> None:
    replacement, path, message = SCHEMA_CASES[case]
    result = run_cli("validate", "--contract", str(edited(replacement)))
    assert result.exit_code == 1
    assert any(f": {path}: 错误：" in line and message in line for line in result.stderr.splitlines()), result.stderr


def test_every_problem_is_reported_at_once_and_sorted(edited: Callable[..., Path]) -> None:
    path = edited(
        ("    signed_on: 2024-01-17", "    signed_on: 2024-13-01"),
        ('phone: "18907556661"', "phone: 18907556661"),
        ("  invoice_days_before: 15", "  invoice_days_befor: 15"),
    )
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    # The misspelt key is both unknown and leaves a required key missing: four problems in all.
    assert len(lines) == 4
    assert any("缺少必填项 “invoice_days_before”" in line for line in lines)
    numbers = [int(line.split(":")[1]) for line in lines]
    assert numbers == sorted(numbers)


TEMPLATE_CASES = {
    "typo": ("{{ fees.totl | yuan }}", "引用了不存在的数据 “totl”"),
    "undefined_name": ("{{ feez.total }}", "引用了不存在的数据 “feez”"),
    "none_as_text": ("{{ parties.buyer.nothing | default(None) | yuan }}", "无法计算"),
    "unknown_filter": ("{{ fees.total | yen }}", "模板表达式错误"),
    "sandbox_escape": ("{{ ''.__class__.__mro__ }}", "不安全"),
    "attr_escape": ("{{ ''|attr('__class__') }}", "不安全"),
    "huge_power": ("{{ 9 ** 99999999 }}", "指数过大"),
    "huge_repeat": ("{{ 'x' * 100000000 }}", "过长"),
    "nested_range": ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}", "range 过大"),
    "syntax": ("{{ fees.total | }}", "模板表达式错误"),
    "format_width": ("{{ '{:>999999999}'.format(1) }}", "不允许在条款中调用 format"),
    "ljust_width": ("{{ 'x'.ljust(999999999) }}", "不安全"),
    "center_filter": ("{{ 'x'|center(999999999) }}", "模板表达式错误"),
    "percent_format": ("{{ '%999999999d' % 1 }}", "不允许在条款中使用 % 格式化文字"),
    "triple_range": ("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}x{% endfor %}{% endfor %}{% endfor %}",
                     "计算量过大"),
    "data_loops": ("{% for a in scoring.indicators %}{% for b in scoring.indicators %}{% for c in scoring.indicators %}"
                   "{% for d in scoring.indicators %}{% for e in scoring.indicators %}x{% endfor %}{% endfor %}{% endfor %}"
                   "{% endfor %}{% endfor %}", "计算量过大"),
    "power_chain": ("{{ 2 ** 64 ** 64 ** 64 }}", "乘方结果过大"),
    "replace_bomb": ("{{ ('x' * 1000)|replace('x', 'xxxxxxxxxx')|replace('x', 'xxxxxxxxxx') }}", "过长"),
    "join_bomb": ("{{ range(1000)|join('x' * 9000) }}", "过长"),
    "lipsum": ("{{ lipsum(1000000) }}", "引用了不存在的数据 “lipsum”"),
    "random": ("{{ [1, 2, 3]|random }}", "模板表达式错误"),
    "cycler": ("{{ cycler(1, 2).next() }}", "引用了不存在的数据 “cycler”"),
    "namespace": ("{% set ns = namespace(s='x') %}{{ ns.s }}", "引用了不存在的数据 “namespace”"),
    "recursion": ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "递归过深"),
    "rot13": ("{{ 'x'.encode('rot13') }}", "无法计算"),
}


@pytest.mark.parametrize("case", sorted(TEMPLATE_CASES))
def test_template_errors_name_the_clause(case: str, edited: Callable[..., Path]) -> None:
    expression, message = TEMPLATE_CASES[case]
    target = "    title: 运维服务\n    body:\n      - 乙方需确保"
    path = edited((target, f"    title: 运维服务\n    body:\n      - 乙方{expression}需确保"))
    started = time.perf_counter()
    result = run_cli("validate", "--contract", str(path))
    assert time.perf_counter() - started < 5  # stopped by the budget, not by patience
    assert result.exit_code == 1
    assert ": articles[5].body[0]: 错误：" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_override_id(edited: Callable[..., Path]) -> None:
    path = edited(("    budget_year: 2025\n", "    budget_year: 2025\n    overrides:\n      nosuch: 文字\n"))
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 1
    assert "years.2025.overrides.nosuch" in result.stderr


def test_prior_score_under_minimum_is_an_error_even_without_strict(edited: Callable[..., Path]) -> None:
    path = edited((
        "    assessment:\n      passed: true\n      breaches: []\n  2025:",
        "    assessment:\n      score: 65\n      passed: false\n      breaches: []\n  2025:",
    ))
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 1
    assert "低于续签最低分 70" in result.stderr


def test_a_contract_edited_in_place_is_loaded_afresh(contract_copy: Path) -> None:
    """A process keeps the contracts it loaded; one edited since, even keeping its size and mtime, is read again."""
    from generator import load_contract

    before = contract_copy.stat()
    assert load_contract(contract_copy).year(2024).data["project"]["number"] == "HNZH-2022-311"
    contract_copy.write_text(contract_copy.read_text("utf-8").replace("number: HNZH-2022-311", "number: HNZH-2022-312"),
                             "utf-8")
    os.utime(contract_copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert contract_copy.stat().st_size == before.st_size
    assert load_contract(contract_copy).year(2024).data["project"]["number"] == "HNZH-2022-312"
