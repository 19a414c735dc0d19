import re
from datetime import date

import pytest
from django.urls import reverse

from renfort.territories.models import Region
from renfort.territories.normalize import normalize_name
from renfort.zoning import selectors
from renfort.zoning.models import ZoneChange
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_explains_each_audience_and_partial_list(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    for card in ["card-patient", "card-doctor", "card-site", "card-agent"]:
        assert f'id="{card}"' in html
    assert "64 zones connues sur 151" in html
    # The patient's booking comes first, not under the zones (a phone shows one column).
    assert html.index('id="card-patient"') < html.index("Les zones prioritaires")
    # Signed in, the sign-up cards (refused to an account) give way to the person's space.
    client.force_login(UserFactory(doctor=True))
    html = client.get("/").content.decode()
    assert 'id="card-space"' in html and 'id="card-doctor"' not in html
    assert 'id="card-patient"' in html


def test_zone_list_by_region_with_population_and_share(client):
    response = client.get(reverse("zoning:list"))
    html = response.content.decode()
    assert "Liste partielle : 64 zones connues sur 151." in html
    assert "Occitanie" in html and "Nouvelle-Aquitaine" in html
    summary = response.context["summary"]
    occitanie = next(g for g in summary.regions if g.region.code == "76")
    assert occitanie.known_count == 20 and occitanie.expected_count == 28
    assert 0 < occitanie.share < 10
    # overseas collectivities (zone com) never appear in the programme's pages
    assert "Nouvelle-Calédonie" not in html


def test_zone_list_region_filter(client):
    response = client.get(reverse("zoning:list"), {"region": "52"})
    assert [g.region.code for g in response.context["summary"].regions] == ["52"]


def test_zone_detail_and_unknown_zone(client):
    zone = selectors.current_zones().first()
    assert client.get(reverse("zoning:detail", args=[zone.epci_id])).status_code == 200
    assert client.get(reverse("zoning:detail", args=["000000000"])).status_code == 404


def test_geojson_contains_the_current_zones(client):
    data = client.get(reverse("zoning:geojson")).json()
    assert len(data["features"]) == 64
    deps = client.get(reverse("territories:departements_geojson")).json()
    assert len(deps["features"]) == 101


def test_search_commune_in_zone_by_name_and_postcode(client):
    response = client.get(reverse("zoning:search"), {"q": "Lacaune"})
    html = response.content.decode()
    assert "Zone prioritaire" in html and "CC du Haut-Languedoc" in html
    response = client.get(reverse("zoning:search"), {"q": "81230"})
    assert "Lacaune" in response.content.decode()


def test_search_commune_outside_zones(client):
    response = client.get(reverse("zoning:search"), {"q": "Bordeaux"})
    assert "Hors zone prioritaire connue" in response.content.decode()


@pytest.mark.parametrize("query", ["x", "qwxyzzz", "00000"])
def test_search_unknown_input_gets_a_french_message(client, query):
    response = client.get(reverse("zoning:search"), {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="search-error"' in page
    # RGAA 11.10 and 8.6: the field is tied to the message and the title says it failed.
    assert 'aria-invalid="true" aria-describedby="search-error"' in page
    assert "<title>Erreur : " in page


def test_autocomplete_json(client):
    data = client.get(reverse("territories:commune_autocomplete"), {"q": "lacau"}).json()
    assert data["results"][0]["value"] == "81124"
    assert data["results"][0]["zone"] == "CC du Haut-Languedoc"  # its priority zone
    albi = client.get(reverse("territories:commune_autocomplete"), {"q": "albi"}).json()
    assert albi["results"][0]["name"] == "Albi" and albi["results"][0]["zone"] == ""
    assert client.get(reverse("territories:commune_autocomplete"), {"q": ""}).json() == {
        "results": []
    }


def test_api_lists_zones(client):
    data = client.get("/api/zones").json()
    assert len(data) == 64 and {"siren", "nom", "population"} <= set(data[0])
    # In French alphabetical order (case and accents aside), not by character code.
    names = [z["nom"] for z in data]
    assert names == sorted(names, key=normalize_name) and names != sorted(names)


def test_manage_requires_login_and_ars_role(client):
    response = client.get(reverse("zoning:manage"))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    client.force_login(UserFactory(doctor=True))
    assert client.get(reverse("zoning:manage")).status_code == 403


def test_an_ars_agent_naming_another_region_is_refused(client):
    """CONVENTIONS: a named area outside the agent's is a 403, not their own region's page."""
    client.force_login(UserFactory(ars=True))  # Nouvelle-Aquitaine
    assert client.get(reverse("zoning:manage"), {"region": "76"}).status_code == 403
    assert client.get(reverse("zoning:manage"), {"region": "ZZ"}).status_code == 400  # unknown
    assert client.get(reverse("zoning:manage"), {"region": "75"}).status_code == 200
    epci = selectors.current_zones().filter(epci__region_id="76").first().epci
    before = ZoneChange.objects.count()
    response = client.post(
        reverse("zoning:add"), {"region": "76", "epci": epci.pk, "reason": "Essai hors région"}
    )
    assert response.status_code == 403 and ZoneChange.objects.count() == before


def test_ars_agent_removes_zone_through_the_page(client):
    agent = UserFactory(ars=True)
    client.force_login(agent)
    zone = selectors.current_zones().filter(epci__region_id="75").first()
    page = client.get(reverse("zoning:manage"))
    assert zone.epci.name in page.content.decode()
    response = client.post(
        reverse("zoning:remove", args=[zone.epci_id]), {"reason": "Retrait de test"}, follow=True
    )
    assert "a été retirée" in response.content.decode()
    assert ZoneChange.objects.filter(zone=zone, action="removed", actor=agent).exists()


def test_remove_without_reason_shows_error_and_changes_nothing(client):
    client.force_login(UserFactory(ars=True))
    zone = selectors.current_zones().filter(epci__region_id="75").first()
    response = client.post(
        reverse("zoning:remove", args=[zone.epci_id]), {"reason": ""}, follow=True
    )
    assert "Indiquez le motif" in response.content.decode()
    assert selectors.current_zones().filter(pk=zone.pk).exists()


def test_ars_agent_cannot_remove_other_region_zone_via_url(client):
    client.force_login(UserFactory(ars=True))
    zone = selectors.current_zones().filter(epci__region_id="76").first()
    response = client.post(reverse("zoning:remove", args=[zone.epci_id]), {"reason": "Hors région"})
    assert response.status_code == 403
    assert selectors.current_zones().filter(pk=zone.pk).exists()


def test_ars_add_form_only_offers_own_region(client):
    client.force_login(UserFactory(ars=True))
    from renfort.territories.models import EPCI

    other = EPCI.objects.filter(region_id="76").exclude(zones__isnull=False).first()
    response = client.post(
        reverse("zoning:add"),
        {"epci": other.siren, "category": "4", "reason": "Hors région"},
        follow=True,
    )
    assert "Choisissez une intercommunalité de votre région." in response.content.decode()
    assert not other.zones.exists()


def test_national_steering_sees_any_region_read_only(client):
    client.force_login(UserFactory(national=True))
    response = client.get(reverse("zoning:manage"), {"region": "76"})
    assert response.status_code == 200
    assert not response.context["can_edit"]


# --- Internal note and unconfirmed zones ---------------------------------------------------------

FUMEL = "200068930"  # Nouvelle-Aquitaine; note « DEDUIT DU LIEU, A VERIFIER: … »


@pytest.mark.parametrize(
    ("user", "sees_note"),
    [
        (None, False),
        ({"doctor": True}, False),
        ({"site_manager": True}, False),
        ({"cdom": True}, False),
        ({"ars": True, "region_code": "76"}, False),  # ARS of another region
        ({"ars": True}, True),  # ARS Nouvelle-Aquitaine
        ({"national": True}, True),
        ({"admin": True}, True),
    ],
)
def test_zone_note_is_shown_to_agents_of_the_zone_only(client, user, sees_note):
    if user is not None:
        user = dict(user)
        region_code = user.pop("region_code", None)
        if region_code:
            user["region"] = Region.objects.get(code=region_code)
        client.force_login(UserFactory(**user))
    html = client.get(reverse("zoning:detail", args=[FUMEL])).content.decode()
    assert ("DEDUIT DU LIEU" in html) is sees_note
    assert ('id="zone-note"' in html) is sees_note


def test_unconfirmed_zone_is_labelled_as_such_on_its_page_and_in_the_search(client):
    html = client.get(reverse("zoning:detail", args=[FUMEL])).content.decode()
    assert "Zone prioritaire (liste à confirmer)" in html
    assert 'id="unconfirmed-explanation"' in html
    html = client.get(reverse("zoning:search"), {"q": "Fumel"}).content.decode()
    assert "Zone prioritaire (liste à confirmer)" in html
    assert "reste à confirmer" in html


def test_confirmed_zone_says_zone_prioritaire_without_reserve(client):
    html = client.get(reverse("zoning:search"), {"q": "Lacaune"}).content.decode()
    assert "Zone prioritaire</p>" in html
    assert "liste à confirmer" not in html
    html = client.get(reverse("zoning:detail", args=["200066553"])).content.decode()
    assert "liste à confirmer" not in html


# --- Zones list: anchors, region filter ----------------------------------------------------------


def test_every_region_link_of_the_list_has_its_anchor(client):
    html = client.get(reverse("zoning:list")).content.decode()
    links = set(re.findall(r'href="#(region-[0-9A-Za-z]+)"', html))
    anchors = set(re.findall(r'id="(region-[0-9A-Za-z]+)"', html))
    assert "region-27" in links and links <= anchors
    assert "Bourgogne-Franche-Comté — 0 zone connue" in html


def test_region_filter_counts_against_the_region_announced_count(client):
    response = client.get(reverse("zoning:list"), {"region": "76"})
    html = response.content.decode()
    summary = response.context["summary"]
    assert (summary.known_count, summary.expected_count) == (20, 28)
    assert "Liste partielle pour la région Occitanie : 20 zones connues sur 28." in html
    assert 'id="total-expected">28<' in html
    assert "sur 151" not in html


def test_region_filter_without_announced_count_says_so(client):
    response = client.get(reverse("zoning:list"), {"region": "27"})
    html = response.content.decode()
    assert response.context["summary"].expected_count is None
    assert "Liste partielle pour la région Bourgogne-Franche-Comté : 0 zone connue" in html
    assert 'id="total-expected">non communiqué<' in html


@pytest.mark.parametrize("code", ["zz", "999", "<b>"])
def test_unknown_region_filter_is_ignored_with_a_french_message(client, code):
    response = client.get(reverse("zoning:list"), {"region": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="region-error"' in html and "toutes les régions sont affichées" in html
    assert "<b>" not in html.split('id="region-error"')[1].split("</div>")[0]
    assert len(response.context["summary"].regions) > 10
    assert "Liste partielle : 64 zones connues sur 151." in html


def test_a_commune_found_leads_to_the_consultations_near_it(client):
    from renfort.territories.models import Commune

    page = client.get(reverse("zoning:search"), {"q": "Cordes-sur-Ciel"}).content.decode()
    cordes = Commune.objects.get(name="Cordes-sur-Ciel")
    found = re.search(r'href="([^"]*)">Trouver une consultation près de Cordes-sur-Ciel</a>', page)
    url = found.group(1).replace("&amp;", "&")
    assert url.startswith(f"{reverse('booking:search')}?commune={cordes.pk}&q=")
    assert client.get(url).context["origin"].commune == cordes
    page = client.get(reverse("zoning:search"), {"q": "Albi"}).content.decode()
    assert "Trouver une consultation près d&#x27;Albi</a>" in page


def test_zones_are_listed_in_french_order_case_and_accents_aside(client):
    """The database's binary order would put « CC Sidobre… » before « CC de la Lomagne… »."""
    from renfort.planning.selectors import zone_coverage

    names = [zone.epci.name for zone in selectors.current_zones().for_region("76").by_name()]
    assert names.index("CC de la Lomagne Gersoise") < names.index("CC Sidobre Vals et Plateaux")
    coverage = [row.name for row in zone_coverage(date(2027, 2, 1), "76")]  # no mission: by name
    assert coverage == names


def test_a_commune_with_several_postcodes_lists_them_with_commas(client):
    page = client.get(reverse("zoning:search"), {"q": "Puygouzon"}).content.decode()
    assert "Puygouzon (81120, 81990)" in page
