"""click's own messages in Chinese: usage errors, help headings, defaults and hints; option names stay."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator import cli_zh

cli_zh.install()

from conftest import run_cli  # noqa: E402 - after install(), as generator.cli will do it

# English that click would otherwise show; option names (--year) and user-chosen metavars may remain.
CLICK_ENGLISH = re.compile(
    r"\b(Usage|Options|Commands|Error|Missing|Invalid|Try|Did you mean|No such (option|command)|Got unexpected|"
    r"does not exist|is a directory|is not one of|is not a valid|not in the range|does not match|requires an|"
    r"required|default|INTEGER|FLOAT|FILE|DIRECTORY|TEXT|OPTIONS|COMMAND|ARGS)\b"
)


def _output(*args: str) -> tuple[int, str]:
    result = run_cli(*args)
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    assert not CLICK_ENGLISH.search(text), text
    return result.exit_code, text


def test_install_hooks_clicks_gettext_and_is_idempotent() -> None:
    assert {"click.core", "click.exceptions", "click.types", "click.parser", "click.formatting",
            "click.decorators"} <= set(cli_zh.hooked)
    before = list(cli_zh.hooked)
    cli_zh.install()
    assert cli_zh.hooked == before
    assert click.Context.formatter_class is cli_zh.ChineseHelpFormatter
    # Installing twice must not translate twice (no "错误：错误：").
    assert _output("contract")[1].count("错误：") == 1


# Messages of TypeErrors raised while declaring commands (programming mistakes, never shown to users) and reprs.
NOT_FOR_USERS = {
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Could not determine name for option with declarations {decls!r}",
    "Name '{name}' defined twice",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you mean"
    " to pass '--{name}'?",
    "Choice({choices})",
}


def test_every_click_message_has_a_translation() -> None:
    # A click upgrade that adds or rewords a message fails here rather than showing users English.
    missing = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
                missing.update(text for text in texts if text not in cli_zh.MESSAGES)
    assert missing <= NOT_FOR_USERS, sorted(missing)


def test_no_arguments_shows_chinese_usage_and_commands() -> None:
    code, text = _output()
    assert code == 2
    assert "用法：" in text and "[选项] 命令 [参数]..." in text
    assert "\n选项：\n" in text and "\n命令：\n" in text
    assert "  contract " in text and "-h, --help" in text


def test_missing_required_option() -> None:
    code, text = _output("contract")
    assert code == 2
    assert "用法：main contract [选项]\n" in text
    assert "运行 “main contract --help” 查看帮助。" in text
    assert "错误：缺少选项 “--year”。" in text


def test_year_that_is_not_a_number() -> None:
    code, text = _output("contract", "--year", "二〇二六")
    assert code == 2
    assert "错误：选项 “--year” 的值无效：“二〇二六” 不是有效的整数，请用阿拉伯数字书写。" in text


def test_year_out_of_range() -> None:
    code, text = _output("contract", "--year", "1999")
    assert code == 2
    assert "选项 “--year” 的值无效：1999 不在允许的范围内（2000<=x<=2100）。" in text


def test_a_missing_contract_file_names_the_option() -> None:
    code, text = _output("contract", "--year", "2024", "--contract", "/nonexistent.yaml")
    assert code == 2
    assert "错误：选项 “--contract” 的值无效：文件 “/nonexistent.yaml” 不存在。" in text


def test_bad_month_format() -> None:
    code, text = _output("report", "--month", "2024-5")
    assert code == 2
    assert "错误：选项 “--month” 的值无效：月份格式应为 YYYY-MM，例如 2024-05" in text


def test_unknown_option_suggests_the_right_one() -> None:
    code, text = _output("contract", "--yeer", "2024")
    assert code == 2
    assert "错误：没有选项 “--yeer”。您是不是要输入 “--year”？" in text


def test_unknown_command_suggests_the_right_one() -> None:
    code, text = _output("contrakt")
    assert code == 2
    assert "错误：没有命令 “contrakt”。您是不是要输入 “contract”？" in text


def test_extra_argument() -> None:
    code, text = _output("validate", "extra")
    assert code == 2
    assert "错误：多余的参数：extra" in text


def test_option_without_its_value_and_flag_with_one() -> None:
    assert "错误：选项 “--year” 后面需要一个值。" in _output("contract", "--year")[1]
    assert "错误：选项 “--strict” 后面不能带值。" in _output("contract", "--strict=1", "--year", "2024")[1]


def test_date_in_the_wrong_format() -> None:
    code, text = _output("invoices", "--year", "2024", "--as-of", "2024/1/1")
    assert code == 2
    assert "选项 “--as-of” 的值无效：日期格式应为 YYYY-MM-DD，例如 2024-12-31，或写 today" in text


def test_folder_given_for_a_file(tmp_path: Path) -> None:
    code, text = _output("contract", "--year", "2024", "--contract", str(tmp_path))
    assert code == 2
    assert f"选项 “--contract” 的值无效：“{tmp_path}” 是一个文件夹，这里需要的是文件。" in text


def test_command_help_in_chinese() -> None:
    code, text = _output("contract", "--help")
    assert code == 0
    assert text.startswith("用法：main contract [选项]\n")
    assert "\n选项：\n" in text
    assert "[默认：contract.yaml]" in text and "[默认：outputs]" in text
    assert "[2000<=x<=2100；必填]" in text
    assert "显示本帮助并退出。" in text
    rows = [line for line in text.splitlines() if line.startswith("  -")]
    assert any(row.startswith("  --year 年度 ") for row in rows)
    assert any(row.startswith("  --contract 文件 ") for row in rows)
    assert any(row.startswith("  --out 目录 ") for row in rows)
    # The help column lines up on screen, where a Chinese character takes two cells.
    starts = set()
    for row in rows:
        match = re.match(r"(.*?\S)( {2,})\S", row)
        assert match, row
        starts.add(sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in row[: match.end(2)]))
    assert len(starts) == 1, rows


def test_verify_missing_document() -> None:
    code, text = _output("verify", "/nonexistent.docx")
    assert code == 2
    assert "用法：main verify [选项] 文档" in text
    assert "错误：参数 “文档” 的值无效：文件 “/nonexistent.docx” 不存在。" in text


def test_verify_without_document() -> None:
    code, text = _output("verify")
    assert code == 2
    assert "错误：缺少参数 “文档”。" in text


# --- messages gen's own options do not produce today, on a small command ---------------------------------


@click.command("sample", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--contract", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--kind", type=click.Choice(["续签", "新签"]))
@click.option("--scale", type=click.FloatRange(0, 10), default=1.0, show_default=True)
def _sample(contract: str, kind: str | None, scale: float) -> None:
    """示例命令。"""


def _sample_output(*args: str) -> str:
    result = CliRunner().invoke(_sample, list(args))
    text = result.stdout + result.stderr
    assert not CLICK_ENGLISH.search(text), text
    return text


def test_missing_file_names_the_option(tmp_path: Path) -> None:
    text = _sample_output("--contract", str(tmp_path / "x.yaml"))
    assert f"错误：选项 “--contract” 的值无效：文件 “{tmp_path / 'x.yaml'}” 不存在。" in text


def test_choice_lists_what_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\n", "utf-8")
    text = _sample_output("--contract", str(path), "--kind", "终止")
    assert "选项 “--kind” 的值无效：“终止” 不是可选的值，可选：“续签”, “新签”。" in text


def test_float_and_help_of_a_plain_command(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\n", "utf-8")
    assert "选项 “--scale” 的值无效：“很多” 不是有效的数字，请用阿拉伯数字书写。" in _sample_output("--contract", str(path), "--scale", "很多")
    text = _sample_output("--help")
    assert "--scale 数字" in text and "[默认：1.0；0<=x<=10]" in text


@pytest.mark.parametrize("message", sorted(cli_zh.MESSAGES))
def test_translations_keep_the_placeholders(message: str) -> None:
    # Every {name} and %(name)s of click's text must survive, or click's .format() call would fail.
    def placeholders(text: str) -> set[str]:
        return set(re.findall(r"\{(\w+)", text)) | set(re.findall(r"%\((\w+)\)s", text))

    extra = {"param_kind"}  # supplied by the translated message itself
    assert placeholders(cli_zh.MESSAGES[message]) - extra <= placeholders(message)
