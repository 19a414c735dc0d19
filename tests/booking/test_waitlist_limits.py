"""Waiting list: a person at the appointment limit is not registered; an offer opened after
leaving the list says so."""

import html as htmllib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import WaitingListEntry, WaitingListOffer
from renfort.booking.services import waitlist_leave, waitlist_register

from .factories import WaitingListEntryFactory, book, mission_with_slots, patient, slots_of
from .test_waitlist import free_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return mission_with_slots()


def test_a_person_at_the_appointment_limit_is_not_registered(mission):
    """Nothing could be offered to them (an offer would be refused at its confirmation): the
    registration is refused, saying what to do."""
    for other in slots_of(mission, status="available", reserved_for_priority=False)[-2:]:
        book(other, phone="", email="plein@exemple.test")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        waitlist_register(
            patient=patient(phone="", email="plein@exemple.test"),
            site=mission.site,
            start_date=today,
            end_date=today + timedelta(days=10),
        )
    message = " ".join(refused.value.messages)
    assert "Vous avez déjà 2 rendez-vous à venir" in message
    assert "avant de vous inscrire sur la liste d'attente" in message
    assert "avec le lien reçu à sa confirmation" in message
    assert not WaitingListEntry.objects.exists()


def test_the_offer_page_after_leaving_the_list_says_so(client, mission):
    entry = WaitingListEntryFactory(site=mission.site)
    slot = free_up(mission)
    offer = WaitingListOffer.objects.get(entry=entry, slot=slot)
    waitlist_leave(entry=entry)
    page = htmllib.unescape(client.get(reverse("booking:offer", args=[offer.secret])).text)
    assert "<h1>Cette proposition n'est plus valable</h1>" in page
    assert "<title>Proposition plus valable" in page
    assert "vous vous êtes désinscrit(e) de la liste d'attente" in page
    assert "expirée" not in page and 'id="offer-accept"' not in page
