"""Pre-filtering: the (volunteer, site, date, period) missions that respect every per-mission
hard constraint, plus the capacities left by fixed missions.

Both the CP-SAT model and the greedy baseline choose among these candidates, so the greedy
solution is always a feasible CP-SAT solution (it is given to CP-SAT as a hint).

Reachability rule: with a zone list and a travel limit, a site is reachable when its zone is in
the list OR the travel time is within the limit; with only one of them, that one applies; with
neither, every site is reachable. A volunteer needing housing only gets sites with beds.

Dominated candidates are dropped: when a volunteer can do a FULL day at a site, the half-days of
that date at that site are only offered if the volunteer's remaining cap is an odd number of
half-days (a FULL day gives twice the coverage for the same trip). This is a size cut, not a
rule: the flow engine creates such half-days when its repair needs one (the other half's room
is taken), and small models are built with them (`dominated_halves=True`) so that CP-SAT's
optimum is the true optimum.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import numpy as np

from .model import (
    HALF_DAYS,
    HALVES,
    MAX_DAYS_PER_MONTH,
    FixedMission,
    Period,
    PlanningProblem,
    Site,
    Volunteer,
    Zone,
)
from .travel import AVERAGE_SPEED_KMH, DETOUR_FACTOR, EARTH_RADIUS_KM, TravelTable

PERIOD_ORDER = {Period.FULL: 0, Period.MORNING: 1, Period.AFTERNOON: 2}


class Candidate(NamedTuple):
    """One candidate mission. A named tuple: the national bench builds about 140 000 of them,
    and a tuple is built several times faster than a frozen dataclass."""

    volunteer_id: int
    site_id: int
    date: date
    period: Period
    half_days: int
    travel: float  # minutes, rounded to 0.1
    zone_id: int | None  # None when the site is outside the problem's zones
    housing: bool  # the volunteer needs housing (uses a bed)
    preferred: bool

    @property
    def travel_minutes(self) -> float:
        return self.travel


@dataclass
class Opening:
    morning: bool
    afternoon: bool
    rooms: int


@dataclass
class Prepared:
    problem: PlanningProblem
    first: date
    last: date
    zones: dict[int, Zone]
    sites: dict[int, Site]
    volunteers: dict[int, Volunteer]
    opening: dict[tuple[int, date], Opening]
    fixed: list[FixedMission]
    fixed_travel: list[float]
    # Volunteer id -> date -> periods the volunteer may work ({FULL, MORNING, AFTERNOON} subset).
    available: dict[int, dict[date, set[Period]]]
    # Half-days of cap left after days_already and fixed missions.
    remaining: dict[int, int]
    room_left: dict[tuple[int, date, Period], int]
    beds_left: dict[tuple[int, date], int]
    fixed_dates: dict[int, set[date]]
    # Volunteer id -> site ids reachable by the zone/travel rule (housing ignored).
    reachable: dict[int, list[int]]
    candidates: list[Candidate] = field(default_factory=list)

    def site_zone(self, site_id: int) -> int | None:
        site = self.sites.get(site_id)
        if site is None or site.zone_id not in self.zones:
            return None
        return site.zone_id


def month_range(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def cap_half_days(volunteer: Volunteer) -> int:
    """Half-days the volunteer may still give, before fixed missions."""
    cap = min(volunteer.max_days, MAX_DAYS_PER_MONTH) - volunteer.days_already
    return max(0, math.floor(2 * cap + 1e-9))


def normalise_availability(
    volunteer: Volunteer, first: date, last: date
) -> dict[date, set[Period]]:
    halves: dict[date, set[Period]] = defaultdict(set)
    for availability in volunteer.availabilities:
        if first <= availability.date <= last:
            halves[availability.date].update(HALVES[Period(availability.period)])
    result: dict[date, set[Period]] = {}
    for day in sorted(halves):
        periods = set(halves[day])
        if len(periods) == 2:
            periods.add(Period.FULL)
        result[day] = periods
    return result


def is_reachable(volunteer: Volunteer, site: Site, minutes: float) -> bool:
    zones, limit = volunteer.allowed_zone_ids, volunteer.max_travel_minutes
    if zones is None and limit is None:
        return True
    in_zone = zones is not None and site.zone_id is not None and site.zone_id in zones
    within = limit is not None and minutes <= limit + 1e-9
    return in_zone or within


def _travel_rows(problem: PlanningProblem, volunteers: list[Volunteer], sites: list[Site]):
    """Vectorised estimate volunteer × site (minutes); the matrix overrides pairs."""
    if not volunteers or not sites:
        return np.zeros((len(volunteers), len(sites)))
    vlat = np.radians([v.latitude for v in volunteers])[:, None]
    vlon = np.radians([v.longitude for v in volunteers])[:, None]
    slat = np.radians([s.latitude for s in sites])[None, :]
    slon = np.radians([s.longitude for s in sites])[None, :]
    a = (
        np.sin((slat - vlat) / 2) ** 2
        + np.cos(vlat) * np.cos(slat) * np.sin((slon - vlon) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    minutes = km * DETOUR_FACTOR / AVERAGE_SPEED_KMH * 60.0
    if problem.travel_minutes:
        vindex = {v.id: i for i, v in enumerate(volunteers)}
        sindex = {s.id: j for j, s in enumerate(sites)}
        for (vid, sid), value in problem.travel_minutes.items():
            if vid in vindex and sid in sindex:
                minutes[vindex[vid], sindex[sid]] = float(value)
    return minutes


def prepare(problem: PlanningProblem, dominated_halves: bool = False) -> Prepared:
    """Capacities left by the fixed missions and the candidate missions; `dominated_halves`
    keeps the half-days the dominance cut drops (see the module docstring)."""
    first, last = month_range(problem.month)
    zones = {z.id: z for z in sorted(problem.zones, key=lambda z: z.id)}
    sites = {s.id: s for s in sorted(problem.sites, key=lambda s: s.id)}
    volunteers = {v.id: v for v in sorted(problem.volunteers, key=lambda v: v.id)}

    opening: dict[tuple[int, date], Opening] = {}
    for day in sorted(problem.site_days, key=lambda d: (d.site_id, d.date)):
        if day.site_id not in sites or not first <= day.date <= last or day.rooms <= 0:
            continue
        key = (day.site_id, day.date)
        known = opening.get(key)
        if known is None:
            opening[key] = Opening(day.morning, day.afternoon, day.rooms)
        else:  # duplicated rows: union of half-days, largest room count
            known.morning |= day.morning
            known.afternoon |= day.afternoon
            known.rooms = max(known.rooms, day.rooms)

    fixed = sorted(
        problem.fixed,
        key=lambda f: (f.date, f.volunteer_id, f.site_id, PERIOD_ORDER[Period(f.period)]),
    )
    table = TravelTable(problem)
    fixed_travel = []
    for mission in fixed:
        volunteer, site = volunteers.get(mission.volunteer_id), sites.get(mission.site_id)
        minutes = table.minutes(volunteer, site) if volunteer and site else 0.0
        fixed_travel.append(round(minutes, 1))

    room_left: dict[tuple[int, date, Period], int] = {}
    for (site_id, day), op in opening.items():
        if op.morning:
            room_left[(site_id, day, Period.MORNING)] = op.rooms
        if op.afternoon:
            room_left[(site_id, day, Period.AFTERNOON)] = op.rooms
    beds_left = {(site_id, day): sites[site_id].housing_beds for (site_id, day) in opening}
    remaining = {vid: cap_half_days(v) for vid, v in volunteers.items()}
    fixed_dates: dict[int, set[date]] = defaultdict(set)
    for mission in fixed:
        period = Period(mission.period)
        for half in HALVES[period]:
            key = (mission.site_id, mission.date, half)
            if key in room_left:
                room_left[key] = max(0, room_left[key] - 1)
        volunteer = volunteers.get(mission.volunteer_id)
        if volunteer is not None:
            remaining[volunteer.id] = max(0, remaining[volunteer.id] - HALF_DAYS[period])
            fixed_dates[volunteer.id].add(mission.date)
            if volunteer.needs_housing and (mission.site_id, mission.date) in beds_left:
                key = (mission.site_id, mission.date)
                beds_left[key] = max(0, beds_left[key] - 1)

    available = {vid: normalise_availability(v, first, last) for vid, v in volunteers.items()}
    prep = Prepared(
        problem=problem,
        first=first,
        last=last,
        zones=zones,
        sites=sites,
        volunteers=volunteers,
        opening=opening,
        fixed=fixed,
        fixed_travel=fixed_travel,
        available=available,
        remaining=remaining,
        room_left=room_left,
        beds_left=beds_left,
        fixed_dates=fixed_dates,
        reachable={},
    )
    _build_candidates(prep, dominated_halves)
    return prep


def _build_candidates(prep: Prepared, dominated_halves: bool = False) -> None:
    volunteer_list = list(prep.volunteers.values())
    site_list = list(prep.sites.values())
    minutes = _travel_rows(prep.problem, volunteer_list, site_list)
    # Per site and open date: is a room left in the morning, in the afternoon (looked up once
    # instead of once per volunteer).
    rooms: dict[int, dict[date, tuple[bool, bool]]] = defaultdict(dict)
    for site_id, day in prep.opening:
        rooms[site_id][day] = (
            prep.room_left.get((site_id, day, Period.MORNING), 0) > 0,
            prep.room_left.get((site_id, day, Period.AFTERNOON), 0) > 0,
        )

    sites_of_zone: dict[int, list[int]] = defaultdict(list)
    for j, site in enumerate(site_list):
        if site.zone_id is not None:
            sites_of_zone[site.zone_id].append(j)
    candidates: list[Candidate] = []
    for i, volunteer in enumerate(volunteer_list):
        zones, limit = volunteer.allowed_zone_ids, volunteer.max_travel_minutes
        if zones is None and limit is None:
            mask = np.ones(len(site_list), dtype=bool)
        else:
            mask = np.zeros(len(site_list), dtype=bool)
            for zone_id in zones or ():
                mask[sites_of_zone.get(zone_id, [])] = True
            if limit is not None:
                mask |= minutes[i] <= limit + 1e-9
        reachable = [(site_list[j], round(float(minutes[i, j]), 1)) for j in np.flatnonzero(mask)]
        prep.reachable[volunteer.id] = [site.id for site, _ in reachable]
        left = prep.remaining[volunteer.id]
        availability = prep.available[volunteer.id]
        if left <= 0 or not availability:
            continue
        busy = prep.fixed_dates.get(volunteer.id, set())
        for site, travel in reachable:
            if volunteer.needs_housing and site.housing_beds < 1:
                continue
            zone_id = prep.site_zone(site.id)
            preferred = site.id in volunteer.preferred_site_ids
            site_rooms = rooms[site.id]
            for day in sorted(site_rooms.keys() & availability.keys()):
                if day in busy:
                    continue
                if volunteer.needs_housing and prep.beds_left[(site.id, day)] < 1:
                    continue
                periods = availability[day]
                morning_room, afternoon_room = site_rooms[day]
                morning = morning_room and Period.MORNING in periods
                afternoon = afternoon_room and Period.AFTERNOON in periods
                options: list[Period] = []
                full = Period.FULL in periods and morning and afternoon and left >= 2
                if full:
                    options.append(Period.FULL)
                if not full or left % 2 == 1 or dominated_halves:
                    if morning:
                        options.append(Period.MORNING)
                    if afternoon:
                        options.append(Period.AFTERNOON)
                for period in options:
                    candidates.append(
                        Candidate(
                            volunteer.id,
                            site.id,
                            day,
                            period,
                            HALF_DAYS[period],
                            travel,
                            zone_id,
                            volunteer.needs_housing,
                            preferred,
                        )
                    )
    prep.candidates = candidates
