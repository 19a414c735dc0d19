"""Patient slots lie within the site's opening hours of the mission's day: the doctor's hours
cut to the site's, for each half-day (and nowhere when they do not meet)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.booking.services import slots_sync_for_mission
from renfort.booking.slots import PARIS, Hours, half_day_hours, slot_grid, within_site
from renfort.sites.models import OpeningException, WeeklyOpening
from tests.planning.factories import MissionFactory
from tests.sites.factories import SiteFactory

from .factories import slots_of

SITE_HOURS = {"morning": (time(8, 30), time(12, 30)), "afternoon": (time(14), time(17))}
EARLY = Hours(morning_start=time(7), morning_end=time(12), afternoon_start=time(13))


# --- Engine (no database) ------------------------------------------------------------------------


def test_the_doctors_hours_are_cut_to_the_sites():
    hours = within_site(EARLY, SITE_HOURS)
    assert (hours.morning_start, hours.morning_end) == (time(8, 30), time(12))
    assert (hours.afternoon_start, hours.afternoon_end) == (time(14), time(17))
    grid = slot_grid(day=date(2026, 3, 10), period="full", hours=hours, reserved_share=0)
    assert grid[0].start.time() == time(8, 30) and grid[-1].end.time() == time(17)


def test_a_half_day_the_site_does_not_open_has_no_slot():
    hours = within_site(Hours(), {"morning": SITE_HOURS["morning"]})
    assert slot_grid(day=date(2026, 3, 10), period="afternoon", hours=hours, reserved_share=0) == []
    assert len(slot_grid(day=date(2026, 3, 10), period="full", hours=hours, reserved_share=0)) == 9


def test_hours_that_do_not_meet_say_why():
    doctor = Hours(morning_start=time(7), morning_end=time(8))
    morning, afternoon = half_day_hours("full", doctor, {"morning": SITE_HOURS["morning"]})
    assert morning.window is None
    assert morning.no_slot_reason == (
        "Pas de créneau de rendez-vous le matin : les horaires du médecin "
        "(7\xa0h\xa000\xa0– 8\xa0h\xa000) et ceux du lieu (8\xa0h\xa030\xa0– 12\xa0h\xa030) "
        "ne se recouvrent pas."
    )
    assert afternoon.no_slot_reason == (
        "Pas de créneau de rendez-vous l'après-midi : le lieu n'est pas ouvert l'après-midi ce "
        "jour-là."
    )
    assert (
        within_site(doctor, SITE_HOURS).morning_end <= within_site(doctor, SITE_HOURS).morning_start
    )


# --- Generation ---------------------------------------------------------------------------------


def opening_at(site, period: str, start: time, end: time) -> None:
    WeeklyOpening.objects.filter(site=site, period=period).update(start_time=start, end_time=end)


@pytest.mark.django_db
def test_slots_start_when_the_site_opens_not_when_the_doctor_does():
    mission = MissionFactory(doctor__morning_start=time(7), doctor__afternoon_end=time(19))
    opening_at(mission.site, "morning", time(8, 30), time(12, 30))
    slots_sync_for_mission(mission=mission)
    slots = slots_of(mission)
    local = [(timezone.localtime(s.start).time(), timezone.localtime(s.end).time()) for s in slots]
    assert local[0][0] == time(8, 30)  # not 07:00
    assert all(end <= time(12) or start >= time(14) for start, end in local)
    assert local[-1][1] == time(18)  # the site closes at 18:00, the doctor at 19:00


@pytest.mark.django_db
def test_no_slot_when_the_hours_do_not_meet():
    mission = MissionFactory(doctor__morning_start=time(7), doctor__morning_end=time(8))
    opening_at(mission.site, "morning", time(8, 30), time(12, 30))
    slots_sync_for_mission(mission=mission)
    assert slots_of(mission)  # the afternoon still has its slots
    assert all(timezone.localtime(s.start).hour >= 14 for s in slots_of(mission))


@pytest.mark.django_db
def test_no_slot_on_a_half_day_the_site_does_not_open():
    mission = MissionFactory(period="full")
    WeeklyOpening.objects.filter(
        site=mission.site, weekday=mission.date.weekday(), period="afternoon"
    ).delete()
    slots_sync_for_mission(mission=mission)
    assert slots_of(mission) and all(
        timezone.localtime(s.end).hour <= 12 for s in slots_of(mission)
    )


@pytest.mark.django_db
def test_an_extra_opening_without_weekly_hours_uses_the_default_hours():
    site = SiteFactory(weekdays=[])
    day = timezone.localdate() + timedelta(days=10)
    OpeningException.objects.create(site=site, kind="open", start_date=day, end_date=day)
    mission = MissionFactory(site=site, date=day, doctor__morning_start=time(8))
    slots_sync_for_mission(mission=mission)
    assert timezone.localtime(slots_of(mission)[0].start).time() == time(9)


@pytest.mark.django_db
def test_later_site_hours_move_the_free_slots():
    mission = MissionFactory()
    slots_sync_for_mission(mission=mission)
    assert timezone.localtime(slots_of(mission)[0].start).time() == time(9)
    opening_at(mission.site, "morning", time(10), time(12, 30))
    slots_sync_for_mission(mission=mission)
    assert timezone.localtime(slots_of(mission)[0].start).time() == time(10)


# --- What the people see -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_mission_page_says_when_a_half_day_has_no_slot(client):
    mission = MissionFactory(doctor__morning_start=time(7), doctor__morning_end=time(8))
    opening_at(mission.site, "morning", time(8, 30), time(12, 30))
    for reader in (mission.doctor.user, mission.site.manager):
        client.force_login(reader)
        page = client.get(reverse("planning:mission_detail", args=[mission.pk]))
        body = page.content.decode().replace("&#x27;", "'")
        assert (
            "Pas de créneau de rendez-vous le matin : les horaires du médecin "
            "(7\xa0h\xa000\xa0– 8\xa0h\xa000) et ceux du lieu (8\xa0h\xa030\xa0– 12\xa0h\xa030) "
            "ne se recouvrent pas." in body
        )
        assert "matin sans créneau, après-midi 14\xa0h\xa000\xa0– 18\xa0h\xa000" in body


@pytest.mark.django_db
def test_the_doctors_calendar_uses_the_same_hours(client):
    mission = MissionFactory(period="morning", doctor__morning_start=time(7))
    opening_at(mission.site, "morning", time(8, 30), time(12, 30))
    client.force_login(mission.doctor.user)
    ics = client.get(reverse("planning:doctor_ics")).content.decode()
    start = datetime.combine(mission.date, time(8, 30), tzinfo=PARIS).astimezone(UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in ics  # 08h30 in Paris, not 07h00


@pytest.mark.django_db
def test_the_doctor_is_told_when_the_site_changes_the_hours_of_a_confirmed_mission():
    from renfort.notifications.models import Notification
    from renfort.sites.opening import WeeklySlot
    from renfort.sites.services import site_opening_update

    site = SiteFactory(weekdays=range(7), open_on_public_holidays=True)
    mission = MissionFactory(site=site)
    slots_sync_for_mission(mission=mission)
    weekly = [
        WeeklySlot(day, period, start, end)
        for day in range(7)
        for period, start, end in (
            ("morning", time(9), time(12)),
            ("afternoon", time(14), time(15)),
        )
    ]
    site_opening_update(site=site, actor=site.manager, slots=weekly, open_on_public_holidays=True)
    told = Notification.objects.get(kind="mission_hours_changed")
    assert told.recipient == mission.doctor.user.email
    assert (
        "se tient désormais de 9\xa0h\xa000 à 12\xa0h\xa000 et de 14\xa0h\xa000 à 15\xa0h\xa000"
        in told.body
    )
    # Saved again unchanged: nothing more.
    site_opening_update(site=site, actor=site.manager, slots=weekly, open_on_public_holidays=True)
    assert Notification.objects.filter(kind="mission_hours_changed").count() == 1
    # Changed, then back to hours told before: one email per change.
    later = [WeeklySlot(w.weekday, w.period, w.start, time(16)) if w.period == "afternoon" else w
             for w in weekly]  # fmt: skip
    site_opening_update(site=site, actor=site.manager, slots=later, open_on_public_holidays=True)
    site_opening_update(site=site, actor=site.manager, slots=weekly, open_on_public_holidays=True)
    assert Notification.objects.filter(kind="mission_hours_changed").count() == 3
