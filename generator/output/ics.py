"""An iCalendar (RFC 5545) file of a contract year's duties, for Outlook and WPS calendars.

UIDs are stable (project number, year and duty), so importing an updated file updates the events
instead of duplicating them; the time stamp comes from the year's signing date, so the same contract
always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from generator.rules.duties import Duty

PRODUCT = "-//hotline-contract-gen//履约日历//ZH"


def calendar_bytes(duties: Sequence[Duty], project: str, number: str, year: int, stamp: datetime,
                   alarm_days: Sequence[int]) -> bytes:
    """The .ics file of the duties, each all-day, with an alarm ``alarm_days`` days before."""
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{project}（{year}年度）")
    for duty in duties:
        event = Event()
        event.add("uid", f"{number}-{year}-{duty.key}@hotline-contract-gen")
        event.add("dtstamp", stamp)
        event.add("dtstart", duty.start)
        event.add("dtend", duty.end + timedelta(days=1))  # all-day events end the day after (exclusive)
        event.add("summary", duty.title)
        clause = f"（依据合同{duty.clause}）" if duty.clause else ""
        event.add("description", f"{duty.description}{clause}")
        event.add("categories", [project])
        for days in sorted(set(alarm_days), reverse=True):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{duty.title}（{days}天后）" if days else duty.title)
            alarm.add("trigger", timedelta(days=-days))
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
