"""iCalendar files: text values never carry a raw line break."""

from datetime import UTC, datetime

from renfort.core.ics import CalendarEvent, ics_calendar


def test_no_raw_carriage_return_or_line_feed_inside_a_text_value():
    event = CalendarEvent(
        uid="1@renfort",
        start=datetime(2026, 3, 2, 9, tzinfo=UTC),
        end=datetime(2026, 3, 2, 10, tzinfo=UTC),
        summary="Consultation\x00",
        location="Cabinet\r\nATTENDEE:mailto:evil@example.org\rX-INJ:1\nfin",
        description="Ligne 1\r\nLigne 2\tfin",
    )
    text = ics_calendar([event], now=datetime(2026, 3, 1, tzinfo=UTC)).decode()
    lines = text.split("\r\n")
    assert all("\r" not in line and "\n" not in line for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "LOCATION:Cabinet\\nATTENDEE:mailto:evil@example.org\\nX-INJ:1\\nfin" in unfolded
    assert "DESCRIPTION:Ligne 1\\nLigne 2\tfin" in unfolded
    assert "SUMMARY:Consultation \r\n" in unfolded
    assert not any(line.startswith(("X-INJ", "ATTENDEE")) for line in unfolded.split("\r\n"))
