"""ICS calendar file (RFC 5545) of an appointment, attached to the confirmation email."""

from datetime import datetime

from renfort.core.ics import CalendarEvent, ics_calendar


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
    event = CalendarEvent(
        uid=f"{appointment.reference}@renfort",
        start=appointment.start,
        end=appointment.end,
        summary="Consultation — Un médecin près de chez vous",
        location=f"{site.name}, {site.address}, {site.commune.main_postcode} {site.commune.name}",
        description=(
            f"Rendez-vous {appointment.reference} avec {appointment.doctor}. "
            "Consultation au tarif de la Sécurité sociale (secteur 1), sans dépassement "
            "d'honoraires."
        ),
        cancelled=cancelled,
        sequence=sequence,
    )
    return ics_calendar(
        [event], name="Rendez-vous", method="CANCEL" if cancelled else "PUBLISH", now=now
    )
