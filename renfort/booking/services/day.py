"""Day view of a site or a doctor: mark appointments, add walk-in patients."""

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.accounts.permissions import has_role
from renfort.core.text import hour
from renfort.core.validators import names_check
from renfort.planning.models import Mission, MissionStatus
from renfort.territories.timezones import local_time_of

from ..models import (
    APPOINTMENT_WORKFLOW,
    Appointment,
    AppointmentHistory,
    AppointmentStatus,
    CancelledBy,
    Slot,
    SlotStatus,
    person_identity,
)
from ..permissions import can_manage_appointment, can_manage_mission_day
from ..slots import windows
from .appointments import TOKEN_REUSED, advisory_lock
from .changes import appointment_cancel
from .slots import mission_hours

A = AppointmentStatus


def walk_in_default_time(mission: Mission, now: datetime | None = None) -> str:
    """The time the walk-in form suggests (HH:MM, the site's clock): now when it falls in a
    consultation period, else the nearest moment of one (a time the form accepts)."""
    now = now or timezone.now()
    spans = windows(mission.date, mission.period, mission_hours(mission), mission.site.tz)
    at = now
    if spans and not any(start <= now <= end for start, end in spans):
        at = min((edge for span in spans for edge in span), key=lambda edge: abs(edge - now))
    return timezone.localtime(at, mission.site.tz).strftime("%H:%M")


# A patient may be seen a little before their time (they came early), not hours before.
SEEN_EARLY = timedelta(hours=1)


@transaction.atomic
def appointment_mark(
    *,
    appointment: Appointment,
    actor,
    status: str,
    reason: str = "",
    now: datetime | None = None,
    block_slot: bool = False,
    shown_status: str = "",
) -> Appointment:
    """Day view: seen, excused, no-show, or cancelled (with a reason, patient notified; the
    slot blocked with `block_slot`). shown_status: the status the page showed; when the
    appointment has changed since (another tab or person marked it), nothing is done (code
    changed) — « vu » and « absent » pressed at once are not both applied."""
    if not can_manage_appointment(actor, appointment):
        raise PermissionDenied("Vous ne pouvez gérer que les rendez-vous de vos consultations.")
    if status == A.CANCELLED:
        if not appointment.walk_in and appointment.start <= (now or timezone.now()):
            # Its time has passed: the patient came (« Vu ») or not (« Excusé », « Absent »);
            # a cancellation would notify nobody (messages stop at the start).
            raise ValidationError(
                "L'heure de ce rendez-vous est passée : marquez-le vu, excusé ou absent.",
                code="cancel_past",
            )
        by = CancelledBy.DOCTOR if has_role(actor, Role.DOCTOR) else CancelledBy.SITE
        return appointment_cancel(
            appointment=appointment,
            by=by,
            actor=actor,
            reason=reason,
            now=now,
            block_slot=block_slot,
        )
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if shown_status and appointment.status != shown_status:
        raise ValidationError(
            "Ce rendez-vous a changé entre-temps (statut actuel : "
            f"« {appointment.get_status_display()} ») : rien n'a été modifié. Vérifiez-le "
            "avant de le marquer de nouveau.",
            code="changed",
        )
    APPOINTMENT_WORKFLOW.check(appointment.status, status, actor.role)
    tz = appointment.site.tz  # the day of the site
    if timezone.localtime(appointment.start, tz).date() > timezone.localdate(now, tz):
        raise ValidationError(
            "Ce rendez-vous est à venir : il ne peut être marqué vu, excusé ou absent qu'à "
            "partir de son jour (pour l'annuler, indiquez un motif).",
            code="mark_future",
        )
    now = now or timezone.now()
    at = hour(timezone.localtime(appointment.start, tz))
    if status in (A.NO_SHOW, A.EXCUSED) and appointment.start > now:
        # Before the time, a patient who will not come is cancelled: the slot goes back to
        # the search and the waiting list.
        raise ValidationError(
            f"Un patient n'est marqué {'absent' if status == A.NO_SHOW else 'excusé'} qu'à "
            f"partir de l'heure de son rendez-vous ({at}). S'il a prévenu qu'il ne viendra pas, "
            "annulez le rendez-vous : le créneau sera proposé à d'autres patients.",
            code="no_show_early",
        )
    if status == A.SEEN and appointment.start - SEEN_EARLY > now:
        raise ValidationError(
            f"Un patient n'est marqué vu qu'à partir d'une heure avant son rendez-vous ({at}).",
            code="seen_early",
        )
    AppointmentHistory.objects.create(
        appointment=appointment,
        from_status=appointment.status,
        to_status=status,
        actor=actor,
        comment=reason,
    )
    appointment.status = status
    appointment.status_reason = reason[:300]
    appointment.save(update_fields=["status", "status_reason", "updated_at"])
    return appointment


@transaction.atomic
def appointment_walk_in_add(
    *,
    mission: Mission,
    actor,
    last_name: str,
    first_name: str,
    at: datetime | None = None,
    minutes: int | None = None,
    now: datetime | None = None,
    submission_token: uuid.UUID | None = None,
) -> Appointment:
    """Add an unplanned (walk-in) patient to the day of a mission; no contact is needed.
    The same form sent twice (same token: retry, Back) adds the patient once."""
    if not can_manage_mission_day(actor, mission):
        raise PermissionDenied("Vous ne pouvez gérer que vos consultations.")
    twin = _walk_in_twin(submission_token, mission)
    if twin is not None:
        return twin
    if mission.status not in (MissionStatus.CONFIRMED, MissionStatus.DONE):
        raise ValidationError("Cette consultation n'est pas confirmée.", code="mission")
    names = names_check({"last_name": last_name, "first_name": first_name})
    now = now or timezone.now()
    at = at or now
    with local_time_of(mission.site.departement_id):  # the site's day and hours
        if timezone.localtime(at).date() != mission.date:
            raise ValidationError(
                "L'heure doit être le jour de la consultation.", code="walk_in_day"
            )
        if mission.date > timezone.localdate(now):
            raise ValidationError(
                "Un patient sans rendez-vous s'ajoute le jour de la consultation, pas avant.",
                code="walk_in_future",
            )
        if mission.date < timezone.localdate(now):
            raise ValidationError(
                "Un patient sans rendez-vous s'ajoute le jour de la consultation : celle-ci "
                "est passée.",
                code="walk_in_past",
            )
        # Inside one of the consultation periods (not during the lunch break of a full day).
        spans = windows(mission.date, mission.period, mission_hours(mission), mission.site.tz)
        if spans and not any(start <= at <= end for start, end in spans):
            periods = " ou ".join(
                f"de {hour(timezone.localtime(start))} à {hour(timezone.localtime(end))}"
                for start, end in spans
            )
            raise ValidationError(
                f"L'heure doit être pendant la consultation : {periods}.", code="walk_in_hours"
            )
    length = timedelta(minutes=minutes or mission.doctor.slot_minutes)
    _walk_in_duplicate_check(mission, names, at)
    try:
        with transaction.atomic():  # a concurrent twin's insert waits on the unique token
            # A walk-in takes the free slot of its time: a later one is then no longer offered
            # online (no patient booked on top of them), and the day's counts add up (its
            # appointments and free slots make its slots, a walk-in at a past time included).
            slot = (
                Slot.objects.select_for_update()
                .filter(mission=mission, status=SlotStatus.AVAILABLE)
                .filter(start__lte=at, end__gt=at)
                .first()
            )
            if slot is not None:
                Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.BOOKED, updated_at=now)
                slot.status = SlotStatus.BOOKED
            appointment = Appointment.objects.create(
                mission=mission,
                slot=slot,
                site_id=mission.site_id,
                doctor_id=mission.doctor_id,
                start=at,
                end=at + length,
                last_name=names["last_name"],
                first_name=names["first_name"],
                walk_in=True,
                submission_token=submission_token,
            )
    except IntegrityError:
        twin = _walk_in_twin(submission_token, mission)
        if twin is None:
            raise
        return twin
    AppointmentHistory.objects.create(
        appointment=appointment,
        from_status="",
        to_status=A.BOOKED,
        actor=actor,
        comment="Patient sans rendez-vous.",
    )
    return appointment


def _walk_in_duplicate_check(mission: Mission, names: dict, at: datetime) -> None:
    """Refuse a patient already on the day at that time under the same name (case-insensitive),
    with this doctor at this site: the same walk-in typed in two tabs (a token each) or twice
    by two people. Another time is another patient (two people may share a name). An advisory
    lock on (site, doctor, time, name) serialises such adds, then the first one is seen; lock
    order as everywhere: this lock, then the slot, then the appointment."""
    identity = person_identity(names["last_name"], names["first_name"])
    advisory_lock(f"walk-in:{mission.site_id}:{mission.doctor_id}:{at.timestamp()}:{identity}")
    present = Appointment.objects.holding().filter(
        site_id=mission.site_id, doctor_id=mission.doctor_id, start=at, identity=identity
    )
    already = present.only("last_name", "first_name").first()
    if already is not None:  # named as the day lists them, not as typed again
        raise ValidationError(
            f"{already.last_name.upper()} {already.first_name} est déjà dans la journée à "
            f"{hour(timezone.localtime(at, mission.site.tz))} : rien n'a été ajouté.",
            code="walk_in_duplicate",
        )


def _walk_in_twin(token: uuid.UUID | None, mission: Mission) -> Appointment | None:
    """The patient already added by the same form (same token), if any."""
    existing = Appointment.objects.filter(submission_token=token).first() if token else None
    if existing is not None and existing.mission_id != mission.pk:
        raise ValidationError(TOKEN_REUSED, code="token_reused")
    return existing
