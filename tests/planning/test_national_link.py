"""A national planning link (« region=tout ») opened by an ARS agent: the same month for their
region, with a message; another region stays refused (403), an unknown one is a 400."""

import html as htmllib

import pytest
from django.urls import reverse

from renfort.accounts.models import Role
from renfort.territories.models import Region
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ars(client):
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76")))


@pytest.mark.parametrize("name", ["planning:index", "planning:todo"])
def test_a_national_link_takes_the_agent_to_their_region(client, ars, name):
    url = reverse(name)
    response = client.get(url, {"mois": "2027-01", "region": "tout"})
    assert response.status_code == 302
    assert response.url == f"{url}?mois=2027-01&region=76"
    page = htmllib.unescape(client.get(response.url).content.decode())
    assert "La vue France entière est réservée au pilotage national" in page
    assert "Voici la même page pour votre région." in page


def test_another_region_is_still_refused_and_an_unknown_one_is_a_400(client, ars):
    url = reverse("planning:index")
    assert client.get(url, {"mois": "2027-01", "region": "75"}).status_code == 403
    assert client.get(url, {"mois": "2027-01", "region": "zz"}).status_code == 400


def test_an_action_or_an_export_for_the_whole_country_is_refused_with_the_reason(client, ars):
    response = client.get(
        reverse("planning:export"), {"mois": "2027-01", "region": "tout", "format": "csv"}
    )
    assert response.status_code == 403
    assert "réservée au pilotage national" in htmllib.unescape(response.content.decode())
    response = client.post(reverse("planning:publish"), {"mois": "2027-01", "region": "tout"})
    assert response.status_code == 403


def test_national_steering_keeps_the_national_view(client):
    from datetime import date

    from tests.planning.factories import MissionFactory

    mission = MissionFactory(status="proposed", date=date(2027, 1, 12))
    client.force_login(UserFactory(national=True))
    response = client.get(reverse("planning:index"), {"mois": "2027-01", "region": "tout"})
    # The table of the whole country says the region of each site.
    row = response.content.decode().split(f'id="mission-{mission.pk}"')[1].split("</tr>")[0]
    assert f"{mission.site.commune.name} — {mission.site.region.name}" in htmllib.unescape(row)
    assert response.status_code == 200
    # Without a national calculation, the reasons are on each region's page: it says so.
    assert "celles des calculs de chaque région sont sur la page de la région" in (
        htmllib.unescape(response.content.decode())
    )
