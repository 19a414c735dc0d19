"""Overseas sites live on their own time: slots, the half-day filter, pages, messages and
calendar files follow the site's clock (Guadeloupe is UTC−4, Paris UTC+1 in winter)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from renfort.booking import selectors
from renfort.booking.models import Slot
from renfort.notifications.models import Notification
from renfort.planning.models import MissionStatus
from tests.booking.factories import book, mission_with_slots, slots_of
from tests.factories import commune
from tests.sites.factories import open_every_day_site

pytestmark = pytest.mark.django_db
PETIT_BOURG = "97118"  # Guadeloupe, CA du Nord Basse-Terre (a priority zone)


@pytest.fixture
def mission():
    site = open_every_day_site(commune=commune(PETIT_BOURG))
    return mission_with_slots(
        site=site, date=timezone.localdate() + timedelta(days=10), status=MissionStatus.CONFIRMED
    )


def utc(mission, hour: int) -> datetime:
    """09h00 in Guadeloupe is 13h00 UTC (no daylight saving time there)."""
    return datetime.combine(mission.date, time(hour + 4), tzinfo=UTC)


def test_slots_start_at_the_doctors_hours_in_local_time(mission):
    slots = slots_of(mission)
    assert slots[0].start == utc(mission, 9)
    assert {s.half for s in slots if s.start < utc(mission, 13)} == {"morning"}
    assert {s.half for s in slots if s.start >= utc(mission, 13)} == {"afternoon"}
    assert min(s.start for s in slots if s.half == "afternoon") == utc(mission, 14)


def test_the_half_day_filter_uses_the_sites_time(mission):
    mornings = selectors.bookable_slots(day=mission.date, period="morning")
    assert set(mornings) == set(Slot.objects.filter(mission=mission, half="morning"))
    assert utc(mission, 9) in {s.start for s in mornings}  # 14h00 in Paris, still a morning


def test_pages_messages_and_calendar_files_show_local_times(client, mission):
    slot = slots_of(mission)[0]
    search = client.get(reverse("booking:search"), {"q": PETIT_BOURG}).content.decode()
    assert "9\xa0h\xa000" in search.split(f'id="site-{mission.site_id}"')[1]
    assert "9\xa0h\xa000" in client.get(reverse("booking:book", args=[slot.pk])).content.decode()
    appointment = book(slot, phone="")
    email = Notification.objects.get(kind="booking_confirmation")
    assert "9\xa0h\xa000" in email.body and "14\xa0h\xa000" not in email.body
    page = client.get(reverse("booking:manage", args=[appointment.secret])).content.decode()
    assert "9\xa0h\xa000" in page
    ics = client.get(reverse("booking:ics", args=[appointment.secret])).content.decode()
    assert f"DTSTART:{mission.date:%Y%m%d}T130000Z" in ics
    client.force_login(mission.doctor.user)
    calendar = client.get(reverse("planning:doctor_ics")).content.decode()
    assert f"DTSTART:{mission.date:%Y%m%d}T130000Z" in calendar


def test_a_walk_in_is_read_in_the_sites_time(client):
    site = open_every_day_site(commune=commune(PETIT_BOURG))
    today = timezone.localdate(timezone.now(), site.tz)  # the date in Guadeloupe
    mission = mission_with_slots(site=site, date=today, status=MissionStatus.CONFIRMED)
    client.force_login(site.manager)
    client.post(
        reverse("booking:walk_in", args=[mission.pk]),
        {"last_name": "Fictif", "first_name": "Camille", "time": "10:00"},
    )
    assert mission.appointments.get(walk_in=True).start == utc(mission, 10)


def test_existing_slots_get_their_half_day_in_local_time(mission):
    from importlib import import_module

    fill_half = import_module("renfort.booking.migrations.0003_slot_half_in_local_time").fill_half
    Slot.objects.filter(mission=mission).update(half="morning")
    fill_half(apps, None)
    assert {s.half for s in slots_of(mission) if s.start >= utc(mission, 13)} == {"afternoon"}
    assert {s.half for s in slots_of(mission) if s.start < utc(mission, 13)} == {"morning"}


def test_an_evening_slot_is_found_on_its_own_local_date(client, mission):
    """19:20 in Guadeloupe is 00:20 the next day in Paris (UTC+1 in winter, 5 hours ahead):
    the date filter of the search, the site page and the API takes each site's own date."""
    first = slots_of(mission)[0]
    evening = Slot.objects.create(
        mission=mission,
        site=mission.site,
        doctor=first.doctor,
        start=utc(mission, 19) + timedelta(minutes=20),
        end=utc(mission, 19) + timedelta(minutes=40),
        half="afternoon",
    )
    day, next_day = mission.date, mission.date + timedelta(days=1)
    assert evening in selectors.bookable_slots(day=day)
    assert evening not in selectors.bookable_slots(day=next_day)
    assert evening in selectors.site_bookable_slots(site=mission.site, day=day, period="afternoon")
    site = mission.site
    origin = selectors.Origin("Petit-Bourg", site.latitude, site.longitude, site.priority_zone_id)
    for when, expected in ((day, True), (next_day, False)):
        found = selectors.slots_search(origin=origin, day=when)
        counted = [r.slot_count for r in found if r.site == site]
        assert counted == ([len(slots_of(mission))] if expected else []), when
    for when, expected in ((day, len(slots_of(mission))), (next_day, None)):
        api = client.get("/api/slots", {"code_insee": PETIT_BOURG, "date": when.isoformat()})
        counted = [r["creneaux_disponibles"] for r in api.json() if r["lieu_id"] == site.pk]
        assert counted == ([expected] if expected else []), when
