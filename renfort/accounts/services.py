"""Use cases of the accounts app: login throttling, password-reset emails.

After LOGIN_MAX_FAILURES wrong passwords for one email within LOGIN_LOCK_MINUTES, logging in to
that account is refused until the oldest of them is LOGIN_LOCK_MINUTES old (« mot de passe
oublié » still works). A successful login clears the account's failures."""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from renfort.core.links import set_password_url
from renfort.notifications.services import email_enqueue

from .models import LoginFailure


def _key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _window(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def login_blocked(*, email: str, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(key=_key(email), created_at__gt=_window(now))
    return recent.count() >= settings.LOGIN_MAX_FAILURES


def login_failure_record(*, email: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    key = _key(email)
    LoginFailure.objects.filter(key=key, created_at__lte=_window(now)).delete()
    LoginFailure.objects.create(key=key, created_at=now)


def login_failures_clear(*, email: str) -> None:
    LoginFailure.objects.filter(key=_key(email)).delete()


def password_reset_email_enqueue(*, user) -> None:
    """« Mot de passe oublié »: the link is built on RENFORT_BASE_URL, like every other email
    (never on the request's Host header), and the email goes through the notifications outbox,
    sent after the response (whose time does not tell whether the account exists)."""
    email_enqueue(
        kind="password_reset",
        recipient=user.email,
        subject="Renfort : choisir un nouveau mot de passe",
        template="accounts/password_reset_email.txt",
        context={"email": user.email, "reset_url": set_password_url(user)},
        dedup_key=f"password-reset-{user.pk}-{timezone.now():%Y%m%d%H%M%S%f}",
    )
