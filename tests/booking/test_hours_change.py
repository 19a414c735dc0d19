"""The slots of the coming confirmed missions follow a change of the doctor's hours or slot
length, or of the site's opening hours, as soon as it is saved; a booked patient is never
cancelled by such a change: it is refused, listing the appointments in the way."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from renfort.booking.models import AppointmentStatus, SlotStatus
from renfort.doctors.models import Doctor
from renfort.doctors.services import doctor_preferences_update
from renfort.sites import services as site_services
from renfort.sites.models import WeeklyOpening
from renfort.sites.opening import AFTERNOON, MORNING, WeeklySlot
from tests.planning.factories import MissionFactory
from tests.sites.test_views import text

from .factories import book, mission_with_slots, slots_of

pytestmark = pytest.mark.django_db

HOURS = {
    "morning_start": time(9),
    "morning_end": time(12),
    "afternoon_start": time(14),
    "afternoon_end": time(18),
}


def preferences(doctor, **changes):
    return doctor_preferences_update(
        doctor=Doctor.objects.get(pk=doctor.pk),
        actor=doctor.user,
        data={"slot_minutes": doctor.slot_minutes, **HOURS, **changes},
    )


def local_bounds(mission) -> list[tuple[time, time]]:
    return [(s.local_start.time(), s.local_end.time()) for s in slots_of(mission)]


def test_a_new_slot_length_lays_the_free_slots_again_around_the_booked_one():
    mission = mission_with_slots()
    booked = slots_of(mission)[1]  # 9:20–9:40
    appointment = book(booked)
    preferences(mission.doctor, slot_minutes=30)
    bounds = local_bounds(mission)
    assert (time(9, 20), time(9, 40)) in bounds  # the patient keeps their slot
    # The 30-minute grid, less its two slots that overlap the booked one.
    assert bounds[1:] == [
        (time(h, m), time(h + (m == 30), (m + 30) % 60))
        for h in (10, 11, 14, 15, 16, 17)
        for m in (0, 30)
    ]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_narrower_hours_that_would_leave_a_patient_out_are_refused_and_nothing_changes():
    mission = mission_with_slots()
    book(slots_of(mission)[0])  # 9:00–9:20
    before = local_bounds(mission)
    with pytest.raises(ValidationError) as refusal:
        preferences(mission.doctor, morning_start=time(10))
    message = refusal.value.messages[0]
    assert message.startswith(
        "Vos nouveaux horaires laisseraient en dehors 1 rendez-vous déjà pris"
    )
    assert f"le {mission.date:%d/%m/%Y} à 9\xa0h\xa000" in message and "annulez d'abord" in message
    assert Doctor.objects.get(pk=mission.doctor.pk).morning_start == time(9)
    assert local_bounds(mission) == before


def test_hours_cut_after_the_patient_cancelled_are_applied():
    mission = mission_with_slots()
    preferences(mission.doctor, morning_start=time(10))
    bounds = local_bounds(mission)
    assert bounds[0] == (time(10), time(10, 20)) and len(bounds) == 6 + 12


@pytest.mark.parametrize("status", ["proposed", "accepted", "cancelled"])
def test_missions_not_confirmed_get_no_slot(status):
    mission = MissionFactory(status=status)
    preferences(mission.doctor, slot_minutes=30)
    assert slots_of(mission) == []


def test_the_preferences_page_shows_the_refusal(client):
    mission = mission_with_slots()
    book(slots_of(mission)[0])
    client.force_login(mission.doctor.user)
    data = {
        "phone": "06 11 22 33 44", "max_days_per_month": "2", "slot_minutes": "20",
        "morning_start": "10:00", "morning_end": "12:00", "afternoon_start": "14:00",
        "afternoon_end": "18:00",
    }  # fmt: skip
    response = client.post(reverse("doctors:preferences"), data)
    assert response.status_code == 200
    page = text(response)
    assert page.count("laisseraient en dehors 1 rendez-vous déjà pris") == 1  # shown once
    assert "qui le contiennent, ou annulez d'abord ce rendez-vous" in page
    assert Doctor.objects.get(pk=mission.doctor.pk).phone != "+33611223344"  # nothing saved


def week(morning: tuple[time, time]) -> list[WeeklySlot]:
    hours = {MORNING: morning, AFTERNOON: (time(14), time(18))}
    return [WeeklySlot(d, p, *hours[p]) for d in range(7) for p in (MORNING, AFTERNOON)]


def test_site_hours_change_lays_the_slots_again():
    mission = mission_with_slots()
    site_services.site_opening_update(
        site=mission.site,
        actor=mission.site.manager,
        slots=week((time(10), time(12))),
        open_on_public_holidays=True,
    )
    bounds = local_bounds(mission)
    assert bounds[0] == (time(10), time(10, 20)) and len(bounds) == 6 + 12


def test_site_hours_leaving_a_patient_out_are_refused(client):
    mission = mission_with_slots()
    slot = slots_of(mission)[0]
    book(slot)
    with pytest.raises(ValidationError, match="Ces horaires d'ouverture laisseraient en dehors"):
        site_services.site_opening_update(
            site=mission.site,
            actor=mission.site.manager,
            slots=week((time(10), time(12))),
            open_on_public_holidays=True,
        )
    opening = WeeklyOpening.objects.get(
        site=mission.site, weekday=mission.date.weekday(), period=MORNING
    )
    assert opening.start_time == time(9)  # rolled back with the refusal
    slot.refresh_from_db()
    assert slot.status == SlotStatus.BOOKED
