"""Notification service: record, then send after commit through a background task.

Usage from any app's service (inside its transaction)::

    notification_enqueue(kind="doctor_submitted", channel=Channel.EMAIL, recipient=email,
                         subject="…", body=render_to_string("doctors/emails/submitted.txt", ctx))
"""

import base64
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from renfort.core.text import one_line

from .channels import DeliveryError, send_email, send_sms
from .models import Channel, Notification, Status
from .sms import gsm7

MAX_ATTEMPTS = 8
# After the n-th failure the next attempt waits FIRST_RETRY × 2^(n-1), at most LONGEST_RETRY:
# 5, 10, 20, 40, 80, 160 and 320 minutes, so that an outage of up to about ten hours loses
# nothing; then the notification is abandoned (listed in the admin, which can send it again).
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), LONGEST_RETRY)


def notification_enqueue(
    *,
    kind: str,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    attachments: list[tuple[str, bytes, str]] = (),
    dedup_key: str | None = None,
    reply_to: str = "",
    valid_until: datetime | None = None,
) -> Notification | None:
    """Record a notification and schedule its sending after the current transaction commits.

    With a dedup_key, the same notification is never recorded twice (returns None then). The
    subject is put on one line: an email header never holds a line break (Django refuses to
    send it, forever). An SMS body is written in GSM-7 (sms.gsm7)."""
    if not recipient:
        return None
    if channel == Channel.SMS:
        body = gsm7(body)  # one character outside GSM-7 would double the cost
    encoded = [
        {"filename": name, "content_b64": base64.b64encode(data).decode(), "mimetype": mime}
        for name, data, mime in attachments
    ]
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                kind=kind,
                channel=channel,
                recipient=recipient,
                subject=one_line(subject).strip()[:200],
                body=body,
                attachments=encoded,
                dedup_key=dedup_key,
                reply_to=reply_to,
                valid_until=valid_until,
            )
    except IntegrityError:
        if dedup_key and Notification.objects.filter(dedup_key=dedup_key).exists():
            return None
        raise
    delivery_schedule(notification.pk)
    return notification


def delivery_schedule(*notification_ids: int) -> None:
    """Schedule the sending of notifications recorded in the current transaction (one task
    for them all).

    With django-tasks' database backend the task row is written in that same transaction: it
    commits or rolls back with the notifications (a transactional outbox: one commit instead of
    two, and no notification left unsent when the process stops right after the commit). The
    worker cannot see the row before the commit. Other backends (the immediate one of the
    tests) run after the commit."""
    from django_tasks_db.backend import DatabaseBackend

    from .tasks import deliver_notification, deliver_notifications

    if not notification_ids:
        return
    if len(notification_ids) == 1:
        task, args = deliver_notification, notification_ids
    else:
        task, args = deliver_notifications, (list(notification_ids),)
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def email_enqueue(
    *, kind: str, recipient: str, subject: str, template: str, context: dict, dedup_key: str
) -> Notification | None:
    """An email whose body is rendered from a text template (see notification_enqueue)."""
    return notification_enqueue(
        kind=kind,
        channel=Channel.EMAIL,
        recipient=recipient,
        subject=subject,
        body=render_to_string(template, context),
        dedup_key=dedup_key,
    )


FINAL = (Status.SENT, Status.ABANDONED, Status.EXPIRED)


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> str:
    """Send one notification. Safe to run twice: a sent notification is not sent again. One
    past its `valid_until` is not sent (status « périmée »)."""
    now = now or timezone.now()
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status in FINAL:
            return notification.status if notification else "missing"
        if notification.valid_until is not None and now >= notification.valid_until:
            notification.status = Status.EXPIRED
            notification.save(update_fields=["status"])
            return notification.status
        notification.attempts += 1
        try:
            if notification.channel == Channel.EMAIL:
                send_email(
                    to=notification.recipient,
                    subject=notification.subject,
                    body=notification.body,
                    attachments=notification.attachments,
                    reply_to=notification.reply_to,
                )
            else:
                send_sms(to=notification.recipient, body=notification.body)
        except DeliveryError as exc:
            notification.last_error = str(exc)[:500]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Status.ABANDONED
            else:
                notification.status = Status.FAILED
                notification.next_attempt_at = now + retry_delay(notification.attempts)
        else:
            notification.status = Status.SENT
            notification.sent_at = now
            notification.last_error = ""
        notification.save(
            update_fields=["attempts", "status", "last_error", "sent_at", "next_attempt_at"]
        )
        return notification.status


def notifications_retry_failed(*, now: datetime | None = None) -> int:
    """Re-send the failed notifications whose delay is over, and the pending ones whose task
    was lost (run every few minutes: `manage.py retry_notifications`)."""
    from .tasks import deliver_notification

    now = now or timezone.now()
    due = Q(status=Status.FAILED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    stuck = Q(status=Status.PENDING, created_at__lt=now - timedelta(minutes=1))
    ids = list(Notification.objects.filter(due | stuck).values_list("pk", flat=True))
    for pk in ids:
        deliver_notification.enqueue(pk)
    return len(ids)


def notifications_send_again(notifications) -> int:
    """Abandoned or failed notifications sent again now, with a fresh series of attempts
    (the admin's action, once the provider works again). Out-of-date ones are not."""
    now = timezone.now()
    ids = list(
        notifications.filter(status__in=[Status.ABANDONED, Status.FAILED])
        .exclude(valid_until__lte=now)
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=ids).update(
        status=Status.FAILED, attempts=0, next_attempt_at=None
    )
    delivery_schedule(*ids)
    return len(ids)
