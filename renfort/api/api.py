"""REST API (django-ninja, OpenAPI at /api/docs). Endpoints only call services and selectors."""

from ninja import NinjaAPI, Schema

from renfort.zoning import selectors as zoning_selectors

api = NinjaAPI(
    title="API Renfort",
    version="1",
    description="Données publiques du dispositif « Un médecin près de chez vous ».",
    urls_namespace="api",
)


class ZoneOut(Schema):
    siren: str
    nom: str
    region: str | None
    population: int
    categorie: str
    fiabilite: str
    source: str


@api.get("/zones", response=list[ZoneOut], tags=["zones"], summary="Zones prioritaires en vigueur")
def list_zones(request):
    return [
        ZoneOut(
            siren=z.epci_id,
            nom=z.epci.name,
            region=z.epci.region.name if z.epci.region else None,
            population=z.epci.population,
            categorie=z.get_category_display(),
            fiabilite=z.get_certainty_display(),
            source=z.source,
        )
        for z in zoning_selectors.current_zones().order_by("epci__name")
    ]
