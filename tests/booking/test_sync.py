"""Slot generation from missions and safe regeneration."""

import io
from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import (
    Appointment,
    AppointmentStatus,
    BookingSettings,
    Slot,
    SlotStatus,
)
from renfort.booking.services import slots_sync_all, slots_sync_for_mission
from renfort.notifications.models import Notification
from renfort.planning.models import MissionStatus
from renfort.sites.models import WeeklyOpening
from tests.planning.factories import MissionFactory

from .factories import book, free_slot, mission_with_slots, slots_of

pytestmark = pytest.mark.django_db


def test_confirmed_full_day_mission_gets_21_slots_half_reserved():
    mission = mission_with_slots()
    slots = slots_of(mission)
    assert len(slots) == 21
    assert sum(s.reserved_for_priority for s in slots) == 10
    assert all(s.site_id == mission.site_id and s.doctor_id == mission.doctor_id for s in slots)
    assert slots[0].local_start.time() == time(9) and slots[-1].local_end.time() == time(18)
    assert all(s.status == SlotStatus.AVAILABLE for s in slots)


@pytest.mark.parametrize(("period", "count"), [("morning", 9), ("afternoon", 12)])
def test_half_day_mission(period, count):
    assert len(slots_of(mission_with_slots(period=period))) == count


def test_doctor_slot_length_and_hours():
    mission = MissionFactory(
        doctor__slot_minutes=30, doctor__morning_start=time(8), doctor__afternoon_end=time(17)
    )
    # The site opens 8:00–12:30 and 14:00–18:00: the doctor's hours lie within.
    WeeklyOpening.objects.filter(site=mission.site, period="morning").update(start_time=time(8))
    slots_sync_for_mission(mission=mission)
    assert len(slots_of(mission)) == 8 + 6


def test_reserved_share_is_a_site_setting():
    mission = MissionFactory()
    BookingSettings.objects.create(site=mission.site, reserved_share=0)
    slots_sync_for_mission(mission=mission)
    assert not any(s.reserved_for_priority for s in slots_of(mission))


@pytest.mark.parametrize("status", ["draft", "proposed", "accepted", "declined", "cancelled"])
def test_missions_not_confirmed_have_no_slot(status):
    mission = MissionFactory(status=status)
    result = slots_sync_for_mission(mission=mission)
    assert result.created == 0 and not Slot.objects.exists()


def test_sync_is_idempotent():
    mission = mission_with_slots()
    before = [s.pk for s in slots_of(mission)]
    result = slots_sync_for_mission(mission=mission)
    assert result.created == 0 and result.removed == 0
    assert [s.pk for s in slots_of(mission)] == before


def test_past_slots_are_left_alone():
    mission = mission_with_slots()
    slots = slots_of(mission)
    now = slots[3].start + timedelta(minutes=1)
    mission.doctor.slot_minutes = 30
    mission.doctor.save()
    slots_sync_for_mission(mission=mission, now=now)
    assert Slot.objects.filter(pk__in=[s.pk for s in slots[:4]]).count() == 4


def test_cancelled_mission_cancels_appointments_and_notifies_with_alternatives(
    django_capture_on_commit_callbacks,
):
    mission = mission_with_slots()
    other = mission_with_slots(site=mission.site, date=mission.date + timedelta(days=1))
    appointment = book(free_slot(mission))
    mission.status = MissionStatus.CANCELLED
    mission.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = slots_sync_for_mission(mission=mission)
    appointment.refresh_from_db()
    assert result.cancelled_appointments == 1
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancelled_by == "system"
    # The booked slot is kept (cancelled) for the record; free slots are removed.
    assert list(Slot.objects.filter(mission=mission).values_list("status", flat=True)) == [
        SlotStatus.CANCELLED
    ]
    notes = Notification.objects.filter(kind="booking_cancelled_by_staff")
    assert {n.channel for n in notes} == {"email", "sms"}
    body = mail.outbox[0].body
    assert "annulé" in body and "liste d'attente" in body
    # Alternatives: the next free slot at the same site, with a direct booking link.
    alternative = free_slot(other)
    assert f"/rendez-vous/creneau/{alternative.pk}/" in body


@pytest.mark.parametrize(("free_next_day", "days_after"), [(21, 1), (4, 1), (21, 20)])
def test_the_patients_of_a_cancelled_day_are_offered_different_slots(
    client, free_next_day, days_after
):
    """Five patients of the same day are each offered three slots no other was offered, as
    long as there are enough free ones; then the slots offered come back, three each still.
    20 days after: none within a fortnight, the first ones in the zone (read far enough)."""
    import re

    mission = mission_with_slots()
    other = mission_with_slots(site=mission.site, date=mission.date + timedelta(days=days_after))
    Slot.objects.filter(pk__in=[s.pk for s in slots_of(other)[free_next_day:]]).update(
        status=SlotStatus.BLOCKED
    )
    for n, slot in enumerate(slots_of(mission)[:5]):
        book(slot, first_name=f"Personne{'abcde'[n]}", phone="", email=f"p{n}@exemple.test")
    mission.status = MissionStatus.CANCELLED
    mission.save()
    slots_sync_for_mission(mission=mission)
    emails = Notification.objects.filter(kind="booking_cancelled_by_staff")
    offered = {n.recipient: re.findall(r"/rendez-vous/creneau/(\d+)/", n.body) for n in emails}
    assert len(offered) == 5 and all(len(ids) == 3 for ids in offered.values())
    assert len({i for ids in offered.values() for i in ids}) == min(15, free_next_day)
    # The page of each patient's link (what an SMS leads to) offers what their email did.
    for appointment in Appointment.objects.filter(mission=mission):
        page = client.get(reverse("booking:manage", args=[appointment.secret])).text
        shown = re.findall(r"/rendez-vous/creneau/(\d+)/", page)
        assert shown == offered[appointment.email], appointment.email


def test_the_page_of_the_link_offers_the_alternatives_of_the_email(client):
    import html

    from django.urls import reverse

    mission = mission_with_slots()
    other = mission_with_slots(site=mission.site, date=mission.date + timedelta(days=1))
    appointment = book(free_slot(mission))
    mission.status = MissionStatus.CANCELLED
    mission.save()
    slots_sync_for_mission(mission=mission)
    page = html.unescape(
        client.get(reverse("booking:manage", args=[appointment.secret])).content.decode()
    )
    callout = page.split('id="cancelled-callout"')[1].split("</div>")[0]
    assert "est annulé, car la consultation du médecin n'aura pas lieu" in callout
    assert "Nous sommes désolés." in callout and "Renfort (mission" not in callout
    assert f"/rendez-vous/creneau/{free_slot(other).pk}/" in callout
    assert f'href="/rendez-vous/liste-attente/?site={mission.site_id}"' in callout
    # The patient's own cancellation offers no apology and no alternatives.
    mine = book(free_slot(other))
    client.post(reverse("booking:cancel", args=[mine.secret]))
    page = html.unescape(client.get(reverse("booking:manage", args=[mine.secret])).content.decode())
    callout = page.split('id="cancelled-callout"')[1].split("</div>")[0]
    assert "Ce rendez-vous est annulé." in callout and 'id="alternatives"' not in callout


def test_hours_change_keeps_fitting_bookings_and_cancels_the_others():
    mission = mission_with_slots()
    slots = slots_of(mission)
    early = book(slots[1])  # 9:20–9:40
    late = book(slots[7], phone="+33639980002", email="autre@exemple.test")  # 11:20–11:40
    mission.doctor.morning_end = time(11)
    mission.doctor.save()
    result = slots_sync_for_mission(mission=mission)
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.status == AppointmentStatus.BOOKED
    assert late.status == AppointmentStatus.CANCELLED and late.cancelled_by == "system"
    assert result.cancelled_appointments == 1
    live = Slot.objects.filter(mission=mission).exclude(status=SlotStatus.CANCELLED)
    assert live.count() == 6 + 12
    assert Notification.objects.filter(
        kind="booking_cancelled_by_staff", recipient="autre@exemple.test"
    ).exists()


def test_slot_length_change_lays_the_new_grid_around_booked_slots():
    mission = mission_with_slots()
    booked = book(slots_of(mission)[1])  # 9:20–9:40
    mission.doctor.slot_minutes = 30
    mission.doctor.save()
    slots_sync_for_mission(mission=mission)
    live = list(Slot.objects.filter(mission=mission).exclude(status="cancelled").order_by("start"))
    assert booked.slot in live
    for previous, current in zip(live, live[1:], strict=False):
        assert previous.end <= current.start  # never two overlapping slots
    assert all(s.end - s.start == timedelta(minutes=30) for s in live if s.pk != booked.slot_id)
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_site_setting_change_applies_to_free_slots_only():
    mission = mission_with_slots()
    reserved = free_slot(mission, reserved=True)
    book(reserved)
    BookingSettings.objects.create(site=mission.site, reserved_share=0)
    slots_sync_for_mission(mission=mission)
    assert Slot.objects.filter(mission=mission, reserved_for_priority=True).count() == 1


def test_generate_slots_command_and_sync_all():
    first = MissionFactory()
    second = MissionFactory(date=first.date + timedelta(days=2), site=first.site)
    MissionFactory(proposed=True, site=first.site)
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_slots", stdout=out, stderr=err)
    assert "42 créés" in out.getvalue()
    assert "missions confirmées" in err.getvalue() and "2/2" in err.getvalue()  # progress
    assert Slot.objects.filter(mission__in=[first, second]).count() == 42
    assert slots_sync_all().created == 0


def test_alternatives_to_a_cancelled_appointment_are_near_its_date_one_per_day():
    from datetime import datetime as datetime_type
    from datetime import time as time_type

    from renfort.booking.selectors import alternative_slots
    from tests.sites.factories import SiteFactory

    today = timezone.localdate()
    site = SiteFactory(weekdays=range(7), open_on_public_holidays=True)
    early = mission_with_slots(date=today + timedelta(days=3), site=site)
    near = [mission_with_slots(date=today + timedelta(days=n), site=site) for n in (19, 22, 23)]
    around = datetime_type.combine(
        today + timedelta(days=21), time_type(14), tzinfo=timezone.get_current_timezone()
    )
    found = alternative_slots(site=site, limit=3, is_priority=True, around=around)
    # The three days nearest to the 21st (22, 23 and 19), one slot each, in date order; the
    # slots of the 3rd (sooner, but far from the planned date) are not among them.
    assert [s.mission_id for s in found] == [near[0].pk, near[1].pk, near[2].pk]
    assert early.pk not in {s.mission_id for s in found}


def test_alternatives_come_by_date_in_the_zone_the_same_site_first_on_a_day():
    from datetime import date as date_type

    from renfort.booking.selectors import alternative_slots
    from tests.sites.factories import SiteFactory

    def in_days(n: int) -> date_type:
        return timezone.localdate() + timedelta(days=n)

    same = mission_with_slots(date=in_days(30))
    neighbour_site = SiteFactory(weekdays=range(7), open_on_public_holidays=True)
    assert neighbour_site.priority_zone_id == same.site.priority_zone_id
    soon = mission_with_slots(date=in_days(5), site=neighbour_site)
    found = alternative_slots(site=same.site, limit=3, is_priority=True)
    assert [s.mission_id for s in found] == [soon.pk] * 3  # next week before next month
    same_day = mission_with_slots(date=in_days(5), site=same.site)
    found = alternative_slots(site=same.site, limit=3, is_priority=True)
    assert [s.mission_id for s in found] == [same_day.pk] * 3  # the same site first that day


def test_a_staff_cancellation_never_offers_the_cancelled_slot_back(
    client, django_capture_on_commit_callbacks
):
    import html

    from django.urls import reverse

    from renfort.booking.services import appointment_cancel

    mission = mission_with_slots()
    appointment = book(free_slot(mission))
    own = f"/rendez-vous/creneau/{appointment.slot_id}/"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(
            appointment=appointment,
            by="site",
            actor=mission.site.manager,
            reason="Le médecin est souffrant (fictif).",
        )
    body = mail.outbox[0].body
    assert own not in body and body.count("/rendez-vous/creneau/") == 3
    page = html.unescape(
        client.get(reverse("booking:manage", args=[appointment.secret])).content.decode()
    )
    callout = page.split('id="cancelled-callout"')[1].split("</div>")[0]
    assert own not in callout and callout.count("/rendez-vous/creneau/") == 3
    assert "(motif : Le médecin est souffrant (fictif).)" in callout


def test_a_withdrawal_never_offers_the_slots_of_its_own_later_missions():
    """The volunteer's missions are cancelled one after another: the patients of the first
    are offered neither the second's slots (gone a moment later) nor their own."""
    import re

    from renfort.doctors.models import DoctorStatus
    from renfort.doctors.services import doctor_transition

    first = mission_with_slots()
    second = mission_with_slots(
        site=first.site, doctor=first.doctor, date=first.date + timedelta(days=1)
    )
    colleague = mission_with_slots(site=first.site, date=first.date + timedelta(days=2))
    book(free_slot(first), phone="", email="premier@exemple.test")
    doctor_transition(
        doctor=first.doctor, actor=first.doctor.user, to_status=DoctorStatus.WITHDRAWN
    )
    (email,) = Notification.objects.filter(
        kind="booking_cancelled_by_staff", recipient="premier@exemple.test"
    )
    offered = {int(i) for i in re.findall(r"/rendez-vous/creneau/(\d+)/", email.body)}
    assert len(offered) == 3
    assert offered <= {s.pk for s in slots_of(colleague)}
    assert not Slot.objects.filter(mission=second, status="available").exists()
