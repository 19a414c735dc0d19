"""Reads for the planning screens: missions of a month, coverage per zone, calendars."""

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from renfort.doctors.models import Doctor
from renfort.sites.models import Site
from renfort.sites.selectors import site_hours_on
from renfort.territories.normalize import normalize_name
from renfort.zoning.models import PriorityZone
from renfort.zoning.selectors import current_zones

from .models import (
    HOLDING_STATUSES,
    PERIOD_DAYS,
    REMOVED_REASON,
    Mission,
    MissionHistory,
    MissionStatus,
    PlanningRun,
)
from .months import month_bounds

M = MissionStatus
WEEKDAY_INITIALS = ["Lu", "Ma", "Me", "Je", "Ve", "Sa", "Di"]


def month_missions(month: date, region_code: str | None):
    first, last = month_bounds(month)
    missions = Mission.objects.in_month(first, last).select_related(
        "doctor", "site__commune", "site__priority_zone__epci", "site__region"
    )
    if region_code:
        missions = missions.filter(site__region_id=region_code)
    return missions.order_by("date", "site__name", "doctor__last_name")


EXPORT_HEADERS = [
    "Date",
    "Période",
    "Lieu d'accueil",
    "Commune du lieu",
    "Département",
    "Zone prioritaire",
    "Médecin",
    "Trajet (min)",
    "Hébergement",
    "Statut",
    "Verrouillée",
    "Pourquoi (au calcul)",
    "Motif",
]


REMOVED = "removed"  # the status the planning shows for a draft taken out of the proposal
# The statuses as the planning screen, its filter and its exports name them (one label each).
STATUS_LABELS = {**dict(M.choices), REMOVED: "Retirée de la proposition"}


def table_status(mission) -> str:
    """A draft the ARS took out of the proposal is « retirée », not « annulée »: it was never
    published."""
    removed = mission.status == M.CANCELLED and mission.status_reason == REMOVED_REASON
    return REMOVED if removed else mission.status


def export_rows(missions) -> list[list]:
    """The month's missions as the planning table shows them, one row each (EXPORT_HEADERS)."""
    return [
        [
            m.date,  # a date cell in XLSX, « 08/02/2027 » in CSV
            m.get_period_display(),
            m.site.name,
            m.site.commune.name,
            m.site.departement_id,
            m.site.priority_zone.epci.name if m.site.priority_zone_id else "Hors zone",
            f"Dr {m.doctor.full_name}",
            m.travel_minutes,
            "Oui" if m.needs_housing else "Non",
            STATUS_LABELS[table_status(m)],
            "Oui" if m.locked else "Non",
            m.explanation,
            m.reason_shown,
        ]
        for m in missions
    ]


def latest_run(month: date, region_code: str | None) -> PlanningRun | None:
    """The latest run that planned this region's month: its own, or a national one (which
    replaced the region's drafts too)."""
    first, _ = month_bounds(month)
    runs = PlanningRun.objects.filter(month=first)
    if region_code is None:
        return runs.filter(region__isnull=True).first()
    return runs.filter(Q(region_id=region_code) | Q(region__isnull=True)).first()


def changed_since(run: PlanningRun | None, month: date, region_code: str | None) -> bool:
    """Whether a mission of the month and territory changed status after the run ended
    (published, removed, declined…): its figures are then the calculation's, no longer the
    month's. One query, the missions as a subquery (a national month holds thousands)."""
    if run is None or run.status != PlanningRun.Status.DONE or run.finished_at is None:
        return False
    missions = month_missions(month, region_code).order_by().values("pk")
    return MissionHistory.objects.filter(
        mission__in=missions, created_at__gt=run.finished_at
    ).exists()


@dataclass
class RunFigures:
    """What the planning page shows of a run for its territory. A national run seen from a
    region's page shows the region's share of it, never the national totals."""

    national: bool  # the run planned the whole country
    regional_share: bool  # a national run shown on a region's page
    proposed: int | None  # its missions at the region's sites (None: the run's own message)
    uncovered_zones: list[dict]
    unplanned_volunteers: list[dict]


def run_figures(run: PlanningRun | None, region_code: str | None) -> RunFigures | None:
    if run is None:
        return None
    if run.region_id is not None or region_code is None:
        return RunFigures(
            national=run.region_id is None,
            regional_share=False,
            proposed=None,
            uncovered_zones=run.uncovered_zones,
            unplanned_volunteers=run.unplanned_volunteers,
        )
    zones = set(
        PriorityZone.objects.filter(
            pk__in=[z["id"] for z in run.uncovered_zones], epci__region_id=region_code
        ).values_list("pk", flat=True)
    )
    volunteers = set(
        Doctor.objects.for_region(region_code)
        .filter(pk__in=[v["id"] for v in run.unplanned_volunteers])
        .values_list("pk", flat=True)
    )
    return RunFigures(
        national=True,
        regional_share=True,
        proposed=run.missions.filter(site__region_id=region_code).count(),
        uncovered_zones=[z for z in run.uncovered_zones if z["id"] in zones],
        unplanned_volunteers=[v for v in run.unplanned_volunteers if v["id"] in volunteers],
    )


@dataclass
class ZoneCoverage:
    zone_id: int
    name: str
    population: int
    days: float
    sites: int

    @property
    def days_per_10k(self) -> float:
        return self.days * 10000 / self.population if self.population else 0.0


def zone_coverage(month: date, region_code: str | None) -> list[ZoneCoverage]:
    """Mission days per current priority zone (every holding status), fewest first."""
    zones = current_zones().select_related("epci")
    if region_code:
        zones = zones.filter(epci__region_id=region_code)
    first, last = month_bounds(month)
    held = Mission.objects.in_month(first, last).filter(
        status__in=HOLDING_STATUSES, site__priority_zone__isnull=False
    )
    if region_code:
        held = held.filter(site__region_id=region_code)
    days = defaultdict(float)
    for zone_id, period, missions in (
        held.order_by().values_list("site__priority_zone_id", "period").annotate(Count("pk"))
    ):
        days[zone_id] += PERIOD_DAYS[period] * missions
    sites = Counter(
        Site.objects.active()
        .filter(priority_zone__in=zones)
        .values_list("priority_zone_id", flat=True)
    )
    rows = [
        ZoneCoverage(z.pk, z.epci.name, z.epci.population, days[z.pk], sites[z.pk]) for z in zones
    ]
    return sorted(rows, key=lambda r: (r.days, normalize_name(r.name)))


def status_counts(missions) -> dict[str, int]:
    """Missions per status label; the drafts the ARS took out of the proposal are « retirées »,
    not « annulées » (they were never published)."""
    counts = Counter(table_status(m) for m in missions)
    return {label: counts[value] for value, label in STATUS_LABELS.items() if counts[value]}


def uncovered_now(coverage: list[ZoneCoverage], figures: RunFigures | None) -> list[dict]:
    """The zones without any day now (the same count as the summary), each with the reason
    the last run gave, or, for a zone that had days then, why it has none since."""
    reasons = {z["id"]: z["reason"] for z in figures.uncovered_zones} if figures else {}
    return [
        {
            "name": c.name,
            "reason": reasons.get(
                c.zone_id,
                "Ses missions ont été retirées, déclinées ou annulées depuis le calcul : "
                "relancez un calcul pour proposer d'autres volontaires",
            ),
        }
        for c in coverage
        if c.days == 0
    ]


def site_calendar(missions, month: date) -> dict:
    """Sites × days of the month, each cell holding the missions of that day. Each day says
    whether it is a weekend day or a public holiday (national list; a site's own, Alsace-Moselle
    or overseas, is in its opening days), so that an empty column explains itself."""
    from renfort.sites.opening import public_holiday_name

    first, last = month_bounds(month)
    days = [
        first + timedelta(days=i) for i in range(calendar.monthrange(first.year, first.month)[1])
    ]
    grid: dict[Site, dict[date, list[Mission]]] = defaultdict(lambda: defaultdict(list))
    for mission in missions:
        if mission.status in HOLDING_STATUSES:
            grid[mission.site][mission.date].append(mission)
    heads = [
        {
            "date": d,
            "initial": WEEKDAY_INITIALS[d.weekday()],
            "holiday": public_holiday_name(d) or "",
            "rest": d.weekday() >= 5 or bool(public_holiday_name(d)),
        }
        for d in days
    ]
    rows = [
        {
            "site": site,
            "cells": [
                {"missions": cells.get(head["date"], []), "rest": head["rest"]} for head in heads
            ],
        }
        for site, cells in sorted(grid.items(), key=lambda item: item[0].name)
    ]
    return {"days": heads, "rows": rows}


def map_features(missions, coverage: list[ZoneCoverage]) -> dict:
    """GeoJSON points of the sites with their mission days this month."""
    by_site: dict[Site, float] = defaultdict(float)
    for mission in missions:
        if mission.status in HOLDING_STATUSES:
            by_site[mission.site] += PERIOD_DAYS[mission.period]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [s.longitude, s.latitude]},
            "properties": {"nom": s.name, "commune": s.commune.name, "jours": days},
        }
        for s, days in by_site.items()
        if s.latitude is not None
    ]
    return {"type": "FeatureCollection", "features": features}


def mission_booked_appointments(mission: Mission, now=None) -> int:
    """Patients' appointments still to come on the mission: cancelling it cancels them (and
    the patients are told)."""
    from renfort.booking.models import Appointment, AppointmentStatus  # booking depends on planning

    return Appointment.objects.filter(
        slot__mission=mission,
        slot__start__gt=now or timezone.now(),
        status=AppointmentStatus.BOOKED,
    ).count()


def mission_hours(mission: Mission) -> list:
    """The mission's half-days with the doctor's hours, the site's opening hours of that date
    and where they meet: the patients' slots lie there, and nowhere when they do not meet."""
    from renfort.booking.slots import doctor_hours, half_day_hours  # plain Python

    return half_day_hours(
        mission.period, doctor_hours(mission.doctor), site_hours_on(mission.site, mission.date)
    )


def bulk_action_counts(
    month: date, region_code: str | None, status: str, exclude: set[int] = frozenset()
) -> dict[str, int]:
    """The missions of the month in a status (but those excluded), and how many doctors and
    sites they concern: what publishing the drafts or confirming the accepted missions would
    touch."""
    rows = list(
        month_missions(month, region_code)
        .filter(status=status)
        .exclude(pk__in=exclude)
        .values_list("doctor_id", "site_id")
    )
    return {
        "missions": len(rows),
        "doctors": len({doctor for doctor, _ in rows}),
        "sites": len({site for _, site in rows}),
    }


def doctor_missions(doctor):
    return (
        Mission.objects.filter(doctor=doctor)
        .published()
        .select_related("doctor", "site__commune", "site__manager")
        .prefetch_related("site__weekly_openings", "site__opening_exceptions")  # the hours
        .order_by("-date")
    )


def site_upcoming_missions(user):
    """Coming missions at the sites the user manages (published ones only)."""
    today = timezone.localdate()
    return (
        Mission.objects.filter(site__manager=user, date__gte=today)
        .filter(status__in=[M.PROPOSED, M.ACCEPTED, M.CONFIRMED, M.DONE])
        .select_related("doctor", "site")
        .order_by("date", "site__name")
    )


def site_cancelled_missions(user) -> list[Mission]:
    """Coming missions at the user's sites cancelled after their publication, each with
    `cancelled_by_role` (the role of who cancelled it) and `patients` (the appointments its
    cancellation cancelled: the site may want to call someone, though each was told)."""
    from renfort.booking.models import Appointment, CancelledBy

    cancelling = MissionHistory.objects.filter(
        mission=OuterRef("pk"), to_status=M.CANCELLED
    ).order_by("-pk")
    missions = list(
        Mission.objects.filter(site__manager=user, date__gte=timezone.localdate())
        .filter(status=M.CANCELLED)
        .filter(
            history__to_status=M.CANCELLED,
            history__from_status__in=[M.PROPOSED, M.ACCEPTED, M.CONFIRMED],
        )
        .annotate(cancelled_by_role=Subquery(cancelling.values("actor__role")[:1]))
        .select_related("doctor", "site")
        .order_by("date", "site__name")
        .distinct()
    )
    patients = defaultdict(list)
    for appointment in Appointment.objects.filter(
        mission__in=missions, cancelled_by=CancelledBy.SYSTEM
    ).order_by("start"):
        patients[appointment.mission_id].append(appointment)
    for mission in missions:
        mission.patients = patients[mission.pk]
    return missions


@dataclass
class MonthTodo:
    month: date
    drafts: int  # computed, not published yet
    accepted: int  # accepted by the doctor, waiting for the site's (or the ARS's) confirmation
    declined: int  # declined or cancelled since the publication: days to propose again
    uncovered: int  # priority zones without any day
    zones: int


@dataclass
class Todo:
    """What waits for an ARS agent (or the national steering) in their territory."""

    doctors: int  # files whose next onboarding step is the ARS's
    sites_proposed: int  # sites declared, to validate
    sites_returned: int  # sent back to their manager for more information
    sites_validated: int  # validated, not yet opened by their manager
    months: list[MonthTodo]


def agent_todo(user, region_code: str | None, today: date | None = None) -> Todo:
    """The ARS landing page's counts, each one the count of the list it links to."""
    from renfort.accounts.models import Role
    from renfort.doctors.selectors import agent_doctors, awaiting_agents, to_do_statuses
    from renfort.sites.models import SiteStatus
    from renfort.sites.selectors import agent_sites

    from .months import plannable_months

    today = today or timezone.localdate()
    sites = Counter(agent_sites(user, region=region_code or "").values_list("status", flat=True))
    first, last = plannable_months(today)
    months = []
    month = first
    while month <= last and len(months) < 3:
        missions = Counter(
            month_missions(month, region_code).order_by().values_list("status", flat=True)
        )
        coverage = zone_coverage(month, region_code)
        declined = (
            month_missions(month, region_code)
            .filter(status__in=[M.DECLINED, M.CANCELLED], date__gte=today)
            .exclude(status_reason=REMOVED_REASON)
            .count()
        )
        months.append(
            MonthTodo(
                month=month,
                drafts=missions[M.DRAFT],
                accepted=missions[M.ACCEPTED],
                declined=declined,
                uncovered=sum(1 for c in coverage if c.days == 0),
                zones=len(coverage),
            )
        )
        month = (month + timedelta(days=32)).replace(day=1)
    return Todo(
        # The ARS's steps, for the national steering too (which takes none itself).
        doctors=awaiting_agents(
            agent_doctors(user, region=region_code or "").filter(
                status__in=to_do_statuses(Role.ARS_AGENT)
            )
        ).count(),
        sites_proposed=sites[SiteStatus.PROPOSED],
        sites_returned=sites[SiteStatus.RETURNED],
        sites_validated=sites[SiteStatus.VALIDATED],
        months=months,
    )


def unpublished_by_region(month: date) -> list[tuple[str, str, int]]:
    """The proposals a national calculation of the month would replace (drafts not locked), per
    region: (code, name, count), by region name."""
    first, last = month_bounds(month)
    rows = (
        Mission.objects.in_month(first, last)
        .filter(status=M.DRAFT, locked=False)
        .values("site__region_id", "site__region__name")
        .annotate(n=Count("pk"))
        .order_by("site__region__name")
    )
    return [(r["site__region_id"], r["site__region__name"], r["n"]) for r in rows]
