"""Assemble a `PlanningResult` and explain it in French: why each mission, why a volunteer has
none, why a zone gets nothing."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from renfort.core.text import lower_first  # plain Python: the solver stays free of Django

from .candidates import PERIOD_ORDER, Prepared, cap_half_days
from .check import check_hard_constraints
from .model import (
    HALF_DAYS,
    MAX_DAYS_PER_MONTH,
    Assignment,
    Period,
    PlanningResult,
    SolveStatus,
    Unplanned,
    Volunteer,
)
from .objective import evaluate, need_scale

FIXED = "Mission acceptée (conservée)"
NO_OTHER_DAY = "Zone sans aucun autre jour"  # « … en février » (month_label)
OUTSIDE_ZONES = "Lieu hors zone prioritaire (justifié par l'ARS)"
PREFERRED = "Lieu préféré du médecin"
CONSECUTIVE = "Jours consécutifs sur le même lieu (hébergement)"

NO_AVAILABILITY = "Aucune disponibilité"  # « … en février » (month_label)
NO_OPEN_SITE = "Aucun lieu accessible ouvert à ses dates de disponibilité"
NO_HOUSING = "Besoin d'hébergement : aucun lieu accessible n'en propose"
NO_HOUSING_OPEN = (
    "Besoin d'hébergement : les lieux accessibles avec hébergement n'ouvrent pas à ses dates"
)
SITES_TAKEN = "Lieux accessibles déjà complets ou mieux servis par d'autres volontaires"

ZONE_NO_SITE = "Aucun lieu d'accueil actif dans la zone"
ZONE_UNREACHABLE = "Aucun volontaire ne peut s'y rendre (zones choisies, temps de trajet)"
ZONE_NO_DATE = "Aucun volontaire disponible les jours d'ouverture"
ZONE_TAKEN = "Volontaires accessibles déjà affectés ailleurs"


# « en janvier », not « ce mois », which reads as the month the page is read in.
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def format_days(days: float) -> str:
    """1.5 → « 1,5 », 2.0 → « 2 »."""
    text = f"{days:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_count(value: int) -> str:
    """12000 → « 12 000 », with a narrow no-break space (U+202F): the number never breaks at
    the end of a line, and is written as the pages write populations."""
    return f"{value:,}".replace(",", "\u202f")


def fixed_as_missions(prep: Prepared) -> list[Assignment]:
    return [
        Assignment(
            volunteer_id=m.volunteer_id,
            site_id=m.site_id,
            date=m.date,
            period=Period(m.period),
            travel_minutes=travel,
            fixed=True,
            reason="",
        )
        for m, travel in zip(prep.fixed, prep.fixed_travel, strict=True)
    ]


def build_result(
    prep: Prepared,
    chosen: Sequence[int],
    status: SolveStatus,
    bound: float | None,
    started: float,
    stats: dict[str, float],
) -> PlanningResult:
    """Result from the chosen candidate indices; `bound` None means "equal to the objective"."""
    missions = fixed_as_missions(prep)
    for i in sorted(chosen):
        c = prep.candidates[i]
        missions.append(
            Assignment(
                volunteer_id=c.volunteer_id,
                site_id=c.site_id,
                date=c.date,
                period=c.period,
                travel_minutes=c.travel,
                fixed=False,
                reason="",
            )
        )
    missions.sort(
        key=lambda m: (m.date, m.site_id, m.volunteer_id, PERIOD_ORDER[m.period], not m.fixed)
    )
    objective = float(evaluate(prep.problem, missions))
    if status == SolveStatus.OPTIMAL or bound is None:
        bound = objective
    gap = max(0.0, bound - objective) / max(1.0, abs(bound))

    zone_days = {zone_id: zone.days_already for zone_id, zone in prep.zones.items()}
    for m in missions:
        zone_id = prep.site_zone(m.site_id)
        if zone_id is not None:
            zone_days[zone_id] += HALF_DAYS[m.period] / 2

    assignments = explain_assignments(prep, missions, zone_days)
    planned = {m.volunteer_id for m in missions}
    unplanned = [
        Unplanned("volunteer", v.id, volunteer_reason(prep, v))
        for v in prep.volunteers.values()
        if v.id not in planned
    ]
    empty = [zone_id for zone_id, days in zone_days.items() if days <= 0]
    uncovered = [
        Unplanned("zone", zone_id, reason) for zone_id, reason in zone_reasons(prep, empty).items()
    ]
    warnings = check_hard_constraints(prep.problem, fixed_as_missions(prep)) if prep.fixed else []
    stats = dict(stats, assignments=len(missions))
    return PlanningResult(
        status=status,
        assignments=assignments,
        unplanned_volunteers=unplanned,
        uncovered_zones=uncovered,
        objective=objective,
        best_bound=float(bound),
        gap=gap,
        solve_seconds=time.perf_counter() - started,
        zone_days=zone_days,
        warnings=warnings,
        stats=stats,
    )


def month_label(day) -> str:
    """« en février »: the month planned, never « ce mois-ci » (read in another month)."""
    return f"en {MONTHS[day.month - 1]}"


def explain_assignments(
    prep: Prepared, missions: list[Assignment], zone_days: dict[int, float]
) -> list[Assignment]:
    stays = {
        (m.volunteer_id, m.site_id, m.date)
        for m in missions
        if (v := prep.volunteers.get(m.volunteer_id)) is not None and v.needs_housing
    }
    explained = []
    for m in missions:
        parts = [FIXED] if m.fixed else []
        zone_id = prep.site_zone(m.site_id)
        if zone_id is None:
            parts.append(OUTSIDE_ZONES)
        else:
            zone = prep.zones[zone_id]
            total = zone_days[zone_id]
            if total - HALF_DAYS[m.period] / 2 <= 0:
                parts.append(f"{NO_OTHER_DAY} {month_label(m.date)}")
            else:
                label = "Zone peu couverte" if 2 * total <= need_scale(zone) else "Zone à renforcer"
                days = format_days(total)
                parts.append(
                    f"{label} : {days} jour{'s' if total >= 2 else ''} de consultation en "
                    f"{MONTHS[m.date.month - 1]} pour {format_count(zone.population)} habitants"
                )
        volunteer = prep.volunteers.get(m.volunteer_id)
        if volunteer is not None and m.site_id in volunteer.preferred_site_ids:
            parts.append(PREFERRED)
        if (m.volunteer_id, m.site_id, m.date) in stays and any(
            (m.volunteer_id, m.site_id, m.date + timedelta(days=delta)) in stays
            for delta in (-1, 1)
        ):
            parts.append(CONSECUTIVE)
        parts.append(f"{round(m.travel_minutes)} min de trajet")
        explained.append(
            Assignment(
                volunteer_id=m.volunteer_id,
                site_id=m.site_id,
                date=m.date,
                period=m.period,
                travel_minutes=m.travel_minutes,
                fixed=m.fixed,
                # One sentence: the reasons after the first start in lower case.
                reason=", ".join([parts[0], *(lower_first(p) for p in parts[1:])]),
            )
        )
    return explained


def no_reachable_site(volunteer: Volunteer, planned_zone_ids=None) -> str:
    """planned_zone_ids: the zones of this run (a region's); when the volunteer also chose
    zones outside it, their sites are planned by that region's run, and the reason says so."""
    zones, limit = volunteer.allowed_zone_ids, volunteer.max_travel_minutes
    where = "dans ses zones"
    if zones is not None and planned_zone_ids is not None and zones - set(planned_zone_ids):
        where = "dans ses zones de la région"  # the others: by their region's run
    if zones is not None and limit is not None:
        return f"Aucun lieu d'accueil {where} ou à moins de {limit} min"
    if zones is not None:
        return f"Aucun lieu d'accueil {where}"
    if limit is not None:
        return f"Aucun lieu d'accueil à moins de {limit} min"
    return "Aucun lieu d'accueil"


def volunteer_reason(prep: Prepared, volunteer: Volunteer) -> str:
    available = prep.available[volunteer.id]
    if not available:
        return f"{NO_AVAILABILITY} {month_label(prep.problem.month)}"
    if cap_half_days(volunteer) <= 0:
        cap = min(volunteer.max_days, MAX_DAYS_PER_MONTH)
        return f"Plafond de {format_days(cap)} jour{'s' if cap >= 2 else ''} déjà atteint"
    reachable = prep.reachable.get(volunteer.id, [])
    if not reachable:
        return no_reachable_site(volunteer, prep.zones)
    open_sites = [s for s in reachable if _opens_when_available(prep, volunteer, s)]
    if not open_sites:
        return NO_OPEN_SITE
    if volunteer.needs_housing and not any(
        prep.sites[site_id].housing_beds >= 1 for site_id in open_sites
    ):
        with_beds = any(prep.sites[site_id].housing_beds >= 1 for site_id in reachable)
        return NO_HOUSING_OPEN if with_beds else NO_HOUSING
    return SITES_TAKEN


def zone_reasons(prep: Prepared, zone_ids: list[int]) -> dict[int, str]:
    if not zone_ids:
        return {}
    wanted = set(zone_ids)
    active: dict[int, set[int]] = defaultdict(set)
    for site_id, _ in prep.opening:
        zone_id = prep.site_zone(site_id)
        if zone_id in wanted:
            active[zone_id].add(site_id)
    reached: set[int] = set()
    matched: set[int] = set()  # zones with a reachable volunteer available an opening day
    for volunteer_id, sites in prep.reachable.items():
        volunteer = prep.volunteers[volunteer_id]
        for site_id in sites:
            zone_id = prep.site_zone(site_id)
            if zone_id not in wanted or site_id not in active[zone_id]:
                continue
            if volunteer.needs_housing and prep.sites[site_id].housing_beds < 1:
                continue
            reached.add(zone_id)
            if zone_id not in matched and _opens_when_available(prep, volunteer, site_id):
                matched.add(zone_id)
    reasons = {}
    for zone_id in zone_ids:
        if not active[zone_id]:
            reasons[zone_id] = ZONE_NO_SITE
        elif zone_id not in reached:
            reasons[zone_id] = ZONE_UNREACHABLE
        elif zone_id not in matched:
            reasons[zone_id] = ZONE_NO_DATE
        else:
            reasons[zone_id] = ZONE_TAKEN
    return reasons


def _opens_when_available(prep: Prepared, volunteer: Volunteer, site_id: int) -> bool:
    """The site opens a half-day the volunteer is available (rooms and caps ignored)."""
    for day, periods in prep.available[volunteer.id].items():
        opening = prep.opening.get((site_id, day))
        if opening is not None and (
            (Period.MORNING in periods and opening.morning)
            or (Period.AFTERNOON in periods and opening.afternoon)
        ):
            return True
    return False
