"""Races on PostgreSQL in the day view: two tabs (or two people) act on the same row."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from renfort.booking.models import Appointment, AppointmentHistory
from renfort.booking.services import appointment_mark

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
