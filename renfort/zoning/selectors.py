"""Reads about the priority zones (active zoning), used by public pages, agents and other apps."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Sum

from renfort.territories.models import PROGRAMME_ZONES, Commune, Region
from renfort.territories.selectors import epci_shapes_version

from .models import PriorityZone, Zoning


def active_zoning() -> Zoning | None:
    return Zoning.objects.filter(is_active=True).first()


def current_zones():
    """The zones in force with their EPCI, region, département and zoning (the contours are
    apart, in EPCIShape: `zones_geojson` reads them)."""
    return PriorityZone.objects.current().select_related(
        "epci", "epci__region", "epci__departement", "zoning"
    )


def zone_for_epci(epci_siren: str | None) -> PriorityZone | None:
    if not epci_siren:
        return None
    return current_zones().filter(epci_id=epci_siren).first()


@dataclass
class RegionZones:
    region: Region
    region_population: int
    zones: list[PriorityZone] = field(default_factory=list)
    expected_count: int | None = None

    @property
    def population(self) -> int:
        return sum(z.epci.population for z in self.zones)

    @property
    def share(self) -> float:
        return 100 * self.population / self.region_population if self.region_population else 0.0

    @property
    def known_count(self) -> int:
        return len(self.zones)


@dataclass
class ZoningSummary:
    """Known zones by region: every programme region, or the one region of `region_code`."""

    zoning: Zoning | None
    regions: list[RegionZones]
    region_code: str | None = None
    # Current zones of the whole country (differs from known_count when filtered to a region).
    national_known_count: int | None = None

    @property
    def is_filtered(self) -> bool:
        return self.region_code is not None

    @property
    def region(self) -> Region | None:
        return self.regions[0].region if self.is_filtered and self.regions else None

    @property
    def known_count(self) -> int:
        return sum(r.known_count for r in self.regions)

    @property
    def population(self) -> int:
        return sum(r.population for r in self.regions)

    @property
    def national_expected_count(self) -> int | None:
        return self.zoning.expected_zone_count if self.zoning else None

    @property
    def expected_count(self) -> int | None:
        """Zones announced for what is shown: the country, or the filtered region (None when the
        region's count was not announced)."""
        if self.is_filtered:
            return self.regions[0].expected_count if self.regions else None
        return self.national_expected_count

    @property
    def is_partial(self) -> bool:
        if self.expected_count is not None:
            return self.known_count < self.expected_count
        # A region without an announced count: partial as long as the national list is.
        national = self.national_expected_count
        known = self.national_known_count
        return self.is_filtered and None not in (national, known) and known < national

    @property
    def programme_population(self) -> int:
        return sum(r.region_population for r in self.regions)


def region_populations() -> dict[str, int]:
    rows = (
        Commune.objects.filter(zone__in=PROGRAMME_ZONES)
        .values("departement__region_id")
        .annotate(total=Sum("population"))
    )
    return {row["departement__region_id"]: row["total"] for row in rows}


def programme_region(code: str | None) -> Region | None:
    """The programme region of an INSEE code (from a URL), None when there is none."""
    if not code:
        return None
    return Region.objects.in_programme().filter(code=code[:3]).first()


def zoning_summary(region_code: str | None = None) -> ZoningSummary:
    """Known priority zones grouped by region (every programme region, even with none known);
    with `region_code`, only that region, and the announced count is the region's."""
    zoning = active_zoning()
    populations = region_populations()
    regions = Region.objects.in_programme()
    national_known = None
    if region_code:
        regions = regions.filter(code=region_code)
        national_known = current_zones().count()
    regions = regions.by_name()
    targets = {}
    if zoning:
        targets = {t.region_id: t.expected_zone_count for t in zoning.region_targets.all()}
    groups = {
        r.code: RegionZones(r, populations.get(r.code, 0), expected_count=targets.get(r.code))
        for r in regions
    }
    zones = current_zones()
    if region_code:
        zones = zones.for_region(region_code)
    for zone in zones.by_name():
        group = groups.get(zone.epci.region_id)
        if group is not None:
            group.zones.append(zone)
    return ZoningSummary(
        zoning=zoning,
        regions=list(groups.values()),
        region_code=region_code or None,
        national_known_count=national_known,
    )


def zone_counts_by_region() -> dict[str, int]:
    rows = current_zones().values("epci__region_id").annotate(n=Count("id"))
    return {row["epci__region_id"]: row["n"] for row in rows}


def _sites_in_service():
    """Host sites open to volunteers or about to be (validated by the ARS)."""
    from renfort.sites.models import Site, SiteStatus  # sites imports zoning: no module cycle

    return Site.objects.filter(status__in=[SiteStatus.ACTIVE, SiteStatus.VALIDATED])


def zone_active_sites(zone: PriorityZone):
    """Active or validated host sites of a zone: removing the zone would leave them attached to
    a zone that no public page shows any more."""
    return _sites_in_service().filter(priority_zone=zone).select_related("commune").order_by("name")


def active_site_counts(zones) -> dict[int, int]:
    """Number of active or validated host sites of each zone (zone id → count)."""
    rows = (
        _sites_in_service()
        .filter(priority_zone__in=zones)
        .values("priority_zone_id")
        .annotate(n=Count("id"))
    )
    return {row["priority_zone_id"]: row["n"] for row in rows}


def commune_zone_lookup(query: str, limit: int = 10, code_insee: str = "") -> list[dict]:
    """Communes matching a name or postcode (or the exact commune picked in the autocomplete),
    each with its EPCI and priority zone if any."""
    base = Commune.objects.in_programme().select_related("epci", "departement")
    communes = list(base.filter(code_insee=code_insee)) if code_insee else []
    if not communes:
        communes = list(base.search(query)[:limit])
    zones = {
        z.epci_id: z
        for z in current_zones().filter(epci_id__in=[c.epci_id for c in communes if c.epci_id])
    }
    return [{"commune": c, "zone": zones.get(c.epci_id)} for c in communes]


def zones_geojson_version() -> str:
    """Changes when a zone of the active zoning is added, removed or edited (services save
    `updated_at`), when another zoning becomes active and when the territories are imported
    again (see renfort/core/cached_json.py)."""
    found = PriorityZone.objects.filter(zoning__is_active=True).aggregate(
        zoning=Max("zoning_id"), n=Count("pk"), removed=Count("removed_at"), last=Max("updated_at")
    )
    last = found["last"].isoformat() if found["last"] else ""
    return f"{found['zoning']}-{found['n']}-{found['removed']}-{last}-{epci_shapes_version()}"


def zones_geojson() -> dict:
    """Contours of the current priority zones as a GeoJSON FeatureCollection."""
    features = []
    zones = PriorityZone.objects.current().select_related("epci__region", "epci__shape")
    for zone in zones.filter(epci__shape__isnull=False):
        epci = zone.epci
        features.append(
            {
                "type": "Feature",
                "geometry": epci.shape.geometry,
                "properties": {
                    "siren": epci.siren,
                    "nom": epci.name,
                    "region": epci.region.name if epci.region else "",
                    "population": epci.population,
                    "categorie": zone.get_category_display(),
                    "fiabilite": zone.get_certainty_display(),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
