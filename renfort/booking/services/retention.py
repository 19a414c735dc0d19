"""Reminders and retention (run by the `send_reminders` and `purge_appointments` commands)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from renfort.notifications.models import Notification

from .. import messages
from ..models import Appointment, AppointmentStatus, Slot, WaitingListEntry

A = AppointmentStatus


def appointment_reminders_send(*, now: datetime | None = None) -> int:
    """Send due reminders (run every 15 minutes by `send_reminders`; safe to run twice: each
    reminder has its dedup key). 48 h before for appointments booked earlier; the day before
    (24 h) for those booked less than 48 h ahead but more than 24 h ahead. A moved appointment
    counts from its move: moved to tomorrow, it gets the day-before reminder, not the 48 h one
    at once."""
    now = now or timezone.now()
    release = timedelta(hours=48)
    day_before = timedelta(hours=24)
    sent = 0
    due = (
        Appointment.objects.filter(
            status=A.BOOKED, walk_in=False, start__gt=now, start__lte=now + release
        )
        .annotate(
            moved_at=Max(
                "history__created_at",
                filter=Q(history__from_status=A.BOOKED, history__to_status=A.BOOKED),
            )
        )
        .select_related("site__commune", "doctor")
    )
    for appointment in due:
        booked = max(appointment.booked_at, appointment.moved_at or appointment.booked_at)
        ahead = appointment.start - booked
        if ahead > release:
            key = "reminder-48h"
        elif ahead > day_before and appointment.start - now <= day_before:
            key = "reminder-24h"
        else:
            continue
        with transaction.atomic():
            sent += messages.notify_appointment(
                appointment,
                kind="reminder",
                key=f"appointment-{appointment.pk}-{appointment.start:%Y%m%d%H%M}-{key}",
            )
    return sent


def _months_ago(now: datetime, months: int) -> datetime:
    """Same day `months` earlier (the last day of the month when it is shorter)."""
    import calendar

    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


class _DryRun(Exception):
    """Rolls a purge back once counted (`appointments_purge(dry_run=True)`)."""


def appointments_purge(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete appointments (with their history), waiting-list entries and booking messages
    older than the retention (BOOKING_RETENTION_MONTHS, default 12 months). With `dry_run`,
    the same deletions are made and counted, then rolled back: the counts are exactly what a
    purge would delete."""
    counts = {}
    try:
        with transaction.atomic():
            counts = _purge(now or timezone.now())
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return counts


def _purge(now: datetime) -> dict[str, int]:
    cutoff = _months_ago(now, settings.BOOKING_RETENTION_MONTHS)
    _, appointments = Appointment.objects.filter(end__lt=cutoff).delete()
    _, entries = WaitingListEntry.objects.filter(
        end_date__lt=timezone.localtime(cutoff).date()
    ).delete()
    _, notifications = Notification.objects.filter(
        kind__startswith=messages.KIND_PREFIX, created_at__lt=cutoff
    ).delete()
    unreferenced = ~Exists(Appointment.objects.filter(slot=OuterRef("pk")))
    Slot.objects.filter(end__lt=cutoff).filter(unreferenced).delete()
    return {
        "appointments": appointments.get("booking.Appointment", 0),
        "entries": entries.get("booking.WaitingListEntry", 0),
        "notifications": notifications.get("notifications.Notification", 0),
    }
