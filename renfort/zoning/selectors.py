"""Reads about the priority zones (active zoning), used by public pages, agents and other apps."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from renfort.territories.models import PROGRAMME_ZONES, Commune, Region

from .models import PriorityZone, Zoning


def active_zoning() -> Zoning | None:
    return Zoning.objects.filter(is_active=True).first()


def current_zones():
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
    zoning: Zoning | None
    regions: list[RegionZones]

    @property
    def known_count(self) -> int:
        return sum(r.known_count for r in self.regions)

    @property
    def population(self) -> int:
        return sum(r.population for r in self.regions)

    @property
    def expected_count(self) -> int | None:
        return self.zoning.expected_zone_count if self.zoning else None

    @property
    def is_partial(self) -> bool:
        return self.expected_count is not None and self.known_count < self.expected_count

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


def zoning_summary(region_code: str | None = None) -> ZoningSummary:
    """Known priority zones grouped by region (every programme region, even with none known)."""
    zoning = active_zoning()
    populations = region_populations()
    regions = Region.objects.in_programme().order_by("name")
    if region_code:
        regions = regions.filter(code=region_code)
    targets = {}
    if zoning:
        targets = {t.region_id: t.expected_zone_count for t in zoning.region_targets.all()}
    groups = {
        r.code: RegionZones(r, populations.get(r.code, 0), expected_count=targets.get(r.code))
        for r in regions
    }
    for zone in current_zones().order_by("epci__name"):
        group = groups.get(zone.epci.region_id)
        if group is not None:
            group.zones.append(zone)
    return ZoningSummary(zoning=zoning, regions=list(groups.values()))


def zone_counts_by_region() -> dict[str, int]:
    rows = current_zones().values("epci__region_id").annotate(n=Count("id"))
    return {row["epci__region_id"]: row["n"] for row in rows}


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


def zones_geojson() -> dict:
    """Contours of the current priority zones as a GeoJSON FeatureCollection."""
    features = []
    for zone in current_zones().filter(~Q(epci__geometry=None)):
        epci = zone.epci
        features.append(
            {
                "type": "Feature",
                "geometry": epci.geometry,
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
