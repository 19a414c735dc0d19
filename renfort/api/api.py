"""REST API (django-ninja, OpenAPI at /api/docs). Endpoints only call services and selectors."""

import re
from datetime import date, datetime
from functools import partial
from typing import Annotated, Literal

from django.urls import reverse
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.params.functions import Query as QueryParam
from ninja.responses import Status
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from renfort.booking import selectors as booking_selectors
from renfort.zoning import selectors as zoning_selectors

from .errors import ERROR_RESPONSES, validation_error

api = NinjaAPI(
    title="API Renfort",
    version="1",
    description="Données publiques du dispositif « Un médecin près de chez vous ».",
    urls_namespace="api",
)
api.add_exception_handler(ValidationError, partial(validation_error, api=api))


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


NO_LOCATION = "Indiquez une commune : paramètre commune (nom ou code postal) ou code_insee."
UNKNOWN_COMMUNE = "Commune introuvable : vérifiez le nom, le code postal ou le code INSEE."

# demi_journee: the French values are the documented ones; the English ones that the first
# version of the API took are still accepted. Blank means "no filter", as in the HTML form.
PERIODS = {"matin": "morning", "apres-midi": "afternoon"}
LEGACY_PERIODS = {"morning": "matin", "afternoon": "apres-midi", "après-midi": "apres-midi"}


def _blank_to_none(value):
    return None if isinstance(value, str) and not value.strip() else value


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_value(value):
    """Only a day written AAAA-MM-JJ: pydantic would also read a number (« 0 ») as a Unix
    timestamp (1970-01-01) or a date-time."""
    value = _blank_to_none(value)
    if isinstance(value, str) and not ISO_DAY.fullmatch(value.strip()):
        raise PydanticCustomError("date_parsing", "Invalid date")
    return value.strip() if isinstance(value, str) else value


def _period_value(value):
    value = _blank_to_none(value)
    return LEGACY_PERIODS.get(value, value) if isinstance(value, str) else value


CommuneParam = Annotated[
    str, QueryParam("", description="Nom, code postal (ou, à défaut, code INSEE) de la commune.")
]
InseeParam = Annotated[str, QueryParam("", description="Code INSEE (code officiel géographique).")]
DayParam = Annotated[
    date | None,
    BeforeValidator(_day_value),
    QueryParam(
        None,
        description="Jour (AAAA-MM-JJ) : aujourd'hui ou dans les "
        f"{booking_selectors.SEARCH_HORIZON_DAYS} jours qui viennent.",
    ),
]
PeriodParam = Annotated[
    Literal["matin", "apres-midi"] | None,
    BeforeValidator(_period_value),
    QueryParam(None, description="`matin` (avant 13 h) ou `apres-midi`."),
]


@api.get(
    "/slots",
    response={200: list[SiteSlotsOut], **ERROR_RESPONSES},
    tags=["rendez-vous"],
    summary="Créneaux disponibles près d'une commune",
    description="Les lieux les plus proches ayant des créneaux libres, ceux de la zone de la "
    "commune d'abord. `commune` ou `code_insee` est obligatoire ; `date` et `demi_journee` "
    "filtrent les créneaux.\n\n"
    "`reserve_prioritaire` : créneau réservé aux patients sans médecin traitant ou en ALD "
    "jusqu'à 48 h avant.\n\n"
    "Erreurs : 400 sans commune, ou avec une date passée ou au-delà de "
    f"{booking_selectors.SEARCH_HORIZON_DAYS} jours, 404 commune inconnue, 422 paramètre "
    "invalide (`detail` : liste de `champ` et `message`).",
)
def list_slots(
    request,
    commune: CommuneParam = "",
    code_insee: InseeParam = "",
    date: DayParam = None,
    demi_journee: PeriodParam = None,
):
    commune, code_insee = commune.strip()[:80], code_insee.strip()[:5]
    if not commune and not code_insee:
        return Status(400, {"detail": NO_LOCATION})
    day_error = booking_selectors.search_day_error(date)
    if day_error:
        return Status(400, {"detail": day_error})
    origin = booking_selectors.origin_resolve(query=commune, commune_code=code_insee)
    if origin is None:
        return Status(404, {"detail": UNKNOWN_COMMUNE})
    period = PERIODS.get(demi_journee, "")
    results = booking_selectors.slots_search(origin=origin, day=date, period=period)
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
