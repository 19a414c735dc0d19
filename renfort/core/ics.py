"""iCalendar (RFC 5545) files for missions and appointments, without extra dependency."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    cancelled: bool = False
    tentative: bool = False  # e.g. a mission accepted by the doctor, not yet confirmed
    sequence: int = 0  # raised at each change, so calendars apply the latest version


# RFC 5545 forbids control characters in TEXT values, except the tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _escape(text: str) -> str:
    """A TEXT value: every line break (CRLF, CR or LF) becomes the escaped `\\n`, never a raw
    CR or LF that would start a property of its own; other control characters become spaces."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded (continuation lines start with a space)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return out


def ics_calendar(
    events: Iterable[CalendarEvent],
    *,
    name: str = "Renfort",
    method: str = "PUBLISH",
    now: datetime | None = None,
) -> bytes:
    """METHOD:CANCEL with cancelled events tells calendars to remove them."""
    stamp = _utc(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Renfort//Un medecin pres de chez vous//FR",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(event.start)}",
            f"DTEND:{_utc(event.end)}",
            f"SUMMARY:{_escape(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{_escape(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{_escape(event.description)}")
        status = "CANCELLED" if event.cancelled else "TENTATIVE" if event.tentative else "CONFIRMED"
        lines += [f"SEQUENCE:{event.sequence}", f"STATUS:{status}"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    folded = [part for line in lines for part in _fold(line)]
    return ("\r\n".join(folded) + "\r\n").encode()
