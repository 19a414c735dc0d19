from django.http import JsonResponse
from django.views.decorators.http import require_safe

from renfort.core.cached_json import json_document_response

from . import selectors
from .models import Commune


@require_safe
def commune_autocomplete(request):
    """JSON list of communes (programme territories) for a name or postcode prefix."""
    query = request.GET.get("q", "")[:80]
    communes = Commune.objects.in_programme().search(query).select_related("departement")[:12]
    return JsonResponse(
        {
            "results": [
                {
                    "value": c.code_insee,
                    "label": f"{c.name} ({c.main_postcode or c.departement_id}) — "
                    f"{c.departement.name}",
                }
                for c in communes
            ]
        }
    )


@require_safe
def departements_geojson(request):
    """Read by every map page (~1 MB, ~0.3 MB compressed): built once per import and process."""
    return json_document_response(
        request,
        name="departements",
        version=selectors.departement_shapes_version(),
        build=selectors.departements_geojson,
        cache_control="public, max-age=86400",
    )
