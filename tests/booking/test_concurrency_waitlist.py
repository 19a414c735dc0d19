"""Races on PostgreSQL around the waiting list: offers confirmed at once, registrations sent
from two tabs, leaving the list or the periodic sweep while an offer is confirmed."""

import uuid
from datetime import timedelta
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renfort.booking.models import (
    Appointment,
    OfferStatus,
    SlotStatus,
    WaitingListEntry,
    WaitingListOffer,
    WaitingStatus,
)
from renfort.booking.services import (
    appointment_cancel,
    waitlist_leave,
    waitlist_offer_accept,
    waitlist_offers_expire,
    waitlist_register,
)
from renfort.booking.services import offers as offer_services
from renfort.notifications.models import Notification
from tests.concurrency import after, errors, pause_in, race

from .factories import WaitingListEntryFactory, book, free_slot, mission_with_slots, patient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def offered_slot(people: int):
    """A slot freed by a cancellation, offered to `people` waiting people: (slot, offers)."""
    mission = mission_with_slots()
    entries = [WaitingListEntryFactory(site=mission.site) for _ in range(people)]
    appointment = book(free_slot(mission), phone="+33612000000", email="annule@exemple.test")
    appointment_cancel(appointment=appointment)
    offers = list(WaitingListOffer.objects.filter(slot=appointment.slot_id).order_by("pk"))
    assert {o.entry_id for o in offers} == {e.pk for e in entries}
    return appointment.slot, offers


@pytest.mark.parametrize("clicks", [1, 3])
def test_offers_confirmed_at_once_give_one_winner_and_a_clear_answer(
    on_postgres, reference_data, clicks
):
    """Three people offered the same slot confirm together (once, or three clicks each): one
    appointment, the others told the slot was taken and kept on the list; never a deadlock."""
    slot, offers = offered_slot(3)

    def accept(index: int):
        return waitlist_offer_accept(offer=offers[index % len(offers)]).pk

    results = race(*(partial(accept, index) for index in range(len(offers) * clicks)))
    errors = [r for r in results if not isinstance(r, int | ValidationError)]
    assert errors == []
    winners = {r for r in results if isinstance(r, int)}
    assert len(winners) == 1 and Appointment.objects.holding().filter(slot=slot).count() == 1
    statuses = sorted(WaitingListOffer.objects.values_list("status", flat=True))
    assert statuses == [OfferStatus.ACCEPTED, OfferStatus.TAKEN, OfferStatus.TAKEN]
    won = WaitingListOffer.objects.get(status=OfferStatus.ACCEPTED)
    refused = [r for r in results if isinstance(r, ValidationError)]
    # The other people are told the slot was taken; a second click of the winner's own offer
    # is told it was already used.
    for offer, result in zip([offers[i % 3] for i in range(len(results))], results, strict=True):
        if isinstance(result, ValidationError):
            assert result.code == ("offer_closed" if offer.pk == won.pk else "slot_taken")
    assert len(refused) == len(results) - 1
    # The losers stay on the list, their lost offer not counted.
    for entry in WaitingListEntry.objects.exclude(pk=won.entry_id):
        assert entry.status == WaitingStatus.WAITING and entry.offers_sent == 0


def test_a_registration_sent_from_several_tabs_at_once_keeps_one_entry(on_postgres, reference_data):
    """The same person registers from several tabs (a token each) at the same moment: one
    entry, one confirmation; the others are told they were already registered."""
    mission = mission_with_slots()
    today = timezone.localdate()

    def register():
        entry, created = waitlist_register(
            patient=patient(),
            site=mission.site,
            start_date=today,
            end_date=today + timedelta(days=20),
            submission_token=uuid.uuid4(),
        )
        return entry.pk, created

    results = race(register, count=8)
    assert all(isinstance(r, tuple) for r in results), results
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert WaitingListEntry.objects.count() == 1
    assert Notification.objects.filter(kind="booking_waitlist_registered").count() == 2


def test_leaving_while_the_offer_is_being_confirmed_waits_and_says_it_was_booked(
    on_postgres, reference_data, monkeypatch
):
    """The person confirms an offer and, at that moment, leaves the list from the other link
    (the confirmation holds the person, the slot and the offer, and has booked): leaving
    waits for it (the same lock order: the person, the slot, the offer, then the entry) and
    says that the appointment was booked. Before, leaving locked the entry then waited for the
    offer, the confirmation then waited for the entry: a deadlock, a 500 for one of them."""
    slot, offers = offered_slot(2)
    offer = offers[-1]
    stopped = pause_in(monkeypatch, offer_services, "appointment_book")
    accepted, left = race(
        lambda: waitlist_offer_accept(offer=offer).pk,
        after(stopped, lambda: waitlist_leave(entry=offer.entry)),
    )
    assert errors([accepted, left]) == [], (accepted, left)
    assert isinstance(left, ValidationError) and left.code == "served", (accepted, left)
    assert "un rendez-vous vous a été réservé" in left.messages[0]
    assert Appointment.objects.holding().get().pk == accepted
    assert WaitingListEntry.objects.get(pk=offer.entry_id).status == WaitingStatus.SERVED
    loser = WaitingListEntry.objects.get(pk=offers[0].entry_id)
    assert loser.status == WaitingStatus.WAITING and loser.offers_sent == 0


def test_confirming_an_offer_while_leaving_the_list_is_refused_and_the_slot_stays_free(
    on_postgres, reference_data, monkeypatch
):
    """The other way round: leaving holds the offer when the person confirms it; the
    confirmation waits, then says the person left the list; the slot stays free for the
    others."""
    slot, offers = offered_slot(2)
    offer = offers[-1]
    stopped = pause_in(monkeypatch, offer_services, "waitlist_offer_slots")
    left, accepted = race(
        lambda: waitlist_leave(entry=offer.entry).status,
        after(stopped, lambda: waitlist_offer_accept(offer=offer)),
    )
    assert left == WaitingStatus.CANCELLED, (left, accepted)
    assert isinstance(accepted, ValidationError) and accepted.code == "offer_closed"
    assert "désinscrit" in accepted.messages[0]
    assert not Appointment.objects.holding().exists()
    slot.refresh_from_db()
    assert slot.status == SlotStatus.AVAILABLE
    assert WaitingListOffer.objects.get(pk=offers[0].pk).status == OfferStatus.PENDING


def test_the_sweep_waits_for_an_offer_being_confirmed_and_leaves_it_accepted(
    on_postgres, reference_data, monkeypatch
):
    """`process_waiting_list` runs just after the deadline while the last person confirmed
    just before it (holding the slot and the offer, the appointment booked): the sweep waits
    on the slot (the order of the confirmation: the slot, then the offers, then the entries)
    and finds nothing left to expire. Before, it locked the other offer and its entry, then
    waited for the confirmed offer, and the confirmation waited for that entry (giving the
    lost offer back): a deadlock."""
    slot, offers = offered_slot(2)
    offer = offers[-1]
    deadline = offer.expires_at
    stopped = pause_in(monkeypatch, offer_services, "appointment_book")
    accepted, swept = race(
        lambda: waitlist_offer_accept(offer=offer, now=deadline - timedelta(minutes=1)).pk,
        after(stopped, lambda: waitlist_offers_expire(now=deadline + timedelta(minutes=1))),
    )
    assert errors([accepted, swept]) == [], (accepted, swept)
    assert swept == 0 and Appointment.objects.holding().get().pk == accepted
    assert WaitingListOffer.objects.get(pk=offer.pk).status == OfferStatus.ACCEPTED
    assert WaitingListOffer.objects.get(pk=offers[0].pk).status == OfferStatus.TAKEN
    # The lost offer is not counted (the sweep may have offered the loser another slot since).
    loser = WaitingListEntry.objects.get(pk=offers[0].entry_id)
    assert loser.status == WaitingStatus.WAITING
    assert loser.offers_sent == loser.offers.exclude(status=OfferStatus.TAKEN).count()


def test_an_offer_confirmed_while_the_sweep_expires_it_is_refused(
    on_postgres, reference_data, monkeypatch
):
    """The other way round: the sweep holds the overdue offers when the person confirms: the
    confirmation waits, reads the offer expired and books nothing; the slot stays free."""
    slot, offers = offered_slot(2)
    offer = offers[-1]
    deadline = offer.expires_at
    stopped = pause_in(monkeypatch, offer_services, "waitlist_offer_slots")
    swept, accepted = race(
        lambda: waitlist_offers_expire(now=deadline + timedelta(minutes=1)),
        after(
            stopped,
            lambda: waitlist_offer_accept(offer=offer, now=deadline - timedelta(minutes=1)),
        ),
    )
    assert swept == 2, (swept, accepted)
    assert isinstance(accepted, ValidationError) and accepted.code == "offer_closed"
    assert not Appointment.objects.holding().exists()
    slot.refresh_from_db()
    assert slot.status == SlotStatus.AVAILABLE
    assert set(WaitingListOffer.objects.filter(slot=slot).values_list("status", flat=True)) == {
        OfferStatus.EXPIRED
    }
