"""The public page of a site: a way to book for patients, nothing meant for the volunteers only
(practical information such as keys or door codes, housing details)."""

import html as htmllib

import pytest
from django.urls import reverse

from renfort.booking.services import slots_sync_for_mission
from renfort.sites.models import Site
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory

from .factories import SiteFactory

pytestmark = pytest.mark.django_db
SECRETS = {
    "practical_info": "Clés chez la pharmacie, code de la porte 4521B (fictif)",
    "housing": "on_site",
    "housing_beds": 2,
    "housing_nights": "Du lundi soir au jeudi soir",
    "housing_description": "Studio au-dessus du cabinet, boîte à clés 1234 (fictif)",
}


def public_page(client, site) -> str:
    response = client.get(reverse("sites:public_detail", args=[site.pk]))
    assert response.status_code == 200
    return htmllib.unescape(response.content.decode())


def test_a_site_with_slots_offers_to_book_there(client):
    mission = MissionFactory()
    slots_sync_for_mission(mission=mission)
    page = public_page(client, mission.site)
    link = reverse("booking:site_slots", args=[mission.site.pk])
    assert f'<a class="fr-btn" href="{link}">Prendre rendez-vous dans ce lieu</a>' in page


def test_a_site_without_slots_says_no_consultation_is_open_for_booking(client):
    site = SiteFactory()
    page = public_page(client, site)
    assert "Prendre rendez-vous dans ce lieu" not in page
    assert "Aucune consultation n'est ouverte à la réservation dans ce lieu" in page
    assert f"{reverse('booking:waitlist')}?site={site.pk}" in page


def test_a_site_outside_the_priority_zones_offers_no_booking(client):
    mission = MissionFactory()
    slots_sync_for_mission(mission=mission)
    Site.objects.filter(pk=mission.site.pk).update(
        priority_zone=None, outside_zone_justification="Besoin signalé par l'ARS (fictif)"
    )
    page = public_page(client, mission.site)
    assert 'id="site-booking"' not in page


def test_an_anonymous_visitor_sees_neither_practical_information_nor_housing_details(client):
    site = SiteFactory(**SECRETS)
    page = public_page(client, site)
    assert "Informations pratiques" not in page and "4521B" not in page
    assert "Hébergement sur place" in page  # its kind, for the volunteers to come
    assert "2 lits" not in page and "lundi soir" not in page and "Studio" not in page


def test_the_doctor_the_site_manager_and_the_ars_still_see_them(client):
    mission = MissionFactory(site=SiteFactory(weekdays=range(7), **SECRETS))
    for user in (mission.doctor.user, mission.site.manager):
        client.force_login(user)
        page = client.get(reverse("planning:mission_detail", args=[mission.pk])).content.decode()
        page = htmllib.unescape(page)
        assert "4521B" in page and "Studio au-dessus du cabinet" in page
        assert "2 lits, du lundi soir au jeudi soir" in page
    landes = SiteFactory(in_landes=True, **SECRETS)
    client.force_login(UserFactory(ars=True))
    page = htmllib.unescape(client.get(reverse("sites:detail", args=[landes.pk])).content.decode())
    assert "4521B" in page and "Studio au-dessus du cabinet" in page


def test_the_site_form_says_who_sees_the_practical_information(client):
    site = SiteFactory()
    client.force_login(site.manager)
    page = htmllib.unescape(client.get(reverse("sites:edit", args=[site.pk])).content.decode())
    assert page.count("Visible des médecins volontaires et de l'ARS, pas du public.") == 2
