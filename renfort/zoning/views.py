from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from renfort.accounts.models import Role
from renfort.accounts.permissions import (
    can_manage_zones_of_region,
    has_role,
    is_national,
    role_required,
)
from renfort.territories.models import Region

from . import selectors, services
from .forms import ZoneAddForm, ZoneRemoveForm
from .models import PriorityZone


def zone_list(request):
    region_code = request.GET.get("region") or None
    summary = selectors.zoning_summary(region_code=region_code)
    return render(
        request,
        "zoning/list.html",
        {
            "title": "Zones prioritaires",
            "summary": summary,
            "regions": Region.objects.in_programme().order_by("name"),
            "selected_region": region_code,
        },
    )


def zone_detail(request, siren: str):
    zone = get_object_or_404(selectors.current_zones(), epci_id=siren)
    communes = zone.epci.communes.order_by("-population")
    return render(
        request,
        "zoning/detail.html",
        {
            "title": zone.epci.name,
            "zone": zone,
            "communes": communes,
            "changes": zone.changes.select_related("actor"),
        },
    )


def zone_map(request):
    summary = selectors.zoning_summary()
    return render(request, "zoning/map.html", {"title": "Carte des zones", "summary": summary})


@require_GET
def zones_geojson(request):
    return JsonResponse(selectors.zones_geojson())


def commune_search(request):
    query = request.GET.get("q", "").strip()[:80]
    results = None
    error = None
    if "q" in request.GET:
        if len(query) < 2:
            error = "Saisissez au moins deux caractères : un nom de commune ou un code postal."
        else:
            results = selectors.commune_zone_lookup(
                query, limit=20, code_insee=request.GET.get("commune", "")[:5]
            )
            if not results:
                error = (
                    f"Aucune commune ne correspond à « {query} ». Vérifiez l'orthographe ou "
                    "saisissez le code postal à 5 chiffres."
                )
    return render(
        request,
        "zoning/search.html",
        {
            "title": "Ma commune est-elle en zone prioritaire ?",
            "query": query,
            "results": results,
            "error": error,
            "summary": selectors.zoning_summary(),
        },
    )


@role_required(Role.ARS_AGENT, Role.NATIONAL, Role.ADMIN)
def manage(request):
    """ARS agents manage the zones of their region; national steering can only look."""
    user = request.user
    region_code = user.region_id if has_role(user, Role.ARS_AGENT) else request.GET.get("region")
    if region_code is None and is_national(user):
        region_code = "75"
    region = get_object_or_404(Region, code=region_code)
    can_edit = can_manage_zones_of_region(user, region.code)
    summary = selectors.zoning_summary(region_code=region.code)
    removed = PriorityZone.objects.filter(
        zoning__is_active=True, removed_at__isnull=False, epci__region=region
    ).select_related("epci")
    return render(
        request,
        "zoning/manage.html",
        {
            "title": f"Zones prioritaires — {region.name}",
            "region": region,
            "group": summary.regions[0] if summary.regions else None,
            "summary": summary,
            "removed": removed,
            "can_edit": can_edit,
            "add_form": ZoneAddForm(region_code=region.code),
            "remove_form": ZoneRemoveForm(),
            "regions": Region.objects.in_programme() if is_national(user) else None,
        },
    )


@require_POST
@role_required(Role.ARS_AGENT, Role.ADMIN)
def add(request):
    region_code = request.user.region_id or request.POST.get("region")
    form = ZoneAddForm(request.POST, region_code=region_code)
    if form.is_valid():
        try:
            zone = services.priority_zone_add(
                actor=request.user,
                epci=form.cleaned_data["epci"],
                reason=form.cleaned_data["reason"],
                category=form.cleaned_data["category"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            raise exc
        else:
            messages.success(request, f"{zone.epci.name} a été ajoutée aux zones prioritaires.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("zoning:manage")


@require_POST
@role_required(Role.ARS_AGENT, Role.ADMIN)
def remove(request, siren: str):
    zone = get_object_or_404(PriorityZone.objects.current(), epci_id=siren)
    if not can_manage_zones_of_region(request.user, zone.epci.region_id):
        raise PermissionDenied("Vous ne pouvez modifier que les zones de votre région.")
    form = ZoneRemoveForm(request.POST)
    if form.is_valid():
        try:
            services.priority_zone_remove(
                actor=request.user, zone=zone, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{zone.epci.name} a été retirée des zones prioritaires.")
    else:
        messages.error(request, "Indiquez le motif du retrait (au moins 5 caractères).")
    return redirect("zoning:manage")
