"""Following the email-confirmation link of a public sign-up in tests (docs/doctors.md)."""

import re

from renfort.accounts import services
from renfort.notifications.models import Notification

LINK = re.compile(r"http://127\.0\.0\.1:8000(/compte/confirmation/([^/\s]+)/([^/\s]+)/)")


def confirmation_link(email: str) -> tuple[str, str, str]:
    """(path, uidb64, token) of the last confirmation link emailed to `email`."""
    mail = Notification.objects.filter(kind="account_confirmation", recipient=email).latest("pk")
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.groups()


def confirmation_path(email: str) -> str:
    return confirmation_link(email)[0]


def confirm(email: str):
    """Confirm the address as its owner would (the service behind the link's button)."""
    _, uidb64, token = confirmation_link(email)
    return services.account_confirm(uidb64=uidb64, token=token)
