"""REST API (django-ninja, OpenAPI at /api/docs). Endpoints only call services and selectors."""

import re
from datetime import date, datetime
from functools import partial
from typing import Annotated, Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.params.functions import Query as QueryParam
from ninja.responses import Status
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from renfort.booking import selectors as booking_selectors
from renfort.territories.models import Region
from renfort.territories.normalize import normalize_name
from renfort.zoning import selectors as zoning_selectors

from .errors import ERROR_RESPONSES, ErrorOut, french_responses, validation_error

api = NinjaAPI(
    title="API Renfort",
    version="1",
    description="Données publiques du dispositif « Un médecin près de chez vous ».",
    urls_namespace="api",
)
api.add_exception_handler(ValidationError, partial(validation_error, api=api))


class ZoneOut(Schema):
    model_config = ConfigDict(title="Zone prioritaire")

    siren: str = Field(title="SIREN", description="SIREN de l'EPCI (intercommunalité) de la zone.")
    nom: str = Field(title="Nom", description="Nom de l'EPCI.")
    region: str | None = Field(title="Région", description="Région de l'EPCI (vide si aucune).")
    population: int = Field(title="Population", description="Population municipale de l'EPCI.")
    categorie: str = Field(title="Catégorie", description="Catégorie de la zone.")
    fiabilite: str = Field(
        title="Fiabilité", description="Degré de fiabilité de l'information sur la zone."
    )
    source: str = Field(title="Source", description="Source publique de l'information.")


UNKNOWN_REGION = "Région inconnue : indiquez son code INSEE (par exemple 76 pour l'Occitanie)."
RegionParam = Annotated[
    str,
    QueryParam(
        "", title="Région", description="Code INSEE de la région (facultatif), par exemple 76."
    ),
]


@api.get(
    "/zones",
    tags=["zones"],
    summary="Zones prioritaires en vigueur",
    description="Les zones prioritaires (intercommunalités) du zonage en vigueur, par ordre "
    "alphabétique, avec leur population, leur catégorie, la fiabilité de l'information et sa "
    "source. Renfort ne connaît pas encore toutes les zones de la liste officielle. "
    "`region` (code INSEE de la région, par exemple 76 pour l'Occitanie) ne garde que les "
    "zones de cette région ; 404 si la région est inconnue.",
    response={200: list[ZoneOut], 404: ErrorOut},
    openapi_extra=french_responses(200, 404, list_title="Zones prioritaires"),
)
def list_zones(request, region: RegionParam = ""):
    zones = zoning_selectors.current_zones().select_related("epci__region")
    region = region.strip()[:3]
    if region:
        if not Region.objects.filter(pk=region).exists():
            return Status(404, {"detail": UNKNOWN_REGION})
        zones = zones.filter(epci__region_id=region)
    return Status(
        200,
        [
            ZoneOut(
                siren=z.epci_id,
                nom=z.epci.name,
                region=z.epci.region.name if z.epci.region else None,
                population=z.epci.population,
                categorie=z.get_category_display(),
                fiabilite=z.get_certainty_display(),
                source=z.source,
            )
            for z in sorted(
                zones, key=lambda z: normalize_name(z.epci.name)
            )  # French order: « CC de … » before « CC Val … »
        ],
    )


# --- Patient booking: public slot feed (no personal data) ------------------------------------


class SlotOut(Schema):
    model_config = ConfigDict(title="Créneau")

    id: int = Field(title="Identifiant", description="Identifiant du créneau.")
    debut: datetime = Field(
        title="Début",
        description="Début, à l'heure locale du lieu avec son décalage (ISO 8601 : "
        "« 2027-01-15T09:00:00+01:00 » en métropole, « …-04:00 » en Guadeloupe).",
    )
    fin: datetime = Field(title="Fin", description="Fin, à l'heure locale du lieu (ISO 8601).")
    reserve_prioritaire: bool = Field(
        title="Réservé aux patients prioritaires",
        description="Réservé aux patients sans médecin traitant ou en ALD jusqu'à 48 h avant.",
    )
    lien_reservation: str = Field(
        title="Lien de réservation", description="Adresse de la page où le patient réserve."
    )


class SiteSlotsOut(Schema):
    model_config = ConfigDict(title="Lieu et ses créneaux")

    lieu_id: int = Field(title="Identifiant du lieu", description="Identifiant du lieu d'accueil.")
    lieu: str = Field(title="Lieu", description="Nom du lieu d'accueil.")
    adresse: str = Field(title="Adresse", description="Adresse du lieu (voie).")
    code_postal: str = Field(title="Code postal", description="Code postal de la commune.")
    commune: str = Field(title="Commune", description="Commune du lieu.")
    distance_km: float = Field(
        title="Distance (km)", description="Distance à vol d'oiseau depuis la commune cherchée."
    )
    zone_prioritaire: str | None = Field(
        title="Zone prioritaire", description="Zone prioritaire du lieu (vide si hors zone)."
    )
    creneaux_disponibles: int = Field(
        title="Créneaux disponibles", description="Nombre de créneaux libres du lieu."
    )
    prochains_creneaux: list[SlotOut] = Field(
        title="Prochains créneaux", description="Les premiers créneaux libres, dans l'ordre."
    )


NO_LOCATION = "Indiquez une commune : paramètre commune (nom ou code postal) ou code_insee."
UNKNOWN_COMMUNE = "Commune introuvable : vérifiez le nom, le code postal ou le code INSEE."
AMBIGUOUS_COMMUNE = (
    "Plusieurs communes portent ce nom : précisez le code postal ou le code INSEE ({communes})."
)

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
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:  # 2026-02-30: the right format, a day that does not exist
            raise PydanticCustomError("date_nonexistent", "No such day") from None
    return value


def _period_value(value):
    """« Matin », « Après-midi », « apres-midi »: the case and accents of the words do not
    matter."""
    value = _blank_to_none(value)
    if not isinstance(value, str):
        return value
    value = value.strip().lower()
    return LEGACY_PERIODS.get(value, value)


CommuneParam = Annotated[
    str,
    QueryParam(
        "",
        title="Commune",
        description="Nom, code postal (ou, à défaut, code INSEE) de la commune.",
    ),
]
InseeParam = Annotated[
    str,
    QueryParam("", title="Code INSEE", description="Code INSEE (code officiel géographique)."),
]
DayParam = Annotated[
    date | None,
    BeforeValidator(_day_value),
    QueryParam(
        None,
        title="Jour",
        description="Jour (AAAA-MM-JJ) : aujourd'hui ou dans les "
        f"{booking_selectors.SEARCH_HORIZON_DAYS} jours qui viennent.",
    ),
]
PeriodParam = Annotated[
    Literal["matin", "apres-midi"] | None,
    BeforeValidator(_period_value),
    QueryParam(None, title="Demi-journée", description="`matin` (avant 13 h) ou `apres-midi`."),
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
    "Erreurs : 400 sans commune, avec un nom que portent plusieurs communes (le message donne "
    "leurs codes INSEE), ou avec une date passée ou au-delà de "
    f"{booking_selectors.SEARCH_HORIZON_DAYS} jours, 404 commune inconnue, 422 paramètre "
    "invalide (`detail` : liste de `champ` et `message`).",
    openapi_extra=french_responses(200, 400, 404, 422, list_title="Lieux et créneaux"),
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
    # A name several communes bear (« Saint-Denis »): the client says which, rather than get
    # the slots around one of them unawares. A postcode or a code INSEE is never ambiguous.
    others = [] if code_insee else booking_selectors.homonyms(origin, commune)
    if others and not booking_selectors.is_postcode(commune):
        named = ", ".join(
            f"{c.name} ({c.departement_id}) : code_insee={c.code_insee}"
            for c in [origin.commune, *others]
        )
        return Status(400, {"detail": AMBIGUOUS_COMMUNE.format(communes=named)})
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
                        debut=timezone.localtime(s.start, r.site.tz),
                        fin=timezone.localtime(s.end, r.site.tz),
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
