from django.conf import settings
from django.shortcuts import render

from renfort.zoning.selectors import zoning_summary


def home(request):
    summary = zoning_summary()
    return render(
        request,
        "core/home.html",
        {"title": "Accueil", "summary": summary},
    )


def sources(request):
    return render(request, "core/sources.html", {"title": "Sources des données"})


def accessibility(request):
    return render(
        request,
        "core/accessibility.html",
        {"title": "Accessibilité", "contact_email": settings.RENFORT_CONTACT_EMAIL},
    )
