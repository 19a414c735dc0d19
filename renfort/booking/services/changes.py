"""Cancelling and moving appointments: by the patient from the secret link (until the cut-off),
by the site or the doctor with a reason. Same locking order as the booking
(services/appointments.py): slot rows, then appointment rows."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from renfort.core.text import hour
from renfort.core.validators import no_link_check
from renfort.planning.models import Mission, MissionStatus
from renfort.sites.models import SiteStatus

from .. import messages
from ..models import (
    Appointment,
    AppointmentHistory,
    AppointmentStatus,
    CancelledBy,
    Slot,
    SlotStatus,
    change_cutoff_label,
)
from ..permissions import can_manage_appointment
from ..selectors import alternative_slots
from .appointments import _check_overlap, _check_slot, _lock_contacts, own_appointments, patient_of

A = AppointmentStatus

# --- Cancel, move, day view -------------------------------------------------------------------


def _release_slot(appointment: Appointment, now: datetime, block: bool = False) -> Slot | None:
    """Put the appointment's slot back in the pool when it is still in the future, or block it
    (`block`: the site or the doctor will not hold it, e.g. a shortened day)."""
    if appointment.slot_id is None:
        return None
    slot = Slot.objects.select_for_update().get(pk=appointment.slot_id)
    if slot.status != SlotStatus.BOOKED:
        return None
    if slot.start <= now:
        return None
    mission_ok = Mission.objects.filter(pk=slot.mission_id, status=MissionStatus.CONFIRMED).exists()
    if not mission_ok:
        slot.status = SlotStatus.CANCELLED
    else:
        slot.status = SlotStatus.BLOCKED if block else SlotStatus.AVAILABLE
    slot.save(update_fields=["status", "updated_at"])
    return slot if slot.status == SlotStatus.AVAILABLE else None


def _cancel(
    appointment: Appointment,
    *,
    by: str,
    actor,
    reason: str,
    now: datetime,
    block: bool = False,
    offered: set[int] | None = None,
) -> Slot | None:
    """`offered`: the slots already offered to the other patients of a day being cancelled, so
    that each patient is offered others as long as there are (the set grows)."""
    AppointmentHistory.objects.create(
        appointment=appointment,
        from_status=appointment.status,
        to_status=A.CANCELLED,
        actor=actor,
        comment=f"Annulé par {CancelledBy(by).label}. {reason}".strip(),
    )
    appointment.status = A.CANCELLED
    appointment.cancelled_by = by
    appointment.status_reason = reason[:300]
    appointment.save(update_fields=["status", "cancelled_by", "status_reason", "updated_at"])
    messages.reminders_withdraw(appointment)
    freed = _release_slot(appointment, now, block=block)
    if by == CancelledBy.PATIENT:
        messages.notify_appointment(
            appointment,
            kind="cancelled_by_patient",
            key=f"appointment-{appointment.pk}-cancelled",
            with_ics=True,
        )
    else:
        alternatives = alternative_slots(
            site=appointment.site,
            now=now,
            exclude_mission_id=None,
            limit=3,
            is_priority=appointment.is_priority,
            around=appointment.start,
            avoid=offered if offered is not None else frozenset(),
            exclude_ids=[freed.pk] if freed is not None else (),  # never offered back
        )
        if offered is not None and (appointment.phone or appointment.email):
            offered.update(slot.pk for slot in alternatives)
        for slot in alternatives:
            slot.book_url = messages.absolute(reverse("booking:book", args=[slot.pk]))
        messages.notify_appointment(
            appointment,
            kind="cancelled_by_staff",
            key=f"appointment-{appointment.pk}-cancelled",
            with_ics=True,
            alternatives=alternatives,
            sms_reason=messages.sms_reason(appointment),
        )
    return freed


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    by: str = CancelledBy.PATIENT,
    actor=None,
    reason: str = "",
    now: datetime | None = None,
    block_slot: bool = False,
) -> Appointment:
    """Cancel an appointment. The patient (secret link) until the cut-off (1 h before); the
    site manager or the doctor at any time, with a reason. The freed slot goes back to the pool
    at once and is offered to the waiting list, unless the site or the doctor blocks it
    (`block_slot`: they will not hold that time)."""
    now = now or timezone.now()
    reason = " ".join((reason or "").split())
    if by in (CancelledBy.SITE, CancelledBy.DOCTOR):
        if not can_manage_appointment(actor, appointment):
            raise PermissionDenied(
                "Vous ne pouvez annuler que les rendez-vous de vos consultations."
            )
        if len(reason) < 5:
            raise ValidationError(
                "Indiquez le motif de l'annulation (au moins 5 caractères).", code="reason"
            )
        no_link_check(reason)  # sent to the patient
    if appointment.slot_id:
        Slot.objects.select_for_update().filter(pk=appointment.slot_id).first()
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status == A.CANCELLED:  # a second click, or another tab
        raise ValidationError("Ce rendez-vous est déjà annulé.", code="already_cancelled")
    if appointment.status != A.BOOKED:
        raise ValidationError(
            "Ce rendez-vous n'est plus à venir : il ne peut pas être annulé.", code="not_booked"
        )
    if by == CancelledBy.PATIENT and not appointment.cancellable_by_patient(now):
        raise ValidationError(
            f"Il n'est plus possible d'annuler en ligne {change_cutoff_label(within=True)} "
            "avant le rendez-vous : appelez le lieu de consultation.",
            code="cutoff",
        )
    block = block_slot and by in (CancelledBy.SITE, CancelledBy.DOCTOR)
    freed = _cancel(appointment, by=by, actor=actor, reason=reason, now=now, block=block)
    if freed:
        from .waitlist import waitlist_offer_slots

        waitlist_offer_slots(slots=[freed], now=now)
    return appointment


@transaction.atomic
def appointment_move(
    *, appointment: Appointment, slot_id: int, now: datetime | None = None
) -> Appointment:
    """Move an appointment to another slot (secret link, until the cut-off). The reference and
    the link stay the same; the old slot goes back to the pool."""
    now = now or timezone.now()
    patient = patient_of(appointment)  # names, birth date and contacts never change
    _lock_contacts(patient)  # the lock order of every writer: person, slots, appointments
    ids = sorted({appointment.slot_id, slot_id} - {None})
    locked = {s.pk: s for s in Slot.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != A.BOOKED or appointment.walk_in:
        raise ValidationError("Ce rendez-vous n'est plus à venir.", code="not_booked")
    if not appointment.cancellable_by_patient(now):
        raise ValidationError(
            "Il n'est plus possible de déplacer ce rendez-vous en ligne "
            f"{change_cutoff_label(within=True)} avant : appelez le lieu de consultation.",
            code="cutoff",
        )
    if slot_id == appointment.slot_id:
        raise ValidationError("C'est déjà le créneau de votre rendez-vous.", code="same_slot")
    target = locked.get(slot_id)
    if target is not None:
        target = Slot.objects.select_related("site", "doctor").get(pk=target.pk)
        if target.site_id != appointment.site_id or target.site.status != SiteStatus.ACTIVE:
            raise ValidationError(
                "Ce créneau n'est pas au même lieu : choisissez un créneau de la liste (pour un "
                "autre lieu, annulez ce rendez-vous et réservez-en un nouveau).",
                code="other_site",
            )
    _check_slot(target, patient, now=now)
    others = (
        Appointment.objects.filter(own_appointments(patient), status=A.BOOKED, start__gt=now)
        .exclude(pk=appointment.pk)
        .values_list("start", "end")
    )
    _check_overlap(others, start=target.start, end=target.end, tz=target.site.tz)
    old_start = timezone.localtime(appointment.start, appointment.site.tz)
    freed = _release_slot(appointment, now)
    appointment.slot = target
    appointment.mission_id, appointment.site, appointment.doctor = (
        target.mission_id,
        target.site,
        target.doctor,
    )
    messages.reminders_withdraw(appointment)  # of the old time, if not sent yet
    appointment.start, appointment.end = target.start, target.end
    appointment.save(
        update_fields=["slot", "mission", "site", "doctor", "start", "end", "updated_at"]
    )
    Slot.objects.filter(pk=target.pk).update(status=SlotStatus.BOOKED, updated_at=now)
    history = AppointmentHistory.objects.create(
        appointment=appointment,
        from_status=A.BOOKED,
        to_status=A.BOOKED,
        comment=(
            f"Déplacé par le patient (ancien horaire : {old_start:%d/%m/%Y} à {hour(old_start)})."
        ),
    )
    messages.notify_appointment(
        appointment, kind="moved", key=f"appointment-history-{history.pk}-moved", with_ics=True
    )
    if freed:
        from .waitlist import waitlist_offer_slots

        waitlist_offer_slots(slots=[freed], now=now)
    return appointment


def site_place_changed(*, site, old_place: str, now: datetime | None = None) -> tuple[int, int]:
    """The site's address or commune changed (sites.services.site_update, same transaction):
    the doctors of its coming missions (proposed, accepted, confirmed) get the new address with
    their dates, and the patients of its coming appointments an email (with the agenda file
    updated) and/or an SMS. Returns (doctors told, patients told)."""
    from renfort.core.links import absolute_url
    from renfort.notifications.services import email_enqueue

    now = now or timezone.now()
    stamp = f"{now:%Y%m%d%H%M%S%f}"  # one message per change, even back to an old address
    missions = (
        Mission.objects.filter(
            site=site,
            date__gte=timezone.localdate(now),
            status__in=[MissionStatus.PROPOSED, MissionStatus.ACCEPTED, MissionStatus.CONFIRMED],
        )
        .select_related("doctor__user")
        .order_by("doctor_id", "date")
    )
    by_doctor: dict[int, list[Mission]] = {}
    for mission in missions:
        by_doctor.setdefault(mission.doctor_id, []).append(mission)
    for doctor_missions in by_doctor.values():
        doctor = doctor_missions[0].doctor
        email_enqueue(
            kind="mission_place_changed",
            recipient=doctor.user.email,
            subject=f"Renfort : nouvelle adresse du lieu d'accueil {site.name}",
            template="booking/emails/place_changed_doctor.txt",
            context={
                "doctor": doctor,
                "site": site,
                "missions": doctor_missions,
                "old_place": old_place,
                "missions_url": absolute_url("planning:doctor_missions"),
            },
            dedup_key=f"site-{site.pk}-place-doctor-{doctor.pk}-{stamp}",
        )
    patients = (
        Appointment.objects.upcoming(now)
        .filter(site=site, walk_in=False)
        .select_related("site__commune", "doctor")
        .order_by("start", "pk")
    )
    told = 0
    for appointment in patients:
        told += bool(
            messages.notify_appointment(
                appointment,
                kind="place_changed",
                key=f"appointment-{appointment.pk}-place-{stamp}",
                with_ics=True,
                old_place=old_place,
            )
        )
    return len(by_doctor), told
