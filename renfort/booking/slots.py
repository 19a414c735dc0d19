"""Slot grid of a mission: plain Python, no ORM (tested without a database).

A mission covers a full day, a morning or an afternoon. The doctor's hours give the windows
(default 9:00–12:00 and 14:00–18:00) and the slot length (10 to 60 minutes, default 20); a share
of the slots (per site, default 50 %) is reserved for patients without médecin traitant or in ALD.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
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


@dataclass(frozen=True)
class GridSlot:
    start: datetime
    end: datetime
    reserved: bool


def clamp_minutes(minutes: int | None) -> int:
    if not minutes:
        return DEFAULT_SLOT_MINUTES
    return max(MIN_SLOT_MINUTES, min(MAX_SLOT_MINUTES, int(minutes)))


def windows(day: date, period: str, hours: Hours, tz=PARIS) -> list[tuple[datetime, datetime]]:
    """The consultation windows (aware datetimes) of a mission's day and period."""
    parts = []
    if period in (FULL, MORNING):
        parts.append((hours.morning_start, hours.morning_end))
    if period in (FULL, AFTERNOON):
        parts.append((hours.afternoon_start, hours.afternoon_end))
    return [
        (datetime.combine(day, start, tzinfo=tz), datetime.combine(day, end, tzinfo=tz))
        for start, end in parts
        if end > start
    ]


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
    for window_start, window_end in windows(day, period, hours, tz):
        start = window_start
        while start + length <= window_end:
            bounds.append((start, start + length))
            start += length
    flags = reserved_flags(len(bounds), reserved_share)
    return [GridSlot(start, end, flag) for (start, end), flag in zip(bounds, flags, strict=True)]


def fits(start: datetime, end: datetime, spans: list[tuple[datetime, datetime]]) -> bool:
    return any(w_start <= start and end <= w_end for w_start, w_end in spans)


def overlaps(start: datetime, end: datetime, spans: list[tuple[datetime, datetime]]) -> bool:
    return any(start < o_end and o_start < end for o_start, o_end in spans)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from math import asin, cos, radians, sin, sqrt

    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * 6371.0 * asin(sqrt(a))
