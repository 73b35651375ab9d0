"""`gen invoices`: due and invoice dates, ranking tiers, totals, late fees, and agreement with the contract."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from generator.api import load_contract
from generator.rules.payment import build_schedule, choose_tier

from conftest import CONTRACT, run_cli
from docx_inspect import body_text


def invoices(tmp_path: Path, *args: str, contract: Path = CONTRACT) -> tuple[dict, str]:
    result = run_cli("invoices", "--contract", str(contract), "--out", str(tmp_path / "out"), "--data", str(tmp_path / "nodata"), *args)
    assert result.exit_code == 0, result.stderr
    paths = [Path(p) for p in result.stdout.split()]
    assert [p.name.split("-")[0] for p in paths] == ["invoices", "invoices"]
    return json.loads(paths[1].read_text("utf-8"), parse_float=Decimal), body_text(paths[0])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_first_milestone_2024(tmp_path: Path) -> None:
    data, text = invoices(tmp_path, "--year", "2024")
    first = data["rows"][0]
    assert (first["due"], first["invoice_by"]) == ("2024-03-17", "2024-03-02")
    assert (first["chosen"]["percent"], first["chosen"]["amount"]) == (45, Decimal("900000.00"))
    assert "2024-03-17\n2024-03-02\n45%\n¥900,000.00\n人民币玖拾万元整" in text
    assert data["best_total"] == Decimal("2000000.00")
    assert data["given_total"] is None  # ranks unknown: the ranked milestones are pending
    assert "待定" in text and "尚缺2024年1月至5月的排名，本笔金额待定；3个档位的金额如下" in text


@pytest.mark.parametrize(
    ("ranks", "expected"),
    [
        ([5, 5, 5, 5, 5], (30, Decimal("600000.00"))),  # exactly 5: best tier
        ([5, 5, 5, 5, 6], (29, Decimal("580000.00"))),  # 5.2 is not within 1-5
        ([9, 9, 9, 9, 9], (29, Decimal("580000.00"))),  # exactly 9
        ([9, 10, 9, 10, 9], (28, Decimal("560000.00"))),  # 9.4 is beyond 9
        ([1, 1, 1, 1, 1], (30, Decimal("600000.00"))),
        ([19, 19, 19, 19, 19], (28, Decimal("560000.00"))),
    ],
)
def test_ranking_tiers(tmp_path: Path, ranks: list[int], expected: tuple[int, Decimal]) -> None:
    lines = "".join(f"2024-0{m}: {r}\n" for m, r in zip(range(1, 6), ranks, strict=True))
    data, _ = invoices(tmp_path, "--year", "2024", "--rankings", str(write(tmp_path, "r.yaml", lines)))
    second = data["rows"][1]
    assert (second["chosen"]["percent"], second["chosen"]["amount"]) == expected
    assert Decimal(second["average"]) == Decimal(sum(ranks)) / 5


def test_tier_boundaries_directly() -> None:
    tiers = load_contract(CONTRACT).year(2024).milestones[2].tiers
    for average, index in ((Decimal(5), 0), (Decimal("5.2"), 1), (Decimal(9), 1), (Decimal("9.5"), 2), (Decimal(19), 2)):
        assert choose_tier(tiers, average, "literal") == index
    assert choose_tier(tiers, Decimal("5.2"), "round_half_up") == 0
    assert choose_tier(tiers, Decimal("5.5"), "round_half_up") == 1
    assert choose_tier(tiers, Decimal("9.5"), "round_half_up") == 2


def test_full_year_of_ranks_gives_the_total_paid(tmp_path: Path) -> None:
    lines = "".join(f"2024-{m:02d}: {r}\n" for m, r in zip(range(1, 11), [4, 4, 4, 4, 4, 7, 7, 7, 7, 7], strict=True))
    data, text = invoices(tmp_path, "--year", "2024", "--rankings", str(write(tmp_path, "r.yaml", lines)))
    assert data["given_total"] == Decimal("900000.00") + Decimal("600000.00") + Decimal("480000.00")
    assert "按已给排名合计：¥1,980,000.00（人民币壹佰玖拾捌万元整）" in text


def test_ranks_from_monthly_data_folders(tmp_path: Path) -> None:
    for month, rank in (("2024-01", 3), ("2024-02", 4), ("2024-03", 5), ("2024-04", 6), ("2024-05", 7)):
        folder = tmp_path / "data" / month
        folder.mkdir(parents=True)
        (folder / "month.yaml").write_text(f"全省排名: {rank}\n", "utf-8")
    result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--out", str(tmp_path / "out"), "--data", str(tmp_path / "data"))
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out" / "invoices-2024.json").read_text("utf-8"), parse_float=Decimal)
    assert data["rows"][1]["average"] == 5
    assert data["rows"][1]["chosen"]["percent"] == 30


BAD_RANKS = {
    "zero": ("2024-01: 0\n", "1:1", "名次 0 超出范围"),
    "twenty": ("2024-01: 3\n2024-02: 20\n", "2:1", "名次 20 超出范围"),
    "not_a_number": ("2024-01: 第三\n", "1:1", "应为整数"),
    "fraction": ("2024-01: 3.5\n", "1:1", "应为整数"),
    "outside_year": ("2025-03: 3\n", "1:1", "不在本服务年度内"),
    "bad_month": ("2024-13: 3\n", "1:1", "格式不正确（月份）：“2024-13”"),
}


@pytest.mark.parametrize("case", sorted(BAD_RANKS))
def test_bad_ranks_name_file_and_line(tmp_path: Path, case: str) -> None:
    text, where, message = BAD_RANKS[case]
    path = write(tmp_path, "ranks.yaml", text)
    result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--rankings", str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"ranks.yaml:{where}:" in result.stderr and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_month_end_clamping_and_leap_years(edited: Callable[..., Path], tmp_path: Path) -> None:
    path = edited(("    signed_on: 2024-01-17", "    signed_on: 2023-12-31"))
    data, _ = invoices(tmp_path, "--year", "2024", contract=path)
    assert [r["due"] for r in data["rows"]] == ["2024-02-29", "2024-05-31", "2024-10-31"]
    assert data["rows"][0]["invoice_by"] == "2024-02-14"
    assert data["rows"][1]["ranking_months"][0] == "2023-12"


def tiny_contract(edited: Callable[..., Path], total: str) -> Path:
    """The contract with a total of a few fen, all of it labour cost, to probe rounding at the fen."""
    return edited(
        ("  total: 2000000.00", f"  total: {total}"),
        ("      amount: 1660000.00", f"      amount: {total}"),
        ("      amount: 280000.00", "      amount: 0"),
        ("      amount: 60000.00", "      amount: 0"),
        ("    min: 1580000.00", "    min: 0"),
        ("    max: 1660000.00", "    max: 1"),
    )


def test_rounding_at_half_a_fen(edited: Callable[..., Path]) -> None:
    path = tiny_contract(edited, "0.05")
    result = run_cli("validate", "--contract", str(path))
    # 45% of 0.05 = 0.0225 → 0.02; 30% → 0.015 → 0.02 (half-up); 25% → 0.0125 → 0.01: 0.05 in all.
    assert result.exit_code == 0, result.stderr
    schedule = build_schedule(load_contract(path).year(2024), {})
    assert [r.best.amount for r in schedule.rows] == [Decimal("0.02"), Decimal("0.02"), Decimal("0.01")]


def test_a_rounding_residual_is_absorbed_by_the_last_milestone(edited: Callable[..., Path]) -> None:
    path = tiny_contract(edited, "0.06")
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 0, result.stderr
    # 0.027 → 0.03, 0.018 → 0.02, 0.015 → 0.02 overshoot by a fen: the last best tier gives it back.
    schedule = build_schedule(load_contract(path).year(2024), {})
    assert [r.best.amount for r in schedule.rows] == [Decimal("0.03"), Decimal("0.02"), Decimal("0.01")]
    assert schedule.rows[2].best.residual == Decimal("-0.01")


def test_the_residual_can_be_reported_instead(edited: Callable[..., Path]) -> None:
    path = tiny_contract(edited, "0.06")
    path.write_text(path.read_text("utf-8").replace("residual: absorb_last", "residual: report"), "utf-8")
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 0, result.stderr
    assert "分别四舍五入到分后合计 ¥0.07" in result.stderr and "警告" in result.stderr


def test_late_fees_and_cap(tmp_path: Path) -> None:
    paid = write(tmp_path, "paid.yaml", (
        "- {milestone: m1, paid_on: 2024-03-27, amount: 900000.00}\n"  # 10 days late
        "- {milestone: m2, paid_on: 2024-06-17, amount: 600000.00}\n"  # on the due date itself: no fee
    ))
    ranks = write(tmp_path, "r.yaml", "".join(f"2024-{m:02d}: 2\n" for m in range(1, 11)))
    data, text = invoices(tmp_path, "--year", "2024", "--rankings", str(ranks), "--paid", str(paid), "--as-of", "2024-12-16")
    fees = data["late_fees"]
    assert fees[0] == {"amount": Decimal("900000.00"), "days_late": 10, "due": "2024-03-17", "fee": Decimal("9000.00"), "label": "第1笔",
                       "milestone": "m1", "paid_on": "2024-03-27"}
    # m3 (500,000.00, due 2024-11-17) is unpaid 29 days at the as-of date: 500000 × 0.001 × 29 = 14,500.00
    assert fees[1] == {"amount": Decimal("500000.00"), "days_late": 29, "due": "2024-11-17", "fee": Decimal("14500.00"), "label": "第3笔",
                       "milestone": "m3", "paid_on": None}
    assert len(fees) == 2
    assert data["late_fee_total"] == Decimal("23500.00") and data["late_fee_capped"] is False
    assert data["outstanding"] == Decimal("500000.00")
    assert "不视为甲方违约" in text and "依据合同第八条1：" in text and "千分之一" in text
    assert "应付日期\n实付日期" in text  # two distinct columns

    late = write(tmp_path, "late.yaml", "- {milestone: m1, paid_on: 2024-06-17, amount: 900000.00}\n")  # 92 days
    data, text = invoices(tmp_path, "--year", "2024", "--paid", str(late), "--as-of", "2024-06-17")
    assert data["late_fees"][0]["fee"] == Decimal("82800.00")
    assert data["late_fee_total"] == Decimal("40000.00") and data["late_fee_capped"] is True  # 2% of 2,000,000
    assert "逾期违约金合计：¥40,000.00（按上限计；未设上限时为¥82,800.00）" in text
    assert "尚有节点的金额待排名确定，未付金额暂不能计算" in text and data["outstanding"] is None


def _fee(amount: str, days: int) -> Decimal:
    """The late-fee article recomputed here: 0.001 a day on the amount owed, half-up to the fen."""
    return (Decimal(amount) * Decimal("0.001") * days).quantize(Decimal("0.01"))


def test_partial_payments_and_payments_after_the_as_of_date(tmp_path: Path) -> None:
    paid = write(tmp_path, "paid.yaml", (
        "- {milestone: m1, paid_on: 2024-03-20, amount: 400000.00}\n"  # part, 3 days late
        "- {milestone: m1, paid_on: 2024-04-16, amount: 500000.00}\n"  # the rest, 30 days late
        "- {milestone: m1, paid_on: 2024-12-20, amount: 1.00}\n"  # after as-of: not yet happened
    ))
    data, text = invoices(tmp_path, "--year", "2024", "--paid", str(paid), "--as-of", "2024-04-30")
    fees = [(f["amount"], f["days_late"], f["fee"]) for f in data["late_fees"]]
    assert fees == [(Decimal("400000.00"), 3, _fee("400000", 3)), (Decimal("500000.00"), 30, _fee("500000", 30))]
    assert data["late_fee_total"] == _fee("400000", 3) + _fee("500000", 30)
    assert "2024-12-20 的付款（第1笔，¥1.00）晚于计算截止日 2024-04-30，未计入" in text
    assert data["outstanding"] == 0  # nothing else has fallen due by the end of April


def test_paid_without_as_of_is_a_usage_error(tmp_path: Path) -> None:
    paid = write(tmp_path, "paid.yaml", "- {milestone: m1, paid_on: 2024-03-27, amount: 900000.00}\n")
    result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--paid", str(paid), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "--as-of" in result.stderr and "today" in result.stderr
    assert not (tmp_path / "o").exists()
    result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--paid", str(paid), "--as-of", "today",
                     "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.stderr


def test_overpayments_and_duplicates_are_warnings(tmp_path: Path) -> None:
    paid = write(tmp_path, "paid.yaml", (
        "- {milestone: m1, paid_on: 2024-03-17, amount: 500000.00}\n"
        "- {milestone: m1, paid_on: 2024-03-17, amount: 500000.00}\n"  # the same again
    ))
    result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--paid", str(paid), "--as-of", "2024-04-01",
                     "--out", str(tmp_path / "o"), "--data", str(tmp_path / "none"))
    assert result.exit_code == 0, result.stderr
    assert "paid.yaml:2:1: 警告：与另一条记录的节点、日期和金额都相同，可能重复登记" in result.stderr
    assert "paid.yaml:2:1: 警告：第1笔合计已付 ¥1,000,000.00，超过应付金额 ¥900,000.00（多付 ¥100,000.00）" in result.stderr
    data = json.loads((tmp_path / "o" / "invoices-2024.json").read_text("utf-8"), parse_float=Decimal)
    assert data["late_fees"] == []  # paid on the due date: no fee


def test_a_milestone_is_named_by_its_id_or_by_the_label_the_documents_print(tmp_path: Path) -> None:
    by_id = write(tmp_path, "by-id.yaml", "- {milestone: m1, paid_on: 2024-03-27, amount: 900000.00}\n")
    by_label = write(tmp_path, "by-label.yaml", "- {milestone: 第1笔, paid_on: 2024-03-27, amount: 900000.00}\n")
    outputs = []
    for paid in (by_id, by_label):
        out = tmp_path / paid.stem
        result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--paid", str(paid),
                         "--as-of", "2024-12-31", "--out", str(out), "--data", str(tmp_path / "none"))
        assert result.exit_code == 0 and not result.stderr, result.stderr
        outputs.append(json.loads((out / "invoices-2024.json").read_text("utf-8"), parse_float=Decimal))
    assert outputs[0] == outputs[1]
    # The payment counts: the first milestone was paid ten days late (not left unpaid all year).
    assert [(f["milestone"], f["paid_on"], f["days_late"]) for f in outputs[1]["late_fees"]] == [("m1", "2024-03-27", 10)]


def test_an_unknown_milestone_is_an_error_naming_the_valid_ones(tmp_path: Path) -> None:
    paid = write(tmp_path, "paid.yaml", (
        "- {milestone: m1, paid_on: 2024-03-17, amount: 900000.00}\n"
        "- {milestone: 第9笔, paid_on: 2024-03-17, amount: 1.00}\n"))
    result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--paid", str(paid), "--as-of", "2024-04-01",
                     "--out", str(tmp_path / "o"), "--data", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert ("paid.yaml:2:4: [1].milestone: 错误：2024年度没有付款节点 “第9笔”：请写节点标识或文档中的名称，"
            "本年度的节点为 m1（第1笔）、m2（第2笔）、m3（第3笔）") in result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("written", ["amount: 580,000.00", "amount: \"580,000.00\"", "amount: 580000.00"])
def test_an_amount_with_thousands_separators_is_read_as_a_number(tmp_path: Path, written: str) -> None:
    paid = write(tmp_path, "paid.yaml", f"- milestone: m2\n  paid_on: 2024-06-27\n  {written}\n")
    result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--paid", str(paid), "--as-of", "2024-12-31",
                     "--out", str(tmp_path / "o"), "--data", str(tmp_path / "none"))
    assert result.exit_code == 0, result.stderr
    fees = json.loads((tmp_path / "o" / "invoices-2024.json").read_text("utf-8"), parse_float=Decimal)["late_fees"]
    assert [f["days_late"] for f in fees if f["milestone"] == "m2"] == [10]  # paid, ten days late


def test_thousands_separators_in_a_flow_mapping_are_explained(tmp_path: Path) -> None:
    paid = write(tmp_path, "paid.yaml", "- {milestone: m2, paid_on: 2024-06-17, amount: 580,000.00}\n")
    result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--paid", str(paid), "--as-of", "2024-12-31",
                     "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.strip() == ('paid.yaml:1:48: 错误：580,000.00 中的逗号在 {…} 写法中会被当作两项之间的分隔：'
                                     '请写成 580000.00（或加引号 "580,000.00"）')


def test_one_bad_date_gives_one_message(tmp_path: Path) -> None:
    paid = write(tmp_path, "paid.yaml", "- {milestone: m1, paid_on: 2024-3-27, amount: 900000.00}\n")
    result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--paid", str(paid), "--as-of", "2024-12-31",
                     "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "paid.yaml:1:19: [0].paid_on: 错误：不是有效的日期（日期）：“2024-3-27”（应为 YYYY-MM-DD 且日期真实存在）"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("- {milestone: m1, paid_on: 2024-02-30, amount: 1}\n", "不是有效的日期"),
     ("- {milestone: m1, paid_on: 2024-03-01, amount: 1.001}\n", "精确到分以下")],
)
def test_bad_payments(tmp_path: Path, text: str, message: str) -> None:
    result = run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--paid", str(write(tmp_path, "paid.yaml", text)),
                     "--as-of", "2024-12-31", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "paid.yaml:1:" in result.stderr and message in result.stderr


def test_every_amount_agrees_with_the_contract(tmp_path: Path) -> None:
    run_cli("contract", "--year", "2024", "--contract", str(CONTRACT), "--out", str(tmp_path))
    contract_text = body_text(tmp_path / "contract-2024.docx")
    in_contract = {Decimal(a) for a in re.findall(r"即¥(\d+\.\d{2})元", contract_text)}
    data, _ = invoices(tmp_path, "--year", "2024")
    in_schedule = {Decimal(o["amount"]) for row in data["rows"] for o in row["options"]}
    assert in_schedule == in_contract
    assert date.fromisoformat(data["term_end"]) == date(2025, 1, 16)
