"""Browser tests: Playwright driving Debian's chromium against the live server."""

import pytest

from renfort.sites.models import Site
from tests.browser_login import browser_login
from tests.confirmation import confirmation_path
from tests.factories import UserFactory

from .factories import SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_site_manager_declares_a_site(page):
    page.goto("/lieux/declarer/")
    page.fill("#id_name", "Maison de santé (fictive) du Navigateur")
    page.select_option("#id_kind", "msp")
    page.fill("#id_address", "1 place du Test")
    page.fill("#id_commune_label", "Lacau")
    page.get_by_role("option", name="Lacaune (81230) — Tarn").click()
    # Eligibility is said at once, before the rest of the form is filled in.
    notice = page.locator("#commune-zone")
    said = notice.inner_text().replace("\u00a0", " ").replace("\u202f", " ")
    assert said == "Lacaune est dans la zone prioritaire « CC du Haut-Languedoc »."
    page.fill("#id_commune_label", "Albi")
    page.get_by_role("option", name="Albi (81000) — Tarn").click()
    assert notice.inner_text().startswith("Albi n'est pas dans une zone prioritaire en vigueur")
    page.fill("#id_commune_label", "Lacau")
    assert notice.is_hidden()  # typing again: the former commune's notice is gone
    page.get_by_role("option", name="Lacaune (81230) — Tarn").click()
    page.fill("#id_rooms", "2")
    page.fill("#id_contact_name", "Dominique Exemple")
    page.fill("#id_phone", "05 63 37 00 00")
    page.fill("#id_email", "msp@lieu.test.renfort.example")
    page.click("label[for='id_has_dmp_software']")
    page.fill("#id_software_name", "Logiciel (fictif)")
    page.click("label[for='id_horaires-d0_morning']")
    page.click("label[for='id_horaires-d3_afternoon']")
    page.fill("#id_manager_first_name", "Sam")
    page.fill("#id_manager_last_name", "Gestion")
    page.fill("#id_manager_email", "sam@test.renfort.example")
    page.fill("#id_password1", "Un-mot-de-passe-solide-42")
    page.fill("#id_password2", "Un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Déclarer le lieu").click()
    assert "Consultez votre messagerie" in page.locator("#confirmation-sent").inner_text()
    assert Site.objects.get().status == "unconfirmed"
    page.goto(confirmation_path("sam@test.renfort.example"))
    page.get_by_role("button", name="Confirmer mon adresse").click()
    assert "Votre déclaration a été envoyée" in page.locator(".fr-alert--success").inner_text()
    site = Site.objects.get()
    assert site.commune_id == "81124" and site.status == "proposed"
    assert site.weekly_openings.count() == 2 and site.manager.email == "sam@test.renfort.example"


def test_site_appears_on_public_map_after_ars_validation(page):
    site = SiteFactory(proposed=True, in_landes=True, name="Cabinet (fictif) de Labouheyre")
    UserFactory(ars=True, email="ars@test.renfort.example")
    page.goto("/lieux/")
    page.wait_for_function("document.getElementById('sites-map').dataset.siteCount !== undefined")
    assert page.locator("#sites-map").get_attribute("data-site-count") == "0"

    page.goto("/compte/connexion/")
    page.fill("#id_username", "ars@test.renfort.example")
    page.fill("#id_password", "mot-de-passe-test")
    page.locator("form").get_by_role("button", name="Se connecter").click()
    page.goto(f"/lieux/region/{site.pk}/")
    page.get_by_role("button", name="Valider").click()
    page.get_by_role("button", name="Activer (ouvrir aux volontaires)").click()
    assert "est maintenant : Actif" in page.locator(".fr-alert--success").inner_text()

    page.goto("/lieux/")
    page.wait_for_function("document.getElementById('sites-map').dataset.siteCount !== undefined")
    assert page.locator("#sites-map").get_attribute("data-site-count") == "1"
    assert page.locator("path.leaflet-interactive").count() >= 1
    assert "Cabinet (fictif) de Labouheyre" in page.locator("#sites-table").inner_text()


def test_the_weekly_opening_table_fits_a_phone(page, live_server):
    site = SiteFactory()
    browser_login(page, live_server, site.manager)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/lieux/gestion/{site.pk}/ouverture/")
    # Nothing to scroll sideways: the last time field of the afternoon is on screen.
    for box in ("#weekly-pattern", "#weekly-pattern > table"):
        assert page.locator(box).evaluate("e => e.scrollWidth <= e.clientWidth + 1"), box
    last = page.locator("#weekly-pattern input[type=time]").last.bounding_box()
    assert last is not None and last["x"] + last["width"] <= 390


def test_the_closure_reason_field_fits_a_phone(page, live_server):
    """The reason field of « Fermer définitivement », inside its <details>, stays within the
    column at 390 px (it was 32 px wider: the page scrolled sideways)."""
    site = SiteFactory(in_landes=True)  # active, in the ARS agent's Nouvelle-Aquitaine
    browser_login(page, live_server, UserFactory(ars=True))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/lieux/region/{site.pk}/")
    page.locator(f"#close-{site.pk} summary").click()
    field = page.locator(f"#close-{site.pk} textarea").bounding_box()
    assert field is not None and field["x"] + field["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
