from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

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
@cache_control(max_age=86400, public=True)
def departements_geojson(request):
    return JsonResponse(selectors.departements_geojson())
