"""Reads about host sites: opening days (for the planning), public lists, agent lists."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch
from django.utils import timezone

from renfort.core.templatetags.french import night
from renfort.zoning.selectors import current_zones

from . import opening
from .models import HousingKind, OpeningException, Site, SiteKind, SiteStatus, WeeklyOpening
from .permissions import agent_scope

NEEDS_VOLUNTEERS_HORIZON_DAYS = 30


def with_opening(queryset):
    return queryset.prefetch_related("weekly_openings", "opening_exceptions")


def site_open_periods(site: Site, day: date) -> set[str]:
    """Half-days ("morning", "afternoon") when the site receives volunteers on that date."""
    return opening.open_periods(site.opening_rules(), day)


def site_open_days(site: Site, start: date, end: date) -> dict[date, opening.OpenDay]:
    """Each open date from start to end (inclusive): its half-days, hours and rooms."""
    return opening.open_days(site.opening_rules(), start, end, rooms=site.rooms)


def site_hours_on(site: Site, day: date) -> dict[str, tuple]:
    """The site's opening hours on that date, by half-day it opens ({} when it is closed):
    weekly hours, or 9:00–12:30 / 14:00–18:00 on an extra opening without weekly hours."""
    open_day = site_open_days(site, day, day).get(day)
    return dict(open_day.hours) if open_day else {}


def site_closed_reason(site: Site, day: date, period: str) -> str:
    """Why the site does not open on that date for a mission of `period` ("full", "morning",
    "afternoon"), in French; "" when it does (weekly days, public holidays, exceptions)."""
    return opening.closed_reason(site.opening_rules(), day, opening.half_days(period))


# Published missions that still hold the site: a change never removes what they stand on.
PLANNED_STATUSES = ("proposed", "accepted", "confirmed")


def planned_missions(site: Site, *, start: date | None = None, end: date | None = None):
    """Published missions still to come at the site (proposed, accepted or confirmed), from
    `start` (today at the earliest) to `end`, by date."""
    from renfort.planning.models import Mission

    today = timezone.localdate()
    missions = Mission.objects.filter(
        site=site, date__gte=max(start or today, today), status__in=PLANNED_STATUSES
    )
    if end is not None:
        missions = missions.filter(date__lte=end)
    return missions.select_related("doctor").order_by("date", "pk")


def missions_on_removed_half_days(
    site: Site, removed: Callable[[date], set[str]], *, start=None, end=None
) -> list:
    """The planned missions standing on a half-day that a change takes away: `removed(day)`
    gives the half-days ("morning", "afternoon") the change closes on that date."""
    return [
        m
        for m in planned_missions(site, start=start, end=end)
        if removed(m.date) & opening.half_days(m.period)
    ]


def missions_during_closure(site: Site, start: date, end: date, period: str) -> list:
    """Planned missions that a closure from start to end (whole day, morning or afternoon)
    would fall on: they must be cancelled first (the doctor and the booked patients are then
    told)."""
    closed = opening.half_days(period)
    return missions_on_removed_half_days(site, lambda day: closed, start=start, end=end)


def missions_losing_opening(site: Site, rules: opening.OpeningRules) -> list:
    """Planned missions on a half-day the site opens today and would no longer open under
    `rules` (new weekly pattern, public holidays no longer open, extra opening deleted)."""
    current = site.opening_rules()
    return missions_on_removed_half_days(
        site, lambda day: opening.open_periods(current, day) - opening.open_periods(rules, day)
    )


@dataclass(frozen=True)
class Overload:
    """A date (and half-day, for rooms) where the planned missions need more than a capacity."""

    day: date
    half: str  # "morning", "afternoon", or "" for a night (beds)
    missions: tuple

    @property
    def when(self) -> str:
        """« le 12/03/2026 au matin », « le 12/03/2026 l'après-midi », « la nuit du 11 au 12
        mars » (for a bed: the night before the mission's day, as the emails say)."""
        if not self.half:
            return night(self.day)
        half = "au matin" if self.half == opening.MORNING else "l'après-midi"
        return f"le {self.day:%d/%m/%Y} {half}"


def room_overloads(site: Site, rooms: int) -> list[Overload]:
    """The half-days where more planned missions (published, to come) stand than `rooms`."""
    by_half = defaultdict(list)
    for mission in planned_missions(site):
        for half in sorted(opening.half_days(mission.period), key=opening.PERIODS.index):
            by_half[(mission.date, half)].append(mission)
    return [Overload(d, h, tuple(ms)) for (d, h), ms in by_half.items() if len(ms) > rooms]


# Missions whose bed is (or is about to be) reserved: the doctor accepted, the ARS confirms.
HOUSED_STATUSES = ("accepted", "confirmed")


def bed_overloads(site: Site, beds: int) -> list[Overload]:
    """The nights where more accepted or confirmed missions asking for housing stand than
    `beds` (0: no housing)."""
    by_night = defaultdict(list)
    for mission in planned_missions(site).filter(needs_housing=True, status__in=HOUSED_STATUSES):
        by_night[mission.date].append(mission)
    return [Overload(d, "", tuple(ms)) for d, ms in by_night.items() if len(ms) > beds]


def housing_beds(site: Site) -> int:
    """Beds offered to volunteers staying several days (0 without housing)."""
    return 0 if site.housing == HousingKind.NONE else site.housing_beds


def sites_needing_volunteers(*, today: date | None = None, queryset=None) -> list[Site]:
    """Active sites that ask for volunteers (`volunteers_needed`) and open at least one
    half-day in the coming 30 days. The planning will refine this with missions already
    planned (a site is then covered when every open half-day has its volunteer)."""
    queryset = queryset if queryset is not None else Site.objects.all()
    sites = list(queryset.active().filter(volunteers_needed=True))
    needing = needing_volunteers_ids(sites, today=today)
    return [s for s in sites if s.pk in needing]


def needing_volunteers_ids(sites, *, today: date | None = None) -> set[int]:
    """The ids of the sites needing volunteers among `sites`, active sites (a list): their
    opening rules are read at once, as tuples, with the exceptions of the coming 30 days only,
    and each site is looked at until its first open date (453 sites on the national map)."""
    today = today or timezone.localdate()
    end = today + timedelta(days=NEEDS_VOLUNTEERS_HORIZON_DAYS)
    candidates = {s.pk: s for s in sites if s.volunteers_needed}
    weekly = defaultdict(list)
    for site_id, *slot in WeeklyOpening.objects.filter(site_id__in=candidates).values_list(
        "site_id", "weekday", "period", "start_time", "end_time"
    ):
        weekly[site_id].append(opening.WeeklySlot(*slot))
    exceptions = defaultdict(list)
    for site_id, start, last, period, kind in OpeningException.objects.filter(
        site_id__in=candidates, start_date__lte=end, end_date__gte=today
    ).values_list("site_id", "start_date", "end_date", "period", "kind"):
        exceptions[site_id].append(
            opening.DateRule(start, last, period, kind == OpeningException.Kind.OPEN)
        )
    return {
        pk
        for pk, site in candidates.items()
        if opening.opens_between(
            opening.OpeningRules(
                weekly=tuple(weekly[pk]),
                exceptions=tuple(exceptions[pk]),
                departement_code=site.departement_id,
                open_on_public_holidays=site.open_on_public_holidays,
            ),
            today,
            end,
        )
    }


# What the public list and map show of a site (its commune, its zone's name).
PUBLIC_FIELDS = (
    "name",
    "kind",
    "kind_label",
    "address",
    "latitude",
    "longitude",
    "volunteers_needed",
    "departement",
    "open_on_public_holidays",
    "commune__name",
    "commune__postcodes",
    "priority_zone__epci__name",
)


def public_sites(*, region: str = "", epci: str = "", kind: str = ""):
    """Active sites only, filtered as on the public map, with what the map and the list show."""
    sites = (
        Site.objects.active().select_related("commune", "priority_zone__epci").only(*PUBLIC_FIELDS)
    )
    if region:
        sites = sites.filter(region_id=region)
    if epci:
        sites = sites.filter(epci_id=epci)
    if kind:
        sites = sites.filter(kind=kind)
    return sites.order_by("region__name", "commune__name", "name")


def public_site_features(sites, needing_ids: set[int]) -> dict:
    """GeoJSON points of the public sites (commune coordinates)."""
    features = []
    for site in sites:
        if site.latitude is None or site.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [site.longitude, site.latitude]},
                "properties": {
                    "id": site.pk,
                    "nom": site.name,
                    "type": site.kind_display,
                    "adresse": f"{site.address}, {site.commune.main_postcode} {site.commune.name}",
                    "besoin": site.pk in needing_ids,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def agent_sites(
    user,
    *,
    status: str = "",
    kind: str = "",
    region: str = "",
    departement: str = "",
    epci: str = "",
):
    sites = Site.objects.declared().filter(**agent_scope(user))
    if region:
        sites = sites.filter(region_id=region)
    if status:
        sites = sites.filter(status=status)
    if kind:
        sites = sites.filter(kind=kind)
    if departement:
        sites = sites.filter(departement_id=departement)
    if epci:
        sites = sites.filter(epci_id=epci)
    return sites.order_by("departement_id", "commune__name", "name")


def kind_counts(sites) -> list[tuple[str, int]]:
    """[(label, count)] in the order of SiteKind, non-zero only (« 14 maisons de santé… »)."""
    rows = dict(sites.order_by().values_list("kind").annotate(n=Count("id")))
    return [(label, rows[value]) for value, label in SiteKind.choices if rows.get(value)]


KIND_PLURALS = {
    SiteKind.MSP: ("maison de santé", "maisons de santé"),
    SiteKind.HEALTH_CENTRE: ("centre de santé", "centres de santé"),
    SiteKind.PRACTICE: ("cabinet", "cabinets"),
    SiteKind.EHPAD: ("EHPAD", "EHPAD"),
    SiteKind.HOSPITAL_PREMISES: (
        "local d'établissement de santé",
        "locaux d'établissement de santé",
    ),
    SiteKind.FRANCE_SERVICES: ("Maison France Services", "Maisons France Services"),
    SiteKind.OTHER: ("autre lieu", "autres lieux"),
}


def kind_summary(sites) -> str:
    rows = dict(sites.order_by().values_list("kind").annotate(n=Count("id")))
    parts = []
    for value, _label in SiteKind.choices:
        n = rows.get(value)
        if n:
            singular, plural = KIND_PLURALS[value]
            parts.append(f"{n} {singular if n == 1 else plural}")
    if not parts:
        return "Aucun lieu d'accueil."
    return ", ".join(parts[:-1]) + (" et " if len(parts) > 1 else "") + parts[-1] + "."


def zones_without_active_site(*, region: str | None = None, departement: str | None = None):
    """Current priority zones of the territory where no site is active yet."""
    zones = current_zones()
    if region:
        zones = zones.filter(epci__region_id=region)
    if departement:
        zones = zones.filter(epci__departement_codes__contains=departement)
    covered = Site.objects.active().exclude(priority_zone=None).values("priority_zone_id")
    return zones.exclude(pk__in=covered).by_name()


EXPORT_HEADERS = (
    "Nom",
    "Type",
    "FINESS",
    "Commune",
    "Département",
    "Zone prioritaire",
    "Statut",
    "Salles",
    "Lits",
)  # no contact details: the site page gives them to the agents who need them


# What `site_table_rows` and the agents' list read of a site.
TABLE_FIELDS = (
    "name",
    "kind",
    "kind_label",
    "finess",
    "commune__name",
    "departement_id",
    "priority_zone__epci__name",
    "status",
    "rooms",
    "housing",
    "housing_beds",
)


def for_table(sites):
    """Only what the agents' table shows (before paginating): its columns, the commune's name,
    the zone's EPCI name."""
    return sites.select_related("commune", "priority_zone__epci").only(*TABLE_FIELDS)


def site_table_rows(sites) -> list[list]:
    """The agent table, row by row: the page and the CSV/XLSX export use these same rows.
    `sites` comes from `for_table`."""
    return [
        [
            s.name,
            s.kind_display,
            s.finess,
            s.commune.name,
            s.departement_id,
            s.priority_zone.epci.name if s.priority_zone_id else "Hors zone",
            s.get_status_display(),
            s.rooms,
            housing_beds(s),
        ]
        for s in sites
    ]


def site_messages(site: Site, *, limit: int = 20):
    """The latest messages of the site's manager to the ARS, newest first."""
    return site.messages.select_related("author").order_by("-created_at", "-id")[:limit]


def manager_sites(user):
    return with_opening(
        Site.objects.managed_by(user).select_related(
            "commune", "region", "priority_zone__epci", "manager"
        )
    ).prefetch_related(Prefetch("history"))


__all__ = [
    "SiteStatus",
    "site_open_periods",
    "site_open_days",
    "housing_beds",
    "sites_needing_volunteers",
]


def ars_agents(region_code: str):
    """The active ARS agents of a region: they receive the sites' news and messages."""
    from renfort.accounts.models import Role, User

    return User.objects.filter(role=Role.ARS_AGENT, region_id=region_code, is_active=True)
