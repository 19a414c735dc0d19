"""Day view, what a secretary relies on: a past day takes no walk-in, a past appointment is
marked (not cancelled), the day's slots add up (free times listed, closed ones counted), a
cancelled row says by whom and why, and the agenda reaches past days."""

import html as htmllib
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Appointment, Slot
from renfort.booking.services import (
    appointment_mark,
    appointment_walk_in_add,
    slots_sync_for_mission,
)
from renfort.booking.slots import PARIS
from tests.planning.factories import MissionFactory

from .factories import book, free_slot, mission_with_slots, slots_of
from .test_day import day_url

pytestmark = pytest.mark.django_db


def test_a_past_day_takes_no_walk_in():
    mission = mission_with_slots(date=timezone.localdate() - timedelta(days=3), status="done")
    at = datetime.combine(mission.date, time(10, 20), tzinfo=PARIS)
    with pytest.raises(ValidationError, match="celle-ci est passée") as refused:
        appointment_walk_in_add(
            mission=mission, actor=mission.site.manager, last_name="Passé", first_name="Test",
            at=at,
        )  # fmt: skip
    assert refused.value.code == "walk_in_past"
    assert not Appointment.objects.filter(mission=mission).exists()


def test_an_appointment_past_its_time_is_marked_not_cancelled(client):
    """Its patient would be told nothing (messages stop at the start): the page offers seen,
    excused, absent, and the service refuses a cancellation."""
    mission = mission_with_slots()
    first = free_slot(mission)
    appointment = book(first)
    after = first.start + timedelta(minutes=5)
    with pytest.raises(ValidationError) as refused:
        appointment_mark(
            appointment=appointment,
            actor=mission.site.manager,
            status="cancelled",
            reason="Patient a prévenu",
            now=after,
        )
    assert refused.value.code == "cancel_past"
    assert "marquez-le vu, excusé ou absent" in refused.value.messages[0]
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_the_day_lists_its_free_times_and_counts_closed_slots(client):
    mission = mission_with_slots()
    appointment = book(free_slot(mission))
    client.force_login(mission.site.manager)
    client.post(
        reverse("booking:mark", args=[appointment.pk]),
        {"status": "cancelled", "reason": "Salle indisponible (travaux)", "block_slot": "on"},
    )
    free = slots_of(mission, status="available")
    total = Slot.objects.filter(mission=mission).count()
    page = htmllib.unescape(client.get(day_url(mission)).text)
    assert f"{len(free)} créneaux libres, 1 créneau fermé aux patients." in page
    assert len(free) + 1 == total  # the cancelled appointment's slot is the closed one
    times = page.split(f'id="free-times-{mission.pk}">')[1].split("</span>")[0]
    assert times.startswith("Libres : ") and times.count(",") == len(free) - 1
    # The cancelled row says by whom and why.
    row = page[page.index('<td data-label="Patient">FICTIF Camille') :]
    row = row[: row.index("</tr>")]
    assert "Annulé par le lieu d'accueil" in row and "Motif : Salle indisponible (travaux)" in row


def test_the_agenda_reaches_the_past_days_to_correct_a_mark(client):
    past = mission_with_slots(date=timezone.localdate() - timedelta(days=5), status="done")
    coming = mission_with_slots(
        date=timezone.localdate() + timedelta(days=5), site=past.site, doctor=past.doctor
    )
    client.force_login(past.site.manager)
    page = client.get(reverse("booking:agenda")).content.decode()
    coming_table = page.split('id="agenda-coming"')[1].split("</table>")[0]
    past_table = page.split('id="agenda-past"')[1].split("</table>")[0]
    assert day_url(coming) in coming_table and day_url(past) not in coming_table
    assert day_url(past) in past_table and day_url(coming) not in past_table
    assert "Consultations des 30 derniers jours" in page


def test_today_lists_only_the_free_times_still_to_come(client):
    from renfort.core.text import hour

    mission = mission_with_slots(date=timezone.localdate())
    Slot.objects.filter(mission=mission).delete()
    now = timezone.now()
    for start in (now - timedelta(hours=2), now + timedelta(hours=2)):
        Slot.objects.create(
            mission=mission,
            site=mission.site,
            doctor=mission.doctor,
            start=start,
            end=start + timedelta(minutes=20),
            status="available",
        )
    client.force_login(mission.site.manager)
    page = htmllib.unescape(client.get(day_url(mission)).text)
    times = page.split(f'id="free-times-{mission.pk}">')[1].split("</span>")[0]
    coming = hour(timezone.localtime(now + timedelta(hours=2), mission.site.tz))
    assert times == f"Encore libres : {coming}."


def test_a_mark_made_by_mistake_is_erased(client):
    """« Vu » pressed on the wrong row: « Effacer le marquage » puts it back « À marquer »
    (traced); a walk-in marked seen by mistake can then be removed."""
    mission = MissionFactory(date=timezone.localdate())
    dawn = datetime.combine(mission.date, time(0), tzinfo=PARIS)
    slots_sync_for_mission(mission=mission, now=dawn)  # whatever the hour the test runs
    slot = free_slot(mission)
    appointment = book(slot, now=dawn)
    manager = mission.site.manager
    appointment_mark(appointment=appointment, actor=manager, status="seen", now=slot.start)
    client.force_login(manager)
    assert "Effacer le marquage" in htmllib.unescape(client.get(day_url(mission)).text)
    url = reverse("booking:mark", args=[appointment.pk])
    response = client.post(url, {"status": "booked", "shown": "seen"}, follow=True)
    assert "marquage effacé, à marquer de nouveau." in htmllib.unescape(response.text)
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    last = appointment.history.order_by("pk").last()
    assert (last.from_status, last.to_status, last.actor) == ("seen", "booked", manager)
    # Erased twice (two tabs): the second is refused as changed meanwhile.
    response = client.post(url, {"status": "booked", "shown": "seen"}, follow=True)
    assert "a changé entre-temps" in htmllib.unescape(response.text)
    at = datetime.combine(mission.date, time(10, 5), tzinfo=PARIS)
    walk_in = appointment_walk_in_add(
        mission=mission, actor=manager, last_name="Passant", first_name="Léo", at=at
    )
    for status in ("seen", "booked", "cancelled"):
        appointment_mark(
            appointment=walk_in, actor=manager, status=status, reason="Saisi par erreur", now=at
        )
    walk_in.refresh_from_db()
    assert walk_in.status == "cancelled"
