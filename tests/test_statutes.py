"""Statutory duties: working days by the State Council's schedule (调休 included), the shipped statutes file and
its quoted articles, a contract's province override and worked examples, uncovered years reported, the SME
payment-term checks, and the statutory events of `gen calendar` and the checklist of `gen new-year`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from generator.rules.statute_examples import shipped_example_problems
from generator.rules.statutes import shipped
from generator.rules.workdays import add_days, coverage

from conftest import CONTRACT, ROOT, run_cli

SECOND = ROOT / "examples" / "second-contract" / "contract.yaml"

# Recorded from the State Council General Office's yearly notices on public holidays, independently of the
# package: (signing date, working days, last day). Around Spring Festival and National Day of 2019-2026.
WORKING_DAY_CASES = [
    ("2024-09-27", 2, "2024-09-30"),  # the example: Sunday 29 September was a working day
    ("2024-09-27", 7, "2024-10-12"),  # … and Saturday 12 October too
    ("2019-01-31", 2, "2019-02-02"),  # Saturday 2 February 2019 worked before Spring Festival
    ("2019-09-27", 7, "2019-10-12"),
    ("2020-04-30", 2, "2020-05-07"),  # Labour Day 1-5 May 2020
    ("2021-02-09", 2, "2021-02-18"),  # Spring Festival 11-17 February 2021
    ("2021-09-28", 7, "2021-10-13"),  # Saturday 9 October 2021 worked
    ("2022-01-26", 7, "2022-02-09"),  # 29 and 30 January 2022 worked; Spring Festival 31 January - 6 February
    ("2022-09-29", 2, "2022-10-08"),  # Saturday 8 October 2022 worked
    ("2023-01-19", 2, "2023-01-28"),  # Spring Festival 21-27 January 2023, Saturday 28 worked
    ("2023-09-27", 2, "2023-10-07"),  # Mid-Autumn and National Day 29 September - 6 October 2023
    ("2024-02-08", 2, "2024-02-18"),  # Spring Festival 10-17 February 2024, Sunday 18 worked
    ("2025-01-24", 2, "2025-01-27"),  # Sunday 26 January 2025 worked
    ("2025-09-26", 7, "2025-10-13"),  # National Day and Mid-Autumn 1-8 October 2025; 28 September and 11 October worked
    ("2026-02-12", 7, "2026-02-28"),  # Spring Festival 15-23 February 2026; 14 and 28 February worked
    ("2026-09-29", 2, "2026-10-08"),  # National Day 1-7 October 2026
]


@pytest.mark.parametrize(("start", "days", "due"), WORKING_DAY_CASES)
def test_working_days_follow_the_state_council_schedule(start: str, days: int, due: str) -> None:
    deadline = add_days(date.fromisoformat(start), days, working=True)
    assert deadline.due == date.fromisoformat(due), deadline.how()
    assert not deadline.assumed


def test_the_count_names_the_holidays_and_weekend_working_days_that_moved_it() -> None:
    how = add_days(date(2024, 9, 27), 7, working=True).how()
    assert "2024年10月1日至2024年10月7日国庆节放假" in how
    assert "2024年9月29日（星期日）调休上班" in how and "2024年10月12日（星期六）调休上班" in how
    assert add_days(date(2024, 1, 17), 30, working=False).due == date(2024, 2, 16)


def test_a_year_the_package_lacks_is_counted_monday_to_friday_and_said_so() -> None:
    last = coverage().last
    start = date(last, 12, 28)
    deadline = add_days(start, 7, working=True)
    assert deadline.assumed_years == (last + 1,)
    text = deadline.assumption()
    assert f"{last + 1} 年的节假日安排尚未收录" in text and "按周一至周五为工作日推算" in text
    assert f"截止日 {deadline.due.isoformat()}" in text
    # Monday to Friday really: no weekend day counted in the uncovered part.
    assert deadline.due.weekday() < 5


def test_shipped_statutes_file_validates_and_its_examples_hold() -> None:
    rules = shipped().data["rules"]
    assert shipped_example_problems() == []
    examples = [(r["id"], date.fromisoformat(e["start"])) for r in rules for e in r.get("examples", ())]
    around = {d.year for _, d in examples if d.month in (1, 2, 9, 10)}
    assert len(around) >= 5 and {"publish", "filing"} <= {rule for rule, _ in examples}


@pytest.mark.parametrize(("rule", "phrases"), [
    ("publish", ["第五十条", "自政府采购合同签订之日起2个工作日内", "涉及国家秘密、商业秘密的内容除外"]),
    ("filing", ["第四十七条", "自签订之日起七个工作日内", "合同副本报同级政府采购监督管理部门和有关部门备案"]),
    ("acceptance", ["第四十五条", "验收书应当包括每一项技术、服务、安全标准的履约情况", "邀请服务对象参与并出具意见"]),
    ("sme_payment", ["第九条", "自货物、工程、服务交付之日起30日内支付款项", "付款期限最长不得超过60日"]),
    ("sme_interest", ["第十七条", "约定利率不得低于合同订立时1年期贷款市场报价利率", "按照每日利率万分之五支付逾期利息"]),
    ("retention", ["第四十二条", "采购文件的保存期限为从采购结束之日起至少保存十五年"]),
])
def test_each_duty_quotes_its_article(rule: str, phrases: list[str]) -> None:
    raw = next(r for r in shipped().data["rules"] if r["id"] == rule)
    cited = raw["article"] + raw["text"]
    assert all(phrase in cited for phrase in phrases), cited
    assert raw["statute"].startswith("《") and raw["text"].endswith("。")


def _copy(source: Path, tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = source.read_text("utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "contract.yaml"
    path.write_text(text, "utf-8")
    return path


def _events(folder: Path, year: int) -> dict[str, object]:
    calendar = Calendar.from_ical((folder / f"calendar-{year}.ics").read_bytes())
    return {str(e["uid"]).split("@")[0].split(f"-{year}-", 1)[1]: e for e in calendar.walk("VEVENT")}


def test_calendar_adds_publication_and_filing_across_the_national_day(tmp_path: Path) -> None:
    path = _copy(CONTRACT, tmp_path, ("    signed_on: 2024-01-17\n", "    signed_on: 2024-09-27\n"),
                 ("{rule: publish, start: 2024-01-17, due: 2024-01-19", "{rule: publish, start: 2024-09-27, due: 2024-09-30"),
                 ("{rule: filing, start: 2024-01-17, due: 2024-01-26", "{rule: filing, start: 2024-09-27, due: 2024-10-12"))
    result = run_cli("calendar", "--year", "2024", "--contract", str(path), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    events = _events(tmp_path, 2024)
    publish, filing = events["statute-publish"], events["statute-filing"]
    assert publish.decoded("dtstart") == date(2024, 9, 30) and filing.decoded("dtstart") == date(2024, 10, 12)
    text = str(filing["description"])
    assert "《中华人民共和国政府采购法》第四十七条" in text and "七个工作日内" in text and "2024年10月12日（星期六）调休上班" in text
    assert "《中华人民共和国政府采购法实施条例》第四十五条" in str(events["statute-acceptance"]["description"])


def test_new_year_checklist_names_the_duties_and_an_uncovered_year_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    shutil.copy(CONTRACT, path)
    last = coverage().last
    years = range(2026, last + 2)
    for year in years:
        result = run_cli("new-year", str(year), "--contract", str(path))
        assert result.exit_code == 0, result.stderr
    todo = result.stdout
    assert "合同公告：签订之日起2个工作日内" in todo and "合同备案：签订之日起7个工作日内" in todo and "履约验收" in todo
    assert f"{last + 1} 年的节假日安排尚未收录" in todo
    out = tmp_path / "out"
    warned = run_cli("calendar", "--year", str(last + 1), "--contract", str(path), "--out", str(out))
    assert warned.exit_code == 0
    assert f"合同公告（《中华人民共和国政府采购法实施条例》第五十条）：{last + 1} 年的节假日安排尚未收录" in warned.stderr
    publish = _events(out, last + 1)["statute-publish"]
    assert f"截止日 {publish.decoded('dtstart').isoformat()}" in warned.stderr
    assert "按周一至周五为工作日推算" in str(publish["description"])
    strict = run_cli("calendar", "--year", str(last + 1), "--contract", str(path), "--out", str(tmp_path / "s"), "--strict")
    assert strict.exit_code == 1 and "尚未收录" in strict.stderr and not (tmp_path / "s").exists()


def test_a_worked_example_that_does_not_hold_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = _copy(CONTRACT, tmp_path, ("{rule: filing, start: 2024-01-17, due: 2024-01-26", "{rule: filing, start: 2024-01-17, due: 2024-01-25"))
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1) if "due: 2024-01-25" in text)
    assert f"contract.yaml:{line}:" in result.stderr and "算例不符" in result.stderr and "2024-01-26" in result.stderr


def test_a_province_overrides_a_rule_by_id_and_the_calendar_follows(tmp_path: Path) -> None:
    path = _copy(CONTRACT, tmp_path,
                 ("  public_service: true\n", "  public_service: true\n  rules:\n    - {id: filing, days: 5}\n"),
                 ("{rule: filing, start: 2024-01-17, due: 2024-01-26", "{rule: filing, start: 2024-01-17, due: 2024-01-24"))
    assert run_cli("validate", "--contract", str(path)).exit_code == 0
    result = run_cli("calendar", "--year", "2024", "--contract", str(path), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert _events(tmp_path, 2024)["statute-filing"].decoded("dtstart") == date(2024, 1, 24)


@pytest.mark.parametrize(("replacement", "message"), [
    (("  public_service: true\n", "  public_service: true\n  rules:\n    - {id: hainan_report, days: 5}\n"),
     "法定义务 “hainan_report” 不是附带法规文件中的义务"),
    (("    - parties.supplier.contact.phone\n", "    - parties.supplier.contact.phones\n"),
     "“parties.supplier.contact.phones” 不是合同数据中的路径"),
    (("      运维服务: {input: 运维扣分}\n", "      运维服务: {input: 运维分}\n"), "没有名为 “运维分” 的输入"),
    (("    not_standards: [项目名称, 服务外包时间, 考核标准]\n", "    not_standards: [项目名称, 服务时间, 考核标准]\n"),
     "用户需求书中没有标题为 “服务时间” 的条目"),
    (("    opinions: [满意率]\n", "    opinions: [在岗人数]\n"), "服务对象意见应取 scoring.inputs 中的比率输入"),
    (("{rule: filing, start", "{rule: filling, start"), "没有标识为 “filling” 的法定义务"),
])
def test_broken_statutes_section_is_refused_at_its_line(tmp_path: Path, replacement: tuple[str, str], message: str) -> None:
    result = run_cli("validate", "--contract", str(_copy(CONTRACT, tmp_path, replacement)))
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_new_rule_written_whole_is_accepted(tmp_path: Path) -> None:
    rule = ("    - {id: hainan_filing, kind: deadline, title: 省级备案, statute: 《某省政府采购管理办法》, article: 第十条, "
            "text: 示例条文。, source: 示例, in_force: 2020-01-01, applies_to: all, starts_from: signing, days: 3, "
            "counting: working, who: 甲方, action: 报省级备案}\n")
    path = _copy(CONTRACT, tmp_path, ("  public_service: true\n", f"  public_service: true\n  rules:\n{rule}"))
    result = run_cli("calendar", "--year", "2024", "--contract", str(path), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert _events(tmp_path, 2024)["statute-hainan_filing"].decoded("dtstart") == date(2024, 1, 22)


def test_missing_supplier_size_is_a_warning_naming_the_regulation(tmp_path: Path) -> None:
    path = _copy(CONTRACT, tmp_path, ("    size: large\n", ""))
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 0
    assert "未写明乙方的企业规模（parties.supplier.size" in result.stderr and "《保障中小企业款项支付条例》第九条" in result.stderr


# -- SME payment terms --------------------------------------------------------------------------------

@pytest.fixture
def second(tmp_path: Path) -> Callable[..., Path]:
    def make(*replacements: tuple[str, str]) -> Path:
        return _copy(SECOND, tmp_path, *replacements)
    return make


def test_the_second_contract_agrees_payment_terms_within_sixty_days(tmp_path: Path) -> None:
    result = run_cli("validate", "--contract", str(SECOND))
    assert result.exit_code == 0
    assert "超过" not in result.stderr and "无法核对付款期限" not in result.stderr
    # 2026 inherits the LPR stated for 2025's signing: it cannot be the rate in force a year later.
    assert "statutes.lpr 写的是2025年2月20日公布的1年期LPR" in result.stderr and "2026 年度" in result.stderr


def test_a_payment_later_than_sixty_days_after_delivery_is_a_warning(second: Callable[..., Path]) -> None:
    path = second(("      pays_for: {service_months: [4, 6]}\n", "      pays_for: {service_months: [1, 2]}\n"))
    result = run_cli("validate", "--contract", str(path))
    assert result.exit_code == 0
    line = next(n for n, t in enumerate(path.read_text("utf-8").splitlines(), 1) if "service_months: [1, 2]" in t)
    # Months 1-2 (March and April 2025) are delivered on 30 April; the payment is due on 10 October.
    expected = f"contract.yaml:{line}:"
    assert expected in result.stderr and "交付后163日付款，超过《保障中小企业款项支付条例》第九条第一款规定的最长60日" in result.stderr
    assert "付款期限最长不得超过60日" in result.stderr  # the article quoted
    assert run_cli("validate", "--contract", str(path), "--strict").exit_code == 1


def test_unstated_delivery_and_a_rate_below_the_lpr_are_warnings(second: Callable[..., Path]) -> None:
    path = second(("      pays_for: {service_months: [1, 3]}\n", ""), ("    daily_rate: 0.0005\n", "    daily_rate: 0.00005\n"))
    result = run_cli("validate", "--contract", str(path))
    assert "第一季度考核款：合同数据未写明本笔支付哪些月份的服务" in result.stderr
    assert "合同约定每日0.005%（年化约1.825%" in result.stderr and "低于该利率，不符合《保障中小企业款项支付条例》第十七条" in result.stderr


def test_a_large_supplier_is_not_checked_and_its_schedule_has_no_sme_section(tmp_path: Path) -> None:
    assert "中小企业" not in run_cli("validate", "--contract", str(CONTRACT)).stderr
    from docx_inspect import body_text

    for contract, year, present in ((CONTRACT, "2024", False), (SECOND, "2025", True)):
        out = tmp_path / year
        result = run_cli("invoices", "--year", year, "--contract", str(contract), "--out", str(out), "--data", str(tmp_path / "none"))
        assert result.exit_code == 0, result.stderr
        text = body_text(out / f"invoices-{year}.docx")
        assert ("中小企业款项支付期限核对" in text) is present
    assert "第一季度考核款" in text and "交付后40日付款，超过30日，属合同另有约定（最长60日" in text
    assert "首期款" in text and "《保障中小企业款项支付条例》施行日期2025年6月1日" in text
    assert "合同订立时的1年期LPR为3.1%" in text and "不低于该利率" in text
