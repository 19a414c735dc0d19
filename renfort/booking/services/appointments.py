"""Booking appointments (patients without an account); cancelling and moving them are in
changes.py.

Concurrency (see docs/booking.md): every writer locks rows in the same order — patient contact
(advisory lock, PostgreSQL), then slot rows, then appointment rows — and a conditional unique
constraint guarantees one holding appointment per slot whatever happens in Python."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from renfort.core.locks import name_lock
from renfort.core.templatetags.french import date_fr
from renfort.core.text import hour
from renfort.core.validators import names_check, normalize_mobile
from renfort.doctors.models import Doctor
from renfort.sites.models import Site, SiteStatus

from .. import messages
from ..models import (
    Appointment,
    AppointmentHistory,
    AppointmentStatus,
    Slot,
    SlotStatus,
    contact_filter,
    person_identity,
    priority_release_delta,
)
from ..selectors import search_sites

A = AppointmentStatus
REASON_MAX = 200


# --- Patient data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Patient:
    last_name: str
    first_name: str
    birth_date: date | None
    phone: str = ""
    email: str = ""
    has_medecin_traitant: bool = False
    is_ald: bool = False
    reason: str = ""

    @property
    def is_priority(self) -> bool:
        return not self.has_medecin_traitant or self.is_ald


CONSENT_REQUIRED = (
    "Cochez la case pour accepter le traitement de vos données : sans cet accord, votre "
    "demande ne peut pas être enregistrée."
)


def patient_check(
    *,
    data: dict,
    consent: bool = True,
    today: date | None = None,
    contact_for: str = "la confirmation",
) -> Patient:
    """Validate and normalise what the patient typed; ValidationError with field-keyed French
    messages (phone in E.164, email lower-cased). contact_for: what the phone or the email is
    for (« les créneaux libérés » on the waiting list)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    try:
        names = names_check(data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    birth_date = data.get("birth_date")
    if not birth_date:
        errors["birth_date"] = ["Indiquez votre date de naissance."]
    elif birth_date > today:
        errors["birth_date"] = ["La date de naissance ne peut pas être dans le futur."]
    elif birth_date < date(today.year - 120, 1, 1):
        errors["birth_date"] = ["Vérifiez l'année de naissance : elle donnerait plus de 120 ans."]
    phone = (data.get("phone") or "").strip()
    if phone:
        try:
            phone = normalize_mobile(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    email = (data.get("email") or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Adresse électronique invalide, par exemple nom@exemple.fr."]
    if not phone and not email and "phone" not in errors and "email" not in errors:
        errors["phone"] = [
            "Indiquez un téléphone mobile ou une adresse électronique (au moins l'un des deux) "
            f"pour recevoir {contact_for}."
        ]
    reason = " ".join((data.get("reason") or "").split())
    if len(reason) > REASON_MAX:
        errors["reason"] = [f"Le motif doit tenir en {REASON_MAX} caractères."]
    if not consent:
        errors["consent"] = [CONSENT_REQUIRED]
    if errors:
        raise ValidationError(errors)
    return Patient(
        last_name=names["last_name"],
        first_name=names["first_name"],
        birth_date=birth_date,
        phone=phone,
        email=email,
        has_medecin_traitant=bool(data.get("has_medecin_traitant")),
        is_ald=bool(data.get("is_ald")),
        reason=reason,
    )


def _identity_key(patient: Patient) -> str:
    """The person behind a booking whatever contact they give: names (case-insensitive) and
    birth date."""
    return f"{person_identity(patient.last_name, patient.first_name)}|{patient.birth_date}"


def limit_message(before: str) -> str:
    """The per-person limit, with what to do: cancel one (from its link), or give another
    contact when the phone or the address is shared with a relative."""
    limit = settings.BOOKING_MAX_FUTURE_APPOINTMENTS
    return (
        f"Vous avez déjà {limit} rendez-vous à venir (à votre nom, ou avec ce téléphone ou "
        f"cette adresse) : annulez-en un {before}, avec le lien reçu à sa confirmation (SMS "
        "ou courriel). Si ce téléphone ou cette adresse sert aussi à un proche, indiquez pour "
        "vous un autre moyen de contact."
    )


def held_appointments(patient: Patient, now: datetime):
    """The person's coming appointments (by name and birth date, phone or email)."""
    return Appointment.objects.filter(Q(status=A.BOOKED, start__gt=now) & _same_person(patient))


def _same_person(patient: Patient) -> Q:
    """Appointments of the same person: the same phone, the same email, or the same names and
    birth date (so that giving the email once and the phone once does not dodge the rules)."""
    person = contact_filter(phone=patient.phone, email=patient.email)
    if patient.birth_date:
        person |= Q(
            birth_date=patient.birth_date,
            identity=person_identity(patient.last_name, patient.first_name),
        )
    return person


def _whole_person(patient: Patient) -> tuple[str, object, set[str]]:
    """(identity, birth date, contacts): an appointment with the same identity and birth date
    and one of these contacts is the person's own, the only one whose time may be told to
    whoever fills in the form (the overlap check). Matching a phone alone, or names alone, is
    enough for the limit, never to learn when someone else is seen."""
    contacts = {c for c in (patient.phone, patient.email) if c}
    return person_identity(patient.last_name, patient.first_name), patient.birth_date, contacts


def own_appointments(patient: Patient) -> Q:
    """The appointments of the person as a whole (see _whole_person), as a filter."""
    identity, birth_date, _ = _whole_person(patient)
    contact = contact_filter(phone=patient.phone, email=patient.email)
    return Q(identity=identity, birth_date=birth_date) & contact


def _lock_contacts(patient: Patient) -> None:
    """Serialise bookings of the same person (phone, email, identity: PostgreSQL advisory locks,
    released at commit), so that two concurrent requests cannot both pass the N-appointments
    and overlap checks. One statement; the locks are taken in key order (left to right), as
    everywhere."""
    contacts = {patient.phone, patient.email}
    if patient.birth_date:
        contacts.add(_identity_key(patient))
    advisory_lock(*contacts)


def advisory_lock(*names: str) -> None:
    """Booking's advisory locks on these names (blank ones skipped): `core.locks.name_lock`,
    in key order, in one statement, released at commit."""
    name_lock(*(f"booking:{name}" for name in set(names) if name))


def _check_overlap(others, *, start: datetime, end: datetime, tz) -> None:
    """Refuse a time the person already holds (others: (start, end) of their own appointments,
    see _whole_person: the message tells the other's time)."""
    for other_start, other_end in others:
        if other_start < end and start < other_end:
            at = timezone.localtime(other_start, tz)
            raise ValidationError(
                f"Vous avez déjà un rendez-vous le {at:%d/%m/%Y} à {hour(at)} : deux "
                "rendez-vous ne peuvent pas avoir lieu en même temps. Choisissez un autre "
                "créneau.",
                code="overlap",
            )


def _check_slot(slot: Slot | None, patient: Patient, *, now: datetime) -> Slot:
    if slot is None or slot.status == SlotStatus.CANCELLED:
        raise ValidationError("Ce créneau n'existe plus.", code="slot_gone")
    if slot.start <= now:
        raise ValidationError("Ce créneau est déjà passé.", code="slot_past")
    if slot.status == SlotStatus.BLOCKED:
        raise ValidationError(
            "Ce créneau n'est plus proposé aux patients : choisissez-en un autre.",
            code="slot_gone",
        )
    if slot.status != SlotStatus.AVAILABLE:
        raise ValidationError(SLOT_TAKEN, code="slot_taken")
    if slot.is_reserved_now(now) and not patient.is_priority:
        opening = timezone.localtime(slot.open_to_all_at, slot.site.tz)
        raise ValidationError(
            "Ce créneau est réservé aux patients sans médecin traitant ou en ALD jusqu'au "
            f"{date_fr(opening, 'j F')} à {hour(opening)} : "  # as the page's notice says it
            "choisissez un autre créneau.",
            code="reserved",
        )
    return slot


SLOT_TAKEN = "Ce créneau vient d'être réservé par une autre personne : choisissez-en un autre."
# Said to whoever sends the form again (Back, corrected details): the first booking stands and
# is never shown here (the form may be replayed from a shared browser's history).
TOKEN_REUSED = (
    "Ce formulaire a déjà servi : le rendez-vous réservé avec lui est bien enregistré et sa "
    "confirmation a été envoyée au téléphone ou à l'adresse indiqués la première fois. Pour le "
    "voir, le déplacer ou l'annuler, utilisez le lien de cette confirmation."
)
TWIN_FIELDS = ("last_name", "first_name", "birth_date", "phone", "email")


def _twin(existing: Appointment, *, slot_id: int, patient: Patient) -> Appointment:
    """The appointment of a form sent twice: same token, same slot, same person. A token
    replayed with another slot or another person (a form kept in a shared browser's history)
    never reveals the first appointment."""
    fields = _patient_fields(patient)
    if existing.slot_id != slot_id or any(
        getattr(existing, name) != fields[name] for name in TWIN_FIELDS
    ):
        raise ValidationError(TOKEN_REUSED, code="token_reused")
    return existing


def appointment_book(
    *,
    slot_id: int,
    patient: Patient,
    submission_token: uuid.UUID | None = None,
    now: datetime | None = None,
    require_active_site: bool = False,
) -> tuple[Appointment, bool]:
    """Book a slot for a patient (no account). Returns (appointment, created).

    The same submission token returns the first appointment (created=False): a form sent twice
    books once; the same token with another slot or person raises (code token_reused). Raises
    ValidationError (code slot_taken, slot_past, slot_gone, reserved, limit).
    require_active_site: a slot of a site that is not active is "gone" (public form)."""
    now = now or timezone.now()
    try:
        return _book(
            slot_id=slot_id,
            patient=patient,
            submission_token=submission_token,
            now=now,
            require_active_site=require_active_site,
        )
    except IntegrityError:
        # A unique constraint caught a concurrent twin (same token) or another holder of the
        # slot: the transaction (or its savepoint, when nested) is rolled back as a whole.
        existing = (
            Appointment.objects.filter(submission_token=submission_token).first()
            if submission_token
            else None
        )
        if existing:
            return _twin(existing, slot_id=slot_id, patient=patient), False
        if Appointment.objects.holding().filter(slot_id=slot_id).exists():
            raise ValidationError(SLOT_TAKEN, code="slot_taken") from None
        raise


@transaction.atomic
def _book(
    *,
    slot_id: int,
    patient: Patient,
    submission_token: uuid.UUID | None,
    now: datetime,
    require_active_site: bool,
) -> tuple[Appointment, bool]:
    """About 8 round trips: contact lock, one read (token and limit), the slot taken by a
    conditional UPDATE … RETURNING (the row lock), appointment, history, notifications,
    commit."""
    _lock_contacts(patient)
    # One read for the idempotency key, the per-person limit and the times already held (after
    # the lock: a twin request of the same person committed meanwhile is seen).
    wanted = Q(status=A.BOOKED, start__gt=now) & _same_person(patient)
    if submission_token:
        wanted |= Q(submission_token=submission_token)
    held = list(
        Appointment.objects.filter(wanted).values_list(
            "pk", "submission_token", "start", "end", "identity", "birth_date", "phone", "email"
        )
    )
    if submission_token and any(row[1] == submission_token for row in held):
        existing = Appointment.objects.get(submission_token=submission_token)
        return _twin(existing, slot_id=slot_id, patient=patient), False
    taken = _slot_take(slot_id, patient=patient, now=now, require_active_site=require_active_site)
    if taken is None:
        _slot_diagnose(slot_id, patient=patient, now=now, require_active_site=require_active_site)
    limit = settings.BOOKING_MAX_FUTURE_APPOINTMENTS
    if len(held) >= limit:  # the slot update is rolled back with the transaction
        raise ValidationError(limit_message("avant d'en réserver un autre"), code="limit")
    mission_id, site_id, doctor_id, start, end, first_name, last_name = taken
    site = _site_with_commune(site_id)
    whole = _whole_person(patient)
    mine = [row[2:4] for row in held if row[4:6] == whole[:2] and whole[2] & set(row[6:8])]
    _check_overlap(mine, start=start, end=end, tz=site.tz)
    appointment = Appointment(
        slot_id=slot_id,
        mission_id=mission_id,
        site_id=site_id,
        doctor_id=doctor_id,
        start=start,
        end=end,
        submission_token=submission_token,
        booked_at=now,
        **_patient_fields(patient),
    )
    appointment.save(force_insert=True)
    AppointmentHistory.objects.create(
        appointment=appointment, from_status="", to_status=A.BOOKED, comment="Réservé en ligne."
    )
    appointment.site = site
    appointment.doctor = Doctor.from_db(
        connection.alias, ["id", "first_name", "last_name"], [doctor_id, first_name, last_name]
    )
    messages.notify_appointment(
        appointment,
        kind="confirmation",
        key=f"appointment-{appointment.pk}-confirmation",
        with_ics=True,
        fresh=True,
    )
    return appointment, True


def _site_with_commune(site_id: int) -> Site:
    for site in search_sites():  # in memory: the active sites in priority zones
        if site.pk == site_id:
            return site
    return Site.objects.select_related("commune").get(pk=site_id)


def _datetime(value) -> datetime:
    """A datetime read by raw SQL (SQLite returns it naive, in UTC, or as text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _slot_take(slot_id: int, *, patient: Patient, now: datetime, require_active_site: bool):
    """Book the slot row if it is still free, in the future and open to this patient: one
    conditional UPDATE (its row lock serialises the competitors, the losers update nothing).
    Returns (mission_id, site_id, doctor_id, start, end, doctor first name, last name) or
    None."""
    q = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    slot, doctor, site = Slot._meta.db_table, Doctor._meta.db_table, Site._meta.db_table
    sql = (
        f"UPDATE {q(slot)} SET {q('status')} = %s, {q('updated_at')} = %s "
        f"WHERE {q('id')} = %s AND {q('status')} = %s AND {q('start')} > %s "
        f"AND (NOT {q('reserved_for_priority')} OR {q('start')} <= %s OR %s)"
    )
    params = [
        SlotStatus.BOOKED,
        adapt(now),
        slot_id,
        SlotStatus.AVAILABLE,
        adapt(now),
        adapt(now + priority_release_delta()),
        patient.is_priority,
    ]
    if require_active_site:
        sql += f" AND {q('site_id')} IN (SELECT {q('id')} FROM {q(site)} WHERE {q('status')} = %s)"
        params.append(SiteStatus.ACTIVE)
    doctor_column = "(SELECT {column} FROM {doctor} WHERE {doctor}.{id} = {slot}.{doctor_id})"
    first_name, last_name = (
        doctor_column.format(
            column=q(column), doctor=q(doctor), id=q("id"), slot=q(slot), doctor_id=q("doctor_id")
        )
        for column in ("first_name", "last_name")
    )
    sql += (
        f" RETURNING {q('mission_id')}, {q('site_id')}, {q('doctor_id')}, {q('start')}, "
        f"{q('end')}, {first_name}, {last_name}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return (*row[:3], _datetime(row[3]), _datetime(row[4]), *row[5:])


def _slot_diagnose(slot_id: int, *, patient: Patient, now: datetime, require_active_site: bool):
    """Why the slot could not be taken (always raises ValidationError)."""
    slot = Slot.objects.select_related("site").filter(pk=slot_id).first()
    if slot is not None and require_active_site and slot.site.status != SiteStatus.ACTIVE:
        slot = None
    if slot is not None and slot.status == SlotStatus.BOOKED and slot.start > now:
        _check_not_yours(slot_id, patient)
    _check_slot(slot, patient, now=now)
    raise ValidationError(SLOT_TAKEN, code="slot_taken")


def _check_not_yours(slot_id: int, patient: Patient) -> None:
    """A slot taken by the same person (same names and birth date, and the same phone or
    email: the form sent from two tabs, a token each) is « already yours », not « taken by
    someone else ». Only its reference is told: the secret link went to the person's own phone
    or email, and nothing is said to anyone who does not give those details. One read, only
    on this refusal."""
    reference = (
        Appointment.objects.filter(own_appointments(patient), slot_id=slot_id, status=A.BOOKED)
        .values_list("reference", flat=True)
        .first()
    )
    if reference:
        raise ValidationError(
            f"Vous avez déjà réservé ce créneau (référence {reference}) : sa confirmation a été "
            "envoyée au téléphone ou à l'adresse indiqués. Pour voir, déplacer ou annuler ce "
            "rendez-vous, utilisez le lien de cette confirmation.",
            code="already_booked",
        )


def _patient_fields(patient: Patient) -> dict:
    return {
        "last_name": patient.last_name,
        "first_name": patient.first_name,
        "birth_date": patient.birth_date,
        "phone": patient.phone,
        "email": patient.email,
        "has_medecin_traitant": patient.has_medecin_traitant,
        "is_ald": patient.is_ald,
        "reason": patient.reason,
    }


def patient_of(appointment: Appointment) -> Patient:
    return Patient(
        last_name=appointment.last_name,
        first_name=appointment.first_name,
        birth_date=appointment.birth_date,
        phone=appointment.phone,
        email=appointment.email,
        has_medecin_traitant=appointment.has_medecin_traitant,
        is_ald=appointment.is_ald,
        reason=appointment.reason,
    )
