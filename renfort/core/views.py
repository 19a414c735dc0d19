from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from renfort.accounts.models import Role
from renfort.zoning.selectors import zoning_summary

from .middleware import API_BAD_REQUEST, API_PREFIX, json_detail
from .navigation import nav_items


def home(request):
    summary = zoning_summary()
    return render(
        request,
        "core/home.html",
        {"title": "Accueil", "summary": summary},
    )


def sources(request):
    return render(request, "core/sources.html", {"title": "Sources des données"})


def legal(request):
    return render(
        request,
        "core/legal.html",
        {
            "title": "Mentions légales",
            "publisher": settings.RENFORT_PUBLISHER,
            "host": settings.RENFORT_HOST,
            "contact_email": settings.RENFORT_CONTACT_EMAIL,
            "demo": settings.RENFORT_DEMO,
        },
    )


def privacy(request):
    return render(
        request,
        "core/privacy.html",
        {
            "title": "Données personnelles",
            "publisher": settings.RENFORT_PUBLISHER,
            "dpo_email": settings.RENFORT_DPO_EMAIL,
        },
    )


# The site map (RGAA 12.1: a second way to find each page besides the menu), by audience.
SITEMAP_PUBLIC = (
    ("Accueil", "core:home"),
    ("Zones prioritaires par région", "zoning:list"),
    ("Carte des zones prioritaires", "zoning:map"),
    ("Ma commune est-elle en zone prioritaire ?", "zoning:search"),
    ("Lieux d'accueil : carte et liste", "sites:public_map"),
    ("Déclarer un lieu d'accueil", "sites:declare"),
    ("Prendre rendez-vous avec un médecin volontaire", "booking:search"),
    ("Retrouver mon rendez-vous (recevoir de nouveau son lien)", "booking:lost_link"),
    ("Devenir médecin volontaire", "doctors:signup"),
    ("API publique (documentation OpenAPI)", "api:openapi-view"),
)
# Public pages that a signed-in account opens only with one of these roles (the others are
# refused there: the map does not lead to a refusal).
SITEMAP_SIGNED_IN_ROLES = {
    "sites:declare": {Role.SITE_MANAGER, Role.ARS_AGENT, Role.ADMIN},
    "doctors:signup": set(),  # signing up a volunteer is done signed out
}
SITEMAP_ACCOUNT = (
    ("Se connecter", "accounts:login"),
    ("Mot de passe oublié", "accounts:password_reset"),
)
SITEMAP_SIGNED_IN = (
    ("Mon compte", "accounts:profile"),
    ("Changer mon mot de passe", "accounts:password_change"),
)
SITEMAP_INFORMATION = (
    ("Mentions légales", "core:legal"),
    ("Données personnelles", "core:privacy"),
    ("Données personnelles des patients (rendez-vous)", "booking:notice"),
    ("Sources des données", "core:sources"),
    ("Accessibilité", "core:accessibility"),
)


def _links(entries) -> list[dict]:
    found = []
    for label, name in entries:
        try:
            found.append({"label": label, "link": reverse(name)})
        except NoReverseMatch:  # an app not installed
            continue
    return found


def sitemap(request):
    user = request.user
    public = _links(
        (label, name)
        for label, name in SITEMAP_PUBLIC
        if not user.is_authenticated
        or name not in SITEMAP_SIGNED_IN_ROLES
        or user.role in SITEMAP_SIGNED_IN_ROLES[name]
    )
    shown = {item["link"] for item in public}
    signed_in = request.user.is_authenticated
    return render(
        request,
        "core/sitemap.html",
        {
            "title": "Plan du site",
            "public": public,
            # The signed-in user's own pages: the menu's entries of their role.
            "own": [i for i in nav_items(request) if i["link"] not in shown] if signed_in else [],
            "account": _links(SITEMAP_SIGNED_IN if signed_in else SITEMAP_ACCOUNT),
            "information": _links(SITEMAP_INFORMATION),
        },
    )


def accessibility(request):
    return render(
        request,
        "core/accessibility.html",
        {"title": "Accessibilité", "contact_email": settings.RENFORT_CONTACT_EMAIL},
    )


def bad_request(request, exception=None):
    """The « Requête invalide » page (400), a French JSON error under /api/. A BadRequest raised
    by a view carries a French reason meant for the reader; other causes (suspicious requests)
    are not described."""
    reason = str(exception) if isinstance(exception, BadRequest) else ""
    if request.path.startswith(API_PREFIX):  # a disallowed Host: the API answers JSON
        response = HttpResponseBadRequest()
        json_detail(response, reason or API_BAD_REQUEST)
        return response
    return render(request, "400.html", {"reason": reason}, status=400)
