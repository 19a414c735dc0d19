"""Reads of the territories' outlines (DepartementShape, EPCIShape): only the maps ask for them."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Max

from .models import PROGRAMME_ZONES, Commune, DepartementShape, EPCIShape
from .normalize import normalize_name


def _version(model) -> str:
    found = model.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return f"{found['n']}-{found['last'].isoformat() if found['last'] else ''}"


def departement_shapes_version() -> str:
    """Changes with every import of the territories (see renfort/core/cached_json.py)."""
    return _version(DepartementShape)


def epci_shapes_version() -> str:
    return _version(EPCIShape)


def departements_geojson() -> dict:
    """Outlines of the programme's départements as a GeoJSON FeatureCollection."""
    shapes = (
        DepartementShape.objects.filter(departement__zone__in=PROGRAMME_ZONES)
        .order_by("departement_id")
        .values_list("departement_id", "departement__name", "geometry")
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": geometry, "properties": {"code": code, "nom": name}}
            for code, name, geometry in shapes
        ],
    }


COMMUNE_MISSING = "Choisissez la commune dans la liste proposée (nom ou code postal)."


def commune_typed(text: str) -> Commune:
    """The commune a name or a postcode typed without picking a suggestion designates (a form
    with a commune autocompletion, sent without script, or with a name typed in full): the
    one of that exact name, or the only one of that postcode; else a French error naming the
    candidates."""
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(COMMUNE_MISSING)
    found = list(Commune.objects.in_programme().search(text, words=True)[:8])
    key = normalize_name(text)
    exact = [c for c in found if c.search_name == key]
    if len(exact) == 1 or (len(found) == 1 and (exact or any(ch.isdigit() for ch in text))):
        return (exact or found)[0]
    if not found:
        raise ValidationError(
            "Nous ne trouvons pas cette commune : vérifiez l'orthographe ou indiquez le code "
            "postal, puis choisissez-la dans la liste."
        )
    named = ", ".join(f"{c.name} ({c.main_postcode or c.departement_id})" for c in found[:5])
    if len(found) == 1:
        raise ValidationError(
            f"Vouliez-vous dire {named} ? Tapez le nom en entier ou choisissez la commune dans "
            "la liste."
        )
    raise ValidationError(
        f"Plusieurs communes correspondent ({named}) : précisez avec le code postal, par "
        f"exemple « {found[0].name} {found[0].main_postcode} », ou choisissez-la dans la liste."
    )
