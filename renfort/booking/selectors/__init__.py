"""Reads of the booking app: public search and alternatives (here), reference data in memory
and the patient's origin (`reference.py`), day views (`day.py`); both re-exported:
`selectors.origin_resolve(…)`, `selectors.day_view(…)`."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from renfort.doctors.models import Doctor
from renfort.sites.models import Site
from renfort.territories.timezones import OVERSEAS, departement_timezone
from renfort.zoning.models import PriorityZone

from ..models import (
    DEFAULT_RESERVED_SHARE,
    Appointment,
    AppointmentStatus,
    BookingSettings,
    CancelledBy,
    Slot,
    SlotStatus,
    priority_release_delta,
)
from ..slots import PARIS, haversine_km
from .reference import (  # noqa: F401 — re-exported: callers use `selectors.<name>`
    MAX_HOMONYMS,
    ORIGIN_CACHE_SIZE,
    REFERENCE_TTL,
    Origin,
    ReferenceCache,
    _origin_of_commune,
    _origin_resolve,
    homonyms,
    is_postcode,
    nearest_commune,
    origin_resolve,
    reference_cache,
    reference_cache_clear,
    zone_id_of,
)

SEARCH_HORIZON_DAYS = 60
MAX_SITES = 10
SLOTS_PER_SITE = 8
# Sites further than this (as the crow flies, ≈ 1 h 30 by road) are not offered: the programme
# serves the patients of the priority zones and their surroundings.
MAX_DISTANCE_KM = 100
# The first query reads the slots of the max_sites nearest sites and of EXTRA_SITES more; the
# next ones are read only when too few of them have free slots.
EXTRA_SITES = 2


def search_day_error(day: date | None, *, today: date | None = None) -> str | None:
    """Why a search date is refused (French), or None: slots are searched from today over the
    next SEARCH_HORIZON_DAYS days."""
    if day is None:
        return None
    today = today or timezone.localdate()
    if day < today:
        return "La date doit être aujourd'hui ou une date à venir."
    last = today + timedelta(days=SEARCH_HORIZON_DAYS)
    if day > last:
        return (
            f"Les créneaux sont ouverts sur les {SEARCH_HORIZON_DAYS} prochains jours : "
            f"choisissez une date jusqu'au {last:%d/%m/%Y}."
        )
    return None


def reserved_share_for(site) -> int:
    row = BookingSettings.objects.filter(site=site).only("reserved_share").first()
    return row.reserved_share if row else DEFAULT_RESERVED_SHARE


@dataclass(frozen=True, slots=True)
class SlotCard:
    """What a search result shows of a slot (no model instance: up to 80 per page)."""

    pk: int
    start: datetime
    end: datetime
    reserved_for_priority: bool
    doctor: str  # "Dr Prénom Nom", as Doctor.__str__

    def is_reserved_now(self, now=None) -> bool:
        return (
            self.reserved_for_priority
            and (now or timezone.now()) < self.start - priority_release_delta()
        )


@dataclass
class SiteResult:
    site: Site
    distance_km: float
    in_own_zone: bool
    slot_count: int
    next_start: datetime | None  # None: no free slot (sites_without_slots)
    reserved_count: int = 0  # of slot_count: reserved for priority patients for now
    slots: list[SlotCard] = field(default_factory=list)
    in_origin_commune: bool = False  # the site is in the commune searched from


def local_day_bounds(day: date, tz=PARIS) -> tuple[datetime, datetime]:
    """The day in the local time of a site (Paris unless overseas)."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def on_local_day(day: date) -> Q:
    """Slots starting on this date in their site's local time. An evening slot in the
    Antilles (19:00 there is midnight in Paris) is on its own date, not the next Paris one."""
    first, last = local_day_bounds(day)
    condition = ~Q(site__departement_id__in=list(OVERSEAS)) & Q(start__gte=first, start__lt=last)
    for code, tz in OVERSEAS.items():
        first, last = local_day_bounds(day, tz)
        condition |= Q(site__departement_id=code, start__gte=first, start__lt=last)
    return condition


def bookable_slots(
    *, now=None, day: date | None = None, period: str = "", active_sites: bool = True
):
    """Available future slots of active sites in priority zones (reserved ones included: the
    booking form tells who may take them). active_sites=False: the caller restricts the sites
    itself (slots_search)."""
    now = now or timezone.now()
    slots = Slot.objects.available().filter(
        start__gt=now, start__lt=now + timedelta(days=SEARCH_HORIZON_DAYS)
    )
    if active_sites:
        slots = slots.filter(site__in=Site.objects.active().filter(priority_zone__isnull=False))
    if day:
        slots = slots.filter(on_local_day(day))
    if period in ("morning", "afternoon"):
        slots = slots.filter(half=period)  # in the site's local time
    return slots


def search_sites() -> list[Site]:
    """Active sites in priority zones with coordinates: the candidates of every search (in
    memory, see ReferenceCache)."""
    return reference_cache.get(
        ("sites",),
        lambda: list(
            Site.objects.active()
            .filter(priority_zone__isnull=False, latitude__isnull=False, longitude__isnull=False)
            .select_related("commune", "priority_zone__epci")
        ),
    )


def zone_of(zone_id: int | None) -> PriorityZone | None:
    """The priority zone shown above the results (with its EPCI name, without its contour)."""
    if zone_id is None:
        return None
    return reference_cache.get(
        ("zone", zone_id),
        lambda: PriorityZone.objects.select_related("epci").filter(pk=zone_id).first(),
    )


def slots_search(
    *,
    origin: Origin,
    day: date | None = None,
    period: str = "",
    own_zone_first: bool = True,
    now=None,
    max_sites: int = MAX_SITES,
    one_read: bool = False,
) -> list[SiteResult]:
    """The nearest sites with available slots, own zone first by default, with their next
    slots and the distance as the crow flies (km).

    Sites are ranked in memory; their availability is always read live, usually in one query
    (the count and the first slots of each site, only the columns shown: _first_slots). When
    too few of the nearest sites have slots, the next ones are read in growing chunks;
    one_read=True reads all the sites in reach at once (next_slots)."""
    ranked = sorted(
        (
            (
                origin.zone_id is None or site.priority_zone_id != origin.zone_id,
                haversine_km(origin.latitude, origin.longitude, site.latitude, site.longitude),
                site,
            )
            for site in search_sites()
        ),
        key=lambda row: ((row[0] if own_zone_first else False), row[1]),
    )
    ranked = [row for row in ranked if not row[0] or row[1] <= MAX_DISTANCE_KM]
    now = now or timezone.now()
    results: list[SiteResult] = []
    position, size = 0, (len(ranked) if one_read else max_sites + EXTRA_SITES)
    while position < len(ranked) and len(results) < max_sites:
        chunk = ranked[position : position + size]
        position, size = position + size, 4 * size
        by_site: dict[int, list[SlotCard]] = {}
        counts: dict[int, int] = {}
        reserved_counts: dict[int, int] = {}
        for pk, site_id, start, end, reserved, first_name, last_name, n, r in _first_slots(
            [site for _, _, site in chunk], now=now, day=day, period=period
        ):
            by_site.setdefault(site_id, []).append(
                SlotCard(pk, start, end, reserved, f"Dr {first_name} {last_name}")
            )
            counts[site_id], reserved_counts[site_id] = n, r
        for other_zone, distance, site in chunk:
            if site.pk in by_site:
                results.append(
                    SiteResult(
                        site=site,
                        distance_km=distance,
                        in_own_zone=not other_zone,
                        slot_count=counts[site.pk],
                        reserved_count=reserved_counts[site.pk],
                        next_start=by_site[site.pk][0].start,
                        slots=by_site[site.pk],
                        in_origin_commune=origin.commune is not None
                        and site.commune_id == origin.commune.pk,
                    )
                )
    return results[:max_sites]


WITHOUT_SLOTS_SITES = 3


def zone_site_count(zone_id: int | None) -> int:
    """How many sites of the zone patients can search (in memory: no query)."""
    return sum(1 for site in search_sites() if site.priority_zone_id == zone_id)


def sites_without_slots(
    *, origin: Origin, results: list[SiteResult], max_sites: int = MAX_SITES
) -> list[SiteResult]:
    """The sites of the patient's zone or commune that a search found without a free slot,
    nearest first (their waiting list is offered: without them a patient whose own site is
    full could not reach it). Known only when the search read every site in reach, that is
    when it found fewer than max_sites; no query."""
    if len(results) >= max_sites:
        return []
    found = {result.site.pk for result in results}
    commune = origin.commune.pk if origin.commune is not None else None
    rows = []
    for site in search_sites():
        own_zone = origin.zone_id is not None and site.priority_zone_id == origin.zone_id
        if site.pk in found or not (own_zone or site.commune_id == commune):
            continue
        distance = haversine_km(origin.latitude, origin.longitude, site.latitude, site.longitude)
        rows.append(
            SiteResult(
                site=site,
                distance_km=distance,
                in_own_zone=own_zone,
                slot_count=0,
                next_start=None,
                in_origin_commune=site.commune_id == commune,
            )
        )
    return sorted(rows, key=lambda row: row.distance_km)[:WITHOUT_SLOTS_SITES]


NEXT_SLOTS_SITES = 3


def next_slots(
    *, origin: Origin, own_zone_first: bool = True, now=None, max_sites: int = NEXT_SLOTS_SITES
) -> list[SiteResult]:
    """What a search filtered by date or half-day that found nothing offers instead: the
    nearest sites (in the search's order) with slots on any date, each with its next slots.
    One query over all the sites in reach: it is run only after the filtered search, which
    found nothing and so has already read them all."""
    return slots_search(
        origin=origin, own_zone_first=own_zone_first, now=now, max_sites=max_sites, one_read=True
    )


def _first_slots(sites: list[Site], *, now, day, period):
    """(pk, site_id, start, end, reserved, doctor first name, last name, free count, count
    of those still reserved for priority patients) of the first SLOTS_PER_SITE available slots
    of each site, in start order.

    PostgreSQL: one LATERAL join that reads the slot index (site, status, start) site by site
    (≈ 1 ms instead of ≈ 3 ms for the window functions). Other databases: window functions."""
    if connection.vendor == "postgresql":
        return _first_slots_lateral(sites, now=now, day=day, period=period)
    return _first_slots_window([site.pk for site in sites], now=now, day=day, period=period)


def _release(now):
    """Reserved slots starting after this moment are still reserved for priority patients."""
    return now + priority_release_delta()


def _first_slots_window(site_ids: list[int], *, now, day, period):
    return (
        bookable_slots(now=now, day=day, period=period, active_sites=False)
        .filter(site_id__in=site_ids)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("site_id")], order_by=[F("start"), F("pk")]),
            n=Window(Count("pk"), partition_by=[F("site_id")]),
            reserved=Window(
                Count("pk", filter=Q(reserved_for_priority=True, start__gt=_release(now))),
                partition_by=[F("site_id")],
            ),
        )
        .filter(rank__lte=SLOTS_PER_SITE)
        .order_by("start", "pk")
        .values_list(
            "pk",
            "site_id",
            "start",
            "end",
            "reserved_for_priority",
            "doctor__first_name",
            "doctor__last_name",
            "n",
            "reserved",
        )
    )


def _first_slots_lateral(sites: list[Site], *, now, day, period):
    """The same rows as _first_slots_window (same filters as bookable_slots), PostgreSQL only."""
    where = ["b.status = %(available)s", "b.start > %(now)s", "b.start < %(until)s"]
    params = {
        "sites": [site.pk for site in sites],
        "available": SlotStatus.AVAILABLE,
        "now": now,
        "until": now + timedelta(days=SEARCH_HORIZON_DAYS),
        "per_site": SLOTS_PER_SITE,
        "release": _release(now),
    }
    source = "unnest(%(sites)s::bigint[]) AS s(site_id)"
    if day:  # the date in each site's local time: bounds per site
        bounds = [local_day_bounds(day, departement_timezone(s.departement_id)) for s in sites]
        params["first"] = [first for first, _ in bounds]
        params["last"] = [last for _, last in bounds]
        where += ["b.start >= s.first", "b.start < s.last"]
        source = (
            "unnest(%(sites)s::bigint[], %(first)s::timestamptz[], %(last)s::timestamptz[])"
            " AS s(site_id, first, last)"
        )
    if period in ("morning", "afternoon"):
        params["half"] = period
        where.append("b.half = %(half)s")
    condition = " AND ".join(where)
    sql = f"""
        SELECT x.id, s.site_id, x.start, x."end", x.reserved_for_priority,
               d.first_name, d.last_name, c.n, c.reserved
        FROM {source}
        CROSS JOIN LATERAL (
            SELECT count(*) AS n,
                   count(*) FILTER (WHERE b.reserved_for_priority AND b.start > %(release)s)
                       AS reserved
            FROM {Slot._meta.db_table} b
            WHERE b.site_id = s.site_id AND {condition}) c
        CROSS JOIN LATERAL (
            SELECT b.id, b.start, b."end", b.reserved_for_priority, b.doctor_id
            FROM {Slot._meta.db_table} b
            WHERE b.site_id = s.site_id AND {condition}
            ORDER BY b.start, b.id LIMIT %(per_site)s) x
        JOIN {Doctor._meta.db_table} d ON d.id = x.doctor_id
        ORDER BY x.start, x.id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def site_bookable_slots(*, site, now=None, day: date | None = None, period: str = ""):
    return (
        bookable_slots(now=now, day=day, period=period)
        .filter(site=site)
        .select_related("doctor")
        .order_by("start")
    )


def next_open_slot(*, slot, is_priority: bool, now=None) -> Slot | None:
    """The next slot at the same site that this patient may book (reserved ones only for a
    patient without médecin traitant or in ALD), else the first one before it: what the
    booking form offers instead of a reserved slot refused."""
    slots = (
        site_bookable_slots(site=slot.site, now=now)
        .open_to(is_priority=is_priority, now=now)
        .exclude(pk=slot.pk)
        .order_by("start", "pk")
    )
    return slots.filter(start__gte=slot.start).first() or slots.first()


def other_open_slots(*, slot, is_priority: bool, now=None, limit: int = 5) -> list[Slot]:
    """Free slots of the same site that this patient may book, the nearest after the one
    chosen first (then the latest before it): what the booking form offers when the chosen
    slot was taken meanwhile, the typed details kept. Read only after that refusal."""
    slots = (
        site_bookable_slots(site=slot.site, now=now)
        .open_to(is_priority=is_priority, now=now)
        .exclude(pk=slot.pk)
    )
    after = list(slots.filter(start__gte=slot.start).order_by("start", "pk")[:limit])
    if len(after) < limit:
        before = slots.filter(start__lt=slot.start).order_by("-start", "-pk")
        after = list(reversed(before[: limit - len(after)])) + after
    return after


# The missions being cancelled together (a volunteer's withdrawal): their slots are never
# offered as alternatives to the patients of the first ones, since they go a moment later.
_missions_leaving: ContextVar[frozenset] = ContextVar("missions_leaving", default=frozenset())


@contextmanager
def missions_leaving(mission_ids):
    """Within the block, alternative_slots leaves out the slots of these missions."""
    token = _missions_leaving.set(frozenset(mission_ids))
    try:
        yield
    finally:
        _missions_leaving.reset(token)


def alternative_slots(
    *,
    site,
    now=None,
    exclude_mission_id=None,
    limit: int = 3,
    is_priority: bool = True,
    around=None,
    avoid=frozenset(),
    exclude_ids=(),
    rounds: int = 1,
) -> list[Slot]:
    """Available slots at the same site or elsewhere in its priority zone that the patient may
    book (reserved ones only for a patient without médecin traitant or in ALD). The slots in
    `avoid` (ids already offered to other patients of the same cancelled day) come only when
    there are not enough others; those in `exclude_ids` never (the slot just freed).
    `rounds`: the choice for the n-th patient of a cancelled day, the n − 1 before having been
    offered theirs first (as the emails of that day spread them: the page of each link agrees).

    Without `around`: the first ones by date (the same site first on a given day), so a slot
    in the zone next week comes before one at the same site next month. With `around` (the
    start of a cancelled appointment): the days nearest to it, one slot per day, so that the
    patient gets choices close to the date they had planned rather than three slots of the
    same morning a month earlier."""
    slots = (
        bookable_slots(now=now)
        .open_to(is_priority=is_priority, now=now)
        .select_related("site__commune")
        .order_by("start")
    )
    if exclude_mission_id:
        slots = slots.exclude(mission_id=exclude_mission_id)
    if exclude_ids:
        slots = slots.exclude(pk__in=exclude_ids)
    if _missions_leaving.get():
        slots = slots.exclude(mission_id__in=_missions_leaving.get())
    # Enough slots read for the patients told before this one (`rounds`) and those `avoid`s.
    reach = min(300, limit * rounds + len(avoid))
    in_zone = Q(site=site)
    if site.priority_zone_id:
        in_zone |= Q(site__priority_zone_id=site.priority_zone_id)
    if around is None:
        found = _earliest_in_zone(slots, site, reach)
    else:  # the fortnight around the planned date, else the first ones
        window = slots.filter(
            in_zone, start__gte=around - timedelta(days=14), start__lte=around + timedelta(days=14)
        )
        found = list(window[:300]) or _earliest_in_zone(slots, site, reach)
    day = {s.pk: timezone.localtime(s.start, s.site.tz).date() for s in found}
    target = timezone.localtime(around, site.tz).date() if around is not None else None
    avoid, picked = set(avoid), []
    for _ in range(rounds):  # each earlier round: what a patient before this one was offered
        picked = _alternatives_pick(found, day, site, target, avoid=avoid, limit=limit)
        avoid.update(slot.pk for slot in picked)
    return picked


def _alternatives_pick(found, day, site, target, *, avoid, limit: int) -> list[Slot]:
    """alternative_slots' choice among the slots read (see there), those in `avoid` last."""
    if target is None:
        found = sorted(
            found, key=lambda s: (s.pk in avoid, day[s.pk], s.site_id != site.pk, s.start)
        )
        return sorted(found[:limit], key=lambda s: s.start)
    found = sorted(
        found,
        key=lambda s: (
            s.pk in avoid,
            abs((day[s.pk] - target).days),
            s.site_id != site.pk,
            s.start,
        ),
    )
    chosen, days = [], set()
    for slot in found:  # one per day first, then fill up
        if day[slot.pk] not in days:
            chosen.append(slot)
            days.add(day[slot.pk])
    chosen += [s for s in found if s not in chosen]
    return sorted(chosen[:limit], key=lambda s: s.start)


def rank_in_cancelled_day(appointment) -> int:
    """Among the patients told of their day's cancellation by Renfort (a mission cancelled or
    its hours changed), in the order they were told (services.slots), this one's rank (0 for
    any other cancellation)."""
    if appointment.cancelled_by != CancelledBy.SYSTEM or appointment.mission_id is None:
        return 0
    told = (
        Appointment.objects.filter(
            mission_id=appointment.mission_id,
            status=AppointmentStatus.CANCELLED,
            cancelled_by=CancelledBy.SYSTEM,
        )
        .exclude(phone="", email="")
        .order_by("start", "pk")
        .values_list("pk", flat=True)
    )
    ranks = list(told)
    return ranks.index(appointment.pk) if appointment.pk in ranks else 0


def _earliest_in_zone(slots, site, limit: int) -> list[Slot]:
    found = list(slots.filter(site=site)[:limit])
    if site.priority_zone_id:
        others = slots.filter(site__priority_zone_id=site.priority_zone_id).exclude(site=site)
        found += list(others[:limit])
    return found


def appointment_by_secret(secret: str) -> Appointment | None:
    if not secret or len(secret) > 64:
        return None
    return (
        Appointment.objects.select_related("site__commune", "doctor", "slot")
        .filter(secret=secret)
        .first()
    )


def nearest_sites(*, origin: Origin, limit: int = 3) -> list[tuple[Site, float]]:
    """Nearest active sites in priority zones within MAX_DISTANCE_KM, slots or not (to offer
    their waiting list)."""
    sites = search_sites()
    ranked = sorted(
        (
            (site, haversine_km(origin.latitude, origin.longitude, site.latitude, site.longitude))
            for site in sites
        ),
        key=lambda pair: pair[1],
    )
    return [pair for pair in ranked if pair[1] <= MAX_DISTANCE_KM][:limit]


# The day views, read as `selectors.day_view(…)` like the rest.
from .day import (  # noqa: E402, F401
    DoctorDay,
    agenda_days,
    day_missions,
    day_view,
)
