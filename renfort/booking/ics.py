"""ICS calendar file (RFC 5545) of an appointment, attached to the confirmation email: the
doctor in its title, the secret link to cancel or move it in its description."""

from datetime import datetime

from django.urls import reverse

from renfort.core.ics import CalendarEvent, ics_calendar
from renfort.core.links import absolute

from .models import change_cutoff_label


def appointment_ics(
    appointment,
    *,
    cancelled: bool = False,
    now: datetime | None = None,
    sequence: int | None = None,
) -> bytes:
    """sequence: the version of the event (0 when booked, +1 at each change, so that calendars
    replace the event after a move or a cancellation); read from the history when not given."""
    if sequence is None:
        sequence = max(0, appointment.history.count() - 1)
    site = appointment.site
    description = (
        f"Rendez-vous {appointment.reference} avec le {appointment.doctor}. "
        "Consultation au tarif de la Sécurité sociale (secteur 1), sans dépassement "
        "d'honoraires."
    )
    if site.phone:
        description += f"\nTéléphone du lieu : {site.phone_display}"
    if not cancelled:
        description += (
            f"\nPour annuler ou déplacer ce rendez-vous (jusqu'à {change_cutoff_label()} avant) : "
            + absolute(reverse("booking:manage", args=[appointment.secret]))
            + "\nCe lien est personnel : ne le transmettez pas."
        )
    event = CalendarEvent(
        uid=f"{appointment.reference}@renfort",
        start=appointment.start,
        end=appointment.end,
        summary=f"Consultation avec le {appointment.doctor} — Un médecin près de chez vous",
        location=f"{site.name}, {site.address}, {site.commune.main_postcode} {site.commune.name}",
        description=description,
        cancelled=cancelled,
        sequence=sequence,
    )
    return ics_calendar(
        [event], name="Rendez-vous", method="CANCEL" if cancelled else "PUBLISH", now=now
    )
