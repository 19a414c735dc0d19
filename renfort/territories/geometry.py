"""Small GeoJSON helpers (no GIS dependency): coarse simplification for background outlines."""


def _simplify_ring(ring: list, ndigits: int) -> list | None:
    out: list[list[float]] = []
    for lon, lat, *_ in ring:
        point = [round(lon, ndigits), round(lat, ndigits)]
        if not out or out[-1] != point:
            out.append(point)
    if len(out) < 4:
        return None
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def simplify_geometry(geometry: dict, ndigits: int = 2) -> dict | None:
    """Round coordinates and drop repeated points. Good enough for a map background."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return None
    simplified = []
    for polygon in polygons:
        rings = [r for r in (_simplify_ring(ring, ndigits) for ring in polygon) if r]
        if rings:
            simplified.append(rings)
    if not simplified:
        return None
    if len(simplified) == 1:
        return {"type": "Polygon", "coordinates": simplified[0]}
    return {"type": "MultiPolygon", "coordinates": simplified}
