"""`gen assess` (annual score, verdict, recording) and `gen diff` (tracked-changes redline)."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import CONTRACT, run_cli
from docx_inspect import W, body_text, part, resolve_revisions
from recompute import counts, month_extra, points, rates

MONTHS = [f"2024-{m:02d}" for m in range(1, 11)]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    for month in MONTHS:
        assert run_cli("sample-data", "--month", month, "--seed", "11", "--scale", "0.5", "--out", str(folder)).exit_code == 0
    return folder


def assess(tmp_path: Path, data: Path, *extra: str, contract: Path = CONTRACT) -> tuple[int, dict, str, str]:
    result = run_cli("assess", "--year", "2024", "--data", str(data), "--contract", str(contract), "--out", str(tmp_path / "out"), *extra)
    if result.exit_code:
        return result.exit_code, {}, "", result.stderr
    payload = json.loads((tmp_path / "out" / "assessment-2024.json").read_text("utf-8"), parse_float=Decimal)
    return 0, payload, body_text(tmp_path / "out" / "assessment-2024.docx"), result.stderr


def test_annual_score_matches_an_independent_computation(data_dir: Path, tmp_path: Path) -> None:
    code, payload, text, _ = assess(tmp_path, data_dir)
    assert code == 0
    summed: dict[str, int] = {}
    for month in MONTHS:
        for key, value in counts(data_dir / month).items():
            summed[key] = summed.get(key, 0) + value
    expected = points(rates(summed), [month_extra(data_dir / m) for m in MONTHS])
    assert [Decimal(i["points"]) for i in payload["card"]["items"]] == expected
    total = sum(expected)
    assert Decimal(payload["card"]["total"]) == total
    assert payload["months"] == MONTHS and payload["missing"] == []
    verdict = "续签" if total >= 70 else "不续签"
    assert f"年度考核得分{total}分，续签最低分70分" in text and f"结论：{verdict}。" in text
    assert "第2笔" in text and "第3笔" in text  # the two ranking periods' tiers


def test_missing_months_are_named_unless_partial(data_dir: Path, tmp_path: Path) -> None:
    partial = tmp_path / "data"
    for month in MONTHS[:7]:
        shutil.copytree(data_dir / month, partial / month)
    code, _, _, stderr = assess(tmp_path, partial)
    assert code == 1 and "缺少：2024-08、2024-09、2024-10" in stderr and "--partial" in stderr
    code, payload, text, _ = assess(tmp_path, partial, "--partial")
    assert code == 0 and payload["missing"] == ["2024-08", "2024-09", "2024-10"]
    assert text.splitlines()[2].startswith("注意：考核期数据不全")


def test_breaches_recorded_in_the_yaml_fail_the_year(data_dir: Path, tmp_path: Path, edited) -> None:  # type: ignore[no-untyped-def]
    path = edited(("    assessment:\n      passed: true\n      breaches: []\n  2025:",
                   "    assessment:\n      passed: false\n      breaches: [未按时补充人员]\n  2025:"))
    code, payload, text, _ = assess(tmp_path, data_dir, contract=path)
    assert code == 0 and payload["passed"] is False
    assert "记录的违约行为：未按时补充人员" in text and "结论：不续签。" in text


def test_record_writes_the_result_back_and_keeps_comments(data_dir: Path, tmp_path: Path, contract_copy: Path) -> None:
    before = contract_copy.read_text("utf-8")
    for _ in range(2):  # recording twice replaces, it does not pile up
        code, payload, _, _ = assess(tmp_path, data_dir, "--record", contract=contract_copy)
        assert code == 0
    after = contract_copy.read_text("utf-8")
    assert after.count("gen assess：2024-01 至 2024-10") == 1
    assert f"      score: {payload['card']['total']}\n" in after
    assert after.count("#") == before.count("#") + 1
    assert run_cli("validate", "--contract", str(contract_copy)).exit_code == 0


def test_record_of_a_failing_score_makes_the_renewal_an_error(data_dir: Path, tmp_path: Path, edited) -> None:  # type: ignore[no-untyped-def]
    path = edited(("  min_score: 70\n", "  min_score: 99\n"))
    code, payload, _, _ = assess(tmp_path, data_dir, "--record", contract=path)
    assert code == 0 and payload["passed"] is False
    result = run_cli("contract", "--year", "2025", "--contract", str(path), "--out", str(tmp_path / "c"))
    assert result.exit_code == 1 and "低于续签最低分 99" in result.stderr


@pytest.fixture(scope="module")
def redline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("diff")
    result = run_cli("diff", "--from", "2024", "--to", "2025", "--contract", str(CONTRACT), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    for year in ("2024", "2025"):
        assert run_cli("contract", "--year", year, "--contract", str(CONTRACT), "--out", str(out)).exit_code == 0
    return {"diff": out / "diff-2024-2025.docx", "2024": out / "contract-2024.docx", "2025": out / "contract-2025.docx"}


def test_accept_all_and_reject_all_give_the_two_contracts(redline: dict[str, Path]) -> None:
    accepted, rejected = resolve_revisions(redline["diff"], accept=True), resolve_revisions(redline["diff"], accept=False)
    new, old = body_text(redline["2025"]), body_text(redline["2024"])
    assert accepted.endswith(new) and rejected.endswith(old)
    # What precedes the contract is the same untracked change list in both.
    assert accepted[: -len(new)] == rejected[: -len(old)]
    assert accepted[: -len(new)].startswith("2024年度与2025年度合同对照")


def test_tracked_changes_are_the_expected_ones(redline: dict[str, Path]) -> None:
    root = part(redline["diff"], "word/document.xml")
    pairs = [("".join(t.text or "" for t in d.iter(f"{W}delText")), "".join(t.text or "" for t in i.iter(f"{W}t")))
             for d, i in zip(root.iter(f"{W}del"), root.iter(f"{W}ins"), strict=True)]
    assert ("HILSB2400036CGN00", "＿＿＿＿＿＿＿＿＿＿") in pairs  # contract number
    assert ("2023", "2024") in pairs  # assessed year
    assert pairs.count(("2024", "2025")) >= 3  # budget year (twice) and term start
    assert ("2025", "2026") in pairs  # term end
    authors = {e.get(f"{W}author") for e in root.iter(f"{W}ins")} | {e.get(f"{W}author") for e in root.iter(f"{W}del")}
    dates = {e.get(f"{W}date") for e in root.iter(f"{W}ins")}
    assert authors == {"hotline-contract-gen"} and dates == {"2025-01-17T00:00:00Z"}
    summary = body_text(redline["diff"])
    assert "years.2025.contract_number" in summary and "years.2025.budget_year" in summary


@pytest.mark.libreoffice
def test_redline_is_deterministic_and_opens_in_libreoffice(redline: dict[str, Path], tmp_path: Path) -> None:
    again = run_cli("diff", "--from", "2024", "--to", "2025", "--contract", str(CONTRACT), "--out", str(tmp_path))
    assert (tmp_path / "diff-2024-2025.docx").read_bytes() == redline["diff"].read_bytes()
    assert again.exit_code == 0
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice 未安装：请运行 bash scripts/setup.sh"
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(redline["diff"])], check=True, capture_output=True, timeout=300)
    assert (tmp_path / "diff-2024-2025.pdf").stat().st_size > 10_000


@pytest.mark.parametrize(("args", "message"), [(("--from", "2024", "--to", "2031"), "没有 2031 年度"),
                                              (("--from", "2019", "--to", "2025"), "没有 2019 年度")])
def test_diff_unknown_year(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    result = run_cli("diff", *args, "--contract", str(CONTRACT), "--out", str(tmp_path))
    assert result.exit_code == 2 and message in result.stderr


def test_assess_unknown_year_and_empty_data(tmp_path: Path) -> None:
    result = run_cli("assess", "--year", "2031", "--data", str(tmp_path), "--contract", str(CONTRACT), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    result = run_cli("assess", "--year", "2024", "--data", str(tmp_path), "--contract", str(CONTRACT), "--out", str(tmp_path / "o"), "--partial")
    assert result.exit_code == 1 and "没有任何月份的数据" in result.stderr
