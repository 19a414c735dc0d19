"""Races on PostgreSQL in the day view: two tabs (or two people) act on the same row."""

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renfort.booking.models import Appointment, AppointmentHistory
from renfort.booking.services import appointment_mark, appointment_walk_in_add
from renfort.booking.slots import PARIS

from .factories import book, free_slot, mission_with_slots
from .test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_seen_and_absent_pressed_at_once_apply_only_one(on_postgres, reference_data):
    mission = mission_with_slots()
    appointment = book(free_slot(mission))
    now = appointment.start + timedelta(minutes=5)  # the time has come: both are offered
    marks = ["seen", "no_show"]

    def mark(index: int):
        return appointment_mark(
            appointment=appointment,
            actor=mission.site.manager,
            status=marks[index],
            shown_status="booked",  # what both rows showed
            now=now,
        ).status

    results = race(mark, count=len(marks))
    applied = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(applied) == 1 and len(refused) == 1, results
    assert refused[0].code == "changed"
    assert Appointment.objects.get().status == applied[0]
    assert AppointmentHistory.objects.exclude(from_status="").count() == 1


def test_a_walk_in_added_from_several_tabs_at_once_is_added_once(on_postgres, reference_data):
    """The same walk-in (name, time) sent from three tabs, a token each: one patient on the
    day, the other tabs told he is already there."""
    mission = mission_with_slots(date=timezone.localdate())
    at = datetime.combine(mission.date, time(10, 5), tzinfo=PARIS)

    def add(index: int):
        return appointment_walk_in_add(
            mission=mission,
            actor=mission.site.manager,
            last_name="Passage" if index % 2 else "PASSAGE",  # case does not make another
            first_name="Alex",
            at=at,
            now=at - timedelta(hours=1),  # the slot of 10:00 is still to come: taken
            submission_token=uuid.uuid4(),
        ).pk

    results = race(add, count=3)
    added = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(added) == 1 and len(refused) == 2, results
    assert all(r.code == "walk_in_duplicate" for r in refused)
    assert "est déjà dans la journée à 10\u00a0h\u00a005" in refused[0].messages[0]
    assert Appointment.objects.filter(walk_in=True).count() == 1
