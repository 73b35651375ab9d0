"""The renewal a contract manager carries out alone: the README's walk-through, run as printed.

The commands and the YAML are read from README.md itself (the blocks marked ``renewal:…``), so the
walk-through and this test cannot drift apart. The redline it produces is then accepted and rejected by
LibreOffice itself and compared with the two contracts.
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import shutil
import subprocess
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

import revisions
from conftest import CONTRACT, ROOT
from docx_inspect import W, body_text, part

README = ROOT / "README.md"


def readme_block(name: str) -> str:
    """The fenced block that follows ``<!-- renewal:name -->`` in README.md, without its fence."""
    text = README.read_text("utf-8")
    found = re.search(rf"<!-- renewal:{name} -->\n[ ]*```[a-z]*\n(.*?)\n[ ]*```", text, re.S)
    assert found, f"README.md 中没有 renewal:{name}"
    lines = found.group(1).split("\n")
    indent = min(len(line) - len(line.lstrip(" ")) for line in lines if line.strip())
    # The block is indented as a list item of the README: three spaces that are not the file's.
    list_indent = 3 if indent >= 3 else 0
    return "\n".join(line[list_indent:] for line in lines)


def gen(folder: Path, command: str) -> subprocess.CompletedProcess[str]:
    """A README command, typed in the contract's folder: split as a shell splits it and given to `gen`'s command
    line in this process (the console script itself runs in test_two_editing_commands_at_once_both_land)."""
    argv = shlex.split(command)
    assert argv[0] == "gen", command
    with contextlib.chdir(folder):
        result = CliRunner().invoke(main, argv[1:], prog_name="gen", catch_exceptions=False)
    return subprocess.CompletedProcess(argv, result.exit_code, result.stdout, result.stderr)


def run_block(folder: Path, name: str) -> list[subprocess.CompletedProcess[str]]:
    done = []
    for command in readme_block(name).splitlines():
        command = command.split("#")[0].strip()
        if command:
            result = gen(folder, command)
            assert result.returncode == 0, f"{command}\n{result.stderr}"
            assert "Traceback" not in result.stderr
            done.append(result)
    return done


def write_into_year(path: Path, year: int, block: str) -> None:
    """Put ``block`` (lines indented for inside ``years.<year>``) at the end of that year's entry."""
    lines = path.read_text("utf-8").split("\n")
    start = lines.index(f"  {year}:")
    end = start + 1
    while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
        end += 1
    while not lines[end - 1].strip():
        end -= 1
    lines[end:end] = block.split("\n")
    path.write_text("\n".join(lines), "utf-8")


def replace_in_year(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), "utf-8")


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("renewal")
    shutil.copy(CONTRACT, folder / "contract.yaml")
    contract = folder / "contract.yaml"
    first = run_block(folder, "commands-1")
    recorded = contract.read_text("utf-8")
    write_into_year(contract, 2026, readme_block("yaml-1"))
    stale = gen(folder, "gen validate")
    stale_text = contract.read_text("utf-8")
    replace_in_year(contract, readme_block("yaml-1").split("\n")[-1], "")
    write_into_year(contract, 2026, readme_block("yaml-2"))
    second = run_block(folder, "commands-2")
    return {"folder": folder, "first": first, "recorded": recorded, "stale": stale, "stale_text": stale_text,
            "second": second}


def test_the_first_commands_record_the_result_and_append_the_year(walkthrough: dict) -> None:
    recorded = walkthrough["recorded"]
    assert "  2026:\n    kind: renewal\n" in recorded
    assert "assessment:  # 甲方出具的考核结果（gen assess --score）\n      score: 88\n      passed: true" in recorded
    assert "记录考核结果：88 分，合格，无违约行为（此前：未记录）" in walkthrough["first"][2].stderr
    new_year = walkthrough["first"][1]
    assert "已在 contract.yaml 的 years 中追加 2026 年度" in new_year.stdout
    # The service-term warning says what the contract says and what to do.
    assert "最多服务期限 2 年" in new_year.stderr and "kind: original" in new_year.stderr


def test_a_stale_example_is_reported_where_the_year_changes_the_rule_with_the_lines_to_write(walkthrough: dict) -> None:
    stale = walkthrough["stale"]
    assert stale.returncode == 1
    # Reported at the line of step 2 that changes the target, under years.2026, where the fix belongs.
    lines = walkthrough["stale_text"].split("\n")
    line = next(n for n, text in enumerate(lines, 1) if "{key: answer_rate, target: 96}" in text)
    column = lines[line - 1].index("target: 96") + 1
    assert stale.stderr.startswith(f"contract.yaml:{line}:{column}: years.2026.scoring.indicators[0].target: ")
    # The errors are exactly what the README prints (the warnings are left out there).
    errors = [text for text in stale.stderr.rstrip("\n").split("\n") if ": 警告：" not in text]
    assert errors == readme_block("output-3").split("\n")
    # The offered examples are the ones the README asks to write (inputs and points).
    offered = re.findall(r"- \{input: ([0-9.]+), points: ([0-9.]+)", stale.stderr)
    written = re.findall(r"- \{input: ([0-9.]+), points: ([0-9.]+)", readme_block("yaml-2"))
    assert offered == [("0.962", "10"), ("0.93", "7"), ("0.8", "0")] and written[:3] == offered


def test_the_completed_year_validates_and_the_signed_year_still_verifies(walkthrough: dict) -> None:
    validate, _, _, verify = walkthrough["second"]
    assert "有效：3 个合同年度（2024、2025、2026）" in validate.stdout
    assert "一致：contract-2025.docx" in verify.stdout
    outputs = walkthrough["folder"] / "outputs"
    assert {"contract-2025.docx", "contract-2026.docx", "requirements-2026.docx", "diff-2025-2026.docx"} <= \
        {p.name for p in outputs.iterdir()}


def test_appendix_one_is_numbered_top_to_bottom(walkthrough: dict) -> None:
    text = body_text(walkthrough["folder"] / "outputs" / "contract-2026.docx")
    table = text[text.index("附件1"):]
    table = table[table.index("考核项目\n具体指标"):]
    table = table[:table.index("\n其他\n")]
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", table, re.M)]
    assert numbers == list(range(1, 14))
    assert table.index("10. 运行维护指标") < table.index("11. 应急演练") < table.index("12. 奖励指标")


def test_the_new_indicator_is_one_inserted_row_of_each_scoring_table(walkthrough: dict) -> None:
    root = part(walkthrough["folder"] / "outputs" / "diff-2025-2026.docx", "word/document.xml")
    inserted = [tr for tr in root.iter(f"{W}tr") if tr.find(f"{W}trPr/{W}ins") is not None]
    deleted = [tr for tr in root.iter(f"{W}tr") if tr.find(f"{W}trPr/{W}del") is not None]
    # Appendix 1 and the requirement document's copy of it.
    assert len(inserted) == 2 and not deleted
    for row in inserted:
        assert "".join(t.text or "" for t in row.iter(f"{W}t")).startswith("11. 应急演练")
    summary = body_text(walkthrough["folder"] / "outputs" / "diff-2025-2026.docx")
    summary = summary[: summary.index("合同编号：")]
    assert "运营考核标准 · 具体指标 “应急演练”（新增）" in summary
    assert "examples" not in summary and "说明" not in summary
    assert summary.count("fees.total") == 1


@pytest.mark.libreoffice
def test_libreoffice_accepts_to_the_new_contract_and_rejects_to_the_old(walkthrough: dict, tmp_path: Path) -> None:
    outputs = walkthrough["folder"] / "outputs"
    diff = outputs / "diff-2025-2026.docx"
    accepted, rejected, new, old = revisions.libreoffice_texts(tmp_path, [("accept", diff), ("reject", diff),
                                                                ("text", outputs / "contract-2026.docx"),
                                                                ("text", outputs / "contract-2025.docx")])
    assert accepted.endswith(new) and rejected.endswith(old)
    assert accepted[: -len(new)] == rejected[: -len(old)]  # the untracked list of data changes
    assert "\u200b" not in accepted + rejected


# -- recording a result, verifying signed years, editing at once ----------------------------------------


def test_recording_without_exports_names_the_hand_written_route(tmp_path: Path) -> None:
    shutil.copy(CONTRACT, tmp_path / "contract.yaml")
    result = gen(tmp_path, "gen assess --year 2025 --record")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "gen assess --year 2025 --record --score 得分" in result.stderr
    assert "assessment: {score: 得分, passed: true, breaches: []}" in result.stderr
    assert not re.search(r"data:\d+:\d+", result.stderr)  # a folder is not a file with lines
    partial = gen(tmp_path, "gen assess --year 2025 --record --partial")
    assert partial.returncode == 1 and "--score" in partial.stderr and not re.search(r"data:\d+:\d+", partial.stderr)


@pytest.mark.parametrize(("args", "expected"), [
    ("--score 86.5", "      score: 86.5\n      passed: true\n      breaches: []"),
    ("--score 65", "      score: 65\n      passed: false\n      breaches: []"),
    ("--failed --breach '未按时补充人员: 2 人'", '      passed: false\n      breaches:\n        - "未按时补充人员: 2 人"'),
])
def test_a_result_the_buyer_issued_is_recorded_as_written(tmp_path: Path, args: str, expected: str) -> None:
    shutil.copy(CONTRACT, tmp_path / "contract.yaml")
    before = (tmp_path / "contract.yaml").read_text("utf-8")
    result = gen(tmp_path, f"gen assess --year 2025 --record {args}")
    assert result.returncode == 0, result.stderr
    after = (tmp_path / "contract.yaml").read_text("utf-8")
    assert expected in after
    # Only the year's assessment was added: every line that was there is still there, in order.
    ops = SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False).get_opcodes()
    assert {op for op, *_ in ops} == {"equal", "insert"}
    assert gen(tmp_path, "gen validate").returncode == 0


@pytest.mark.parametrize(("args", "message"), [("--score 86.5", "须与 --record 一起使用"),
                                              ("--record --score 八十", "得分应为数字"),
                                              ("--record --score 86.555", "最多两位小数"),
                                              ("--record --score -1", "0 以上")])
def test_a_result_given_wrongly_is_refused(tmp_path: Path, args: str, message: str) -> None:
    shutil.copy(CONTRACT, tmp_path / "contract.yaml")
    result = gen(tmp_path, f"gen assess --year 2025 {args}")
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "contract.yaml").read_bytes() == CONTRACT.read_bytes()


def test_a_signed_year_stays_verified_through_a_renewal_and_names_what_changed(tmp_path: Path) -> None:
    shutil.copy(CONTRACT, tmp_path / "contract.yaml")
    contract = tmp_path / "contract.yaml"
    assert gen(tmp_path, "gen contract --year 2025").returncode == 0
    for step in ("gen assess --year 2025 --record --score 90", "gen new-year 2026",
                 "gen assess --year 2025 --record --score 91"):
        assert gen(tmp_path, step).returncode == 0
        assert "一致" in gen(tmp_path, "gen verify outputs/contract-2025.docx").stdout, step
    replace_in_year(contract, "# 本年度履约验收结果（下一年度续签依据）", "# 履约验收结果")  # a comment
    assert "一致" in gen(tmp_path, "gen verify outputs/contract-2025.docx").stdout
    # An export column the contract's text never reads (the monthly reports do).
    replace_in_year(contract, "      confidential: {name: 保密, type: flag}\n",
                    "      confidential: {name: 保密, type: flag}\n      resolved: {name: 是否解决, type: flag, optional: true}\n")
    assert "一致" in gen(tmp_path, "gen verify outputs/contract-2025.docx").stdout
    replace_in_year(contract, "    minimum: 25\n", "    minimum: 24\n")
    verdict = gen(tmp_path, "gen verify outputs/contract-2025.docx")
    assert verdict.returncode == 1
    assert "源文件已修改：contract.yaml（2025 年度的合同条件（terms）与生成时不同）" in verdict.stderr


def test_two_editing_commands_at_once_both_land(tmp_path: Path) -> None:
    # gen assess --record and gen new-year edit contract.yaml at the same moment, again and again.
    binary = str(ROOT / ".venv" / "bin" / "gen")
    for attempt in range(4):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        shutil.copy(CONTRACT, folder / "contract.yaml")
        runs = [subprocess.Popen([binary, *shlex.split(command)], cwd=folder, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
                for command in ("assess --year 2025 --record --score 88", "new-year 2026")]
        for run in runs:
            _, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
        text = (folder / "contract.yaml").read_text("utf-8")
        assert "      score: 88\n" in text and "  2026:\n    kind: renewal" in text, attempt
        assert gen(folder, "gen validate").returncode == 0


def test_the_finance_walk_through_runs_as_printed(tmp_path: Path) -> None:
    # The README's commands, typed in a copy of the project's folder (they name the shipped example files).
    shutil.copy(CONTRACT, tmp_path / "contract.yaml")
    shutil.copytree(ROOT / "examples" / "finance", tmp_path / "examples" / "finance")
    text = README.read_text("utf-8")
    block = re.search(r"<!-- finance:commands -->\n```bash\n(.*?)\n```", text, re.S)
    assert block
    for command in block.group(1).splitlines():
        result = gen(tmp_path, command)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
    schedule = json.loads((tmp_path / "outputs" / "invoices-2024.json").read_text("utf-8"))
    # 第2笔 paid 580,000.00 where the ranks (average 5.0, tier 1-5) make it 600,000.00: a late fee runs on the rest.
    assert schedule["late_fee_total"] == 8440
