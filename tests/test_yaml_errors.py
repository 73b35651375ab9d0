"""YAML syntax errors in Chinese, located at the real mistake, with its cause, its fix and a caret under it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.errors import InputError
from generator.source.loader import load_bytes
from generator.source.yaml_errors import explain, explain_reader_error

from conftest import run_cli

# libyaml's and PyYAML's own wording: none of it may reach a user unless after a Chinese explanation.
PARSER_ENGLISH = re.compile(r"could not find|did not find|not allowed|found character|while (scanning|parsing)|"
                            r"expected <|unexpected end|cannot start")

# name: (YAML text, line, column, words of the cause, the character the caret must point at)
CASES: dict[str, tuple[str, int, int, str, str]] = {
    "fullwidth_colon": ("a: 1\nbudget_year：2026\nc: 3\n", 2, 12, "第 2 行有全角冒号 “：”", "："),
    "fullwidth_colon_last_line": ("a: 1\nbudget_year：2026\n", 2, 12, "例如 budget_year: 2026", "："),
    "fullwidth_colon_parent_key": ("fees：\n  total: 1\n", 1, 5, "全角冒号", "："),
    "fullwidth_colon_nested": ("a:\n  b: 1\n  c：2\n  d: 3\n", 3, 4, "全角冒号", "："),
    "fullwidth_comma_mapping": ("a: {x: 1，y: 2}\n", 1, 9, "全角逗号 “，”", "，"),
    "fullwidth_comma_list": ("a: [x: 1，y: 2]\n", 1, 9, "全角逗号 “，”", "，"),
    "tab_indent": ("a:\n\tb: 1\n", 2, 1, "制表符（Tab）缩进", " "),
    "tab_between_keys": ("a:\n  b: 1\n\tc: 2\n", 3, 1, "请删掉 Tab 改用空格", " "),
    "indent_too_deep": ("a:\n  b: 1\n   c: 2\n", 3, 4, "第 3 行比上一行多缩进了：第 2 行的 “b:” 已经写了值", "c"),
    "indent_between_levels": ("a:\n  b: 1\n c: 2\n", 3, 2, "缩进了 1 个空格，和上面的键对不齐", "c"),
    "child_under_valued_key": ("a: 说明文字\n  b: 1\n", 2, 3, "请同样缩进 0 个空格", "b"),
    "stray_text_line": ("# 说明\n说明文字\nschema_version: 1\n", 2, 1, "不是 “键: 值” 的形式", "说"),
    "unclosed_quote": ('x: 1\na: "abc\nb: 2\n', 2, 4, "引号 \" 没有配对的结束引号", '"'),
    "unclosed_single_quote": ("a: 'abc\nb: 2\n", 1, 4, "写成两个单引号 ''", "'"),
    "quote_closed_lines_later": ('a: "abc\nb: "x"\n', 1, 4, "一直读到第 2 行的下一个 \" 才结束", '"'),
    "quote_inside_quotes": ('a: "他说"好"了"\n', 1, 7, "后面的 “好\"了\"” 成了多余的文字", '"'),
    "missing_space_after_colon": ("a:\n  b:1\n  c: 2\n", 2, 4, "冒号后面缺少空格", ":"),
    "missing_space_top_level": ("a:1\nb: 2\n", 1, 2, "例如 a: 1", ":"),
    "missing_colon": ("a: 1\nbudget_year 2026\n", 2, 1, "“budget_year 2026” 缺少冒号", "b"),
    "colon_in_value": ("title: 第一条: 总则\n", 1, 11, "值里又出现了 “: ”", ":"),
    "unclosed_bracket": ("a: [1, 2\nb: 3\n", 1, 4, "方括号 “[” 没有闭合", "["),
    "unclosed_brace": ("a: {x: 1\nb: 3\n", 1, 4, "花括号 “{” 没有闭合", "{"),
    "extra_bracket": ("a: [1, 2]]\n", 1, 10, "多了一个 “]”", "]"),
    "text_starting_with_bracket": ("a: [附件1]说明\n", 1, 4, "以 “[” 开头", "["),
    "stray_dash": ("a:\n  b: 1\n  - 2\n", 3, 3, "列表项 “- ” 放错了层级", "-"),
    "misaligned_dash": ("a:\n  - 1\n - 2\n", 3, 2, "和第 2 行的列表项（2 个空格）没有对齐", "-"),
    "dash_on_key_line": ("a: - 1\n", 1, 4, "不能和键写在同一行", "-"),
    "key_inside_list": ("a:\n  - 1\n  b: 2\n", 3, 3, "没有以 “- ” 开头", "b"),
    "backslash_in_double_quotes": ('a: "C:\\path"\n', 1, 7, "反斜杠", "\\"),
    "text_starting_with_star": ("a: *重要* 事项\n", 1, 4, "以 “*” 开头", "*"),
    "block_text_not_indented": ("a: |\nb\n", 2, 1, "多行文字", "b"),
}


def _caret_target(message: str) -> str:
    """The character of the shown line that the caret points at, counting wide characters as two cells."""
    *_, shown, caret = message.split("\n")
    assert caret.strip() == "^", message
    target = len(caret) - 1
    cells = 0
    for char in shown:
        if cells == target:
            return char
        cells += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return ""


def _problem(text: str) -> tuple[int, int, str]:
    with pytest.raises(InputError) as info:
        load_bytes(text.encode(), "t.yaml")
    (problem,) = info.value.problems
    return problem.line, problem.column, problem.message


@pytest.mark.parametrize("case", sorted(CASES))
def test_loader_names_cause_and_place(case: str) -> None:
    text, line, column, cause, target = CASES[case]
    got_line, got_column, message = _problem(text)
    assert (got_line, got_column) == (line, column), message
    assert cause in message
    assert _caret_target(message) == target
    assert not PARSER_ENGLISH.search(message), message
    # The message starts with Chinese: the cause, never a bare English parser message.
    assert unicodedata.east_asian_width(message[0]) == "W"


@pytest.mark.parametrize("case", sorted(CASES))
def test_pure_python_parser_gives_the_same_answers(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without libyaml the loader falls back to PyYAML's own parser, whose English wording differs.
    import generator.source.loader as loader
    import generator.source.yaml_errors as yaml_errors

    monkeypatch.setattr(loader, "_PARSER", yaml.SafeLoader)
    monkeypatch.setattr(yaml_errors, "_PARSER", yaml.SafeLoader)
    text, line, column, cause, target = CASES[case]
    got_line, got_column, message = _problem(text)
    assert (got_line, got_column, _caret_target(message)) == (line, column, target), message
    assert cause in message


def test_unknown_cause_is_still_chinese_and_located() -> None:
    line, column, message = _problem("%YAML 1.1\n%YAML 1.1\n---\na: 1\n")
    assert (line, column) == (2, 1)
    assert message.startswith("YAML 格式错误：第 2 行第 1 列")
    # The parser's own words are kept for experts, after the Chinese, in parentheses.
    assert "（解析器信息：found duplicate %YAML directive）" in message
    assert _caret_target(message) == "%"


def test_fullwidth_colon_keeps_the_example_from_the_users_line() -> None:
    message = _problem("project:\n  name: 项目\n  年度：2026\n  number: 1\n")[2]
    assert message.startswith("第 3 行有全角冒号 “：”：YAML 的键和值之间要用半角冒号加空格，例如 年度: 2026\n")
    assert message.endswith("\n      年度：2026\n          ^")


def test_windows_line_endings_count_lines_like_the_parser() -> None:
    assert _problem("a: 1\r\nb：2\r\nc: 3\r\n")[:2] == (2, 2)


def test_long_line_is_cut_around_the_column() -> None:
    line, column, message = _problem("title: " + "条款文字" * 50 + ": 总则\n")
    assert (line, column) == (1, 208)
    shown = message.split("\n")[-2]
    assert shown.startswith("    ...") and len(shown) < 60
    assert _caret_target(message) == ":"


def test_explain_api_returns_one_based_place_and_message() -> None:
    text = "a: 1\nbudget_year：2026\nc: 3\n"
    with pytest.raises(yaml.MarkedYAMLError) as info:
        list(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    line, column, message = explain(info.value, text)
    assert (line, column) == (2, 12)
    assert message.split("\n")[1:] == ["    budget_year：2026", "               ^"]


def test_explain_reader_error_locates_control_characters() -> None:
    text = "a: 1\n名称: 甲乙\x07\n"
    with pytest.raises(yaml.reader.ReaderError) as info:
        list(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    line, column, message = explain_reader_error(info.value, text)
    assert (line, column) == (2, 7)
    assert "不可见的控制字符（U+0007）" in message


# --- end-of-line comments: ordinary ones are fine, a "#" glued to text still protects clause text ------


@pytest.mark.parametrize("text", ["kind: 续签  # 注释\n", "kind: 续签 # 注释\n", "kind: 续签  #\n", "kind: 续签  ## 注释\n"])
def test_ordinary_comment_after_chinese_text_is_allowed(text: str) -> None:
    assert load_bytes(text.encode(), "t.yaml").data == {"kind": "续签"}


@pytest.mark.parametrize("text", ["a: 第 #1 号\n", "a: 乙方应提前 #2 日通知\n", "a: 见附件 #A-3 说明\n", "a: 续签  #注释\n"])
def test_hash_glued_to_text_is_still_refused(text: str) -> None:
    line, column, message = _problem(text)
    assert (line, column) == (1, 4)
    assert "会被 YAML 当作注释" in message


# --- the same through `gen validate` on an edited copy of the shipped contract ---------------------------

CLI_CASES = {
    "fullwidth_colon": (("  annual_calls: 90000", "  annual_calls：90000"), "annual_calls：", 15, "全角冒号"),
    "fullwidth_comma": (("{id: service, name: 服务指标, points: 60}", "{id: service，name: 服务指标, points: 60}"),
                        "service，name", 19, "全角逗号"),
    "tab": (("  platforms: 19", "\tplatforms: 19"), "\tplatforms", 1, "制表符（Tab）缩进"),
    "indent_too_deep": (("    worst: 19", "     worst: 19"), "     worst: 19", 6, "多缩进了"),
    "indent_between_levels": (("    worst: 19", "   worst: 19"), "   worst: 19", 4, "和上面的键对不齐"),
    "unclosed_quote": (('      phone: "18907556661"', '      phone: "18907556661'), "phone:", 14, "没有在这一行结束"),
    "missing_space": (("  duration_months: 12", "  duration_months:12"), "duration_months:12", 18, "冒号后面缺少空格"),
    "unclosed_bracket": (("县人民医院]", "县人民医院"), "places: [分界洲岛", 11, "方括号 “[” 没有闭合"),
    "stray_dash": (("  hot_topics: 3", "  - hot_topics: 3"), "- hot_topics", 3, "列表项 “- ” 放错了层级"),
}


def _assert_clean_chinese_error(stderr: str, stdout: str) -> None:
    assert "Traceback" not in stderr + stdout
    assert not PARSER_ENGLISH.search(stderr), stderr
    assert re.search(r"\n {4}\s*\^$", stderr.rstrip("\n")), stderr


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_validate_reports_cause_at_its_line(case: str, edited: Callable[..., Path]) -> None:
    replacement, marker, column, cause = CLI_CASES[case]
    path = edited(replacement)
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1) if marker in text)
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"contract.yaml:{line}:{column}: 错误：第 {line} 行"), result.stderr
    assert cause in result.stderr
    _assert_clean_chinese_error(result.stderr, result.stdout)


def test_ordinary_comment_in_contract_is_accepted(edited: Callable[..., Path]) -> None:
    path = edited(("  period: 年\n", "  period: 年  # 按年计费\n"))
    result = run_cli("validate", "--contract", str(path))
    assert "当作注释" not in result.stderr
    assert result.exit_code == 0, result.stderr


def test_rankings_file_with_fullwidth_colon(contract_copy: Path, tmp_path: Path) -> None:
    rankings = tmp_path / "r.yaml"
    rankings.write_text("2024-01: 3\n2024-02：4\n2024-03: 5\n", "utf-8")
    result = run_cli("invoices", "--year", "2024", "--rankings", str(rankings), "--contract", str(contract_copy),
                     "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "r.yaml:2:8: 错误：第 2 行有全角冒号 “：”" in result.stderr
    assert "例如 2024-02: 4\n    2024-02：4\n           ^\n" in result.stderr
    _assert_clean_chinese_error(result.stderr, result.stdout)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_one_line_rankings_file_with_fullwidth_colon(contract_copy: Path, tmp_path: Path) -> None:
    # Alone on its line, "2024-01：3" is valid YAML (one piece of text): the schema check reports it instead.
    rankings = tmp_path / "r.yaml"
    rankings.write_text("2024-01：3\n", "utf-8")
    result = run_cli("invoices", "--year", "2024", "--rankings", str(rankings), "--contract", str(contract_copy),
                     "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "r.yaml:1:" in result.stderr and "2024-01：3" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
