"""Round trips of the two hot paths (search, booking) and the in-memory reference data."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Appointment, AppointmentHistory, Slot, priority_release_delta
from renfort.notifications.models import Notification
from tests.sites.factories import open_every_day_site

from .factories import book, free_slot, mission_with_slots, patient_data

pytestmark = pytest.mark.django_db
SEARCH = reverse("booking:search")


def test_a_repeated_search_reads_only_the_slots(client):
    mission_with_slots()
    assert client.get(SEARCH, {"q": "81230"}).context["results"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": "81230"})
    assert response.context["results"][0].slot_count == 21
    assert len(queries) == 1  # communes, zones and sites come from memory


def test_a_filtered_search_that_found_nothing_reads_the_other_dates_once(client):
    mission = mission_with_slots()
    query = {"q": "81230", "date": (mission.date + timedelta(days=1)).isoformat()}
    assert client.get(SEARCH, query).context["unfiltered"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, query)
    assert response.context["results"] == [] and response.context["unfiltered"]
    assert len(queries) == 2  # the filtered read, then one read of every site in reach


def test_a_site_change_is_seen_by_the_next_search(client):
    mission = mission_with_slots()
    assert client.get(SEARCH, {"q": "81230"}).context["results"]
    mission.site.status = "suspended"
    mission.site.save()
    assert client.get(SEARCH, {"q": "81230"}).context["results"] == []


def test_a_booking_takes_few_round_trips_and_records_everything(client):
    slot = free_slot(mission_with_slots())
    url = reverse("booking:book", args=[slot.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {**patient_data(), "token": str(uuid.uuid4())})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.slot_id == slot.pk and appointment.start == slot.start
    assert AppointmentHistory.objects.filter(appointment=appointment).count() == 1
    assert set(Notification.objects.values_list("channel", flat=True)) == {"email", "sms"}
    slot.refresh_from_db()
    assert slot.status == "booked"
    # lock (PostgreSQL), token + limit, slot update, appointment, history, notifications,
    # savepoints of the test transaction; the delivery tasks run after commit.
    assert len(queries) <= 10


def test_a_slot_of_an_inactive_site_cannot_be_booked(client):
    mission = mission_with_slots()
    slot = free_slot(mission)
    mission.site.status = "suspended"
    mission.site.save()
    url = reverse("booking:book", args=[slot.pk])
    response = client.post(url, {**patient_data(), "token": str(uuid.uuid4())})
    assert response.status_code == 404 and not Appointment.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="LATERAL query: PostgreSQL only")
def test_the_postgresql_search_query_reads_what_the_portable_one_reads():
    from renfort.booking.selectors import _first_slots_lateral, _first_slots_window

    first = mission_with_slots()
    later = mission_with_slots(site=first.site, date=first.date + timedelta(days=1))
    other = mission_with_slots(site=open_every_day_site(in_landes=True))
    for slot in Slot.objects.filter(mission=first).order_by("start")[:5:2]:
        slot.status = "booked"
        slot.save()
    sites = [first.site, other.site]
    now = timezone.now()
    for kwargs in (
        {"now": now, "day": None, "period": ""},
        {"now": now, "day": later.date, "period": ""},
        {"now": now, "day": None, "period": "morning"},
        {"now": now, "day": first.date, "period": "afternoon"},
        {
            "now": Slot.objects.filter(mission=first).order_by("start")[7].start,
            "day": None,
            "period": "",
        },
    ):
        lateral = [tuple(row) for row in _first_slots_lateral(sites, **kwargs)]
        assert lateral == [
            tuple(row) for row in _first_slots_window([s.pk for s in sites], **kwargs)
        ], kwargs
    everything = _first_slots_lateral(sites, now=now, day=None, period="")
    assert len(everything) == 2 * 8 and {row[-2] for row in everything} == {21 + 21 - 3, 21}
    release = now + priority_release_delta()
    for row in everything:
        reserved = Slot.objects.filter(
            site_id=row[1], status="available", reserved_for_priority=True, start__gt=release
        )
        assert row[-1] == reserved.count() > 0


def test_the_day_view_takes_as_many_queries_for_10_appointments_as_for_2(client):
    mission = mission_with_slots()
    slots = list(Slot.objects.filter(mission=mission, reserved_for_priority=False))
    url = reverse("booking:day", args=[mission.site_id, mission.date.isoformat()])
    client.force_login(mission.site.manager)

    def queries_with(count: int) -> int:
        for n in range(Appointment.objects.count(), count):
            book(slots[n], last_name=f"Fictif{n}", phone=f"+336399800{n:02d}", email=f"p{n}@a.test")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(response.context["doctor_days"][0].appointments) == count
        return len(queries)

    assert queries_with(2) == queries_with(10)
