"""The booking form of a slot taken meanwhile: the typed details are kept and the site's other
slots are offered, each one click away (a button of the same form), split from test_views.py."""

import html as htmllib
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Appointment, Slot
from renfort.booking.templatetags.booking_tags import slot_when

from .factories import book, free_slot, mission_with_slots, patient_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return mission_with_slots()


def taken(mission) -> Slot:
    """The first slot open to everyone, booked by someone else while the patient typed."""
    slot = free_slot(mission)
    book(slot, last_name="Autre", phone="+33612000009", email="premier@exemple.test")
    return slot


def typed(**overrides) -> dict:
    values = {
        "last_name": "Navigateur",
        "first_name": "Dominique",
        "birth_date": "29/02/1980",
        "phone": "06 12 34 56 78",
        "email": "dominique@exemple.test",
        "has_medecin_traitant": "oui",
        "reason": "Certificat de sport",
        **overrides,
    }
    return {**patient_data(**values), "token": str(uuid.uuid4())}


def buttons(page: str) -> list[int]:
    """The slots offered as buttons of the booking form (their formaction), in order."""
    return [int(pk) for pk in re.findall(r'formaction="/rendez-vous/creneau/(\d+)/"', page)]


def test_a_slot_taken_meanwhile_keeps_the_details_and_offers_the_next_slots(client, mission):
    slot = taken(mission)
    data = typed(is_ald="")
    response = client.post(reverse("booking:book", args=[slot.pk]), data)
    assert response.status_code == 200
    page = htmllib.unescape(response.text)
    assert response.context["title"].startswith("Erreur — ")
    summary = page[page.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert "vient d'être réservé par une autre personne" in summary
    assert 'href="#other-slots"' in summary and "Vos réponses sont gardées" in summary
    # The form again, as typed: name, birth date, contacts, answers, reason, consent.
    for name, value in (
        ("last_name", "Navigateur"),
        ("first_name", "Dominique"),
        ("phone", "06 12 34 56 78"),
        ("email", "dominique@exemple.test"),
        ("reason", "Certificat de sport"),
    ):
        assert re.search(rf'<input [^>]*name="{name}" [^>]*value="{value}"', page) or re.search(
            rf'<input [^>]*value="{value}" [^>]*name="{name}"', page
        ), name
    assert re.search(r'<input [^>]*name="birth_date"[^>]*value="29/02/1980"', page)
    assert re.search(r'<input [^>]*value="oui"[^>]*checked', page)  # médecin traitant: oui
    assert re.search(r'<input [^>]*name="consent"[^>]*checked', page)
    # A fresh idempotency key; no button to confirm the taken slot.
    new_token = response.context["token_form"]["token"].value()
    assert str(new_token) != data["token"] and str(new_token) in page
    assert "Confirmer le rendez-vous" not in page and "n'est plus disponible" not in page
    # The next slots of the same site this patient may take (not the reserved ones: they
    # have a médecin traitant), nearest after the one chosen, each with its day and time.
    offered = buttons(page)
    expected = list(
        Slot.objects.filter(
            mission=mission, status="available", reserved_for_priority=False
        ).order_by("start")[:5]
    )
    assert offered == [s.pk for s in expected]
    with timezone.override(mission.site.tz):
        assert f"Réserver le {slot_when(expected[0].start)}" in page
    assert not Appointment.objects.filter(last_name="Navigateur").exists()

    # One click books the first one with the same details (all the service's checks).
    again = {**data, "token": str(new_token)}
    booked = client.post(reverse("booking:book", args=[offered[0]]), again)
    appointment = Appointment.objects.get(last_name="Navigateur")
    assert booked.status_code == 302
    assert booked.url == reverse("booking:manage", args=[appointment.secret])
    assert appointment.slot_id == offered[0]
    assert (appointment.phone, appointment.email) == ("+33612345678", "dominique@exemple.test")
    assert appointment.reason == "Certificat de sport" and not appointment.is_priority


def test_a_priority_patient_is_offered_the_reserved_slots_too(client, mission):
    slot = taken(mission)
    page = client.post(reverse("booking:book", args=[slot.pk]), typed(has_medecin_traitant="non"))
    offered = Slot.objects.filter(pk__in=buttons(page.text))
    assert offered.count() == 5 and offered.filter(reserved_for_priority=True).exists()


def test_the_offered_slots_still_go_through_every_check_of_the_service(client, mission):
    """A button of the form posts to the other slot's own booking page: a reserved slot is
    refused to a patient with a médecin traitant, as from the search."""
    slot = taken(mission)
    reserved = free_slot(mission, reserved=True)
    response = client.post(reverse("booking:book", args=[reserved.pk]), typed())
    assert "choisissez un autre créneau" in htmllib.unescape(response.text)
    assert not Appointment.objects.filter(last_name="Navigateur").exists()
    assert slot.pk not in buttons(response.text)


def test_a_taken_slot_with_no_other_slot_offers_the_waiting_list(client, mission):
    slot = taken(mission)
    Slot.objects.filter(mission=mission, status="available").update(status="blocked")
    page = htmllib.unescape(client.post(reverse("booking:book", args=[slot.pk]), typed()).text)
    assert "Aucun autre créneau de ce lieu n'est libre pour le moment" in page
    assert f"{reverse('booking:waitlist')}?site={mission.site_id}" in page
    assert buttons(page) == [] and 'id="book-form"' not in page


def test_invalid_details_on_a_taken_slot_are_not_kept_as_a_booking_form(client, mission):
    """Field errors come first (nothing was tried on the slot): the page says the slot is no
    longer available, without offering buttons that would send the same errors."""
    slot = taken(mission)
    page = htmllib.unescape(
        client.post(reverse("booking:book", args=[slot.pk]), typed(phone="123", email="")).text
    )
    assert buttons(page) == [] and "n'est plus disponible" in page


def test_ones_own_slot_from_another_tab_is_still_said_to_be_ones_own(client, mission):
    slot = free_slot(mission)
    url = reverse("booking:book", args=[slot.pk])
    client.post(url, typed())
    first = Appointment.objects.get()
    page = htmllib.unescape(client.post(url, typed()).text)
    assert f"Vous avez déjà réservé ce créneau (référence {first.reference})" in page
    assert buttons(page) == [] and "Vos réponses sont gardées" not in page
