"""Hostile and broken YAML: every case is a clean Chinese error with file:line:col, never a traceback."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.output.batch import LOCK_NAME
from generator.source.loader import MAX_BYTES, load_bytes

from conftest import run_cli

BAD_YAML = {
    "anchor": (b"a: &x 1\nb: 2\n", "1:4", "锚点"),
    "alias": (b"a: [1]\nb: *x\n", "2:4", "别名"),
    "duplicate_key": (b"fees:\n  total: 1\n  total: 2\n", "3:3", "重复的键 “total”：第 2 行已定义过，第 3 行"),
    "duplicate_quoted_key": (b'a: 1\n"a": 2\n', "2:1", "重复的键"),
    "python_tag": (b"a: !!python/object/apply:os.system ['true']\n", "1:4", "不支持的 YAML 标签"),
    "include_tag": (b"a: !include other.yaml\n", "1:4", "不支持的 YAML 标签"),
    "binary_tag": (b"a: !!binary aGVsbG8=\n", "1:4", "不支持的 YAML 标签"),
    "leading_zero": (b"a: 010\n", "1:4", "以 0 开头"),
    "scientific": (b"a: 1e9\n", "1:4", "科学计数法"),
    "scientific_fraction": (b"a: +.5E3\n", "1:4", "科学计数法"),
    "two_documents": (b"a: 1\n---\nb: 2\n", "2:1", "只能包含一个 YAML 文档"),
    "control_char": (b'a: "x\\u0001y"\n', "1:4", "控制字符"),
    "gbk": ("a: 合同\n".encode("gbk"), "1:1", "不是 UTF-8 编码"),
    "syntax": (b"a: [1, 2\n", "1:4", "方括号 “[” 没有闭合"),
    "comment_cuts_text": ("a: 乙方应提前 #2 日通知\n".encode(), "1:4", "会被 YAML 当作注释"),
    "braces_first": ("a:\n  - {{ fees.total }}元\n".encode(), "2:6", "请给整段文字加引号"),
}


def test_a_letter_and_digits_are_text_not_a_number() -> None:
    # A code such as E5 (a grade, a room) has no digit before its "exponent": it is not scientific notation.
    from generator.source.loader import load_bytes

    assert load_bytes(b"a: E5\nb: e10\n", "c.yaml").data == {"a": "E5", "b": "e10"}


def test_deep_nesting_is_refused_without_recursion(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_bytes(b"[" * 100_000)
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 1
    # Which limit trips first (ours at 40 levels or libyaml's own) depends on the libyaml build.
    assert re.match(r"contract\.yaml:1:\d+:.* 错误：嵌套层级过深", result.stderr)


@pytest.mark.parametrize("case", sorted(BAD_YAML))
def test_bad_yaml_is_a_located_error(case: str, tmp_path: Path) -> None:
    raw, where, message = BAD_YAML[case]
    path = tmp_path / "contract.yaml"
    path.write_bytes(raw)
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 1
    assert f"contract.yaml:{where}:" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    # A generating command fails the same way and leaves the output folder as it was.
    out = tmp_path / "out"
    out.mkdir()
    (out / "contract-2024.docx").write_bytes(b"older")
    result = run_cli("contract", "--year", "2024", "--contract", str(path), "--out", str(out))
    assert result.exit_code == 1 and message in result.stderr
    assert [p.name for p in out.iterdir() if p.name != LOCK_NAME] == ["contract-2024.docx"]
    assert (out / "contract-2024.docx").read_bytes() == b"older"


def test_alias_bomb_fails_fast() -> None:
    bomb = b'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n".encode()
        for i in range(8)
    )
    started = time.perf_counter()
    with pytest.raises(InputError):
        load_bytes(bomb, "bomb.yaml")
    assert time.perf_counter() - started < 1.0


def test_yaml_11_traps_stay_text() -> None:
    data = load_bytes(b"a: NO\nb: 1:30\nc: 2024-01-17\nd: yes\ne: 1.50\n", "t.yaml").data
    assert data == {"a": "NO", "b": "1:30", "c": "2024-01-17", "d": "yes", "e": __import__("decimal").Decimal("1.50")}


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_BYTES + b"\n")
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 1
    assert "文件过大" in result.stderr


@pytest.mark.parametrize(("raw", "message"), [(b"", "应为映射"), (b"- 1\n- 2\n", "应为映射"), (b"just text\n", "应为映射")])
def test_wrong_top_level_shape(raw: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_bytes(raw)
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 1
    assert message in result.stderr


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("validate", "--contract", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "选项 “--contract” 的值无效" in result.stderr and "不存在" in result.stderr


def test_an_unreadable_file_is_told_in_chinese(tmp_path: Path) -> None:
    from generator.errors import InputError
    from generator.source.loader import load_file

    with pytest.raises(InputError, match="不是普通文件"):
        load_file(tmp_path, "contract.yaml")
