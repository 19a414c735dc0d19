from django.http import JsonResponse
from django.views.decorators.http import require_safe

from renfort.core.cached_json import json_document_response
from renfort.zoning.selectors import current_zones

from . import selectors
from .models import Commune


@require_safe
def commune_autocomplete(request):
    """JSON list of communes (programme territories) for a name or postcode prefix."""
    query = request.GET.get("q", "")[:80]
    communes = list(Commune.objects.in_programme().search(query).select_related("departement")[:12])
    # The priority zone of each (its EPCI's name, "" outside): a form that needs one (the
    # declaration of a host site) says so as soon as the commune is picked.
    zones = dict(
        current_zones()
        .filter(epci_id__in={c.epci_id for c in communes if c.epci_id})
        .values_list("epci_id", "epci__name")
    )
    return JsonResponse(
        {
            "results": [
                {
                    "value": c.code_insee,
                    "label": f"{c.name} ({c.main_postcode or c.departement_id}) — "
                    f"{c.departement.name}",
                    "name": c.name,
                    "zone": zones.get(c.epci_id, ""),
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
