"""The administration never shows a patient's contact or secret links (docs/booking.md)."""

import logging

import pytest
from django.urls import reverse

from renfort.core.redact import RedactSecretsFilter, redact_secrets
from renfort.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SECRET = "3_D8T7abcdefghijklmnopqrstuvwxyz0"  # the shape of token_urlsafe(24)


def notification(kind: str, channel: str, recipient: str) -> Notification:
    return Notification.objects.create(
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject="Votre rendez-vous",
        body=f"Pour annuler : http://127.0.0.1:8000/rendez-vous/mon-rendez-vous/{SECRET}/ Merci.",
        dedup_key=f"appointment-{Notification.objects.count() + 1}-{kind}-{channel}",
    )


def test_patient_messages_are_masked_in_the_admin(client):
    client.force_login(UserFactory(admin=True))
    email = notification("booking_confirmation", "email", "luc.bernard@example.fr")
    sms = notification("booking_reminder", "sms", "+33612345678")
    page = client.get(reverse("admin:notifications_notification_change", args=[email.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert SECRET not in text and "luc.bernard@" not in text
    assert "l•••@example.fr" in text and "/rendez-vous/mon-rendez-vous/…/" in text
    text = client.get(reverse("admin:notifications_notification_change", args=[sms.pk])).text
    assert "06 •• •• •• 78" in text and "+33612345678" not in text and SECRET not in text
    # Messages to agents and doctors are shown as sent.
    agent = notification("site_message", "email", "ars@example.fr")
    text = client.get(reverse("admin:notifications_notification_change", args=[agent.pk])).text
    assert "ars@example.fr" in text


def test_secret_links_are_hidden_from_the_logs():
    line = f'"GET /rendez-vous/liste-attente/{SECRET}/desinscription/ HTTP/1.1" 200 512'
    assert (
        redact_secrets(line)
        == '"GET /rendez-vous/liste-attente/…/desinscription/ HTTP/1.1" 200 512'
    )
    assert redact_secrets("/zones/200066918/ /lieux/12/") == "/zones/200066918/ /lieux/12/"
    # Also when something else than « / » or the end follows it (a mistyped or tampered link).
    for tail in ("%00/", "\x00/", "%2F../", ".", ",", ")", "%20"):
        assert redact_secrets(f"Not Found: /rendez-vous/mon-rendez-vous/{SECRET}{tail}") == (
            f"Not Found: /rendez-vous/mon-rendez-vous/…{tail}"
        )
    record = logging.LogRecord("django.server", logging.INFO, "", 0, '"%s" %s', (line, 200), None)
    RedactSecretsFilter().filter(record)
    assert SECRET not in record.getMessage()


def test_the_development_server_log_goes_through_the_filter():
    from config.settings import base

    assert "redact" in base.LOGGING["handlers"]["django.server"]["filters"]
    assert base.LOGGING["loggers"]["django.server"]["handlers"] == ["django.server"]
    assert "redact" in base.LOGGING["handlers"]["console"]["filters"]


def test_password_reset_links_are_hidden_in_the_admin(client):
    """They open the account: the admin shows the email without its token."""
    client.force_login(UserFactory(admin=True))
    reset = Notification.objects.create(
        kind="password_reset",
        channel="email",
        recipient="oubli@example.fr",
        body=f"Ouvrez ce lien : http://127.0.0.1:8000/compte/mot-de-passe/nouveau/Mw/{SECRET}/",
        dedup_key="password-reset-1",
    )
    text = client.get(reverse("admin:notifications_notification_change", args=[reset.pk])).text
    assert SECRET not in text and "/compte/mot-de-passe/nouveau/Mw/…/" in text
