"""Zone management pages (ARS, national steering, admin): removal of a zone with active host
sites, the region choice of national steering, the errors of the add form."""

import pytest
from django.urls import reverse

from renfort.territories.models import EPCI, Region
from renfort.zoning import selectors
from renfort.zoning.models import PriorityZone, ZoneChange
from tests.factories import UserFactory
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db

HAUT_LANGUEDOC = "200066553"  # Lacaune, Occitanie: the SiteFactory's default zone


@pytest.fixture
def occitanie_agent():
    return UserFactory(ars=True, region=Region.objects.get(code="76"))


def test_removing_a_zone_with_active_sites_lists_them_and_removes_nothing(client, occitanie_agent):
    active = SiteFactory(name="Maison de santé (fictive) de Lacaune")
    validated = SiteFactory(name="Centre de santé (fictif) du Haut-Languedoc", validated=True)
    SiteFactory(name="Cabinet (fictif) suspendu", suspended=True)
    client.force_login(occitanie_agent)
    response = client.post(
        reverse("zoning:remove", args=[HAUT_LANGUEDOC]), {"reason": "Sortie de la liste"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="remove-blocked"' in html
    assert "2 lieux d&#x27;accueil sont actifs ou validés" in html
    for site in (active, validated):
        assert site.name in html and reverse("sites:detail", args=[site.pk]) in html
    assert "Cabinet (fictif) suspendu" not in html
    assert "suspendez-le ou fermez-le" in html
    # nothing changed: every page still agrees that the zone is current
    assert selectors.current_zones().filter(epci_id=HAUT_LANGUEDOC).exists()
    assert not ZoneChange.objects.filter(zone__epci_id=HAUT_LANGUEDOC, action="removed").exists()
    assert client.get(reverse("zoning:detail", args=[HAUT_LANGUEDOC])).status_code == 200
    search = client.get(reverse("zoning:search"), {"q": "Lacaune"}).content.decode()
    assert "Hors zone prioritaire connue" not in search


def test_zone_whose_sites_are_suspended_is_removed(client, occitanie_agent):
    SiteFactory(suspended=True)
    client.force_login(occitanie_agent)
    response = client.post(
        reverse("zoning:remove", args=[HAUT_LANGUEDOC]),
        {"reason": "Sortie de la liste"},
        follow=True,
    )
    assert "a été retirée" in response.content.decode()
    assert not selectors.current_zones().filter(epci_id=HAUT_LANGUEDOC).exists()
    assert ZoneChange.objects.filter(
        zone__epci_id=HAUT_LANGUEDOC, action="removed", actor=occitanie_agent
    ).exists()


def test_manage_page_counts_the_active_sites_of_each_zone(client, occitanie_agent):
    SiteFactory()
    SiteFactory(validated=True)
    SiteFactory(suspended=True)
    client.force_login(occitanie_agent)
    response = client.get(reverse("zoning:manage"))
    zone = PriorityZone.objects.get(epci_id=HAUT_LANGUEDOC)
    assert response.context["site_counts"] == {zone.pk: 2}
    assert "Lieux actifs ou validés" in response.content.decode()


def test_national_steering_first_chooses_a_region(client):
    client.force_login(UserFactory(national=True))
    response = client.get(reverse("zoning:manage"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "choisir une région" in html
    assert 'href="?region=76"' in html and 'href="?region=75"' in html
    assert "Zones en vigueur" not in html  # no region opened by default
    response = client.get(reverse("zoning:manage"), {"region": "76"})
    assert response.context["region"].code == "76" and not response.context["can_edit"]


def test_national_steering_with_unknown_region_gets_the_choice_again(client):
    client.force_login(UserFactory(national=True))
    response = client.get(reverse("zoning:manage"), {"region": "zz"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="region-error"' in html and "« zz »" in html
    assert 'href="?region=76"' in html


def test_admin_adds_a_zone_in_the_region_shown_and_comes_back_to_it(client):
    admin = UserFactory(admin=True)
    client.force_login(admin)
    epci = EPCI.objects.filter(region_id="76").exclude(zones__isnull=False).first()
    response = client.post(
        reverse("zoning:add"),
        {"region": "76", "epci": epci.siren, "category": "4", "reason": "Arrêté du 2 mars"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("zoning:manage") + "?region=76"
    assert selectors.current_zones().filter(epci=epci).exists()


def test_add_without_category_shows_the_error_on_the_field(client):
    client.force_login(UserFactory(ars=True))
    epci = EPCI.objects.filter(region_id="75").exclude(zones__isnull=False).first()
    response = client.post(
        reverse("zoning:add"), {"epci": epci.siren, "category": "", "reason": "Arrêté du 2 mars"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["title"].startswith("Erreur dans le formulaire")
    # the summary names the field and links to it; the field itself carries the error
    assert (
        '<a href="#id_category">Catégorie de l&#x27;indice de vulnérabilité : '
        "Choisissez une réponse.</a>" in html
    )
    assert response.context["add_form"].errors == {"category": ["Choisissez une réponse."]}
    assert 'id="id_category-messages"' in html or "fr-select-group--error" in html
    # what the agent typed is kept
    assert "Arrêté du 2 mars" in html
    assert not selectors.current_zones().filter(epci=epci).exists()


def test_adding_a_zone_twice_shows_the_error_on_the_form(client):
    client.force_login(UserFactory(ars=True))
    zone = selectors.current_zones().filter(epci__region_id="75").first()
    response = client.post(
        reverse("zoning:add"),
        {"epci": zone.epci_id, "category": "4", "reason": "Arrêté du 2 mars"},
    )
    assert response.status_code == 200
    assert "est déjà une zone prioritaire" in response.content.decode()
    assert response.context["add_form"].non_field_errors()
