"""Draft missions checked again before they are published.

A run's proposal is computed at one moment; until it is published, doctors and sites keep
changing things the proposal relied on (an availability removed, a closure, a room less, a
pause, a mission accepted elsewhere). `draft_issues` re-checks every draft of the month
against today's data, with the rules of the solver, and says why a draft can no longer be
proposed. Publishing leaves those drafts out; the planning page shows them « À revoir »."""

from collections import defaultdict
from datetime import date, timedelta

from django.utils import timezone

from renfort.core.text import count, days_label
from renfort.sites.selectors import site_closed_reason

from . import solver
from .models import HALVES, PERIOD_DAYS, Mission, MissionStatus
from .months import month_bounds
from .problem import problem_build

M = MissionStatus
HALF_NAMES = {"morning": "le matin", "afternoon": "l'après-midi"}


def _reaches(volunteer: solver.Volunteer, site: solver.Site, minutes: float) -> bool:
    zones, limit = volunteer.allowed_zone_ids, volunteer.max_travel_minutes
    if zones is None and limit is None:
        return True
    in_zone = zones is not None and site.zone_id is not None and site.zone_id in zones
    return in_zone or (limit is not None and minutes <= limit + 1e-6)


def draft_issues(month: date, region_code: str | None, drafts=None) -> dict[int, str]:
    """Mission id → why this draft can no longer be proposed (first binding reason), for the
    drafts of the month in the region (or the given ones). Locked drafts are checked first,
    then by date: when two drafts compete for the last room, the later one is flagged."""
    first, last = month_bounds(month)
    missions = Mission.objects.in_month(first, last).holding().select_related("doctor")
    if region_code:
        missions = missions.filter(site__region_id=region_code)
    missions = list(missions)
    if drafts is None:
        drafts = [m for m in missions if m.status == M.DRAFT]
    if not drafts:
        return {}
    draft_ids = {m.pk for m in drafts}
    context = problem_build(
        month=month,
        region_code=region_code,
        only_doctors={m.doctor_id for m in drafts},
        only_site_days_of={m.site_id for m in drafts},
    )
    problem = context.problem
    volunteers = {v.id: v for v in problem.volunteers}
    sites = {s.id: s for s in problem.sites}
    site_days = {(d.site_id, d.date): d for d in problem.site_days}
    tomorrow = timezone.localdate() + timedelta(days=1)

    # What the published missions of the region already hold.
    rooms_used: dict[tuple, int] = defaultdict(int)
    beds_used: dict[tuple, int] = defaultdict(int)
    days_held: dict[int, float] = defaultdict(float)
    dates_held: set[tuple[int, date]] = set()

    def hold(mission: Mission) -> None:
        for half in HALVES[mission.period]:
            rooms_used[(mission.site_id, mission.date, half)] += 1
        if mission.doctor.wants_housing:
            beds_used[(mission.site_id, mission.date)] += 1
        days_held[mission.doctor_id] += PERIOD_DAYS[mission.period]
        dates_held.add((mission.doctor_id, mission.date))

    for mission in missions:
        if mission.pk not in draft_ids:
            hold(mission)

    issues = {}
    for mission in sorted(drafts, key=lambda m: (not m.locked, m.date, m.pk)):
        reason = _issue(
            mission,
            volunteer=volunteers.get(mission.doctor_id),
            site=sites.get(mission.site_id),
            site_row=context.sites.get(mission.site_id),
            site_day=site_days.get((mission.site_id, mission.date)),
            tomorrow=tomorrow,
            rooms_used=rooms_used,
            beds_used=beds_used,
            days_held=days_held,
            dates_held=dates_held,
            matrix=problem.travel_minutes or {},
        )
        if reason:
            issues[mission.pk] = reason
        else:
            hold(mission)
    return issues


def _issue(
    mission,
    *,
    volunteer,
    site,
    site_row,
    site_day,
    tomorrow,
    rooms_used,
    beds_used,
    days_held,
    dates_held,
    matrix,
) -> str:
    halves = HALVES[mission.period]
    if mission.date < tomorrow:
        return "La date est passée : la mission ne peut plus être proposée."
    if site is None:
        return "Le lieu n'est plus actif."
    if volunteer is None:
        return (
            "Le médecin n'est plus planifiable (participation en pause ou close, ou zones et "
            "temps de trajet qui n'atteignent plus la région)."
        )
    available = set()
    for availability in volunteer.availabilities:
        if availability.date == mission.date:
            available.update(HALVES[availability.period])
    if not set(halves) <= available:
        return (
            "Le médecin n'est plus disponible ce jour-là (disponibilité retirée ou mission "
            "acceptée ailleurs)."
        )
    if (mission.doctor_id, mission.date) in dates_held:
        return "Le médecin a déjà une mission ce jour-là."
    cap = min(volunteer.max_days, solver.MAX_DAYS_PER_MONTH)
    total = volunteer.days_already + days_held[mission.doctor_id] + PERIOD_DAYS[mission.period]
    if total > cap + 1e-6:
        return f"Le médecin dépasserait son plafond de {days_label(cap)} par mois."
    minutes = matrix.get((volunteer.id, site.id))
    if minutes is None:
        minutes = solver.travel_minutes(
            volunteer.latitude, volunteer.longitude, site.latitude, site.longitude
        )
    if not _reaches(volunteer, site, minutes):
        return "Le lieu est hors des zones et du temps de trajet choisis par le médecin."
    for half in halves:
        is_open = site_day is not None and site_day.rooms > 0 and getattr(site_day, half)
        if not is_open:
            reason = site_closed_reason(site_row, mission.date, mission.period)
            return (
                reason[0].upper() + reason[1:] + "."
                if reason
                else f"Le lieu n'est plus ouvert ce jour-là {HALF_NAMES[half]}."
            )
        if rooms_used[(site.id, mission.date, half)] >= site_day.rooms:
            return (
                f"Plus de salle libre ce jour-là {HALF_NAMES[half]} "
                f"({count(site_day.rooms, 'salle', 'salles')})."
            )
    if volunteer.needs_housing:
        if site.housing_beds < 1:
            return "Le médecin a besoin d'un hébergement et le lieu n'en propose plus."
        if beds_used[(site.id, mission.date)] >= site.housing_beds:
            return "Plus de lit libre ce soir-là pour héberger le médecin."
    return ""
