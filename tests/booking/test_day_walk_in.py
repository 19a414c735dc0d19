"""Day view of a site / a doctor: patients received without an appointment (walk-ins)."""

import html as htmllib
import re
import uuid
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Appointment, AppointmentStatus, Slot
from renfort.booking.services import (
    appointment_mark,
    appointment_walk_in_add,
    walk_in_default_time,
)
from renfort.booking.slots import PARIS
from tests.booking.test_day import day_url
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory

from .factories import book, mission_with_slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return mission_with_slots()


def test_walk_in_patient(client):
    mission = mission_with_slots(date=timezone.localdate())
    client.force_login(mission.doctor.user)
    response = client.post(
        reverse("booking:walk_in", args=[mission.pk]),
        {"last_name": "Passage", "first_name": "Alex", "time": "10:05"},
    )
    assert response.status_code == 302
    walk_in = Appointment.objects.get(walk_in=True)
    # A slot is taken only when 10:05 is still to come (tested with a fixed clock in
    # test_a_walk_in_received_later_takes_the_slot_of_that_time): this test runs at any hour,
    # so it only checks what never depends on the clock.
    assert walk_in.phone == "" and walk_in.local_start.time() == time(10, 5)
    assert walk_in.slot is None or walk_in.slot.status == "booked"
    page = client.get(day_url(mission)).text
    # Counted apart from the appointments booked online.
    assert "0 rendez-vous, 1 patient sans rendez-vous," in page


def test_a_walk_in_form_sent_twice_adds_the_patient_once(client):
    mission = mission_with_slots(date=timezone.localdate())
    client.force_login(mission.site.manager)
    page = client.get(day_url(mission)).text
    token = re.search(r'name="token" value="([0-9a-f-]{36})"', page).group(1)
    data = {"last_name": "Passage", "first_name": "Alex", "time": "10:05", "token": token}
    for _ in range(2):
        response = client.post(reverse("booking:walk_in", args=[mission.pk]), data, follow=True)
        assert "PASSAGE Alex, 10\xa0h\xa005 : patient sans rendez-vous ajouté." in response.text
    assert Appointment.objects.filter(walk_in=True).count() == 1
    other = mission_with_slots(date=timezone.localdate(), site=mission.site)
    with pytest.raises(ValidationError, match="Ce formulaire a déjà servi"):
        appointment_walk_in_add(
            mission=other, actor=mission.site.manager, last_name="Autre", first_name="Alex",
            at=Appointment.objects.get().start, submission_token=uuid.UUID(token),
        )  # fmt: skip


def test_a_walk_in_added_again_from_another_tab_is_refused(client):
    """Same name (whatever the case, accents, hyphens or spaces) and time, another token:
    refused and said; another time or another name is another patient, and a removed entry
    can be added again."""
    mission = mission_with_slots(date=timezone.localdate())
    client.force_login(mission.site.manager)
    url = reverse("booking:walk_in", args=[mission.pk])
    data = {"last_name": "Passage", "first_name": "Alex", "time": "10:05"}
    client.post(url, {**data, "token": str(uuid.uuid4())})
    again = {**data, "last_name": "PASSAGE", "token": str(uuid.uuid4())}
    response = client.post(url, again, follow=True)
    assert "PASSAGE Alex est déjà dans la journée à 10\u00a0h\u00a005 : rien n'a été ajouté." in (
        htmllib.unescape(response.text)
    )
    assert Appointment.objects.filter(walk_in=True).count() == 1
    written_otherwise = {**data, "last_name": "Pas-sàge", "first_name": "ALEX"}
    response = client.post(url, {**written_otherwise, "token": str(uuid.uuid4())}, follow=True)
    assert "PASSAGE Alex est déjà dans la journée" in htmllib.unescape(response.text)
    assert Appointment.objects.filter(walk_in=True).count() == 1
    client.post(url, {**data, "time": "10:25", "token": str(uuid.uuid4())})
    client.post(url, {**data, "first_name": "Sam", "token": str(uuid.uuid4())})
    assert Appointment.objects.filter(walk_in=True).count() == 3
    Appointment.objects.filter(walk_in=True).update(status=AppointmentStatus.CANCELLED)
    client.post(url, {**data, "token": str(uuid.uuid4())})
    assert Appointment.objects.filter(walk_in=True, status="booked").count() == 1


def test_a_walk_in_is_only_marked_seen_and_its_cancellation_tells_no_one(client):
    mission = mission_with_slots(date=timezone.localdate())
    at = datetime.combine(mission.date, time(10), tzinfo=PARIS)
    appointment_walk_in_add(
        mission=mission, actor=mission.site.manager, last_name="Passage", first_name="Alex",
        at=at, now=at,
    )  # fmt: skip
    client.force_login(mission.site.manager)
    page = client.get(day_url(mission)).text
    row = page[page.index("PASSAGE Alex") :]
    row = row[: row.index("</tr>")]
    assert 'value="no_show"' not in row and 'value="excused"' not in row
    assert "Envoyé au patient" not in row


def test_walk_in_rules(mission):
    at = datetime.combine(mission.date, time(10), tzinfo=PARIS)
    with pytest.raises(ValidationError, match="pas avant"):
        appointment_walk_in_add(
            mission=mission, actor=mission.site.manager, last_name="A", first_name="B", at=at
        )
    for late in (time(7, 30), time(18, 30)):
        with pytest.raises(ValidationError) as refused:
            appointment_walk_in_add(
                mission=mission,
                actor=mission.site.manager,
                last_name="A",
                first_name="B",
                at=datetime.combine(mission.date, late, tzinfo=PARIS),
                now=at,
            )
        assert (
            "de 9\xa0h\xa000 à 12\xa0h\xa000 ou de 14\xa0h\xa000 à 18\xa0h\xa000"
            in (refused.value.messages[0])
        )
    with pytest.raises(PermissionDenied):
        appointment_walk_in_add(
            mission=mission,
            actor=UserFactory(site_manager=True),
            last_name="A",
            first_name="B",
            at=at,
        )
    with pytest.raises(ValidationError):
        appointment_walk_in_add(
            mission=mission, actor=mission.site.manager, last_name="", first_name="B", at=at
        )
    proposed = MissionFactory(proposed=True, site=mission.site)
    with pytest.raises(ValidationError):
        appointment_walk_in_add(
            mission=proposed, actor=mission.site.manager, last_name="A", first_name="B", at=at
        )


def test_a_walk_in_falls_in_a_consultation_period_not_in_the_lunch_break(client):
    mission = mission_with_slots(date=timezone.localdate())  # 9h–12h and 14h–18h
    client.force_login(mission.site.manager)
    url = reverse("booking:walk_in", args=[mission.pk])
    response = client.post(
        url, {"last_name": "Midi", "first_name": "Alex", "time": "12:30"}, follow=True
    )
    assert not Appointment.objects.filter(walk_in=True).exists()
    assert (
        "L'heure doit être pendant la consultation : de 9\xa0h\xa000 à 12\xa0h\xa000 "
        "ou de 14\xa0h\xa000 à 18\xa0h\xa000." in htmllib.unescape(response.text)
    )
    for accepted in ("09:00", "12:00", "14:00", "18:00"):
        client.post(url, {"last_name": "Passage", "first_name": "Alex", "time": accepted})
    assert Appointment.objects.filter(walk_in=True).count() == 4


def test_a_walk_in_on_another_sites_mission_tells_nothing(client, mission):
    client.force_login(UserFactory(site_manager=True))
    response = client.post(reverse("booking:walk_in", args=[mission.pk]), {})
    assert response.status_code == 404  # not a redirect to that site's day


def test_two_walk_in_forms_the_same_day_have_ids_of_their_own(client):
    morning = mission_with_slots(date=timezone.localdate())
    afternoon = mission_with_slots(date=morning.date, site=morning.site, period="afternoon")
    client.force_login(morning.site.manager)
    page = client.get(day_url(morning)).text
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for mission in (morning, afternoon):
        for name in ("last_name", "first_name", "time"):
            field_id = f"id_walk_in_{mission.pk}_{name}"
            assert f'for="{field_id}"' in page and f'id="{field_id}"' in page
    # The names stay plain: the walk-in view reads them as before.
    assert page.count('name="last_name"') == 2


@pytest.mark.parametrize(
    "period, now, suggested",
    [
        ("full", time(10, 15), "10:15"),
        ("full", time(12, 30), "12:00"),  # the lunch break: the nearest end of a period
        ("full", time(13, 50), "14:00"),
        ("full", time(7, 0), "09:00"),
        ("full", time(20, 0), "18:00"),
        ("afternoon", time(10, 0), "14:00"),
    ],
)
def test_the_walk_in_form_suggests_a_time_it_accepts(period, now, suggested):
    mission = mission_with_slots(date=timezone.localdate(), period=period)
    at = datetime.combine(mission.date, now, tzinfo=PARIS)
    assert walk_in_default_time(mission, now=at) == suggested
    hours, minutes = map(int, suggested.split(":"))
    appointment_walk_in_add(
        mission=mission, actor=mission.site.manager, last_name="Passage", first_name="Alex",
        at=datetime.combine(mission.date, time(hours, minutes), tzinfo=PARIS), now=at,
    )  # fmt: skip


def test_a_walk_in_received_later_takes_the_slot_of_that_time(client):
    mission = mission_with_slots(date=timezone.localdate() + timedelta(days=10))  # "now" is then
    now = datetime.combine(mission.date, time(10, 10), tzinfo=PARIS)
    later = datetime.combine(mission.date, time(16, 5), tzinfo=PARIS)
    walk_in = appointment_walk_in_add(
        mission=mission, actor=mission.site.manager, last_name="Passage", first_name="Alex",
        at=later, now=now,
    )  # fmt: skip
    slot = Slot.objects.get(pk=walk_in.slot_id)
    assert slot.start <= later < slot.end and slot.status == "booked"
    with pytest.raises(ValidationError) as exc_info:
        book(slot, now=now)  # nobody books online on top of the walk-in
    assert exc_info.value.code == "slot_taken"
    appointment_mark(
        appointment=walk_in, actor=mission.site.manager, status="cancelled",
        reason="Saisi par erreur", now=now,
    )  # fmt: skip
    slot.refresh_from_db()
    assert slot.status == "available"  # back in the pool
    # A walk-in at a time already past takes its free slot too: the day's counts add up.
    earlier = datetime.combine(mission.date, time(9, 5), tzinfo=PARIS)
    free_before = Slot.objects.filter(mission=mission, status="available").count()
    present = appointment_walk_in_add(
        mission=mission, actor=mission.site.manager, last_name="Présent", first_name="Alex",
        at=earlier, now=now,
    )  # fmt: skip
    assert present.slot.start <= earlier < present.slot.end
    assert Slot.objects.filter(mission=mission, status="available").count() == free_before - 1


def test_a_walk_in_on_a_draft_consultation_is_a_404(client):
    from tests.planning.factories import MissionFactory

    draft = MissionFactory(status="draft", date=timezone.localdate())
    for user in (draft.doctor.user, draft.site.manager):
        client.force_login(user)
        response = client.post(
            reverse("booking:walk_in", args=[draft.pk]),
            {"last_name": "Passage", "first_name": "Alex", "time": "10:05"},
        )
        assert response.status_code == 404  # its site and date are not told
    assert not Appointment.objects.exists()


def test_a_refused_walk_in_keeps_what_was_typed_with_the_reason_under_its_field(client):
    mission = mission_with_slots(date=timezone.localdate())
    client.force_login(mission.site.manager)
    url = reverse("booking:walk_in", args=[mission.pk])
    response = client.post(url, {"last_name": "Oubli", "first_name": "", "time": "10:20"})
    assert response.status_code == 400
    page = htmllib.unescape(response.text)
    assert "<title>Erreur dans le formulaire — Rendez-vous du" in page
    assert "Indiquez le prénom du patient." in page
    assert f'id="id_walk_in_{mission.pk}_last_name"' in page and 'value="Oubli"' in page
    response = client.post(url, {"last_name": "Midi", "first_name": "Alex", "time": "12:30"})
    page = htmllib.unescape(response.text)
    assert (
        "autofocus"
        in page.split(f'id="id_walk_in_{mission.pk}_time"', 1)[0][-300:]
        + (page.split(f'id="id_walk_in_{mission.pk}_time"', 1)[1][:200])
    )  # the focus on the field in error, out of sight below the table otherwise
    field = page.split(f'id="id_walk_in_{mission.pk}_time"', 1)[1][:600]
    assert "L'heure doit être pendant la consultation" in field
    assert 'value="Midi"' in page and 'value="12:30"' in page
    assert not Appointment.objects.filter(walk_in=True).exists()
