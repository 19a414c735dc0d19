"""Browser test: the full sign-up as a new volunteer would do it (Playwright + chromium)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from renfort.doctors.models import Doctor
from renfort.zoning.selectors import zone_for_epci
from tests.browser_login import browser_login
from tests.confirmation import confirmation_path
from tests.factories import commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_volunteer_signs_up(page):
    zone = zone_for_epci(commune("81124").epci_id)  # CC du Haut-Languedoc (Occitanie)
    day = timezone.localdate() + timedelta(days=14)
    page.goto("/medecins/inscription/")
    page.select_option("#id_civility", "m")
    page.fill("#id_first_name", "Sacha")
    page.fill("#id_last_name", "Navigateur-Fictif")
    page.fill("#id_email", "sacha@test.renfort.example")
    page.fill("#id_phone", "06 12 34 56 78")
    page.fill("#id_password1", "Un-mot-de-passe-solide-42")
    page.fill("#id_password2", "Un-mot-de-passe-solide-42")
    page.fill("#id_rpps", "18888000009")
    page.select_option("#id_sector", "secteur_1")
    page.select_option("#id_practice_status", "retired")
    page.fill("#id_practice_address", "3 rue du Cabinet (fictif)")
    page.fill("#id_commune_label", "Albi")
    page.get_by_role("option", name="Albi (81000) — Tarn").click()
    assert "CDOM Tarn" in page.locator("#cdom-hint").inner_text()
    page.click("label[for='id_coverage_mode_0']")  # chosen zones
    page.locator("summary", has_text="Occitanie").click()
    page.click(f"label[for='zone-{zone.pk}']")
    page.fill("#id_dispo-0-date", day.isoformat())
    page.select_option("#id_dispo-0-period", "morning")
    page.click("label[for='id_wants_replacement']")
    page.click("label[for='id_insurance_confirmed']")
    page.click("label[for='id_consent']")
    page.get_by_role("button", name="Envoyer ma candidature").click()

    # The account waits for the confirmation of its address: the link is in the email.
    assert "Consultez votre messagerie" in page.locator("#confirmation-sent").inner_text()
    assert Doctor.objects.get().status == "draft"
    page.goto(confirmation_path("sacha@test.renfort.example"))
    page.get_by_role("button", name="Confirmer mon adresse").click()

    assert "Mon espace médecin" in page.locator("h1").inner_text()
    assert page.locator("#doctor-status").text_content().strip() == "Candidature envoyée"
    doctor = Doctor.objects.get()
    assert doctor.practice_commune_id == "81004" and doctor.departement_id == "81"
    assert doctor.practice_status == "retired" and doctor.wants_replacement
    assert list(doctor.zones.all()) == [zone]
    assert [(a.date, a.period) for a in doctor.availabilities.all()] == [(day, "morning")]


def test_the_onboarding_steps_keep_their_numbers_on_a_phone(page, live_server):
    from .factories import DoctorFactory

    doctor = DoctorFactory(status="activity_recorded")
    browser_login(page, live_server, doctor.user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/medecins/mon-espace/")
    steps = page.locator("#onboarding-timeline > li")
    assert steps.count() == 6
    for index in range(6):
        step = steps.nth(index)
        number = step.locator(".renfort-timeline__number")
        assert number.inner_text() == f"{index + 1}."
        box = number.bounding_box()
        assert box is not None and box["x"] >= 0 and box["width"] > 0
        # No DSFR ::marker number outside the box, cut off at the edge of the screen.
        marker = step.evaluate("li => getComputedStyle(li, '::marker').content")
        assert marker in ("none", "normal", '""'), marker
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
