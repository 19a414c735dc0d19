"""REST API (django-ninja, OpenAPI at /api/docs). Endpoints only call services and selectors."""

from datetime import date, datetime
from typing import Literal

from django.urls import reverse
from ninja import NinjaAPI, Schema
from ninja.responses import Status

from renfort.booking import selectors as booking_selectors
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


# --- Patient booking: public slot feed (no personal data) ------------------------------------


class SlotOut(Schema):
    id: int
    debut: datetime
    fin: datetime
    reserve_prioritaire: bool
    lien_reservation: str


class SiteSlotsOut(Schema):
    lieu_id: int
    lieu: str
    adresse: str
    code_postal: str
    commune: str
    distance_km: float
    zone_prioritaire: str | None
    creneaux_disponibles: int
    prochains_creneaux: list[SlotOut]


@api.get(
    "/slots",
    response={200: list[SiteSlotsOut], 404: dict},
    tags=["rendez-vous"],
    summary="Créneaux disponibles près d'une commune",
    description="`commune` : nom ou code postal (ou `code_insee`). Les lieux les plus proches "
    "ayant des créneaux libres, ceux de la zone de la commune d'abord. `reserve_prioritaire` : "
    "créneau réservé aux patients sans médecin traitant ou en ALD jusqu'à 48 h avant.",
)
def list_slots(
    request,
    commune: str = "",
    code_insee: str = "",
    date: date | None = None,
    demi_journee: Literal["", "morning", "afternoon"] = "",
):
    origin = booking_selectors.origin_resolve(query=commune[:80], commune_code=code_insee[:5])
    if origin is None:
        return Status(404, {"detail": "Commune introuvable."})
    results = booking_selectors.slots_search(origin=origin, day=date, period=demi_journee)
    return Status(
        200,
        [
            SiteSlotsOut(
                lieu_id=r.site.pk,
                lieu=r.site.name,
                adresse=r.site.address,
                code_postal=r.site.commune.main_postcode,
                commune=r.site.commune.name,
                distance_km=round(r.distance_km, 1),
                zone_prioritaire=r.site.priority_zone.epci.name
                if r.site.priority_zone_id
                else None,
                creneaux_disponibles=r.slot_count,
                prochains_creneaux=[
                    SlotOut(
                        id=s.pk,
                        debut=s.start,
                        fin=s.end,
                        reserve_prioritaire=s.is_reserved_now(),
                        lien_reservation=request.build_absolute_uri(
                            reverse("booking:book", args=[s.pk])
                        ),
                    )
                    for s in r.slots
                ],
            )
            for r in results
        ],
    )
