"""Reads of the booking app: public search, alternatives, day views (with permissions)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Min, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.accounts.permissions import has_role
from renfort.planning.models import Mission, MissionStatus
from renfort.sites.models import Site
from renfort.territories.models import Commune
from renfort.zoning.models import PriorityZone

from .models import (
    DEFAULT_RESERVED_SHARE,
    Appointment,
    BookingSettings,
    Slot,
)
from .permissions import can_manage_mission_day, can_view_site_day, doctor_of, sees_contact
from .slots import PARIS, haversine_km

SEARCH_HORIZON_DAYS = 60
MAX_SITES = 10
SLOTS_PER_SITE = 8


def reserved_share_for(site) -> int:
    row = BookingSettings.objects.filter(site=site).only("reserved_share").first()
    return row.reserved_share if row else DEFAULT_RESERVED_SHARE


@dataclass(frozen=True)
class Origin:
    """Where the patient searches from."""

    label: str
    latitude: float
    longitude: float
    zone_id: int | None
    commune: Commune | None = None


def zone_id_of(epci_id: str | None) -> int | None:
    """The current priority zone of an EPCI (its id only: no GeoJSON contour loaded)."""
    if not epci_id:
        return None
    return (
        PriorityZone.objects.current().filter(epci_id=epci_id).values_list("pk", flat=True).first()
    )


def _origin_of_commune(commune: Commune, label: str = "") -> Origin | None:
    if commune.latitude is None or commune.longitude is None:
        return None
    return Origin(
        label=label or commune.label,
        latitude=commune.latitude,
        longitude=commune.longitude,
        zone_id=zone_id_of(commune.epci_id),
        commune=commune,
    )


def nearest_commune(latitude: float, longitude: float) -> Commune | None:
    """The commune whose centre is nearest (bounding box first: no scan of 35,000 rows)."""
    for box in (0.15, 0.5, 2.0):
        candidates = list(
            Commune.objects.in_programme().filter(
                latitude__range=(latitude - box, latitude + box),
                longitude__range=(longitude - box * 1.5, longitude + box * 1.5),
            )
        )
        if candidates:
            return min(
                candidates,
                key=lambda c: haversine_km(latitude, longitude, c.latitude, c.longitude),
            )
    return None


def origin_resolve(
    *, query: str = "", commune_code: str = "", latitude=None, longitude=None
) -> Origin | None:
    """The search origin: the commune picked in the autocomplete, a typed name or postcode,
    or else the browser's position ("autour de moi")."""
    communes = Commune.objects.in_programme()
    if commune_code:
        commune = communes.filter(code_insee=commune_code).first()
        if commune:
            return _origin_of_commune(commune)
    query = (query or "").strip()
    if query:
        commune = communes.search(query).first()
        if commune is None:
            return None
        label = f"{query} ({commune.name})" if query.isdigit() else commune.label
        return _origin_of_commune(commune, label)
    if latitude is not None and longitude is not None:
        commune = nearest_commune(latitude, longitude)
        label = f"votre position (près de {commune.label})" if commune else "votre position"
        return Origin(label, latitude, longitude, zone_id_of(commune and commune.epci_id), commune)
    return None


@dataclass
class SiteResult:
    site: Site
    distance_km: float
    in_own_zone: bool
    slot_count: int
    next_start: datetime
    slots: list[Slot] = field(default_factory=list)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=PARIS)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS)


def bookable_slots(*, now=None, day: date | None = None, period: str = ""):
    """Available future slots of active sites in priority zones (reserved ones included: the
    booking form tells who may take them)."""
    now = now or timezone.now()
    slots = Slot.objects.available().filter(
        start__gt=now,
        start__lt=now + timedelta(days=SEARCH_HORIZON_DAYS),
        site__in=Site.objects.active().filter(priority_zone__isnull=False),
    )
    if day:
        first, last = local_day_bounds(day)
        slots = slots.filter(start__gte=first, start__lt=last)
    if period == "morning":
        slots = slots.filter(start__hour__lt=13)
    elif period == "afternoon":
        slots = slots.filter(start__hour__gte=13)
    return slots


def slots_search(
    *,
    origin: Origin,
    day: date | None = None,
    period: str = "",
    own_zone_first: bool = True,
    now=None,
    max_sites: int = MAX_SITES,
) -> list[SiteResult]:
    """The nearest sites with available slots, own zone first by default, with their next
    slots and the distance as the crow flies (km)."""
    slots = bookable_slots(now=now, day=day, period=period)
    per_site = {
        row["site_id"]: row
        for row in slots.values("site_id").annotate(n=Count("id"), first=Min("start"))
    }
    sites = (
        Site.objects.filter(pk__in=per_site)
        .select_related("commune", "priority_zone__epci")
        .defer("priority_zone__epci__geometry")
    )
    results = [
        SiteResult(
            site=site,
            distance_km=haversine_km(
                origin.latitude, origin.longitude, site.latitude, site.longitude
            ),
            in_own_zone=origin.zone_id is not None and site.priority_zone_id == origin.zone_id,
            slot_count=per_site[site.pk]["n"],
            next_start=per_site[site.pk]["first"],
        )
        for site in sites
        if site.latitude is not None and site.longitude is not None
    ]
    results.sort(key=lambda r: ((not r.in_own_zone) if own_zone_first else False, r.distance_km))
    results = results[:max_sites]
    by_site = {r.site.pk: r for r in results}
    # Only the first slots of each site (window function: no thousands of rows fetched).
    first_ones = (
        slots.filter(site_id__in=by_site)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("site_id")], order_by=[F("start"), F("pk")])
        )
        .filter(rank__lte=SLOTS_PER_SITE)
        .select_related("doctor")
        .order_by("start", "pk")
    )
    for slot in first_ones:
        by_site[slot.site_id].slots.append(slot)
    return results


def site_bookable_slots(*, site, now=None, day: date | None = None, period: str = ""):
    return (
        bookable_slots(now=now, day=day, period=period)
        .filter(site=site)
        .select_related("doctor")
        .order_by("start")
    )


def alternative_slots(*, site, now=None, exclude_mission_id=None, limit: int = 3) -> list[Slot]:
    """Next available slots at the same site, then in the same priority zone."""
    slots = bookable_slots(now=now).select_related("site__commune").order_by("start")
    if exclude_mission_id:
        slots = slots.exclude(mission_id=exclude_mission_id)
    found = list(slots.filter(site=site)[:limit])
    if len(found) < limit and site.priority_zone_id:
        others = slots.filter(site__priority_zone_id=site.priority_zone_id).exclude(site=site)
        found += list(others[: limit - len(found)])
    return found


def appointment_by_secret(secret: str) -> Appointment | None:
    if not secret or len(secret) > 64:
        return None
    return (
        Appointment.objects.select_related("site__commune", "doctor", "slot")
        .filter(secret=secret)
        .first()
    )


# --- Day views -------------------------------------------------------------------------------


@dataclass
class DoctorDay:
    mission: Mission
    appointments: list[Appointment]
    free_slots: int
    can_manage: bool


def day_missions(*, user, site, day: date) -> list[Mission] | None:
    """Missions of the day at the site visible to the user; None when the user may not see
    this site at all (the view answers 404)."""
    if not can_view_site_day(user, site):
        return None
    missions = Mission.objects.filter(
        site=site, date=day, status__in=[MissionStatus.CONFIRMED, MissionStatus.DONE]
    ).select_related("doctor", "site")
    doctor = doctor_of(user)
    if doctor is not None:
        missions = missions.filter(doctor=doctor)
        if not missions.exists():
            return None
    return list(missions)


def day_view(*, user, site, day: date) -> list[DoctorDay] | None:
    missions = day_missions(user=user, site=site, day=day)
    if missions is None:
        return None
    appointments = Appointment.objects.filter(mission__in=missions).order_by("start", "id")
    grouped: dict[int, list[Appointment]] = {m.pk: [] for m in missions}
    for appointment in appointments:
        grouped[appointment.mission_id].append(appointment)
    free = dict(
        Slot.objects.available()
        .filter(mission__in=missions)
        .values_list("mission_id")
        .annotate(n=Count("id"))
    )
    return [
        DoctorDay(
            mission=m,
            appointments=grouped[m.pk],
            free_slots=free.get(m.pk, 0),
            can_manage=can_manage_mission_day(user, m),
        )
        for m in missions
    ]


def contact_label(user, appointment) -> str:
    """What a list shows of the patient's contact: masked phone (or email), or nothing."""
    if not sees_contact(user, appointment.site):
        return ""
    if appointment.phone:
        return f"tél. {appointment.masked_phone}"
    return appointment.masked_email


def agenda_days(*, user, today: date | None = None, horizon_days: int = 60) -> list[Mission]:
    """Upcoming confirmed missions whose day view the user may open, with appointment counts."""
    today = today or timezone.localdate()
    missions = Mission.objects.filter(
        status__in=[MissionStatus.CONFIRMED, MissionStatus.DONE],
        date__gte=today,
        date__lte=today + timedelta(days=horizon_days),
    ).select_related("site", "doctor")
    doctor = doctor_of(user)
    if doctor is not None:
        missions = missions.filter(doctor=doctor)
    elif has_role(user, Role.SITE_MANAGER):
        missions = missions.filter(site__manager=user)
    elif has_role(user, Role.ARS_AGENT):
        missions = missions.filter(site__region_id=user.region_id)
    elif not has_role(user, Role.NATIONAL, Role.ADMIN):
        return []
    result = list(missions.order_by("date", "site__name")[:200])
    counts = dict(
        Appointment.objects.holding()
        .filter(mission__in=[m.pk for m in result])
        .values_list("mission_id")
        .annotate(n=Count("id"))
    )
    for mission in result:
        mission.appointment_count = counts.get(mission.pk, 0)
    return result


def nearest_sites(*, origin: Origin, limit: int = 3) -> list[tuple[Site, float]]:
    """Nearest active sites in priority zones, slots or not (to offer their waiting list)."""
    sites = (
        Site.objects.active()
        .filter(priority_zone__isnull=False, latitude__isnull=False, longitude__isnull=False)
        .select_related("commune")
    )
    ranked = sorted(
        (
            (site, haversine_km(origin.latitude, origin.longitude, site.latitude, site.longitude))
            for site in sites
        ),
        key=lambda pair: pair[1],
    )
    return ranked[:limit]
