"""Reads of the territories' outlines (DepartementShape, EPCIShape): only the maps ask for them."""

from django.db.models import Count, Max

from .models import PROGRAMME_ZONES, DepartementShape, EPCIShape


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
