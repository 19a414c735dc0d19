"""Patient pages: what a patient reads after a wrong link, a form sent twice, a territory
outside the programme, a search form in error, a move that can no longer be made."""

import html as htmllib
import re
import uuid

import pytest
from django.urls import reverse

from renfort.booking.models import Appointment
from renfort.booking.services import appointment_cancel

from .factories import book, free_slot, mission_with_slots, patient_data, slots_of

pytestmark = pytest.mark.django_db
SEARCH = reverse("booking:search")


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


@pytest.mark.parametrize(
    "name", ["booking:manage", "booking:cancel", "booking:move", "booking:ics"]
)
def test_every_page_of_a_wrong_link_says_how_to_get_it_again(client, name):
    for method in ("get", "post"):
        response = getattr(client, method)(reverse(name, args=["pas-un-vrai-lien"]))
        assert response.status_code == 404
        page = text(response)
        assert "Lien de rendez-vous introuvable" in page
        assert reverse("booking:lost_link") in page
        assert response["Cache-Control"].startswith("private, no-store")


def test_a_booking_form_sent_twice_shows_one_confirmation(client):
    mission = mission_with_slots()
    url = reverse("booking:book", args=[free_slot(mission).pk])
    data = {**patient_data(), "token": str(uuid.uuid4())}
    client.post(url, data)
    page = text(client.post(url, data, follow=True))
    assert page.count("Votre rendez-vous est confirmé. Référence") == 1, page
    assert Appointment.objects.count() == 1


def test_moving_a_cancelled_appointment_says_why_without_an_error(client):
    mission = mission_with_slots()
    appointment = book(free_slot(mission))
    appointment_cancel(appointment=appointment)
    other = slots_of(mission, status="available")[-1]
    response = client.post(reverse("booking:move", args=[appointment.secret]), {"slot": other.pk})
    page = text(response)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "Erreur" not in title and "Ce rendez-vous est annulé" in page
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.slot_id != other.pk


@pytest.mark.parametrize(
    ("postcode", "place"),
    [("97500", "Saint-Pierre-et-Miquelon"), ("98800", "la Nouvelle-Calédonie")],
)
def test_a_territory_outside_the_programme_is_said_so(client, postcode, place):
    page = text(client.get(SEARCH, {"q": postcode}))
    assert f"Ce code postal est celui de {place}" in page
    assert "Vérifiez l'orthographe" not in page
    page = text(client.get(SEARCH, {"q": "Introuvableville"}))
    assert "Vérifiez l'orthographe" in page and "Ce code postal" not in page


def test_a_search_form_in_error_has_the_error_summary(client):
    page = text(client.get(SEARCH, {"q": "81230", "period": "soir"}))
    assert 'id="error-summary"' in page and 'href="#id_period"' in page
    assert 'id="error-summary"' not in text(client.get(SEARCH, {"q": "81230"}))
