"""Reads about volunteer doctors: reachable zones, agent lists, the per-département table,
export rows, missions seen from the doctor's space."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.accounts.permissions import has_role, is_national
from renfort.core.geo import km_reachable_in, travel_minutes
from renfort.sites.models import Site
from renfort.territories.models import Commune
from renfort.territories.normalize import normalize_name
from renfort.zoning.selectors import current_zones

from .models import (
    ONBOARDING_STEPS,
    ONBOARDING_WORKFLOW,
    ONGOING,
    PLANNABLE_STATUSES,
    Availability,
    CoverageMode,
    Doctor,
    DoctorStatus,
)
from .permissions import agent_scope

# Mission statuses that hold a date for the doctor: the availability cannot be removed.
BLOCKING_MISSION_STATUSES = ("proposed", "accepted", "confirmed")
# Missions the doctor has committed to: withdrawing warns about them.
COMMITTED_MISSION_STATUSES = ("accepted", "confirmed")
# Who counts as a volunteer in the tables (not drafts, withdrawn or refused).
VOLUNTEER_STATUSES = [*ONGOING, DoctorStatus.PAUSED]


# --- Reachable zones ------------------------------------------------------------------------


def _origin(origin) -> tuple[float, float] | None:
    commune = origin.practice_commune if isinstance(origin, Doctor) else origin
    if isinstance(commune, Commune):
        if commune.latitude is None or commune.longitude is None:
            return None
        return commune.latitude, commune.longitude
    return origin  # already (lat, lon)


def zones_within(origin, minutes: float) -> list:
    """Current priority zones reachable within `minutes` of a doctor's practice (or a commune, or
    a (lat, lon) pair), nearest first, each with a `travel_minutes` attribute.

    Method (see docs/doctors.md): a zone is reachable when one of the communes of its EPCI
    (commune centroid; host sites are located at their commune's centroid, so they are included)
    is within the estimated road time of `renfort.core.geo.travel_minutes`. A bounding box in
    degrees discards far communes before the haversine."""
    point = _origin(origin)
    if point is None:
        return []
    lat, lon = point
    radius_deg = km_reachable_in(minutes) / 111.0
    zones = {z.epci_id: z for z in current_zones()}
    rows = Commune.objects.filter(
        epci_id__in=list(zones),
        latitude__range=(lat - radius_deg, lat + radius_deg),
        longitude__range=(lon - 2 * radius_deg, lon + 2 * radius_deg),
    ).values_list("epci_id", "latitude", "longitude")
    best: dict[str, float] = {}
    for epci_id, clat, clon in rows:
        value = travel_minutes(lat, lon, clat, clon)
        if value <= minutes and value < best.get(epci_id, float("inf")):
            best[epci_id] = value
    result = []
    for epci_id, value in sorted(best.items(), key=lambda item: (item[1], item[0])):
        zone = zones[epci_id]
        zone.travel_minutes = round(value)
        result.append(zone)
    return result


def zone_centroids() -> dict[int, tuple[float, float]]:
    """Mean commune coordinates of each current zone (zone pk → (lat, lon)); for bulk uses."""
    points = defaultdict(list)
    zones = {z.epci_id: z.pk for z in current_zones()}
    rows = Commune.objects.filter(epci_id__in=list(zones), latitude__isnull=False).values_list(
        "epci_id", "latitude", "longitude"
    )
    for epci_id, lat, lon in rows:
        points[zones[epci_id]].append((lat, lon))
    return {
        pk: (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        for pk, pts in points.items()
    }


# --- Choices for the forms ------------------------------------------------------------------


def zones_by_region() -> list[tuple[str, list]]:
    """Current priority zones grouped by region name, for the zone checkboxes."""
    groups: dict[str, list] = defaultdict(list)
    for zone in current_zones().by_name():
        region = zone.epci.region.name if zone.epci.region_id else "Autres"
        groups[region].append(zone)
    return sorted(
        groups.items(), key=lambda group: (group[0] == "Autres", normalize_name(group[0]))
    )


def preferred_site_choices():
    return (
        Site.objects.active()
        .select_related("commune", "region")
        .order_by("region__name", "commune__name", "name")
    )


# --- The doctor's own space -----------------------------------------------------------------


def doctor_missions(doctor: Doctor):
    return doctor.missions.select_related("site__commune").order_by("date", "period")


def agent_doctor_missions(user, doctor: Doctor):
    """The doctor's missions as an agent may see them: the published ones, plus the drafts of
    the regions the agent plans (a region's drafts are its ARS's working papers)."""
    missions = doctor_missions(doctor)
    if is_national(user):
        return missions
    published = Q(pk__in=doctor.missions.model.objects.published().filter(doctor=doctor))
    if has_role(user, Role.ARS_AGENT):
        return missions.filter(published | Q(site__region_id=user.region_id))
    return missions.filter(published)


def committed_future_missions(doctor: Doctor, today=None):
    today = today or timezone.localdate()
    return doctor_missions(doctor).filter(date__gte=today, status__in=COMMITTED_MISSION_STATUSES)


def coming_missions(doctor: Doctor, today=None):
    """Future missions the doctor knows of (proposed, accepted, confirmed): a withdrawal
    cancels them all."""
    today = today or timezone.localdate()
    return doctor_missions(doctor).filter(date__gte=today, status__in=BLOCKING_MISSION_STATUSES)


def pending_proposals(doctor: Doctor, today=None):
    """Coming proposals the doctor has not answered yet: a pause withdraws them."""
    today = today or timezone.localdate()
    return doctor_missions(doctor).filter(date__gte=today, status="proposed")


def withdrawn_count(doctor: Doctor, mission_ids) -> int:
    """How many of these missions are now cancelled (after a pause)."""
    return doctor.missions.filter(pk__in=list(mission_ids), status="cancelled").count()


def blocking_missions_on(doctor: Doctor, day):
    return doctor.missions.filter(date=day, status__in=BLOCKING_MISSION_STATUSES)


def upcoming_availabilities(doctor: Doctor, today=None):
    """Coming dates, each with `held_by`: the site of the mission that holds it (proposed,
    accepted or confirmed), or None; such a date cannot be removed. None for a closed file
    (withdrawn, refused): its dates are offered to no one."""
    if doctor.is_closed:
        return doctor.availabilities.none()
    today = today or timezone.localdate()
    holding = doctor.missions.filter(
        date=OuterRef("date"), status__in=BLOCKING_MISSION_STATUSES
    ).values("site__name")[:1]
    return (
        doctor.availabilities.filter(date__gte=today)
        .annotate(held_by=Subquery(holding))
        .order_by("date")
    )


# --- Agents ---------------------------------------------------------------------------------


TO_DO = "a_traiter"  # the status filter « À traiter par vous »
# The files waiting for the doctor's answer to a « demande de complément » (not to do).
COMPLETION = "complement"
COMPLETION_LABEL = "Complément demandé (en attente du médecin)"


def to_do_label(role: str | None) -> str:
    """« à traiter par vous », or for the national steering, which reads the ARS's steps but
    takes none, « à traiter par les ARS »."""
    return "à traiter par les ARS" if role == Role.NATIONAL else "à traiter par vous"


def to_do_statuses(role: str | None) -> list[str]:
    """The statuses from which this role takes the next onboarding step (CDOM: files sent or
    acknowledged; CPAM: billing number, CPS card). The national steering and the admin
    follow the ARS's steps."""
    if role in (Role.NATIONAL, Role.ADMIN):
        role = Role.ARS_AGENT
    steps = list(ONBOARDING_STEPS)
    return sorted(
        {
            frm
            for (frm, to), roles in ONBOARDING_WORKFLOW.transitions.items()
            if role in roles and frm in steps and to in steps and steps.index(to) > steps.index(frm)
        },
        key=steps.index,
    )


def awaiting_agents(doctors):
    """Without the files waiting for the doctor's answer to a « demande de complément »."""
    return doctors.filter(completion_request="")


def agent_doctors(
    user,
    *,
    region: str = "",
    departement: str = "",
    status: str = "",
    zone: str = "",
    sector: str = "",
    q: str = "",
):
    doctors = Doctor.objects.confirmed().filter(**agent_scope(user))
    # A name (each word in the last or first name) or an RPPS. Lower case first: SQLite
    # compares only ASCII letters without case (« É » is not « é » there).
    for word in q.lower().split()[:5]:
        if word.isdigit():
            doctors = doctors.filter(rpps__startswith=word)
        else:
            doctors = doctors.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    if region:
        doctors = doctors.filter(departement__region_id=region)
    if departement:
        doctors = doctors.filter(departement_id=departement)
    if status == TO_DO:
        doctors = awaiting_agents(doctors.filter(status__in=to_do_statuses(user.role)))
    elif status == COMPLETION:
        doctors = doctors.exclude(completion_request="").exclude(
            status__in=(DoctorStatus.WITHDRAWN, DoctorStatus.REFUSED)
        )
    elif status:
        doctors = doctors.filter(status=status)
    if zone:
        doctors = doctors.filter(zones__pk=zone) if zone.isdigit() else doctors.none()
    if sector:
        doctors = doctors.filter(sector=sector)
    return doctors.order_by("departement_id", "last_name", "first_name", "pk")


def visiting_doctors(region_code: str, *, today=None) -> list[Doctor]:
    """Volunteers practising in another region with missions at the region's sites from this
    month on (drafts included: the region's own working papers). The region's ARS plans and
    follows them, though its list of volunteers (by practice) does not hold them."""
    from renfort.planning.models import HOLDING_STATUSES

    first = (today or timezone.localdate()).replace(day=1)
    return list(
        Doctor.objects.filter(
            missions__site__region_id=region_code,
            missions__date__gte=first,
            missions__status__in=HOLDING_STATUSES,
        )
        .exclude(departement__region_id=region_code)
        .select_related("practice_commune", "departement")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def without_territory_q() -> Q:
    """Volunteers who named no territory: zone mode without a zone, or no travel limit."""
    return Q(coverage_mode=CoverageMode.ZONES, zone_count=0) | Q(
        coverage_mode=CoverageMode.TRAVEL, max_travel_minutes__isnull=True
    )


@dataclass
class DepartementRow:
    code: str
    name: str
    volunteers: int = 0
    with_zones: int = 0
    with_travel: int = 0
    without_territory: int = 0
    plannable: int = 0
    by_status: dict = field(default_factory=dict)

    def _count(self, *statuses) -> int:
        return sum(self.by_status.get(s, 0) for s in statuses)

    @property
    def in_review(self) -> int:
        """Application sent, or received by the Ordre, activity not yet recorded."""
        return self._count(DoctorStatus.SUBMITTED, DoctorStatus.CDOM_NOTIFIED)

    @property
    def onboarding(self) -> int:
        """Activity recorded, billing number or CPS card on its way: plannable, not active."""
        return self._count(
            DoctorStatus.ACTIVITY_RECORDED,
            DoctorStatus.BILLING_NUMBER_RECORDED,
            DoctorStatus.CPS_ISSUED,
        )

    @property
    def active(self) -> int:
        return self._count(DoctorStatus.ACTIVE)

    @property
    def paused(self) -> int:
        return self._count(DoctorStatus.PAUSED)


def departement_table(doctors) -> tuple[list[DepartementRow], DepartementRow]:
    """Volunteers per département (like the Nouvelle-Aquitaine table of 27/08/2025): how many,
    how many chose zones, a travel radius, or no territory at all; how many can be planned.
    Only volunteers (submitted to active, or paused) are counted."""
    doctors = (
        doctors.filter(status__in=VOLUNTEER_STATUSES)
        .order_by()
        .annotate(zone_count=Count("zones", distinct=True))
        .values(
            "departement_id",
            "departement__name",
            "status",
            "coverage_mode",
            "max_travel_minutes",
            "zone_count",
        )
    )
    rows: dict[str, DepartementRow] = {}
    total = DepartementRow(code="", name="Total")
    for d in doctors:
        row = rows.setdefault(
            d["departement_id"], DepartementRow(d["departement_id"], d["departement__name"])
        )
        for target in (row, total):
            target.volunteers += 1
            target.by_status[d["status"]] = target.by_status.get(d["status"], 0) + 1
            if d["status"] in PLANNABLE_STATUSES:
                target.plannable += 1
            if d["coverage_mode"] == CoverageMode.ZONES and d["zone_count"]:
                target.with_zones += 1
            elif d["coverage_mode"] == CoverageMode.TRAVEL and d["max_travel_minutes"]:
                target.with_travel += 1
            else:
                target.without_territory += 1
    return [rows[k] for k in sorted(rows)], total


EXPORT_HEADERS = (
    "Nom",
    "Prénom",
    "RPPS",
    "Spécialité",
    "Secteur",
    "Commune d'exercice",
    "Département",
    "Statut",
    "Planifiable",
    "Territoire",
    "Jours par mois",
    "Hébergement souhaité",
    "Disponibilités à venir",
)


def coverage_label(doctor: Doctor, zone_names: list[str]) -> str:
    if doctor.coverage_mode == CoverageMode.TRAVEL:
        if doctor.max_travel_minutes:
            return f"Toute zone à moins de {doctor.max_travel_minutes} min"
        return "Sans territoire choisi"
    return ", ".join(zone_names) if zone_names else "Sans territoire choisi"


# What `doctor_table_rows` reads of a doctor (5,000 rows in a national export).
TABLE_FIELDS = (
    "last_name",
    "first_name",
    "rpps",
    "specialty",
    "sector",
    "practice_commune__name",
    "departement_id",
    "status",
    "completion_request",
    "coverage_mode",
    "max_travel_minutes",
    "max_days_per_month",
    "wants_housing",
)


def for_table(doctors):
    """Load and annotate only what `doctor_table_rows` needs (before paginating): the columns
    of the table, the commune's name and the count of coming availabilities (a subquery: no
    GROUP BY over every column)."""
    upcoming = (  # a closed file's (withdrawn, refused) count for nothing: none is planned
        Availability.objects.filter(doctor=OuterRef("pk"), date__gte=timezone.localdate())
        .exclude(doctor__status__in=(DoctorStatus.WITHDRAWN, DoctorStatus.REFUSED))
        .order_by()
        .values("doctor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        doctors.select_related("practice_commune")
        .only(*TABLE_FIELDS)
        .annotate(upcoming=Coalesce(Subquery(upcoming), 0))
    )


def zone_names(doctor_ids: list[int]) -> dict[int, list[str]]:
    """The names of the zones each doctor chose, in one query (a prefetch builds a queryset
    per doctor: 0.4 s for a national export)."""
    names = defaultdict(list)
    chosen = Doctor.zones.through.objects.filter(doctor_id__in=doctor_ids).order_by(
        "priorityzone__epci__name"
    )
    for doctor_id, name in chosen.values_list("doctor_id", "priorityzone__epci__name"):
        names[doctor_id].append(name)
    return names


def doctor_table_rows(doctors) -> list[list]:
    """The agent table, row by row: the page and the CSV/XLSX export use these same rows
    (no email, phone or address: agents open the detail page to contact a volunteer).
    `doctors` comes from `for_table`."""
    doctors = list(doctors)
    zones = zone_names([d.pk for d in doctors])
    return [
        [
            d.last_name,
            d.first_name,
            d.rpps,
            d.get_specialty_display(),
            d.get_sector_display(),
            d.practice_commune.name,
            d.departement_id,
            d.get_status_display() + (" — complément demandé" if d.completion_pending else ""),
            "Oui" if d.is_plannable else "Non",
            coverage_label(d, zones[d.pk]),
            d.max_days_per_month,
            "Oui" if d.wants_housing else "Non",
            d.upcoming,
        ]
        for d in doctors
    ]


def onboarding_timeline(doctor) -> list[dict]:
    """The onboarding steps with done / current / to come, for the DSFR stepper-like list."""
    reached = {  # the status changes only (a « demande de complément » keeps the status)
        h.to_status: h.created_at for h in doctor.history.all() if h.from_status != h.to_status
    }
    current = doctor.status
    position = ONBOARDING_STEPS.index(current) if current in ONBOARDING_STEPS else None
    steps = []
    for index, step in enumerate(ONBOARDING_STEPS):
        if position is not None:
            state = "done" if index < position else ("current" if index == position else "todo")
        else:
            state = "done" if step in reached else "todo"
        steps.append(
            {
                "status": step,
                "label": doctor.status_label_of(step),  # « Volontaire active » for a woman
                "state": state,
                "date": reached.get(step),
                "plannable_from_here": step == PLANNABLE_STATUSES[0],
            }
        )
    return steps
