"""Public search: what a visitor types (empty, a position, a date out of range) and the French
wording of the places found."""

import html as htmllib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from .factories import (
    mission_with_slots,
)

pytestmark = pytest.mark.django_db
SEARCH = reverse("booking:search")


@pytest.fixture
def mission():
    return mission_with_slots()


def test_an_empty_search_says_what_to_type(client):
    response = client.get(SEARCH, {"q": ""})
    assert "Indiquez une commune ou un code postal" in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Indiquez une commune" not in client.get(SEARCH).text


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Albi", "près d'Albi"),
        ("Le Sequestre", "près du Sequestre"),
        ("Les Cabannes", "près des Cabannes"),
        ("La Rochelle", "près de La Rochelle"),
        ("Lacaune", "près de Lacaune"),
        ("Évry-Courcouronnes", "près d'Évry-Courcouronnes"),
        ("Œuilly", "près d'Œuilly"),
        ("Yssingeaux", "près d'Yssingeaux"),
        ("votre position", "près de votre position"),
    ],
)
def test_near_writes_french_elisions(place, expected):
    from renfort.booking.templatetags.booking_tags import near

    assert near(place) == expected


@pytest.mark.parametrize(
    "params",
    [{"lat": "abc", "lon": "xyz"}, {"lat": "95", "lon": "500"}, {"lat": "43.93"}],
)
def test_an_unreadable_position_says_so(client, params):
    response = client.get(SEARCH, params)
    assert "Votre position n'a pas pu être lue" in htmllib.unescape(response.text)


def test_a_past_date_is_refused_on_the_search(client, mission):
    response = client.get(SEARCH, {"q": "81230", "date": "2020-01-01"})
    assert "aujourd'hui ou une date à venir" in htmllib.unescape(response.text)
    assert not response.context.get("results")


@pytest.mark.parametrize("day", ["9999-12-31", "2100-01-01"])
def test_a_date_beyond_the_search_horizon_is_refused_on_the_search(client, mission, day):
    response = client.get(SEARCH, {"q": "81230", "date": day})
    assert response.status_code == 200
    assert "Les créneaux sont ouverts sur les 60 prochains jours" in htmllib.unescape(response.text)
    assert not response.context.get("results")


def test_the_last_day_of_the_horizon_is_searched(client, mission):
    last = timezone.localdate() + timedelta(days=60)
    response = client.get(SEARCH, {"q": "81230", "date": last.isoformat()})
    assert response.context["form"].is_valid()
    assert response.context["searched"]
