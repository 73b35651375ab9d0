"""`gen calendar`: every dated duty of a year as an iCalendar file, parsed back and checked against the schedule."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from icalendar import Calendar

from conftest import CONTRACT, run_cli


def test_calendar_lists_every_duty_with_its_clause_and_date(tmp_path: Path) -> None:
    result = run_cli("calendar", "--year", "2024", "--contract", str(CONTRACT), "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert run_cli("invoices", "--year", "2024", "--contract", str(CONTRACT), "--out", str(tmp_path),
                   "--data", str(tmp_path / "none")).exit_code == 0
    schedule = json.loads((tmp_path / "invoices-2024.json").read_text("utf-8"))
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
