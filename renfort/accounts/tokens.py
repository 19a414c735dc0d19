"""The link that confirms the email address of an account opened by a public form (a doctor's
sign-up, a site declaration).

Django's reset-token machinery (an HMAC of the account's state and a timestamp, valid
PASSWORD_RESET_TIMEOUT) with its own salt, so that a confirmation link is never a password reset
link nor the reverse, and with `is_active` in the hash: once the account is confirmed, every link
sent for it stops working (single use), whether or not its owner logged in since."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from renfort.core.links import absolute_url


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "renfort.accounts.tokens.ConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


confirmation_token = ConfirmationTokenGenerator()


def confirmation_days() -> int:
    """How many days a confirmation link, and a password reset link, stays valid (both last
    PASSWORD_RESET_TIMEOUT)."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def confirmation_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url("accounts:confirm", uid, confirmation_token.make_token(user))
