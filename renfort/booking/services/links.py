"""« Retrouver mon rendez-vous »: a patient who lost the message of their booking asks for the
links again, giving the phone or the email they booked with. They are sent there, and only
there: whoever types a number learns nothing (the page says the same whether or not anyone
booked with it), and the links reach only who already received them."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from renfort.core.text import hour
from renfort.core.validators import normalize_mobile
from renfort.notifications.models import Notification
from renfort.territories.timezones import local_time_of

from .. import messages
from ..models import Appointment
from .appointments import advisory_lock

# At most one message per contact in such a time: a form sent again, twice in a row or by
# someone else typing the number, sends nothing more.
RESEND_WINDOW = timedelta(minutes=15)
CONTACT_MISSING = (
    "Indiquez le téléphone mobile ou l'adresse électronique donnés lors de la prise de rendez-vous."
)
EMAIL_INVALID = "Adresse électronique invalide, par exemple nom@exemple.fr."


@dataclass(frozen=True)
class Contact:
    """One phone (E.164) or one email (lower case), as bookings store them."""

    phone: str = ""
    email: str = ""

    @property
    def recipient(self) -> str:
        return self.phone or self.email


def contact_parse(value: str) -> Contact:
    """What the patient typed → a Contact, or ValidationError with a French message: an
    address when it holds « @ », otherwise a mobile number, written in any usual way."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(CONTACT_MISSING, code="required")
    if "@" in value:
        email = value.lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(EMAIL_INVALID, code="invalid_email") from None
        return Contact(email=email)
    return Contact(phone=normalize_mobile(value))


def _line(appointment: Appointment) -> dict:
    """What the message says of one appointment, in its site's local time."""
    with local_time_of(appointment.site.departement_id):
        start = timezone.localtime(appointment.start)
        return {
            "appointment": appointment,
            "site": appointment.site,
            "when": messages.when(appointment.start),
            "short_when": f"{start:%d/%m} à {hour(start)}",
            "manage_url": messages.manage_url(appointment),
        }


@transaction.atomic
def links_resend(*, contact: Contact, now: datetime | None = None) -> int:
    """Records one email or one SMS to the contact listing the links of the coming
    appointments booked with it (every person's: a family may share a phone). Nothing when
    there is none, nor when one left less than RESEND_WINDOW ago (under the contact's lock: two
    requests at once send one). Returns how many messages were recorded (0 or 1); callers must
    not tell the patient which (see the module)."""
    now = now or timezone.now()
    # The key names the contact by a digest: it is unique, not a place to read it.
    digest = hashlib.sha256(contact.recipient.encode()).hexdigest()[:32]
    advisory_lock(f"links:{digest}")
    recent = Notification.objects.filter(
        kind=messages.KIND_PREFIX + "links",
        recipient=contact.recipient,
        created_at__gt=now - RESEND_WINDOW,
    )
    if recent.exists():
        return 0
    found = list(
        Appointment.objects.upcoming(now)
        .for_contact(phone=contact.phone, email=contact.email)
        .filter(walk_in=False)
        .select_related("site__commune", "doctor")
        .order_by("start", "pk")
    )
    if not found:
        return 0
    return messages.notify_links(
        contact=contact,
        lines=[_line(appointment) for appointment in found],
        key=f"links-{digest}-{now.timestamp():.6f}",
        valid_until=found[-1].start,
    )
