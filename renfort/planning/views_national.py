"""The confirmation step of a national calculation (national steering): it replaces every
region's unpublished proposals, so the page lists them per region before the launch, and the
ARS agents of those regions are told once it is launched. The launch itself is views.run."""

from datetime import date

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse

from . import selectors, services


def _signature(regions: list[tuple[str, str, int]]) -> str:
    """What the confirmation page showed (« 75:3,76:12 »): a change meanwhile asks again."""
    return ",".join(f"{code}:{n}" for code, _, n in regions)


def confirmed(request, month: date) -> list[tuple[str, str, int]] | None:
    """The regions whose proposals will be replaced, as the confirmation page showed them and
    still are; None when the POST does not come from that page (or the figures changed)."""
    if request.POST.get("confirme") != "1":
        return None
    regions = selectors.unpublished_by_region(month)
    if request.POST.get("attendu", "") != _signature(regions):
        messages.warning(
            request,
            "Les propositions non publiées ont changé depuis votre demande (calcul ou action "
            "d'une ARS) : vérifiez les chiffres avant de confirmer.",
        )
        return None
    return regions


def confirmation(request, month: date, region: str):
    """What a national calculation will replace, and the button that launches it."""
    regions = selectors.unpublished_by_region(month)
    return render(
        request,
        "planning/run_confirm.html",
        {
            "title": "Lancer un calcul national",
            "month": month,
            "region": region,
            "regions": regions,
            "total": sum(n for _, _, n in regions),
            "expected": _signature(regions),
            "time_limit": request.POST.get("time_limit", "20")[:5],
            "back": reverse("planning:index") + f"?mois={month:%Y-%m}&region={region}",
        },
    )


def announce(run, regions: list[tuple[str, str, int]]) -> None:
    services.national_run_announce(run=run, regions=regions)
