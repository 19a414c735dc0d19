"""Browser tests: Playwright driving Debian's chromium against the live server."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_zones_map_shows_the_priority_zone_contours(page):
    page.goto("/zones/carte/")
    page.wait_for_function("document.getElementById('zones-map').dataset.zoneCount !== undefined")
    assert page.locator("#zones-map").get_attribute("data-zone-count") == "64"
    assert page.locator("path.leaflet-interactive").count() >= 64
    status = page.locator("#map-status").inner_text()
    assert status.startswith("64 zones prioritaires affichées, dont ") and "outre-mer" in status
    # The map's own controls speak French too.
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom avant"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("aria-label") == "Zoom arrière"
    attribution = page.locator(".leaflet-control-attribution a").first
    assert attribution.get_attribute("title") == "Bibliothèque JavaScript de cartes interactives"
    page.locator("path.leaflet-interactive").first.click(force=True)
    close = page.locator(".leaflet-popup-close-button")
    close.wait_for()
    assert close.get_attribute("aria-label") == "Fermer"


def test_commune_search_with_autocomplete(page):
    page.goto("/zones/recherche/")
    page.fill("#commune-search", "Lacau")
    option = page.get_by_role("option", name="Lacaune (81230) — Tarn")
    option.click()
    page.get_by_role("button", name="Rechercher").click()
    results = page.locator("#search-results")
    assert "CC du Haut-Languedoc" in results.inner_text()
    assert "zone prioritaire du dispositif" in results.inner_text()


def test_commune_search_unknown_input(page):
    page.goto("/zones/recherche/")
    page.fill("#commune-search", "Xyzvillé")
    page.get_by_role("button", name="Rechercher").click()
    assert "Aucune commune ne correspond" in page.locator("#search-error").inner_text()
