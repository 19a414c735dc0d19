"""Independent hard-constraint checker: every violation of a plan, in French.

It re-derives everything from the raw problem (it does not reuse the candidate pre-filter), so
the tests can use it to verify both solvers.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Protocol

from renfort.core.text import count as french_count

from .model import HALF_DAYS, HALVES, MAX_DAYS_PER_MONTH, Period, PlanningProblem
from .travel import travel_minutes

HALF_LABEL = {Period.FULL: "journée", Period.MORNING: "matin", Period.AFTERNOON: "après-midi"}
TOLERANCE = 1e-6


class MissionLike(Protocol):
    volunteer_id: int
    site_id: int
    date: date
    period: Period


def check_hard_constraints(
    problem: PlanningProblem, assignments: Iterable[MissionLike]
) -> list[str]:
    """Messages for every violated hard constraint; an empty list means the plan is valid."""
    first = problem.month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    sites = {s.id: s for s in problem.sites}
    volunteers = {v.id: v for v in problem.volunteers}
    matrix = problem.travel_minutes or {}

    opening: dict[tuple[int, date], list] = {}
    for day in problem.site_days:
        if day.rooms <= 0:
            continue
        known = opening.setdefault((day.site_id, day.date), [False, False, 0])
        known[0] |= day.morning
        known[1] |= day.afternoon
        known[2] = max(known[2], day.rooms)

    halves_available: dict[int, dict[date, set[Period]]] = {}
    for v in problem.volunteers:
        per_day: dict[date, set[Period]] = defaultdict(set)
        for availability in v.availabilities:
            per_day[availability.date].update(HALVES[Period(availability.period)])
        halves_available[v.id] = per_day

    errors: list[str] = []
    days_per_volunteer: dict[int, float] = defaultdict(float)
    missions_per_day: dict[tuple[int, date], int] = defaultdict(int)
    rooms_used: dict[tuple[int, date, Period], int] = defaultdict(int)
    beds_used: dict[tuple[int, date], int] = defaultdict(int)

    for mission in assignments:
        period = Period(mission.period)
        label = f"Mission du {mission.date.isoformat()} ({HALF_LABEL[period]})"
        site = sites.get(mission.site_id)
        if site is None:
            errors.append(f"{label} : lieu {mission.site_id} inconnu")
            continue
        where = f"{label} au lieu « {site.name} »"
        if not first <= mission.date <= last:
            errors.append(f"{where} : hors du mois planifié")
        state = opening.get((site.id, mission.date))
        for half in HALVES[period]:
            is_open = state is not None and state[0 if half == Period.MORNING else 1]
            if not is_open:
                errors.append(f"{where} : lieu fermé le {HALF_LABEL[half]}")
            rooms_used[(site.id, mission.date, half)] += 1
        volunteer = volunteers.get(mission.volunteer_id)
        if volunteer is None:
            continue  # fixed mission of a volunteer outside the problem: site checks only
        who = f"{where}, volontaire {volunteer.id}"
        if not set(HALVES[period]) <= halves_available[volunteer.id].get(mission.date, set()):
            errors.append(f"{who} : volontaire non disponible")
        minutes = matrix.get((volunteer.id, site.id))
        if minutes is None:
            minutes = travel_minutes(
                volunteer.latitude, volunteer.longitude, site.latitude, site.longitude
            )
        zones, limit = volunteer.allowed_zone_ids, volunteer.max_travel_minutes
        if zones is not None or limit is not None:
            in_zone = zones is not None and site.zone_id is not None and site.zone_id in zones
            within = limit is not None and minutes <= limit + TOLERANCE
            if not (in_zone or within):
                errors.append(f"{who} : lieu hors de ses zones et de son temps de trajet")
        if volunteer.needs_housing:
            if site.housing_beds < 1:
                errors.append(f"{who} : hébergement nécessaire mais le lieu n'en propose pas")
            beds_used[(site.id, mission.date)] += 1
        days_per_volunteer[volunteer.id] += HALF_DAYS[period] / 2
        missions_per_day[(volunteer.id, mission.date)] += 1

    for volunteer_id, days in sorted(days_per_volunteer.items()):
        volunteer = volunteers[volunteer_id]
        cap = min(volunteer.max_days, MAX_DAYS_PER_MONTH)
        total = volunteer.days_already + days
        if total > cap + TOLERANCE:
            errors.append(
                f"Volontaire {volunteer_id} : {total:g} jours dans le mois pour un plafond de "
                f"{cap:g}"
            )
    for (volunteer_id, day), count in sorted(missions_per_day.items()):
        if count > 1:
            errors.append(f"Volontaire {volunteer_id} : {count} missions le {day.isoformat()}")
    for (site_id, day, half), count in sorted(rooms_used.items()):
        state = opening.get((site_id, day))
        rooms = state[2] if state is not None else 0
        if state is not None and count > rooms:
            errors.append(
                f"Lieu {site_id} le {day.isoformat()} ({HALF_LABEL[half]}) : {count} missions "
                f"pour {french_count(rooms, 'cabinet', 'cabinets')}"
            )
    for (site_id, day), count in sorted(beds_used.items()):
        beds = sites[site_id].housing_beds
        if count > beds and beds >= 1:
            errors.append(
                f"Lieu {site_id} le {day.isoformat()} : {count} volontaires à héberger pour "
                f"{french_count(beds, 'lit', 'lits')}"
            )
    return errors
