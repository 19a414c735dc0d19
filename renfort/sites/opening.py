"""Opening days of a host site, as pure logic (no ORM): weekly pattern + exceptions + holidays.

Rules (see docs/sites.md):
1. the weekly pattern gives, per weekday, a morning and/or an afternoon with hours;
2. French public holidays (of the site's département: Alsace-Moselle and overseas départements
   have their own) are closed unless the site opens on public holidays;
3. closures (date ranges, whole day or one half-day) close what they cover;
4. extra openings (one date, whole day or one half-day) open what they cover and win over
   everything else, so a site can open on 14 July if it really wants to.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache

import holidays

MORNING = "morning"
AFTERNOON = "afternoon"
PERIODS = (MORNING, AFTERNOON)
WHOLE_DAY = "day"

# Bounds used to tell a morning from an afternoon (documented in docs/sites.md).
MORNING_LATEST_END = time(14, 0)
AFTERNOON_EARLIEST_START = time(11, 0)
# Consultations happen by day: the volunteers' hours lie within the same bounds
# (doctors.checks.HOURS_RANGE); a site's hours outside them would open nothing.
EARLIEST_OPENING, LATEST_CLOSING = time(7, 0), time(21, 0)

WEEKDAY_LABELS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DEFAULT_HOURS = {MORNING: (time(9, 0), time(12, 30)), AFTERNOON: (time(14, 0), time(18, 0))}
PERIOD_LABELS = {MORNING: "matin", AFTERNOON: "après-midi", WHOLE_DAY: "journée"}

# Départements with their own public holidays in the `holidays` package.
HOLIDAY_SUBDIVISIONS = {
    "57": "57",
    "67": "57",
    "68": "57",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}


@dataclass(frozen=True)
class WeeklySlot:
    weekday: int  # 0 = Monday
    period: str  # MORNING or AFTERNOON
    start: time
    end: time


@dataclass(frozen=True)
class DateRule:
    """A closure (open=False) from start to end inclusive, or an extra opening (open=True)."""

    start: date
    end: date
    period: str  # WHOLE_DAY, MORNING or AFTERNOON
    open: bool

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def periods(self) -> set[str]:
        return set(PERIODS) if self.period == WHOLE_DAY else {self.period}


@dataclass(frozen=True)
class OpeningRules:
    weekly: tuple[WeeklySlot, ...] = ()
    exceptions: tuple[DateRule, ...] = ()
    departement_code: str = ""
    open_on_public_holidays: bool = False


@dataclass(frozen=True)
class OpenDay:
    day: date
    periods: frozenset[str]
    rooms: int
    hours: dict[str, tuple[time, time]] = field(default_factory=dict, compare=False)

    @property
    def half_days(self) -> int:
        return len(self.periods)


@dataclass(frozen=True)
class HoursProblem:
    """Inconsistent hours, told on the time field concerned (`part`: "start" or "end")."""

    weekday: int
    period: str
    part: str
    message: str  # without the day, e.g. "l'heure de fin doit être après l'heure de début."
    whole_day: bool = False  # about the day (morning and afternoon), not one half-day

    @property
    def label(self) -> str:
        day = WEEKDAY_LABELS[self.weekday].capitalize()
        return day if self.whole_day else f"{day} {PERIOD_LABELS[self.period]}"


def slot_problems(slots: Iterable[WeeklySlot]) -> list[HoursProblem]:
    problems = []
    by_day: dict[int, dict[str, WeeklySlot]] = {}
    for slot in slots:
        if slot.end <= slot.start:
            message, part = "l'heure de fin doit être après l'heure de début.", "end"
        elif slot.start < EARLIEST_OPENING:
            message, part = "les consultations commencent à 7 h au plus tôt.", "start"
        elif slot.end > LATEST_CLOSING:
            message, part = "les consultations finissent à 21 h au plus tard.", "end"
        elif slot.period == MORNING and slot.end > MORNING_LATEST_END:
            message, part = "le matin doit se terminer au plus tard à 14 h.", "end"
        elif slot.period == AFTERNOON and slot.start < AFTERNOON_EARLIEST_START:
            message, part = "l'après-midi doit commencer à 11 h au plus tôt.", "start"
        else:
            message = ""
        if message:
            problems.append(HoursProblem(slot.weekday, slot.period, part, message))
        by_day.setdefault(slot.weekday, {})[slot.period] = slot
    for weekday, periods in sorted(by_day.items()):
        morning, afternoon = periods.get(MORNING), periods.get(AFTERNOON)
        if morning and afternoon and morning.end > afternoon.start:
            message = "les horaires du matin et de l'après-midi se chevauchent."
            problems.append(HoursProblem(weekday, AFTERNOON, "start", message, whole_day=True))
    return problems


def slot_errors(slots: Iterable[WeeklySlot]) -> list[str]:
    """French messages for inconsistent hours (empty list when the pattern is valid)."""
    return [f"{problem.label} : {problem.message}" for problem in slot_problems(slots)]


@lru_cache(maxsize=256)
def public_holidays(year: int, departement_code: str = "") -> dict[date, str]:
    subdiv = HOLIDAY_SUBDIVISIONS.get(departement_code)
    return dict(holidays.France(years=year, subdiv=subdiv, language="fr"))


def public_holiday_name(day: date, departement_code: str = "") -> str | None:
    return public_holidays(day.year, departement_code).get(day)


def open_periods(rules: OpeningRules, day: date) -> set[str]:
    """Half-days ("morning", "afternoon") when the site is open to volunteers on that date."""
    periods = {s.period for s in rules.weekly if s.weekday == day.weekday()}
    if not rules.open_on_public_holidays and public_holiday_name(day, rules.departement_code):
        periods = set()
    for rule in rules.exceptions:
        if not rule.open and rule.covers(day):
            periods -= rule.periods
    for rule in rules.exceptions:
        if rule.open and rule.covers(day):
            periods |= rule.periods
    return periods


def half_days(period: str) -> set[str]:
    """The half-days a period covers: a whole day ("day", or a mission's "full") is both."""
    return {period} if period in PERIODS else set(PERIODS)


def closed_reason(rules: OpeningRules, day: date, periods: set[str]) -> str:
    """Why the site is not open on some of `periods` of that date, in French ("" when it is
    open on all of them): closed by an exception, a public holiday, or not a weekly opening."""
    missing = periods - open_periods(rules, day)
    if not missing:
        return ""
    half = None if missing == set(PERIODS) else missing.pop()
    for rule in rules.exceptions:
        if not rule.open and rule.covers(day) and rule.periods & periods:
            when = {None: "", MORNING: " le matin", AFTERNOON: " l'après-midi"}[half]
            return f"le lieu est fermé{when} ce jour-là (fermeture exceptionnelle)"
    holiday = public_holiday_name(day, rules.departement_code)
    if holiday and not rules.open_on_public_holidays:
        return f"le lieu est fermé ce jour-là ({holiday}, jour férié)"
    when = f" {PERIOD_LABELS[half]}" if half else ""
    return f"le lieu n'ouvre plus le {WEEKDAY_LABELS[day.weekday()]}{when}"


def opens_between(rules: OpeningRules, start: date, end: date) -> bool:
    """Whether the site opens at least one half-day between start and end (inclusive): stops at
    the first open date (a weekly pattern answers on the first days)."""
    day = start
    while day <= end:
        if open_periods(rules, day):
            return True
        day += timedelta(days=1)
    return False


def open_days(rules: OpeningRules, start: date, end: date, rooms: int) -> dict[date, OpenDay]:
    """Every open date between start and end (inclusive) with its half-days, hours and rooms."""
    hours = {(s.weekday, s.period): (s.start, s.end) for s in rules.weekly}
    result = {}
    day = start
    while day <= end:
        periods = open_periods(rules, day)
        if periods:
            result[day] = OpenDay(
                day=day,
                periods=frozenset(periods),
                rooms=rooms,
                hours={p: hours.get((day.weekday(), p), DEFAULT_HOURS[p]) for p in periods},
            )
        day += timedelta(days=1)
    return result
