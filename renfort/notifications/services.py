"""Notification service: record, then send after commit through a background task.

Usage from any app's service (inside its transaction)::

    notification_enqueue(kind="doctor_submitted", channel=Channel.EMAIL, recipient=email,
                         subject="…", body=render_to_string("doctors/emails/submitted.txt", ctx))
"""

import base64

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from renfort.core.text import one_line

from .channels import DeliveryError, send_email, send_sms
from .models import Channel, Notification, Status

MAX_ATTEMPTS = 5


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
) -> Notification | None:
    """Record a notification and schedule its sending after the current transaction commits.

    With a dedup_key, the same notification is never recorded twice (returns None then). The
    subject is put on one line: an email header never holds a line break (Django refuses to
    send it, forever)."""
    if not recipient:
        return None
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


def notification_deliver(*, notification_id: int) -> str:
    """Send one notification. Safe to run twice: a sent notification is not sent again."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status in (Status.SENT, Status.ABANDONED):
            return notification.status if notification else "missing"
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
            notification.status = (
                Status.ABANDONED if notification.attempts >= MAX_ATTEMPTS else Status.FAILED
            )
        else:
            notification.status = Status.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
        notification.save(update_fields=["attempts", "status", "last_error", "sent_at"])
        return notification.status


def notifications_retry_failed() -> int:
    """Re-send failed notifications (run by cron: `manage.py retry_notifications`)."""
    from .tasks import deliver_notification

    ids = list(
        Notification.objects.filter(status__in=[Status.FAILED, Status.PENDING])
        .filter(created_at__lt=timezone.now() - timezone.timedelta(minutes=1))
        .values_list("pk", flat=True)
    )
    for pk in ids:
        deliver_notification.enqueue(pk)
    return len(ids)
