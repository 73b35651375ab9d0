"""An iCalendar (RFC 5545) file of a contract year's duties, for Outlook and WPS calendars.

UIDs are stable (project number, year and duty), so importing an updated file updates the events
instead of duplicating them. Whether a calendar applies the update depends on SEQUENCE: RFC 5545
(3.8.7.4) asks that an event revised in a way that matters (its dates, its text) carry a higher SEQUENCE
than the copy calendars already hold, and clients break a tie with DTSTAMP and LAST-MODIFIED.

No function of the current data alone can give that: an edit may move a date either way, so no number
computed from the event's content can be sure to be higher than the one computed from its earlier
content. The version calendars hold is therefore an input: the calendar file being replaced in the
output folder (``revised``). Every event carries a fingerprint of what a calendar shows of it
(``X-HCG-FINGERPRINT``: dates, summary, description, categories, reminders). An event whose fingerprint
is unchanged keeps its SEQUENCE and its stamps, so the same data always gives the same bytes; a changed
one gets its previous SEQUENCE + 1 and stamps one second after its previous ones; a new one starts at
SEQUENCE 0, stamped with the base time (the year's signing date). Time never comes from the clock, and
a re-generated calendar only ever moves forward. (Deleting the published file resets the count: keep it
in the output folder.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from generator.rules.duties import Duty
from generator.rules.numerals import cn_date

PRODUCT = "-//hotline-contract-gen//履约日历//ZH"
FINGERPRINT = "X-HCG-FINGERPRINT"


def calendar_bytes(duties: Sequence[Duty], project: str, number: str, year: int, stamp: datetime,
                   alarm_days: Sequence[int]) -> bytes:
    """The .ics file of the duties, each all-day, with an alarm ``alarm_days`` days before; first versions
    (SEQUENCE 0, stamped ``stamp``) until ``revised`` against the published file."""
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{project}（{year}年度）")
    for duty in duties:
        event = Event()
        clause = f"（依据合同{duty.clause}）" if duty.clause else ""
        reminders = [(days, _reminder(duty, days)) for days in sorted(set(alarm_days), reverse=True)]
        shown = (duty.start.isoformat(), duty.end.isoformat(), duty.title, f"{duty.description}{clause}", project,
                 *(f"{days}:{text}" for days, text in reminders))
        event.add("uid", f"{number}-{year}-{duty.key}@hotline-contract-gen")
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", 0)
        event.add("dtstart", duty.start)
        event.add("dtend", duty.end + timedelta(days=1))  # all-day events end the day after (exclusive)
        event.add("summary", duty.title)
        event.add("description", f"{duty.description}{clause}")
        event.add("categories", [project])
        event.add(FINGERPRINT, hashlib.sha256("\x1f".join(shown).encode("utf-8")).hexdigest())
        for days, text in reminders:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", text)
            alarm.add("trigger", timedelta(days=-days))
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def _reminder(duty: Duty, days: int) -> str:
    """What a reminder says: the duty, its date, and how far off it is (never a bare "7天后")."""
    if days == 0:
        return f"{duty.title}：今天（{cn_date(duty.start)}）"
    return f"{duty.title}：{cn_date(duty.start)}，还有{days}天"


def revised(new: bytes, published: bytes | None) -> bytes:
    """``new`` numbered against the calendar already published: unchanged events as they were, changed ones
    with the next SEQUENCE and later stamps (see the module's docstring)."""
    from icalendar import Calendar, vDDDTypes, vInt

    previous = _events(published)
    if not previous:
        return new
    calendar = Calendar.from_ical(new)
    for event in calendar.walk("VEVENT"):
        old = previous.get(str(event["uid"]))
        if old is None:
            continue
        if str(old.get(FINGERPRINT)) == str(event[FINGERPRINT]):
            sequence, stamp = int(old.get("sequence", 0)), old.decoded("dtstamp")
        else:
            sequence = int(old.get("sequence", 0)) + 1
            stamp = max(old.decoded("dtstamp") + timedelta(seconds=1), event.decoded("dtstamp"))
        # Set in place: the properties keep their order, so an unchanged calendar keeps its bytes.
        event["SEQUENCE"], event["DTSTAMP"], event["LAST-MODIFIED"] = vInt(sequence), vDDDTypes(stamp), vDDDTypes(stamp)
    return calendar.to_ical()


def _events(published: bytes | None) -> dict[str, Any]:
    """The events of a published calendar by UID (none when there is none or it cannot be read)."""
    from icalendar import Calendar

    if not published:
        return {}
    try:
        return {str(e["uid"]): e for e in Calendar.from_ical(published).walk("VEVENT") if "uid" in e and "dtstamp" in e}
    except (ValueError, KeyError, TypeError):
        return {}


def revised_calendars(files: Mapping[str, Any], out_dir: Path) -> dict[str, Any]:
    """``files`` with each calendar revised against the one of the same name already in ``out_dir``."""
    out = dict(files)
    for name, data in files.items():
        path = out_dir / name
        if name.endswith(".ics") and isinstance(data, bytes) and path.is_file():
            out[name] = revised(data, path.read_bytes())
    return out
