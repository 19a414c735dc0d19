from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponseBadRequest
from django.shortcuts import render

from renfort.zoning.selectors import zoning_summary

from .middleware import API_BAD_REQUEST, API_PREFIX, json_detail


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
