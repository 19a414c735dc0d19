"""Browser tests: the ARS computes and publishes a month (after a confirmation page), the doctor
accepts a proposal; the planning page fits a phone."""

from datetime import timedelta

import pytest

from renfort.accounts.models import Role
from renfort.planning.models import Mission, PlanningRun
from renfort.territories.models import Region
from tests.doctors.factories import DoctorFactory
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory
from tests.planning.test_services import next_month, open_dates
from tests.sites.factories import SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, email):
    page.goto("/compte/connexion/")
    page.fill("#id_username", email)
    page.fill("#id_password", "mot-de-passe-test")
    page.locator("form").get_by_role("button", name="Se connecter").click()


def test_ars_plans_and_publishes_then_doctor_accepts(page, reference_data):
    site = SiteFactory(name="Maison de santé (fictive) du Calcul")
    doctor = DoctorFactory(
        available_on=open_dates(site, count=1), user__email="volontaire@test.renfort.example"
    )
    UserFactory(
        role=Role.ARS_AGENT,
        region=Region.objects.get(code="76"),
        email="ars.occ@test.renfort.example",
    )
    login(page, "ars.occ@test.renfort.example")
    page.goto(f"/planification/?mois={next_month():%Y-%m}")
    page.fill("#time-limit", "5")
    page.get_by_role("button", name="Calculer une proposition").click()
    page.wait_for_selector("#run-figures")
    table = page.locator("#missions-table").inner_text()
    assert "Maison de santé (fictive) du Calcul" in table and doctor.last_name in table
    assert "1 zone couverte sur" in page.locator("#planning-summary").inner_text()
    page.get_by_role("button", name="Publier la proposition aux médecins").click()
    assert "1 proposition sera envoyée à 1 médecin" in page.locator("#confirm-summary").inner_text()
    assert Mission.objects.get().status == "draft"  # nothing sent before the confirmation
    page.get_by_role("button", name="Publier la proposition aux médecins").click()
    assert "1 mission proposée à 1 médecin" in page.locator(".fr-alert").inner_text()

    page.context.clear_cookies()
    login(page, "volontaire@test.renfort.example")
    page.goto("/planification/mes-missions/")
    page.locator(f"#proposal-{Mission.objects.get().pk}").get_by_role(
        "button", name="Accepter"
    ).click()
    assert "Vous avez accepté la mission" in page.locator(".fr-alert").inner_text()
    assert Mission.objects.get().status == "accepted"


def test_the_planning_page_fits_a_phone(page, reference_data):
    """The calendar's screen-reader texts stay inside its scroll area: at 375 px the page does
    not scroll sideways into blank space (it was 1,159 px wide)."""
    site = SiteFactory(name="Maison de santé (fictive) du Téléphone")
    MissionFactory(site=site, date=next_month() + timedelta(days=27), status="confirmed")
    UserFactory(
        role=Role.ARS_AGENT,
        region=Region.objects.get(code="76"),
        email="ars.phone@test.renfort.example",
    )
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, "ars.phone@test.renfort.example")
    page.goto(f"/planification/?mois={next_month():%Y-%m}")
    assert page.locator("#calendar table").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_map_popups_show_names_as_written(page, reference_data):
    """The popup's HTML escapes every special character (it escaped only « < »: « R&amp;D »
    showed as « R&D »), with the helper the other maps use."""
    site = SiteFactory(name="Maison R&amp;D (fictive) <Calcul>")
    MissionFactory(site=site, date=next_month() + timedelta(days=27), status="confirmed")
    UserFactory(
        role=Role.ARS_AGENT,
        region=Region.objects.get(code="76"),
        email="ars.carte@test.renfort.example",
    )
    login(page, "ars.carte@test.renfort.example")
    page.goto(f"/planification/?mois={next_month():%Y-%m}")
    page.locator('#planning-map path[stroke="#000091"]').click()
    popup = page.locator("#planning-map .leaflet-popup-content strong").inner_text()
    assert popup == "Maison R&amp;D (fictive) <Calcul>"


def test_the_run_follow_up_stops_and_says_why(page, reference_data):
    """An error answer of the status address (the run is gone, the session expired) ends the
    polling, said in the page's status region, instead of retrying silently every 3 s."""
    month = next_month()
    UserFactory(
        role=Role.ARS_AGENT,
        region=Region.objects.get(code="76"),
        email="ars.suivi@test.renfort.example",
    )
    login(page, "ars.suivi@test.renfort.example")
    polls = []
    page.on("request", lambda r: "/etat/" in r.url and polls.append(r.url))
    message = page.locator("#run-message")
    for error, text in (
        ("gone", "Le suivi du calcul s'est interrompu : rechargez la page."),
        ("session", "Votre session a expiré : reconnectez-vous."),
    ):
        run = PlanningRun.objects.create(
            month=month, region_id="76", status="running", progress_message="Calcul"
        )
        page.goto(f"/planification/?mois={month:%Y-%m}")
        message.filter(has_text="En cours — Calcul").wait_for()
        if error == "gone":
            run.delete()
        else:
            page.context.clear_cookies()
        message.filter(has_text=text).wait_for()
        count = len(polls)
        page.wait_for_timeout(2500)
        assert len(polls) == count  # no more polling


def test_the_doctors_and_the_sites_missions_fit_a_phone(page, reference_data):
    """At 375 px each mission is a card: its status badge whole and its buttons in sight (the
    table squeezed its columns and put « Annuler la mission » beyond the right edge)."""
    mission = MissionFactory(
        status="accepted",
        date=next_month() + timedelta(days=3),
        doctor__user__email="medecin.phone@test.renfort.example",
        site__manager__email="lieu.phone@test.renfort.example",
    )
    page.set_viewport_size({"width": 375, "height": 800})
    for email, url, button in (
        ("medecin.phone@test.renfort.example", "/planification/mes-missions/", "Annuler"),
        ("lieu.phone@test.renfort.example", "/planification/mon-lieu/", None),
    ):
        page.context.clear_cookies()
        login(page, email)
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        row = page.locator("table.renfort-stack tbody tr").first
        assert row.evaluate("el => getComputedStyle(el).display") == "block"
        badge = row.locator(".fr-badge").first.bounding_box()
        assert badge["x"] >= 0 and badge["x"] + badge["width"] <= 375
        if button:
            box = row.get_by_role("button", name=button).bounding_box()
            assert box["x"] + box["width"] <= 375
        else:  # the manager's actions fold into a « Confirmer ou annuler »-like summary
            summary = row.locator("summary").bounding_box()
            assert summary["x"] + summary["width"] <= 375
    # One site: the manager's cards do not repeat its name (no « Lieu » line).
    assert mission.site.name not in page.locator("table.renfort-stack").inner_text()
