"""Search page and API: typed apostrophes, reserved slots once open to all, postcodes shared
by several communes, invalid half-day values."""

import html as htmllib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Slot

from .factories import mission_with_slots

pytestmark = pytest.mark.django_db
SEARCH = reverse("booking:search")
SLOTS = "/api/slots"


@pytest.fixture
def mission():
    """Lacaune (81230), 10 days ahead: 21 slots, 10 of them reserved for priority patients."""
    return mission_with_slots()


# --- Typographic apostrophe -------------------------------------------------------------------


def test_a_commune_typed_with_a_typographic_apostrophe_is_found(client):
    page = client.get(SEARCH, {"q": "Agen-d’Aveyron"})
    assert page.context["origin"].commune.name == "Agen-d'Aveyron"
    assert "Nous ne trouvons pas cette commune" not in page.text
    assert client.get(SLOTS, {"commune": "Mazeyrat d’Allier"}).status_code == 200


# --- Reserved slots once open to everyone -----------------------------------------------------


def test_reserved_slots_less_than_48_hours_ahead_are_shown_as_open_to_all(client):
    tomorrow = mission_with_slots(date=timezone.localdate() + timedelta(days=1))
    assert Slot.objects.filter(mission=tomorrow, reserved_for_priority=True).exists()
    page = client.get(SEARCH, {"q": "81230"})
    [result] = page.context["results"]
    assert result.reserved_count == 0
    text = htmllib.unescape(page.text)
    assert "réservé en priorité*" not in text and "réservés en priorité*" not in text
    assert " *<" not in text and "booking-slot--reserved" not in text
    assert "priorité aux patients sans médecin traitant" not in text
    assert "ouvert à tous 48 heures avant" not in text  # no « * » to explain
    site_page = client.get(reverse("booking:site_slots", args=[tomorrow.site_id])).text
    assert "booking-slot--reserved" not in site_page and " *<" not in site_page
    assert "ouvert à tous 48 heures avant" not in site_page


def test_reserved_slots_further_ahead_keep_their_mark(client, mission):
    page = client.get(SEARCH, {"q": "81230"})
    assert page.context["results"][0].reserved_count == 10
    text = htmllib.unescape(page.text)
    assert "dont 10 réservés en priorité*" in text and "booking-slot--reserved" in text
    assert "(priorité aux patients sans médecin traitant ou en ALD)" in text
    assert "ouvert à tous 48 heures avant" in text


# --- Postcode shared by several communes --------------------------------------------------------


def test_a_postcode_shared_by_several_communes_says_which_one_and_offers_the_others(client):
    page = client.get(SEARCH, {"q": "20230"})
    chosen = page.context["origin"].commune
    others = page.context["homonyms"]
    assert len(others) >= 11 and chosen not in others
    assert "Linguizzetta" in {c.name for c in [chosen, *others]}
    text = htmllib.unescape(page.text)
    assert f"Plusieurs communes ont ce code postal : résultats pour {chosen.label}." in text
    linguizzetta = next(c for c in [chosen, *others] if c.name == "Linguizzetta")
    if linguizzetta != chosen:
        assert f"?commune={linguizzetta.pk}&q=" in text
    picked = client.get(SEARCH, {"q": linguizzetta.label, "commune": linguizzetta.pk})
    assert picked.context["origin"].commune == linguizzetta
    assert not picked.context.get("homonyms")


def test_a_postcode_of_one_commune_has_no_notice(client):
    page = client.get(SEARCH, {"q": "81230"})
    assert not page.context["homonyms"] and "Plusieurs communes" not in page.text


# --- Half-day values ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["soir", "MORNINGS", "1"])
def test_an_unknown_half_day_in_the_url_is_told_on_its_field(client, mission, value):
    page = client.get(SEARCH, {"q": "81230", "period": value})
    text = htmllib.unescape(page.text)
    assert "Demi-journée inconnue : choisissez toute la journée, le matin ou l'après-midi." in text
    assert 'aria-describedby="id_period-messages"' in text
    assert page.context["title"].startswith("Erreur dans le formulaire")


@pytest.mark.parametrize(
    ("value", "count"), [("matin", 9), ("apres-midi", 12), ("morning", 9), ("", 21)]
)
def test_the_api_half_day_values_work_on_the_page_too(client, mission, value, count):
    page = client.get(SEARCH, {"q": "81230", "date": mission.date.isoformat(), "period": value})
    assert page.context["results"][0].slot_count == count


def test_the_api_refuses_an_unknown_half_day_in_french(client, mission):
    response = client.get(SLOTS, {"commune": "81230", "demi_journee": "soir"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["champ"] == "demi_journee" and "Valeurs possibles" in error["message"]
