"""The planning objective (maximised), shared by CP-SAT, the greedy baseline and the bench.

All coefficients are integers (CP-SAT only takes integers). The four levels are ordered by the
size of their weights (see docs/decisions/0010-planning-objective.md):

1. Zone coverage: concave utility of the half-days a zone receives (fixed missions and
   `days_already` included). The first FIRST_HALF_DAYS half-days (the first day) of every zone
   are worth ZONE_FIRST each, so a zone with nothing comes first; the k-th half-day after them
   is worth ZONE_FLOOR + (ZONE_NEXT - ZONE_FLOOR) × s_z / (s_z + k - 1), where the need scale
   s_z = population × category factor / INHABITANTS_PER_HALF_DAY: big zones lose value more
   slowly, so they get more. A half-day at a site outside the zones is worth ZONELESS_HALF_DAY.
2. Spread over the weeks: per (zone, ISO week), the 1st and 2nd half-days (the first day of
   the week) earn WEEK_BONUS each.
3. Travel: TRAVEL_PER_MINUTE per one-way minute per mission (capped at TRAVEL_CAP_MINUTES).
4. Preferences: PREFERRED_SITE_BONUS per mission at a preferred site, CONSECUTIVE_BONUS per
   pair of consecutive days at the same site for a volunteer needing housing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Protocol

from .model import HALF_DAYS, Period, PlanningProblem, Zone

# Level 1: zone coverage.
ZONE_FIRST = 100_000  # value of each half-day of the first day of any zone
FIRST_HALF_DAYS = 2
ZONE_NEXT = 60_000  # value of the next half-day, then decreasing with the need scale
ZONE_FLOOR = 10_000  # value a half-day tends to once a zone is well covered
ZONE_SEGMENTS = 60  # the marginal value is constant after the 60th half-day of a zone
ZONELESS_HALF_DAY = 5_000  # a half-day at an ARS-justified site outside the zones
INHABITANTS_PER_HALF_DAY = 10_000  # need scale: one half-day per 10 000 weighted inhabitants
MIN_NEED_SCALE = 0.5
CATEGORY_FACTOR = {"5": 1.0, "4": 0.8, "unknown": 0.9}

# Level 2: spread over the weeks of the month, per zone.
# 1st and 2nd half-day of a zone in an ISO week: equal, so that a FULL day in a week is worth
# as much as two half-days in two weeks and the fewer trips win (see the ADR).
WEEK_BONUS = (4_000, 4_000)

# Level 3: travel.
TRAVEL_PER_MINUTE = 10
TRAVEL_CAP_MINUTES = 300

# Level 4: preferences.
PREFERRED_SITE_BONUS = 300
CONSECUTIVE_BONUS = 300


class MissionLike(Protocol):
    volunteer_id: int
    site_id: int
    date: date
    period: Period
    travel_minutes: float


def need_scale(zone: Zone) -> float:
    factor = CATEGORY_FACTOR.get(str(zone.category), CATEGORY_FACTOR["unknown"])
    return max(MIN_NEED_SCALE, zone.population * factor / INHABITANTS_PER_HALF_DAY)


def zone_marginal(scale: float, k: int) -> int:
    """Value of the k-th half-day (1-based, counting every half-day of the zone)."""
    k = min(max(k, 1), ZONE_SEGMENTS)
    if k <= FIRST_HALF_DAYS:
        return ZONE_FIRST
    after = k - FIRST_HALF_DAYS  # 1 for the first half-day after the first day
    return int(round(ZONE_FLOOR + (ZONE_NEXT - ZONE_FLOOR) * scale / (scale + after - 1)))


def zone_utility(scale: float, half_days: int) -> int:
    head = min(half_days, ZONE_SEGMENTS)
    total = sum(zone_marginal(scale, k) for k in range(1, head + 1))
    return total + max(0, half_days - ZONE_SEGMENTS) * zone_marginal(scale, ZONE_SEGMENTS)


def zone_half_days_already(zone: Zone) -> int:
    return max(0, int(round(2 * zone.days_already)))


def week_key(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso[0], iso[1]


def week_value(half_days_before: int, half_days_after: int) -> int:
    return sum(WEEK_BONUS[half_days_before:half_days_after])


def travel_cost(minutes: float) -> int:
    return int(round(TRAVEL_PER_MINUTE * min(max(minutes, 0.0), TRAVEL_CAP_MINUTES)))


def evaluate(problem: PlanningProblem, missions: Iterable[MissionLike]) -> int:
    """Objective value of a full plan (fixed missions included) — the same number CP-SAT
    maximises, so the greedy baseline and CP-SAT are compared on equal terms."""
    zones = {z.id: z for z in problem.zones}
    site_zone: Mapping[int, int | None] = {
        s.id: (s.zone_id if s.zone_id in zones else None) for s in problem.sites
    }
    volunteers = {v.id: v for v in problem.volunteers}
    zone_half: dict[int, int] = defaultdict(int)
    week_half: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    housing_days: set[tuple[int, int, date]] = set()
    total = 0
    for mission in missions:
        period = Period(mission.period)
        half = HALF_DAYS[period]
        zone_id = site_zone.get(mission.site_id)
        if zone_id is None:
            total += ZONELESS_HALF_DAY * half
        else:
            zone_half[zone_id] += half
            week_half[(zone_id, week_key(mission.date))] += half
        total -= travel_cost(mission.travel_minutes)
        volunteer = volunteers.get(mission.volunteer_id)
        if volunteer is not None:
            if mission.site_id in volunteer.preferred_site_ids:
                total += PREFERRED_SITE_BONUS
            if volunteer.needs_housing:
                housing_days.add((mission.volunteer_id, mission.site_id, mission.date))
    for zone_id, half in zone_half.items():
        zone = zones[zone_id]
        before = zone_half_days_already(zone)
        scale = need_scale(zone)
        total += zone_utility(scale, before + half) - zone_utility(scale, before)
    total += sum(week_value(0, half) for half in week_half.values())
    for volunteer_id, site_id, day in housing_days:
        if (volunteer_id, site_id, day + timedelta(days=1)) in housing_days:
            total += CONSECUTIVE_BONUS
    return total
