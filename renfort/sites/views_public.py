"""Public pages of the sites app (no account): the map of host sites, its GeoJSON and a
site's page."""

from datetime import timedelta

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import conditional_page, require_safe

from renfort.booking.selectors import site_bookable_slots
from renfort.territories.models import Region
from renfort.zoning.selectors import current_zones

from . import selectors
from .models import Site, SiteKind


def _public_filters(request) -> tuple[dict, list[str]]:
    """The map's filters, and what was wrong with them: a region, zone or kind the lists never
    offer is left out (every site of the other filters is shown) and said, as the zones page
    does, rather than showing « 0 lieu » without a reason."""
    filters = {
        "region": request.GET.get("region", "")[:3],
        "epci": request.GET.get("epci", "")[:9],
        "kind": request.GET.get("kind", "")[:20],
    }
    known = {
        "region": lambda v: Region.objects.in_programme().filter(pk=v).exists(),
        "epci": lambda v: current_zones().filter(epci_id=v).exists(),
        "kind": lambda v: v in SiteKind.values,
    }
    said = {
        "region": "Région inconnue",
        "epci": "Zone prioritaire inconnue",
        "kind": "Type de lieu inconnu",
    }
    problems = []
    for name, value in filters.items():
        if value and not known[name](value):
            problems.append(f"{said[name]} « {value} » : ce filtre n'est pas appliqué.")
            filters[name] = ""
    return filters, problems


def public_map(request):
    filters, problems = _public_filters(request)
    for problem in problems:
        messages.warning(request, problem)
    region, epci, kind = filters["region"], filters["epci"], filters["kind"]
    sites = list(selectors.public_sites(region=region, epci=epci, kind=kind))
    needing = selectors.needing_volunteers_ids(sites)
    zones = current_zones()
    if region:
        zones = zones.filter(epci__region_id=region)
    query = request.GET.urlencode()
    return render(
        request,
        "sites/public_map.html",
        {
            "title": "Lieux d'accueil des médecins volontaires",
            "sites": sites,
            "needing": needing,
            "regions": Region.objects.in_programme().by_name(),
            "zones": zones.by_name(),
            "kinds": SiteKind.choices,
            "selected": {"region": region, "epci": epci, "kind": kind},
            "query": query,
        },
    )


@require_safe
@gzip_page
@conditional_page  # ETag of the body: a 304 when the visitor's copy is still the right one
@cache_control(public=True, no_cache=True)
def public_geojson(request):
    sites = list(selectors.public_sites(**_public_filters(request)[0]))
    needing = selectors.needing_volunteers_ids(sites)
    return JsonResponse(selectors.public_site_features(sites, needing))


def public_detail(request, pk: int):
    site = get_object_or_404(
        Site.objects.active().select_related("commune", "departement", "priority_zone__epci"),
        pk=pk,
    )
    today = timezone.localdate()
    return render(
        request,
        "sites/public_detail.html",
        {
            "title": site.name,
            "site": site,
            "needs_volunteers": bool(
                selectors.sites_needing_volunteers(queryset=Site.objects.filter(pk=site.pk))
            ),
            "open_days": selectors.site_open_days(site, today, today + timedelta(days=13)),
            # Patients book the solidarity consultations of the sites in priority zones.
            "bookable": site.priority_zone_id is not None
            and site_bookable_slots(site=site).exists(),
        },
    )
