"""Turn the database (zones, active sites, plannable doctors, kept missions) into the solver's
plain dataclasses for one month and one region (or the whole country)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.utils import timezone

from renfort.core.geo import travel_minutes_many
from renfort.doctors.models import CoverageMode, Doctor
from renfort.sites.models import Site
from renfort.sites.selectors import housing_beds, site_open_days, with_opening
from renfort.zoning.selectors import current_zones

from . import solver
from .models import PERIOD_DAYS, Mission, MissionStatus
from .months import month_bounds


@dataclass
class ProblemContext:
    """The solver problem plus what is needed to save its answer."""

    problem: solver.PlanningProblem
    doctors: dict[int, Doctor] = field(default_factory=dict)
    sites: dict[int, Site] = field(default_factory=dict)
    zone_names: dict[int, str] = field(default_factory=dict)
    # Doctors some of whose dates of the month were left out: already held by a mission
    # elsewhere, or declined / taken out by the ARS (explains « no availability »).
    dates_taken: set[int] = field(default_factory=set)


def _holding_missions(first: date, last: date):
    """Missions that hold a doctor this month, except unlocked drafts (which a run replaces)."""
    return (
        Mission.objects.holding()
        .in_month(first, last)
        .exclude(status=MissionStatus.DRAFT, locked=False)
        .select_related("site")
    )


def _doctor_reaches_region(doctor: Doctor, zone_ids: set[int], site_points: np.ndarray) -> bool:
    """In zone mode, one of the doctor's zones is in the region; otherwise a site (rows of
    latitude, longitude) lies within their travel limit."""
    if doctor.coverage_mode == CoverageMode.ZONES:
        return any(z.pk in zone_ids for z in doctor.zones.all())
    commune = doctor.practice_commune
    if commune.latitude is None or doctor.max_travel_minutes is None or not len(site_points):
        return False
    minutes = travel_minutes_many(
        commune.latitude, commune.longitude, site_points[:, 0], site_points[:, 1]
    )
    return bool((minutes <= doctor.max_travel_minutes + 1e-9).any())


def problem_build(
    *,
    month: date,
    region_code: str | None,
    excluded: set[tuple[int, date]] = frozenset(),
    closed: set[tuple[int, date]] = frozenset(),
    only_doctors: set[int] | None = None,
    only_site_days_of: set[int] | None = None,
) -> ProblemContext:
    """Everything the solver needs for the month (first day) and the region (None: national).
    `excluded` holds (doctor, date) pairs the ARS took out of a proposal: not offered again.
    `closed` holds (site, date) pairs where the site cancelled a mission: not planned again.
    `only_doctors` and `only_site_days_of` (checking drafts) keep only those volunteers and the
    open days of those sites; each one kept is built exactly as in the whole problem."""
    first, last = month_bounds(month)
    # Re-planning the current month only touches the days still to come.
    start = max(first, timezone.localdate() + timedelta(days=1))
    zones_qs = current_zones().select_related("epci")
    sites_qs = with_opening(Site.objects.active().select_related("commune"))
    if region_code:
        zones_qs = zones_qs.filter(epci__region_id=region_code)
        sites_qs = sites_qs.filter(region_id=region_code)
    zones = list(zones_qs.order_by("pk"))
    sites = [s for s in sites_qs.order_by("pk") if s.latitude is not None]
    site_ids = {s.pk for s in sites}
    zone_ids = {z.pk for z in zones}
    site_points = np.array([(s.latitude, s.longitude) for s in sites], dtype=float)

    # In the region, published (proposed, accepted, confirmed, done) and locked missions are
    # kept as they are. Elsewhere, every holding mission (unpublished drafts of another region's
    # run included) blocks its date and counts against the doctor's monthly cap.
    kept = [m for m in _holding_missions(first, last) if m.site_id in site_ids]
    elsewhere = Mission.objects.holding().in_month(first, last).exclude(site_id__in=site_ids)
    outside = defaultdict(float)  # days a doctor already holds this month elsewhere
    busy_dates = set()
    for mission in elsewhere.only("doctor_id", "date", "period"):
        outside[mission.doctor_id] += PERIOD_DAYS[mission.period]
        busy_dates.add((mission.doctor_id, mission.date))
    fixed = kept

    doctors = (
        Doctor.objects.plannable()
        .select_related("practice_commune")
        .prefetch_related("zones", "preferred_sites", "availabilities")
        .order_by("pk")
    )
    if only_doctors is not None:
        doctors = doctors.filter(pk__in=only_doctors)
    fixed_doctor_ids = {m.doctor_id for m in fixed}
    volunteers, kept_doctors, dates_taken = [], {}, set()
    for doctor in doctors:
        commune = doctor.practice_commune
        if commune.latitude is None:
            continue
        if doctor.pk not in fixed_doctor_ids and not _doctor_reaches_region(
            doctor, zone_ids, site_points
        ):
            continue
        dates = [a for a in doctor.availabilities.all() if start <= a.date <= last]
        availabilities = tuple(
            solver.Availability(a.date, solver.Period(a.period))
            for a in dates
            if (doctor.pk, a.date) not in busy_dates and (doctor.pk, a.date) not in excluded
        )
        if len(availabilities) < len(dates):
            dates_taken.add(doctor.pk)
        zone_mode = doctor.coverage_mode == CoverageMode.ZONES
        volunteers.append(
            solver.Volunteer(
                id=doctor.pk,
                name=doctor.full_name,
                latitude=commune.latitude,
                longitude=commune.longitude,
                availabilities=availabilities,
                max_days=float(doctor.max_days_per_month),
                days_already=outside[doctor.pk],
                allowed_zone_ids=frozenset(z.pk for z in doctor.zones.all()) if zone_mode else None,
                max_travel_minutes=None if zone_mode else doctor.max_travel_minutes,
                needs_housing=doctor.wants_housing,
                preferred_site_ids=frozenset(s.pk for s in doctor.preferred_sites.all()),
            )
        )
        kept_doctors[doctor.pk] = doctor

    site_days = []
    for site in sites:
        if only_site_days_of is not None and site.pk not in only_site_days_of:
            continue
        for day, open_day in site_open_days(site, start, last).items():
            if (site.pk, day) in closed:
                continue
            site_days.append(
                solver.SiteDay(
                    site_id=site.pk,
                    date=day,
                    morning="morning" in open_day.periods,
                    afternoon="afternoon" in open_day.periods,
                    rooms=open_day.rooms,
                )
            )

    problem = solver.PlanningProblem(
        month=first,
        zones=tuple(
            solver.Zone(
                id=z.pk,
                name=z.epci.name,
                population=z.epci.population,
                category=z.category if z.category in ("4", "5") else "unknown",
            )
            for z in zones
        ),
        sites=tuple(
            solver.Site(
                id=s.pk,
                zone_id=s.priority_zone_id,
                name=s.name,
                latitude=s.latitude,
                longitude=s.longitude,
                housing_beds=housing_beds(s),
            )
            for s in sites
        ),
        site_days=tuple(site_days),
        volunteers=tuple(volunteers),
        fixed=tuple(
            solver.FixedMission(m.doctor_id, m.site_id, m.date, solver.Period(m.period))
            for m in fixed
        ),
    )
    return ProblemContext(
        problem=problem,
        doctors=kept_doctors,
        sites={s.pk: s for s in sites},
        zone_names={z.pk: z.epci.name for z in zones},
        dates_taken=dates_taken,
    )
