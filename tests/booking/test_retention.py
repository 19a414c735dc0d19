"""Reminders (48 h, and the day before for late bookings) and purge after the retention."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings

from renfort.booking.models import Appointment, AppointmentHistory, Slot, WaitingListEntry
from renfort.booking.services import appointment_reminders_send, appointments_purge
from renfort.notifications.models import Channel, Notification
from renfort.notifications.services import notification_enqueue

from .factories import WaitingListEntryFactory, before, book, free_slot, mission_with_slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return mission_with_slots()


def reminders(appointment) -> list[str]:
    return sorted(
        Notification.objects.filter(
            kind="booking_reminder", recipient__in=[appointment.email, appointment.phone]
        ).values_list("dedup_key", flat=True)
    )


def test_reminder_48_hours_before_by_email_and_sms(mission):
    slot = free_slot(mission)
    appointment = book(slot, now=before(slot, days=9))
    assert appointment_reminders_send(now=before(slot, hours=49)) == 0
    assert appointment_reminders_send(now=before(slot, hours=47)) == 2
    assert len(reminders(appointment)) == 2 and all("48h" in k for k in reminders(appointment))
    # Safe to run again: nothing new.
    assert appointment_reminders_send(now=before(slot, hours=46)) == 0
    assert appointment_reminders_send(now=before(slot, hours=20)) == 0


def test_booked_less_than_48_hours_ahead_gets_a_reminder_the_day_before(mission):
    slot = free_slot(mission)
    appointment = book(slot, now=before(slot, hours=40))
    assert appointment_reminders_send(now=before(slot, hours=39)) == 0
    assert appointment_reminders_send(now=before(slot, hours=23)) == 2
    assert all("24h" in k for k in reminders(appointment))


def test_booked_less_than_a_day_ahead_gets_no_reminder(mission):
    slot = free_slot(mission)
    book(slot, now=before(slot, hours=5))
    assert appointment_reminders_send(now=before(slot, hours=2)) == 0


def test_cancelled_appointments_get_no_reminder(mission):
    from renfort.booking.services import appointment_cancel

    slot = free_slot(mission)
    appointment = book(slot, now=before(slot, days=9))
    appointment_cancel(appointment=appointment, now=before(slot, days=8))
    assert appointment_reminders_send(now=before(slot, hours=47)) == 0


def test_reminder_text_has_the_link(mission):
    slot = free_slot(mission)
    appointment = book(slot, now=before(slot, days=9), phone="")
    appointment_reminders_send(now=before(slot, hours=47))
    body = Notification.objects.get(kind="booking_reminder").body
    assert appointment.reference in body and appointment.secret in body
    assert "Annulez ou déplacez le rendez-vous (jusqu'à une heure avant)" in body


def test_send_reminders_command(mission, capsys):
    call_command("send_reminders")
    assert "Rappels enregistrés" in capsys.readouterr().out


def test_purge_removes_what_is_older_than_the_retention(mission):
    slot = free_slot(mission)
    appointment = book(slot)
    entry = WaitingListEntryFactory(site=mission.site, end_date=mission.date)
    other = notification_enqueue(
        kind="site_status", channel=Channel.EMAIL, recipient="gestion@exemple.test", body="x"
    )
    # Nothing is old enough yet.
    assert appointments_purge(now=slot.end + timedelta(days=300)) == {
        "appointments": 0,
        "entries": 0,
        "notifications": 0,
    }
    Notification.objects.update(created_at=slot.end)
    # A dry run counts exactly what the purge deletes, and deletes nothing.
    tried = appointments_purge(now=slot.end + timedelta(days=400), dry_run=True)
    assert Appointment.objects.filter(pk=appointment.pk).exists()
    assert WaitingListEntry.objects.filter(pk=entry.pk).exists()
    counts = appointments_purge(now=slot.end + timedelta(days=400))
    assert tried == counts
    assert counts["appointments"] == 1 and counts["entries"] == 1
    assert counts["notifications"] == 2  # the confirmation by email and SMS
    assert not Appointment.objects.filter(pk=appointment.pk).exists()
    assert not AppointmentHistory.objects.exists()
    assert not WaitingListEntry.objects.filter(pk=entry.pk).exists()
    assert Notification.objects.filter(pk=other.pk).exists()  # not a booking message
    assert not Slot.objects.filter(end__lt=slot.end + timedelta(minutes=1)).exists()


@override_settings(BOOKING_RETENTION_MONTHS=1)
def test_retention_is_a_setting(mission, capsys):
    slot = free_slot(mission)
    book(slot)
    assert appointments_purge(now=slot.end + timedelta(days=40))["appointments"] == 1
    call_command("purge_appointments")
    out = capsys.readouterr().out
    assert "Conservation 1 mois" in out and out.rstrip().endswith("supprimés.")
    call_command("purge_appointments", "--dry-run")
    assert "à supprimer (essai : rien n'a été supprimé)." in capsys.readouterr().out


def test_the_retention_comes_from_the_environment_and_must_be_a_number_of_months():
    import os
    import subprocess
    import sys

    def retention(value: str) -> subprocess.CompletedProcess:
        code = "import django; django.setup(); from django.conf import settings; "
        code += "print(settings.BOOKING_RETENTION_MONTHS)"
        env = {**os.environ, "BOOKING_RETENTION_MONTHS": value}
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        return subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
        )

    assert retention("6").stdout.strip() == "6"
    for wrong in ("0", "douze", "-3"):
        result = retention(wrong)
        assert result.returncode != 0
        assert "BOOKING_RETENTION_MONTHS doit être un nombre de mois" in result.stderr


def test_an_appointment_moved_to_tomorrow_gets_no_48_hour_reminder_at_once(mission):
    from renfort.booking.services import appointment_move

    first, later = Slot.objects.filter(mission=mission, reserved_for_priority=False)[:2]
    appointment = book(first, now=before(first, days=9))
    appointment_move(appointment=appointment, slot_id=later.pk, now=before(later, hours=30))
    # The move was made 30 h before the new time (the history records it).
    AppointmentHistory.objects.filter(appointment=appointment, to_status="booked").exclude(
        from_status=""
    ).update(created_at=before(later, hours=30))
    assert appointment_reminders_send(now=before(later, hours=29)) == 0  # was the 48 h one
    assert appointment_reminders_send(now=before(later, hours=23)) == 2
    assert all("24h" in k for k in reminders(appointment))


def test_a_reminder_held_up_by_an_outage_is_never_sent_once_cancelled(
    mission, monkeypatch, django_capture_on_commit_callbacks
):
    from renfort.booking.services import appointment_cancel
    from renfort.notifications import channels
    from renfort.notifications.channels import DeliveryError
    from renfort.notifications.services import notifications_retry_failed

    slot = free_slot(mission)
    appointment = book(slot, now=before(slot, days=9), email="")

    def down(self, **kwargs):
        raise DeliveryError("fournisseur SMS indisponible")

    monkeypatch.setattr(channels.LocmemSmsBackend, "send", down)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reminders_send(now=before(slot, hours=47))
    reminder = Notification.objects.get(kind="booking_reminder")
    assert reminder.status == "failed" and reminder.valid_until == appointment.start
    appointment_cancel(appointment=appointment, now=before(slot, hours=40))
    reminder.refresh_from_db()
    assert reminder.status == "expired"
    monkeypatch.undo()
    assert notifications_retry_failed() == 0
