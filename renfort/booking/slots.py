"""Slot grid of a mission: plain Python, no ORM (tested without a database).

A mission covers a full day, a morning or an afternoon. The doctor's hours (default 9:00–12:00
and 14:00–18:00), cut to the site's opening hours of that day and half-day, give the windows;
the doctor gives the slot length (10 to 60 minutes, default 20); a share of the slots (per site,
default 50 %) is reserved for patients without médecin traitant or in ALD.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from renfort.core.text import hours_span
from renfort.territories.timezones import PARIS

MIN_SLOT_MINUTES = 10
MAX_SLOT_MINUTES = 60
DEFAULT_SLOT_MINUTES = 20

FULL, MORNING, AFTERNOON = "full", "morning", "afternoon"


@dataclass(frozen=True)
class Hours:
    morning_start: time = time(9)
    morning_end: time = time(12)
    afternoon_start: time = time(14)
    afternoon_end: time = time(18)
    slot_minutes: int = DEFAULT_SLOT_MINUTES


def doctor_hours(doctor) -> Hours:
    """The doctor's consultation hours (times, also when the instance holds unsaved strings)."""

    def as_time(value):
        return time.fromisoformat(value) if isinstance(value, str) else value

    return Hours(
        morning_start=as_time(doctor.morning_start),
        morning_end=as_time(doctor.morning_end),
        afternoon_start=as_time(doctor.afternoon_start),
        afternoon_end=as_time(doctor.afternoon_end),
        slot_minutes=doctor.slot_minutes,
    )


@dataclass(frozen=True)
class HalfDayHours:
    """A half-day of a mission: the doctor's hours, the site's (None: the site does not open
    that half-day) and where they meet (None: no consultation, hence no slot)."""

    period: str  # MORNING or AFTERNOON
    doctor: tuple[time, time]
    site: tuple[time, time] | None

    @property
    def window(self) -> tuple[time, time] | None:
        if self.site is None:
            return None
        start, end = max(self.doctor[0], self.site[0]), min(self.doctor[1], self.site[1])
        return (start, end) if end > start else None

    @property
    def label(self) -> str:
        return "matin" if self.period == MORNING else "après-midi"

    @property
    def no_slot_reason(self) -> str:
        """Why there is no patient slot on this half-day, in French ("" when there are)."""
        if self.window:
            return ""
        when = "le matin" if self.period == MORNING else "l'après-midi"
        if self.site is None:
            why = f"le lieu n'est pas ouvert {when} ce jour-là"
        else:
            why = (
                f"les horaires du médecin ({span(self.doctor)}) et ceux du lieu "
                f"({span(self.site)}) ne se recouvrent pas"
            )
        return f"Pas de créneau de rendez-vous {when} : {why}."


def span(bounds: tuple[time, time]) -> str:
    """« 8 h 30 – 12 h 30 »."""
    return hours_span(*bounds)


def half_day_hours(
    period: str, hours: Hours, site_hours: dict[str, tuple[time, time]]
) -> list[HalfDayHours]:
    """The half-days of a mission of `period`, with the doctor's and the site's hours
    (`site_hours`: the site's opening hours of that date, by half-day it opens)."""
    doctor = {
        MORNING: (hours.morning_start, hours.morning_end),
        AFTERNOON: (hours.afternoon_start, hours.afternoon_end),
    }
    halves = (MORNING, AFTERNOON) if period == FULL else (period,)
    return [HalfDayHours(h, doctor[h], site_hours.get(h)) for h in halves]


def within_site(hours: Hours, site_hours: dict[str, tuple[time, time]]) -> Hours:
    """The doctor's hours cut to the site's opening hours of the day: a half-day the site does
    not open, or whose hours do not meet the doctor's, is left empty (no window, no slot)."""
    cut = {}
    for half in half_day_hours(FULL, hours, site_hours):
        start, end = half.window or (half.doctor[0], half.doctor[0])
        cut[f"{half.period}_start"], cut[f"{half.period}_end"] = start, end
    return replace(hours, **cut)


@dataclass(frozen=True)
class GridSlot:
    start: datetime
    end: datetime
    reserved: bool
    half: str = MORNING  # the half-day of its window (search filters on it)


def clamp_minutes(minutes: int | None) -> int:
    if not minutes:
        return DEFAULT_SLOT_MINUTES
    return max(MIN_SLOT_MINUTES, min(MAX_SLOT_MINUTES, int(minutes)))


def _half_windows(day: date, period: str, hours: Hours, tz) -> list[tuple[str, datetime, datetime]]:
    parts = []
    if period in (FULL, MORNING):
        parts.append((MORNING, hours.morning_start, hours.morning_end))
    if period in (FULL, AFTERNOON):
        parts.append((AFTERNOON, hours.afternoon_start, hours.afternoon_end))
    return [
        (half, datetime.combine(day, start, tzinfo=tz), datetime.combine(day, end, tzinfo=tz))
        for half, start, end in parts
        if end > start
    ]


def windows(day: date, period: str, hours: Hours, tz=PARIS) -> list[tuple[datetime, datetime]]:
    """The consultation windows (aware datetimes) of a mission's day and period, in the local
    time `tz` of its site (territories.timezones: overseas sites have their own)."""
    return [(start, end) for _, start, end in _half_windows(day, period, hours, tz)]


def reserved_flags(count: int, share_percent: int) -> list[bool]:
    """Spread `share_percent` % of `count` slots evenly (50 % → every other slot, first one
    reserved), so that priority patients find reserved slots in the morning and the afternoon."""
    share = max(0, min(100, share_percent)) / 100
    flags = []
    for index in range(count):
        flags.append(int((index + 1) * share + 1e-9) > int(index * share + 1e-9))
    return flags


def slot_grid(
    *, day: date, period: str, hours: Hours, reserved_share: int, tz=PARIS
) -> list[GridSlot]:
    """Every slot of the mission, in order. A window that does not divide exactly leaves its
    last minutes free (no slot runs past the end of the window)."""
    length = timedelta(minutes=clamp_minutes(hours.slot_minutes))
    bounds = []
    for half, window_start, window_end in _half_windows(day, period, hours, tz):
        start = window_start
        while start + length <= window_end:
            bounds.append((start, start + length, half))
            start += length
    flags = reserved_flags(len(bounds), reserved_share)
    return [
        GridSlot(start, end, flag, half)
        for (start, end, half), flag in zip(bounds, flags, strict=True)
    ]


def fits(start: datetime, end: datetime, spans: list[tuple[datetime, datetime]]) -> bool:
    return any(w_start <= start and end <= w_end for w_start, w_end in spans)


def overlaps(start: datetime, end: datetime, spans: list[tuple[datetime, datetime]]) -> bool:
    return any(start < o_end and o_start < end for o_start, o_end in spans)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from math import asin, cos, radians, sin, sqrt

    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * 6371.0 * asin(sqrt(a))
