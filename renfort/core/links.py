"""Absolute links for messages (emails, SMS): the site's public address + a path."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def absolute(path: str) -> str:
    return settings.RENFORT_BASE_URL.rstrip("/") + path


def absolute_url(url_name: str, *args) -> str:
    return absolute(reverse(url_name, args=args))


def set_password_url(user) -> str:
    """A one-time link to choose a password (Django's reset token: valid until used, or until
    PASSWORD_RESET_TIMEOUT), for an account created on someone's behalf."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url(
        "accounts:password_reset_confirm", uid, default_token_generator.make_token(user)
    )
