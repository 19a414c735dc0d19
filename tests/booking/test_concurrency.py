"""Races on PostgreSQL: many threads book the same slots at the same moment."""

import uuid
from collections import Counter
from functools import partial

import pytest
from django.core.exceptions import ValidationError

from renfort.booking.models import Appointment, Slot
from renfort.booking.services import appointment_book
from renfort.notifications.models import Notification
from tests.concurrency import race as shared_race

from .factories import mission_with_slots, patient, slots_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 24


def race(target, count: int = THREADS) -> list:
    """Run target(i) in `count` threads released together; collect results or exceptions."""
    return shared_race(*(partial(target, index) for index in range(count)))


def distinct_patient(index: int):
    """Another person each time: contacts and first name (names and birth date make a person)."""
    return patient(
        phone=f"+336120{index:05d}",
        email=f"course{index}@exemple.test",
        first_name=f"Coureur{chr(65 + index)}",
    )


def test_exactly_one_winner_per_slot(on_postgres, reference_data):
    mission = mission_with_slots()
    contested = [s.pk for s in slots_of(mission, reserved_for_priority=False)[:4]]

    def book(index: int):
        appointment, _ = appointment_book(
            slot_id=contested[index % len(contested)],
            patient=distinct_patient(index),
            submission_token=uuid.uuid4(),
        )
        return appointment.pk

    results = race(book)
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == len(contested)
    assert len(losers) == THREADS - len(contested)
    assert all(e.code == "slot_taken" for e in losers)
    held = Counter(Appointment.objects.values_list("slot_id", flat=True))
    assert held == dict.fromkeys(contested, 1)
    assert Appointment.objects.count() == len(contested)
    assert set(Slot.objects.filter(status="booked").values_list("pk", flat=True)) == set(contested)
    # No stray side effects: one confirmation by email and SMS per winner only.
    assert Notification.objects.filter(kind="booking_confirmation").count() == 2 * len(contested)


def test_same_submission_token_books_once(on_postgres, reference_data):
    mission = mission_with_slots()
    slot = slots_of(mission, reserved_for_priority=False)[0]
    token = uuid.uuid4()

    def book(index: int):
        appointment, created = appointment_book(
            slot_id=slot.pk, patient=patient(), submission_token=token
        )
        return appointment.pk, created

    results = race(book, count=12)
    assert all(isinstance(r, tuple) for r in results), results
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert Appointment.objects.count() == 1


def test_same_patient_racing_for_many_slots_gets_at_most_two(on_postgres, reference_data):
    mission = mission_with_slots()
    slots = [s.pk for s in slots_of(mission)[:12]]

    def book(index: int):
        appointment, _ = appointment_book(
            slot_id=slots[index], patient=patient(), submission_token=uuid.uuid4()
        )
        return appointment.pk

    results = race(book, count=len(slots))
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 2
    assert all(r.code == "limit" for r in results if isinstance(r, ValidationError))
    assert Appointment.objects.count() == 2


def test_same_person_with_a_new_contact_each_time_gets_at_most_two(on_postgres, reference_data):
    """Names and birth date are locked too: switching phone or email does not pass the limit."""
    mission = mission_with_slots()
    slots = [s.pk for s in slots_of(mission)[:12]]

    def book(index: int):
        appointment, _ = appointment_book(
            slot_id=slots[index],
            patient=patient(phone=f"+336121{index:05d}", email=f"change{index}@exemple.test"),
            submission_token=uuid.uuid4(),
        )
        return appointment.pk

    results = race(book, count=len(slots))
    assert len([r for r in results if isinstance(r, int)]) == 2
    assert all(r.code == "limit" for r in results if isinstance(r, ValidationError))
    assert Appointment.objects.count() == 2


def test_the_same_person_booking_a_slot_from_two_tabs_is_told_it_is_theirs(
    on_postgres, reference_data
):
    """The same form filled in several tabs (a token each) and sent at once: one appointment;
    the other tabs are told the slot is already theirs (its reference), not « taken by someone
    else »."""
    mission = mission_with_slots()
    slot = slots_of(mission, reserved_for_priority=False)[0]

    def book(index: int):
        appointment, _ = appointment_book(
            slot_id=slot.pk, patient=patient(), submission_token=uuid.uuid4()
        )
        return appointment.pk

    results = race(book, count=4)
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1, results
    reference = Appointment.objects.get().reference
    for refused in (r for r in results if not isinstance(r, int)):
        assert isinstance(refused, ValidationError) and refused.code == "already_booked"
        assert f"Vous avez déjà réservé ce créneau (référence {reference})" in refused.messages[0]
