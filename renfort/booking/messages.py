"""Messages to patients (email and SMS), recorded and sent after commit by the notification
service. Bodies are templates under templates/booking/messages/; no medical detail is sent."""

import base64
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from renfort.core.links import absolute
from renfort.core.templatetags.french import first_day_format
from renfort.core.text import hour, lower_first
from renfort.notifications.models import Channel, Notification, Status
from renfort.notifications.services import delivery_schedule, notification_enqueue
from renfort.notifications.sms import gsm7
from renfort.territories.timezones import local_time_of

from .ics import appointment_ics

# What and when, then who writes (the reference is in the body: it tells patients nothing).
SENDER = "Un médecin près de chez vous"
SUBJECTS = {
    "confirmation": "Rendez-vous confirmé le {when} — " + SENDER,
    "moved": "Rendez-vous déplacé au {when} — " + SENDER,
    "cancelled_by_patient": "Rendez-vous du {when} annulé — " + SENDER,
    "cancelled_by_staff": "Rendez-vous du {when} annulé : trouvez un autre créneau — " + SENDER,
    "reminder": "Rappel : rendez-vous le {when} — " + SENDER,
    "waitlist_registered": "Inscription sur la liste d'attente enregistrée — " + SENDER,
    "waitlist_offer": "Un créneau s'est libéré le {when} — " + SENDER,
    "waitlist_offer_withdrawn": "Le créneau proposé n'est plus disponible — " + SENDER,
    "links": "Le lien de vos rendez-vous — " + SENDER,
    "place_changed": "Nouvelle adresse pour votre rendez-vous du {when} — " + SENDER,
}
# Kinds recorded in the Notification table start with this prefix (purged with the bookings).
KIND_PREFIX = "booking_"

# Why Renfort itself cancels an appointment (its status_reason), and the few words the SMS
# says of it.
REASON_NO_CONSULTATION = "La consultation du médecin n'aura pas lieu."
REASON_NEW_HOURS = "Les horaires de la consultation ont changé."
SMS_REASONS = {
    REASON_NO_CONSULTATION: "la consultation n'aura pas lieu",
    REASON_NEW_HOURS: "les horaires de la consultation ont changé",
}
SMS_REASON_MAX = 60  # characters of a reason typed by the site or the doctor


def sms_reason(appointment) -> str:
    """« la consultation n'aura pas lieu. », or the start of the reason the site or the doctor
    typed, as it reads after « est annulé : » (lower case first, ending with « . » or « … »)."""
    reason = " ".join(appointment.status_reason.split())
    if reason in SMS_REASONS:
        return SMS_REASONS[reason] + "."
    if len(reason) > SMS_REASON_MAX:
        return lower_first(reason[: SMS_REASON_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…")
    return lower_first(reason.rstrip(" .")) + "." if reason else ""


def when(moment) -> str:
    """« mardi 27 janvier à 9 h 40 », in the current time zone (the site's: local_time_of)."""
    local = timezone.localtime(moment)
    return f"{date_format(local, first_day_format(local, 'l j F'))} à {hour(local)}"


def manage_url(appointment) -> str:
    return absolute(reverse("booking:manage", args=[appointment.secret]))


def search_url(site) -> str:
    query = urlencode({"q": site.commune.main_postcode or site.commune.name})
    return absolute(reverse("booking:search") + "?" + query)


def waitlist_url(site) -> str:
    return absolute(reverse("booking:waitlist") + "?" + urlencode({"site": site.pk}))


def sms_body(kind: str, context: dict) -> str:
    """The SMS of a kind, on one line, in GSM-7 (see renfort.notifications.sms)."""
    return gsm7(" ".join(render_to_string(f"booking/messages/{kind}_sms.txt", context).split()))


def _record_fresh(
    *, kind: str, person, context: dict, key: str, attachments=(), valid_until=None
) -> int:
    """Like _send for the messages of a row created in this very transaction (a new booking):
    their keys cannot exist yet, so both are inserted in one statement, without the savepoint
    that notification_enqueue needs to catch a duplicate. Same rows, same delivery task after
    commit."""
    subject = SUBJECTS[kind].format(**context.get("subject_values", {}))
    rows = []
    if person.email:
        rows.append(
            Notification(
                kind=KIND_PREFIX + kind,
                channel=Channel.EMAIL,
                recipient=person.email,
                subject=subject[:200],
                body=render_to_string(f"booking/messages/{kind}.txt", context),
                attachments=[
                    {
                        "filename": name,
                        "content_b64": base64.b64encode(data).decode(),
                        "mimetype": mime,
                    }
                    for name, data, mime in attachments
                ],
                dedup_key=f"{key}-email",
                valid_until=valid_until,
            )
        )
    if person.phone:
        rows.append(
            Notification(
                kind=KIND_PREFIX + kind,
                channel=Channel.SMS,
                recipient=person.phone,
                body=sms_body(kind, context),
                dedup_key=f"{key}-sms",
                valid_until=valid_until,
            )
        )
    rows = Notification.objects.bulk_create(rows)
    delivery_schedule(*[row.pk for row in rows])  # one task for the email and the SMS
    return len(rows)


def _send(*, kind: str, person, context: dict, key: str, attachments=(), valid_until=None) -> int:
    """Email (with attachments) and/or SMS to the person's contacts, once per key, not sent
    after `valid_until`. Returns the number of notifications recorded (0 when already
    recorded)."""
    recorded = 0
    subject = SUBJECTS[kind].format(**context.get("subject_values", {}))
    if person.email:
        recorded += (
            notification_enqueue(
                kind=KIND_PREFIX + kind,
                channel=Channel.EMAIL,
                recipient=person.email,
                subject=subject,
                body=render_to_string(f"booking/messages/{kind}.txt", context),
                attachments=list(attachments),
                dedup_key=f"{key}-email",
                valid_until=valid_until,
            )
            is not None
        )
    if person.phone:
        recorded += (
            notification_enqueue(
                kind=KIND_PREFIX + kind,
                channel=Channel.SMS,
                recipient=person.phone,
                body=sms_body(kind, context),
                dedup_key=f"{key}-sms",
                valid_until=valid_until,
            )
            is not None
        )
    return recorded


def appointment_context(appointment, **extra) -> dict:
    return {
        "appointment": appointment,
        "site": appointment.site,
        "doctor": appointment.doctor,
        "manage_url": manage_url(appointment),
        "subject_values": {"when": when(appointment.start)},
        **extra,
    }


def notify_appointment(
    appointment, *, kind: str, key: str, with_ics: bool = False, fresh: bool = False, **extra
) -> int:
    """fresh: the appointment was created in the current transaction (see _record_fresh)."""
    attachments = []
    if with_ics and appointment.email:
        cancelled = kind.startswith("cancelled")
        attachments = [
            (
                f"rendez-vous-{appointment.reference}.ics",
                appointment_ics(appointment, cancelled=cancelled, sequence=0 if fresh else None),
                "text/calendar",
            )
        ]
    record = _record_fresh if fresh else _send
    with local_time_of(appointment.site.departement_id):  # times as the site lives them
        context = appointment_context(
            appointment,
            search_url=search_url(appointment.site),
            waitlist_url=waitlist_url(appointment.site),
            **extra,
        )
        return record(
            kind=kind,
            person=appointment,
            context=context,
            key=key,
            attachments=attachments,
            valid_until=appointment.start,  # pointless once the appointment has started
        )


def notify_waitlist(entry, *, kind: str, key: str, **extra) -> int:
    slot, offer = extra.get("slot"), extra.get("offer")
    with local_time_of(slot.site.departement_id if slot else None):
        context = {
            "entry": entry,
            "subject_values": {"when": when(slot.start)} if slot else {},
            **extra,
        }
        return _send(
            kind=kind,
            person=entry,
            context=context,
            key=key,
            valid_until=offer.expires_at if offer is not None else None,
        )


def notify_links(*, contact, lines: list[dict], key: str, valid_until) -> int:
    """The links of a contact's coming appointments, asked again (services.links_resend):
    lines are dicts (appointment, site, when, short_when, manage_url)."""
    return _send(
        kind="links", person=contact, context={"lines": lines}, key=key, valid_until=valid_until
    )


def reminders_withdraw(appointment) -> int:
    """The reminders of a cancelled appointment not sent yet (provider outage, worker down)
    are never sent. Returns how many."""
    return Notification.objects.filter(
        kind=KIND_PREFIX + "reminder",
        dedup_key__startswith=f"appointment-{appointment.pk}-",
        status__in=[Status.PENDING, Status.FAILED],
    ).update(status=Status.EXPIRED)
