import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from renfort.notifications import channels
from renfort.notifications.channels import DeliveryError, LocmemSmsBackend
from renfort.notifications.models import Channel, Notification, Status
from renfort.notifications.services import (
    MAX_ATTEMPTS,
    notification_deliver,
    notification_enqueue,
    notifications_retry_failed,
    retry_delay,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    LocmemSmsBackend.outbox.clear()


def test_email_is_recorded_then_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_enqueue(
            kind="test",
            channel=Channel.EMAIL,
            recipient="patient@example.org",
            subject="Votre rendez-vous",
            body="Bonjour",
            attachments=[("rdv.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
        assert mail.outbox == []  # nothing leaves before commit
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.attempts == 1
    assert mail.outbox[0].subject == "Votre rendez-vous"
    assert mail.outbox[0].attachments[0][0] == "rdv.ics"


def test_sms_goes_through_the_sms_backend(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(kind="t", channel=Channel.SMS, recipient="+33612345678", body="RDV")
    assert LocmemSmsBackend.outbox == [{"to": "+33612345678", "body": "RDV"}]


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notification_enqueue(kind="t", channel=Channel.EMAIL, recipient="a@b.fr", body="x")
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == [] and not Notification.objects.exists()


def test_dedup_key_records_once():
    first = notification_enqueue(
        kind="t", channel=Channel.EMAIL, recipient="a@b.fr", body="x", dedup_key="k1"
    )
    second = notification_enqueue(
        kind="t", channel=Channel.EMAIL, recipient="a@b.fr", body="x", dedup_key="k1"
    )
    assert first is not None and second is None
    assert Notification.objects.count() == 1


def test_delivery_is_idempotent():
    notification = notification_enqueue(
        kind="t", channel=Channel.EMAIL, recipient="a@b.fr", body="x"
    )
    assert notification_deliver(notification_id=notification.pk) == Status.SENT
    assert notification_deliver(notification_id=notification.pk) == Status.SENT
    assert len(mail.outbox) == 1


def test_provider_outage_is_recorded_and_retried_then_abandoned(monkeypatch):
    notification = notification_enqueue(
        kind="t", channel=Channel.SMS, recipient="+33600000000", body="x"
    )

    def down(**kwargs):
        raise DeliveryError("ConnectionRefusedError")

    monkeypatch.setattr(channels.LocmemSmsBackend, "send", lambda self, **kw: down(**kw))
    assert notification_deliver(notification_id=notification.pk) == Status.FAILED
    notification.refresh_from_db()
    assert notification.last_error == "ConnectionRefusedError" and notification.attempts == 1
    for _ in range(MAX_ATTEMPTS - 1):
        notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == Status.ABANDONED and notification.attempts == MAX_ATTEMPTS


def test_empty_recipient_records_nothing():
    assert notification_enqueue(kind="t", channel=Channel.EMAIL, recipient="", body="x") is None


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_with_database_tasks_the_task_row_commits_or_rolls_back_with_the_notification():
    from django_tasks_db.models import DBTaskResult

    def record():
        return notification_enqueue(
            kind="test", channel=Channel.EMAIL, recipient="patient@example.org", body="Bonjour"
        )

    with pytest.raises(RuntimeError), transaction.atomic():
        record()
        assert DBTaskResult.objects.count() == 1  # written in the transaction (outbox)
        raise RuntimeError("the business write fails")
    assert not Notification.objects.exists() and not DBTaskResult.objects.exists()

    with transaction.atomic():
        notification = record()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [notification.pk]
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    notification.refresh_from_db()
    assert notification.status == Status.SENT and mail.outbox[0].body == "Bonjour"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_notifications_recorded_together_share_one_task_and_are_each_sent_once():
    from django_tasks_db.models import DBTaskResult

    from renfort.notifications.services import delivery_schedule
    from renfort.notifications.tasks import deliver_notifications

    with transaction.atomic():
        email = Notification.objects.create(
            kind="t", channel=Channel.EMAIL, recipient="patient@example.org", body="Courriel"
        )
        sms = Notification.objects.create(
            kind="t", channel=Channel.SMS, recipient="+33639980001", body="SMS"
        )
        delivery_schedule(email.pk, sms.pk)
    task = DBTaskResult.objects.get()  # one row for both
    assert task.args_kwargs["args"] == [[email.pk, sms.pk]]
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}
    assert deliver_notifications.call([email.pk, sms.pk]) == [Status.SENT, Status.SENT]
    assert len(mail.outbox) == 1  # run again: nothing sent twice


def test_a_subject_with_line_breaks_is_put_on_one_line_and_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_enqueue(
            kind="t",
            channel=Channel.EMAIL,
            recipient="ars@example.org",
            subject="Question\r\nBcc: x@example.org\n",
            body="Bonjour",
        )
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert mail.outbox[0].subject == "Question Bcc: x@example.org"
    assert mail.outbox[0].bcc == []


def failing_sms(monkeypatch):
    def down(self, **kwargs):
        raise DeliveryError("ConnectionRefusedError")

    monkeypatch.setattr(channels.LocmemSmsBackend, "send", down)


def test_each_failure_waits_longer_before_the_next_attempt(monkeypatch):
    """An outage of an hour or two loses nothing: 5, 10, 20… minutes between attempts (it
    used to give up after five attempts five minutes apart)."""
    failing_sms(monkeypatch)
    notification = notification_enqueue(
        kind="t", channel=Channel.SMS, recipient="+33600000000", body="x"
    )
    now = timezone.now()
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        assert notification_deliver(notification_id=notification.pk, now=now) == Status.FAILED
        notification.refresh_from_db()
        waits.append(round((notification.next_attempt_at - now).total_seconds() / 60))
        now = notification.next_attempt_at
    assert waits == [5, 10, 20, 40, 80, 160, 320]
    assert retry_delay(20) == timedelta(hours=6)
    # The periodic retry takes it only once its delay is over.
    assert notifications_retry_failed(now=now - timedelta(minutes=1)) == 0
    Notification.objects.filter(pk=notification.pk).update(attempts=MAX_ATTEMPTS - 2)
    assert notifications_retry_failed(now=now) == 1  # the worker tries (and fails) again
    notification.refresh_from_db()
    assert notification.attempts == MAX_ATTEMPTS - 1 and notification.status == Status.FAILED
    assert notification_deliver(notification_id=notification.pk, now=now) == Status.ABANDONED


def test_an_out_of_date_notification_is_not_sent():
    start = timezone.now() + timedelta(hours=1)
    notification = notification_enqueue(
        kind="t", channel=Channel.SMS, recipient="+33600000000", body="x", valid_until=start
    )
    assert notification_deliver(notification_id=notification.pk, now=start) == Status.EXPIRED
    assert LocmemSmsBackend.outbox == []
    assert notification_deliver(notification_id=notification.pk) == Status.EXPIRED  # final


def test_the_admin_sends_abandoned_notifications_again(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    failing_sms(monkeypatch)
    notification = notification_enqueue(
        kind="t", channel=Channel.SMS, recipient="+33600000000", body="x"
    )
    Notification.objects.filter(pk=notification.pk).update(attempts=MAX_ATTEMPTS - 1)
    assert notification_deliver(notification_id=notification.pk) == Status.ABANDONED
    monkeypatch.undo()  # the provider works again
    client.force_login(UserFactory(admin=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "send_again", "_selected_action": [notification.pk]},
            follow=True,
        )
    assert "1 notification(s) renvoyée(s)" in response.content.decode()
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.attempts == 1
    assert len(LocmemSmsBackend.outbox) == 1


def test_sms_bodies_are_recorded_and_sent_in_gsm7(django_capture_on_commit_callbacks):
    """One « ê » or « — » would make the whole SMS UCS-2 (70 characters per SMS, not 160)."""
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_enqueue(
            kind="test",
            channel=Channel.SMS,
            recipient="+33639980001",
            body="Fête à Châtel — « 9\u00a0h\u00a040 »",
        )
    assert notification.body == 'Fete à Chatel - "9 h 40"'
    assert LocmemSmsBackend.outbox == [{"to": "+33639980001", "body": notification.body}]
    channels.send_sms(to="+33639980001", body="Forêt")  # any other caller
    assert LocmemSmsBackend.outbox[-1]["body"] == "Foret"
    email = notification_enqueue(
        kind="test", channel=Channel.EMAIL, recipient="a@exemple.test", body="Fête", subject="Ê"
    )
    assert email.body == "Fête"  # emails keep their characters
