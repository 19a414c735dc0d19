from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from renfort.accounts.models import Role
from renfort.accounts.permissions import has_role, is_national, role_required
from renfort.core.cached_json import json_document_response
from renfort.core.forms import attach_errors, titled
from renfort.territories.models import Departement, Region

from . import selectors, services
from .forms import ZoneAddForm, ZoneRemoveForm
from .models import PriorityZone
from .permissions import can_manage_zones_of_region, can_see_zone_note


def zone_list(request):
    code = request.GET.get("region", "").strip()
    region = selectors.programme_region(code)
    region_error = None
    if code and region is None:
        region_error = (
            f"Aucune région ne correspond au code « {code[:10]} » : toutes les régions sont "
            "affichées."
        )
    summary = selectors.zoning_summary(region_code=region.code if region else None)
    return render(
        request,
        "zoning/list.html",
        {
            "title": f"Zones prioritaires — {region.name}" if region else "Zones prioritaires",
            "summary": summary,
            "regions": Region.objects.in_programme().by_name(),
            "selected_region": region.code if region else None,
            "region_error": region_error,
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
            "departements": Departement.objects.filter(
                code__in=zone.epci.departement_codes.split()
            ).order_by("code"),
            "show_note": can_see_zone_note(request.user, zone),
        },
    )


def zone_map(request):
    summary = selectors.zoning_summary()
    return render(request, "zoning/map.html", {"title": "Carte des zones", "summary": summary})


@require_safe
def zones_geojson(request):
    """The zones' outlines: built again when the zones change, revalidated at each visit."""
    return json_document_response(
        request,
        name="zones",
        version=selectors.zones_geojson_version(),
        build=selectors.zones_geojson,
        cache_control="public, no-cache",
    )


SEARCH_TITLE = "Ma commune est-elle en zone prioritaire ?"


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
    # The title says first that the search failed (RGAA 8.6, 11.10).
    title_error = ""
    if error:
        title_error = (
            "Erreur : "
            + ("aucune commune trouvée" if results is not None else "saisie trop courte")
            + " — "
        )
    return render(
        request,
        "zoning/search.html",
        {
            "title": f"{title_error}{SEARCH_TITLE}",
            "query": query,
            "results": results,
            "error": error,
            "summary": selectors.zoning_summary(),
        },
    )


def _manage_url(user, region: Region) -> str:
    """The management page of a region (ARS agents always land on their own region)."""
    url = reverse("zoning:manage")
    return url if has_role(user, Role.ARS_AGENT) else f"{url}?{urlencode({'region': region.code})}"


def _managed_region(user, code: str | None) -> Region | None:
    """The region whose zones the page shows: the ARS agent's own, or the one asked for."""
    if has_role(user, Role.ARS_AGENT):
        if code and code != user.region_id:  # a named region outside the agent's (CONVENTIONS)
            if not Region.objects.filter(pk=code[:3]).exists():
                raise BadRequest("Région inconnue : choisissez-la dans la liste.")
            raise PermissionDenied("Vous ne gérez que les zones prioritaires de votre région.")
        return get_object_or_404(Region, code=user.region_id)
    return selectors.programme_region(code)


def _manage_page(request, region: Region, add_form: ZoneAddForm | None = None):
    user = request.user
    can_edit = can_manage_zones_of_region(user, region.code)
    summary = selectors.zoning_summary(region_code=region.code)
    group = summary.regions[0] if summary.regions else None
    removed = PriorityZone.objects.filter(
        zoning__is_active=True, removed_at__isnull=False, epci__region=region
    ).select_related("epci")
    return render(
        request,
        "zoning/manage.html",
        {
            "title": titled(f"Zones prioritaires — {region.name}", add_form),
            "region": region,
            "group": group,
            "summary": summary,
            "site_counts": selectors.active_site_counts(group.zones) if group else {},
            "removed": removed,
            "can_edit": can_edit,
            "add_form": add_form or ZoneAddForm(region_code=region.code),
            "regions": (Region.objects.in_programme().by_name() if is_national(user) else None),
        },
    )


@role_required(Role.ARS_AGENT, Role.NATIONAL, Role.ADMIN)
def manage(request):
    """ARS agents manage the zones of their region; national steering can only look, and first
    chooses a region."""
    code = request.GET.get("region", "").strip()
    region = _managed_region(request.user, code)
    if region is None:
        return render(
            request,
            "zoning/manage_regions.html",
            {
                "title": "Zones prioritaires — choisir une région",
                "summary": selectors.zoning_summary(),
                "unknown_code": code[:10],
            },
        )
    return _manage_page(request, region)


@require_POST
@role_required(Role.ARS_AGENT, Role.ADMIN)
def add(request):
    region = _managed_region(request.user, request.POST.get("region"))
    if region is None:
        messages.error(request, "Choisissez la région de la zone à ajouter.")
        return redirect("zoning:manage")
    form = ZoneAddForm(request.POST, region_code=region.code)
    if form.is_valid():
        try:
            zone = services.priority_zone_add(
                actor=request.user,
                epci=form.cleaned_data["epci"],
                reason=form.cleaned_data["reason"],
                category=form.cleaned_data["category"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"{zone.epci.name} a été ajoutée aux zones prioritaires.")
            return redirect(_manage_url(request.user, region))
    return _manage_page(request, region, add_form=form)


@require_POST
@role_required(Role.ARS_AGENT, Role.ADMIN)
def remove(request, siren: str):
    """Remove a zone with a reason. A zone whose host sites are still active is not removed:
    the page lists those sites and says what to do first (see services.zone_removal_blocker)."""
    zone = get_object_or_404(
        PriorityZone.objects.current().select_related("epci__region"), epci_id=siren
    )
    if not can_manage_zones_of_region(request.user, zone.epci.region_id):
        raise PermissionDenied("Vous ne pouvez modifier que les zones de votre région.")
    back = _manage_url(request.user, zone.epci.region)
    active_sites = list(selectors.zone_active_sites(zone))
    if active_sites:
        return render(
            request,
            "zoning/remove_blocked.html",
            {
                "title": f"Retrait impossible pour l'instant — {zone.epci.name}",
                "zone": zone,
                "sites": active_sites,
                "back": back,
            },
        )
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
    return redirect(back)
