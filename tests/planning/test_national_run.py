"""A national calculation (national steering) replaces every region's unpublished proposals: a
confirmation page lists them per region first, and the ARS agents of those regions are told."""

import html as htmllib
from datetime import timedelta

import pytest
from django.urls import reverse

from renfort.accounts.models import Role
from renfort.notifications.models import Notification
from renfort.planning.models import PlanningRun
from renfort.territories.models import Region
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory
from tests.planning.test_services import next_month
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts():
    """Two unpublished proposals in Occitanie, one in Nouvelle-Aquitaine (plus a locked one
    there, which a calculation keeps), and the agents of both regions."""
    day = next_month() + timedelta(days=3)
    occitanie = SiteFactory()
    MissionFactory(draft=True, site=occitanie, date=day)
    MissionFactory(draft=True, site=occitanie, date=day + timedelta(days=1))
    landes = SiteFactory(in_landes=True)
    MissionFactory(draft=True, site=landes, date=day)
    MissionFactory(draft=True, site=landes, date=day + timedelta(days=1), locked=True)
    for code in ("76", "75"):
        UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code=code))


def _launch(client, **extra):
    data = {"mois": f"{next_month():%Y-%m}", "region": "tout", "time_limit": "5", **extra}
    return client.post(reverse("planning:run"), data)


def test_the_national_launch_first_lists_the_regions_whose_proposals_it_replaces(client, drafts):
    client.force_login(UserFactory(national=True))
    response = _launch(client)
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 200 and not PlanningRun.objects.exists()
    assert "3 propositions non publiées seront remplacées dans 2 régions" in page
    assert "<li>Nouvelle-Aquitaine : 1 proposition non publiée</li>" in page
    assert "<li>Occitanie : 2 propositions non publiées</li>" in page
    assert 'name="confirme" value="1"' in page and 'name="attendu" value="75:1,76:2"' in page
    assert 'name="time_limit" value="5"' in page


def test_the_confirmed_launch_starts_and_tells_the_agents_of_those_regions(client, drafts):
    client.force_login(UserFactory(national=True))
    response = _launch(client, confirme="1", attendu="75:1,76:2")
    assert response.status_code == 302
    run = PlanningRun.objects.get()
    assert run.region_id is None and run.time_limit_seconds == 5
    sent = Notification.objects.filter(kind="national_run_ars")
    assert sent.count() == 2
    bodies = {n.body.split("de la région ")[1].split(" ")[0]: n.body for n in sent}
    assert set(bodies) == {"Occitanie", "Nouvelle-Aquitaine"}
    assert (
        "2 propositions non publiées de la région Occitanie seront remplacées"
        in (bodies["Occitanie"])
    )
    assert (
        "1 proposition non publiée de la région Nouvelle-Aquitaine sera remplacée"
        in (bodies["Nouvelle-Aquitaine"])
    )
    assert "pour toute la France" in bodies["Occitanie"] and "region=76" in bodies["Occitanie"]


def test_figures_changed_since_the_page_ask_again(client, drafts):
    client.force_login(UserFactory(national=True))
    response = _launch(client, confirme="1", attendu="76:2")
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 200 and not PlanningRun.objects.exists()
    assert "ont changé depuis votre demande" in page
    assert not Notification.objects.filter(kind="national_run_ars").exists()


def test_without_unpublished_proposals_the_page_says_nothing_is_replaced(client):
    client.force_login(UserFactory(national=True))
    page = htmllib.unescape(_launch(client).content.decode())
    assert "le calcul national ne remplacera rien" in page
    assert not PlanningRun.objects.exists()


def test_a_regional_launch_has_no_national_confirmation(client, drafts):
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76")))
    data = {"mois": f"{next_month():%Y-%m}", "region": "76", "time_limit": "5"}
    assert client.post(reverse("planning:run"), data).status_code == 302
    assert PlanningRun.objects.filter(region_id="76").exists()
    assert not Notification.objects.filter(kind="national_run_ars").exists()
