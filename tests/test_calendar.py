"""`gen calendar`: every dated duty of a year as an iCalendar file, parsed back and checked against the schedule."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from icalendar import Calendar

from conftest import CONTRACT, run_cli


def test_calendar_lists_every_duty_with_its_clause_and_date(tmp_path: Path) -> None:
    result = run_cli("calendar", "--year", "2024", "--contract", str(CONTRACT), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--out", str(tmp_path),
                   "--data", str(tmp_path / "none")).exit_code == 0
    schedule = json.loads((tmp_path / "invoices-2024.json").read_text("utf-8"), parse_float=Decimal)
    calendar = Calendar.from_ical((tmp_path / "calendar-2024.ics").read_bytes())
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    # invoices and payments, twelve reports, assessment, renewal, term end; by law: publication, filing, acceptance
    assert len(events) == 3 * 2 + 12 + 3 + 3
    for row in schedule["rows"]:
        invoice = events[f"HNZH-2022-311-2024-invoice-{row['id']}@hotline-contract-gen"]
        payment = events[f"HNZH-2022-311-2024-payment-{row['id']}@hotline-contract-gen"]
        assert invoice.decoded("dtstart") == date.fromisoformat(row["invoice_by"])
        assert payment.decoded("dtstart") == date.fromisoformat(row["due"])
        assert "依据合同第五条2" in str(payment["description"])
    may = events["HNZH-2022-311-2024-report-2024-05@hotline-contract-gen"]
    assert may.decoded("dtstart") == date(2024, 6, 5) and "2024年5月" in str(may["summary"])
    term = events["HNZH-2022-311-2024-term-end@hotline-contract-gen"]
    assert term.decoded("dtstart") == date(2025, 1, 16)
    renewal = events["HNZH-2022-311-2024-renewal@hotline-contract-gen"]
    assert renewal.decoded("dtstart") == date(2025, 1, 16) - timedelta(days=30) and "第五条1" in str(renewal["description"])
    alarms = [a.decoded("trigger") for a in payment.walk("VALARM")]
    assert alarms == [timedelta(days=-7), timedelta(days=-1)]


def test_calendar_bytes_and_uids_are_stable(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run_cli("calendar", "--year", "2025", "--contract", str(CONTRACT), "--out", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / "a" / "calendar-2025.ics").read_bytes() == (tmp_path / "b" / "calendar-2025.ics").read_bytes()


def _events(path: Path) -> dict[str, object]:
    return {str(e["uid"]): e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def test_a_changed_event_gets_a_higher_sequence_and_later_stamps(edited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    first = edited()
    assert run_cli("calendar", "--year", "2024", "--contract", str(first), "--out", str(out)).exit_code == 0
    published = _events(out / "calendar-2024.ics")
    assert {int(e["sequence"]) for e in published.values()} == {0}
    assert {e.decoded("dtstamp") for e in published.values()} == {datetime(2024, 1, 17, tzinfo=UTC)}
    may = "HNZH-2022-311-2024-report-2024-05@hotline-contract-gen"
    payment = "HNZH-2022-311-2024-payment-m1@hotline-contract-gen"
    # The monthly report moves from the 5th to the 8th of the month, then back to the 5th: each is a revision.
    for number, day in enumerate((8, 5), start=1):
        contract = edited(("  issue_day: 5\n", f"  issue_day: {day}\n"), name=f"contract-{number}.yaml")
        (tmp_path / "contract.yaml").unlink()
        contract.rename(tmp_path / "contract.yaml")
        result = run_cli("calendar", "--year", "2024", "--contract", str(tmp_path / "contract.yaml"), "--out", str(out))
        assert result.exit_code == 0, result.stderr
        events = _events(out / "calendar-2024.ics")
        assert events[may].decoded("dtstart") == date(2024, 6, day)
        assert int(events[may]["sequence"]) == number
        stamp = datetime(2024, 1, 17, tzinfo=UTC) + timedelta(seconds=number)
        assert events[may].decoded("dtstamp") == events[may].decoded("last-modified") == stamp
        # An event the change does not touch keeps its number and stamps.
        assert int(events[payment]["sequence"]) == 0 and events[payment].decoded("dtstamp") == datetime(2024, 1, 17, tzinfo=UTC)
    again = (out / "calendar-2024.ics").read_bytes()
    assert run_cli("calendar", "--year", "2024", "--contract", str(tmp_path / "contract.yaml"), "--out", str(out)).exit_code == 0
    assert (out / "calendar-2024.ics").read_bytes() == again  # the same data, the same bytes


def test_reminders_say_what_is_due_when(tmp_path: Path) -> None:
    assert run_cli("calendar", "--year", "2024", "--contract", str(CONTRACT), "--out", str(tmp_path)).exit_code == 0
    payment = _events(tmp_path / "calendar-2024.ics")["HNZH-2022-311-2024-payment-m1@hotline-contract-gen"]
    texts = [str(a["description"]) for a in payment.walk("VALARM")]
    assert texts == ["甲方付款：第1笔：2024年3月17日，还有7天", "甲方付款：第1笔：2024年3月17日，还有1天"]
    assert not any("天后" in text for text in texts)
