"""Delivery channels. Email uses Django's email backends; SMS uses a pluggable backend."""

import base64
import json
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from .sms import gsm7


class DeliveryError(Exception):
    """The provider refused or could not be reached; the send will be retried."""


def send_email(
    *, to: str, subject: str, body: str, attachments: list[dict], reply_to: str = ""
) -> None:
    message = EmailMessage(
        subject=subject, body=body, to=[to], reply_to=[reply_to] if reply_to else None
    )
    for item in attachments:
        message.attach(item["filename"], base64.b64decode(item["content_b64"]), item["mimetype"])
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP errors, connection refused…
        raise DeliveryError(type(exc).__name__) from exc


class ConsoleSmsBackend:
    """Development backend: writes SMS to a file (default var/sms.log) instead of sending."""

    def send(self, *, to: str, body: str) -> None:
        path = Path(getattr(settings, "SMS_FILE_PATH", Path(settings.BASE_DIR) / "var" / "sms.log"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"to": to, "body": body}, ensure_ascii=False) + "\n")


class LocmemSmsBackend:
    """Test backend: keeps messages in memory (like Django's locmem email backend)."""

    outbox: list[dict] = []

    def send(self, *, to: str, body: str) -> None:
        LocmemSmsBackend.outbox.append({"to": to, "body": body})


class HttpSmsBackend:
    """Generic HTTP SMS provider: POST JSON {to, text, sender} with a bearer token.

    Settings: SMS_HTTP_URL, SMS_HTTP_TOKEN, SMS_SENDER."""

    def send(self, *, to: str, body: str) -> None:
        payload = json.dumps(
            {"to": to, "text": body, "sender": getattr(settings, "SMS_SENDER", "Renfort")}
        ).encode()
        request = urllib.request.Request(
            settings.SMS_HTTP_URL,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if response.status >= 300:
                    raise DeliveryError(f"HTTP {response.status}")
        except OSError as exc:
            raise DeliveryError(type(exc).__name__) from exc


def sms_backend():
    return import_string(
        getattr(settings, "SMS_BACKEND", "renfort.notifications.channels.ConsoleSmsBackend")
    )()


def send_sms(*, to: str, body: str) -> None:
    """The body in GSM-7 (already so when recorded by notification_enqueue; kept here for any
    other caller)."""
    sms_backend().send(to=to, body=gsm7(body))
