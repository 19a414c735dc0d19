"""Reads of the territories' outlines (DepartementShape, EPCIShape): only the maps ask for them."""

from .models import PROGRAMME_ZONES, DepartementShape


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
