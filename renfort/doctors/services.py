"""Use cases that write volunteer doctors: sign-up, onboarding workflow, availabilities,
territory and preferences. Every function is atomic; emails are recorded in the same transaction
and sent after commit (renfort.notifications)."""

import uuid
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from renfort.accounts.models import Role, User
from renfort.accounts.services import (
    account_exists_notify,
    account_pending_discard,
    signup_account_create,
    signup_twin,
    signup_twin_answer,
)
from renfort.core.locks import email_lock
from renfort.core.workflow import comment_check
from renfort.planning.models import MISSION_REASON_LIMIT

from .checks import (
    COVERAGE_FIELDS,
    HOURS_FIELDS,
    PREFERENCE_FIELDS,
    PROFILE_FIELDS,
    AvailabilityEntry,
    availabilities_check,
    doctor_check,
)
from .emails import (
    notify_ars_volunteer_left,
    notify_cdom,
    notify_closed,
    notify_cpam,
    notify_doctor,
    notify_rpps_signup_attempt,
    notify_rpps_signup_blocked,
)
from .models import (
    BILLING_NUMBER_RULE,
    ONBOARDING_WORKFLOW,
    REASON_REQUIRED,
    Availability,
    AvailabilityPeriod,
    CoverageMode,
    Doctor,
    DoctorHistory,
    DoctorStatus,
)
from .permissions import can_act_on_doctor, can_edit_doctor
from .selectors import blocking_missions_on

# --- Sign-up --------------------------------------------------------------------------------


@transaction.atomic
def doctor_signup(
    *,
    token: uuid.UUID,
    email: str,
    password: str,
    data: dict,
    practice_commune,
    zones: Iterable = (),
    preferred_sites: Iterable = (),
    availabilities: Iterable[AvailabilityEntry] = (),
    today: date | None = None,
) -> tuple[Doctor | None, bool]:
    """Create the account (role doctor, inactive until its address is confirmed) and the
    volunteer as a draft, in one transaction: on any error nothing is saved. The confirmation
    link (accounts.services) submits the file (`doctor_signup_confirm`); until then neither the
    CDOM nor the agents hear of it.

    Returns (doctor, True) for a new sign-up; (first doctor, False) for a second submission
    with the same token, or of the same content moments later (a reloaded form, another tab:
    its confirmation is emailed once more, the first link keeps working); (None, False) when
    the address already has an account, or the RPPS number a volunteer: that account's owner is
    emailed, nothing is saved, and the form answers as for a new sign-up."""
    email = User.objects.normalize_email(email).lower()
    # Sign-ups of the same address wait for each other (double click, two tabs): the second
    # one sees the doctor or the account the first one created.
    email_lock(email)
    existing = Doctor.objects.filter(submission_token=token).select_related("user").first()
    if existing:
        return existing, False
    zones, preferred_sites = list(zones), list(preferred_sites)
    errors: dict[str, list[str]] = {}
    try:  # an unconfirmed sign-up never holds the RPPS: checked before it is replaced
        clean = doctor_check(data=data, zones=zones, rpps_holder_said=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        clean = {}
    try:
        entries = availabilities_check(availabilities, today=today)
    except ValidationError as exc:
        errors["availabilities"] = exc.messages
    if errors:
        raise ValidationError(errors)
    twin = _signup_twin(email, password, clean, practice_commune, zones, preferred_sites, entries)
    if twin is not None:  # the same form sent again with a new token: the first one stands
        signup_twin_answer(user=twin.user)
        return twin, False
    # Signing up again before confirming replaces the first sign-up (and frees its RPPS); on
    # an error below, the transaction brings it back.
    account_pending_discard(email=email)
    # Nor does an unconfirmed sign-up of another address hold the RPPS: anyone could otherwise
    # block a doctor's number by signing up with it first. It is replaced (its author, if it
    # was the doctor, signs up again and confirms).
    for held in Doctor.objects.filter(rpps=clean["rpps"]).exclude(
        pk__in=Doctor.objects.confirmed()
    ):
        account_pending_discard(email=held.user.email)
    holder = Doctor.objects.confirmed().filter(rpps=clean["rpps"]).select_related("user").first()
    if holder is not None:  # told to the owners only, never on the public form
        if User.objects.filter(email=email).exists():
            account_exists_notify(email=email)
        if holder.user.email != email:
            notify_rpps_signup_attempt(holder)
            if not User.objects.filter(email=email).exists():
                notify_rpps_signup_blocked(email)  # the page said a link went there
        return None, False
    doctor = Doctor(
        **{k: clean[k] for k in (*PROFILE_FIELDS, *COVERAGE_FIELDS, *PREFERENCE_FIELDS)},
        insurance_confirmed=True,
        practice_commune=practice_commune,
        departement_id=practice_commune.departement_id,
        status=DoctorStatus.DRAFT,
        submission_token=token,
    )
    try:
        with transaction.atomic():
            user = signup_account_create(
                email=email,
                password=password,
                role=Role.DOCTOR,
                first_name=clean["first_name"],
                last_name=clean["last_name"],
                phone=clean["phone"],
            )
            if user is None:
                return None, False
            doctor.user = user
            doctor.save()
    except IntegrityError:
        # Concurrent double submission, or the same RPPS / email registered in the meantime.
        again = Doctor.objects.filter(submission_token=token).select_related("user").first()
        if again:
            return again, False
        if User.objects.filter(email=email).exists():
            account_exists_notify(email=email)
            return None, False
        holder = Doctor.objects.filter(rpps=clean["rpps"]).select_related("user").first()
        if holder is None:
            raise
        notify_rpps_signup_attempt(holder)  # the same RPPS signed up meanwhile
        return None, False
    if doctor.coverage_mode == CoverageMode.ZONES:
        doctor.zones.set(zones)
    doctor.preferred_sites.set(preferred_sites)
    Availability.objects.bulk_create(
        Availability(doctor=doctor, date=e.date, period=e.period) for e in entries
    )
    return doctor, True


def _signup_twin(email, password, clean, practice_commune, zones, preferred_sites, entries):
    """The unconfirmed sign-up of this address sent moments ago with the same password and
    the same content (accounts.services.signup_twin), or None."""
    user = signup_twin(email=email, password=password)
    doctor = Doctor.objects.filter(user=user).first() if user else None
    if doctor is None:
        return None
    fields = (*PROFILE_FIELDS, *COVERAGE_FIELDS, *PREFERENCE_FIELDS)
    zones = zones if clean["coverage_mode"] == CoverageMode.ZONES else []
    same = (
        all(getattr(doctor, key) == clean[key] for key in fields)
        and doctor.practice_commune_id == practice_commune.pk
        and {z.pk for z in zones} == set(doctor.zones.values_list("pk", flat=True))
        and {s.pk for s in preferred_sites}
        == set(doctor.preferred_sites.values_list("pk", flat=True))
        and {(e.date, e.period) for e in entries}
        == set(doctor.availabilities.values_list("date", "period"))
    )
    return doctor if same else None


def doctor_signup_confirm(*, user: User) -> str:
    """The address of a sign-up is confirmed (accounts.services.account_confirm): the file goes
    from draft to submitted, which emails the doctor and the CDOM."""
    doctor = Doctor.objects.get(user=user)
    if doctor.status == DoctorStatus.DRAFT:
        doctor_transition(
            doctor=doctor,
            actor=user,
            to_status=DoctorStatus.SUBMITTED,
            note="Inscription en ligne.",
        )
    return (
        "Votre adresse est confirmée. Votre candidature a été envoyée au conseil départemental "
        "de l'Ordre des médecins, qui va en accuser réception puis enregistrer votre activité ; "
        "vous recevrez un courriel à chaque étape."
    )


def doctor_signup_waiting(*, user: User) -> bool:
    """The account's doctor is a sign-up waiting for the confirmation of its address."""
    return Doctor.objects.filter(
        user=user, status=DoctorStatus.DRAFT, history__isnull=True
    ).exists()


def doctor_signup_discard(*, user: User) -> None:
    """An unconfirmed sign-up is thrown away (a new one with the same address replaces it)."""
    Doctor.objects.filter(user=user).delete()


# --- Onboarding workflow --------------------------------------------------------------------


PAUSED_BY_AGENT = (
    "Votre participation a été mise en pause par l'ARS : c'est elle qui la reprendra, quand la "
    "raison de la pause sera réglée. Pour toute question, contactez-la."
)


def reason_required(to_status: str, actor, doctor: Doctor) -> bool:
    """A refusal needs a reason, and so does a pause an agent imposes: the volunteer is told
    why (and only that agent's ARS lifts it). A volunteer pausing themselves says nothing."""
    if to_status in REASON_REQUIRED:
        return True
    return to_status == DoctorStatus.PAUSED and actor.pk != doctor.user_id


@transaction.atomic
def doctor_transition(
    *,
    doctor: Doctor,
    actor: User,
    to_status: str,
    comment: str = "",
    billing_number: str = "",
    today: date | None = None,
    note: str = "",
    from_status: str | None = None,
) -> Doctor:
    """Move the doctor along the onboarding (declared workflow; role and territory checked),
    record the history, email the doctor (and the CDOM on submission) after commit.

    `comment` is what a person wrote (a reason): the doctor's email repeats it. `note` is what
    Renfort writes itself (« Inscription en ligne. »): kept in the history, not emailed.
    `from_status`: the status the action's page showed; refused if it changed meanwhile."""
    # The doctor's row only (not the account's, nor the département's), NO KEY: a patient
    # booking the doctor's mission meanwhile is not held up while a withdrawal cancels it.
    doctor = (
        Doctor.objects.select_for_update(of=("self",), no_key=True)
        .select_related("user", "departement")
        .get(pk=doctor.pk)
    )
    ONBOARDING_WORKFLOW.check(
        doctor.status, to_status, actor.role, comment, seen=from_status, subject="Le dossier"
    )
    if not can_act_on_doctor(actor, doctor):
        raise PermissionDenied("Ce volontaire n'est pas dans votre périmètre.")
    if to_status == DoctorStatus.ACTIVE and actor.pk == doctor.user_id and doctor.paused_by_agent:
        raise ValidationError(PAUSED_BY_AGENT, code="paused_by_agent")
    today = today or timezone.localdate()
    comment = (comment or "").strip()
    if reason_required(to_status, actor, doctor) and len(comment) < 5:
        raise ValidationError("Indiquez le motif (au moins 5 caractères).", code="reason")
    if to_status in (DoctorStatus.WITHDRAWN, DoctorStatus.PAUSED):
        comment_check(comment, MISSION_REASON_LIMIT)  # the reason of the missions it cancels
    fields = ["status", "status_reason", "updated_at"]
    if to_status == DoctorStatus.BILLING_NUMBER_RECORDED:
        number = "".join((billing_number or "").split()).upper()
        if not (4 <= len(number) <= 20 and number.isalnum()):
            raise ValidationError(BILLING_NUMBER_RULE, code="billing")
        # Dedicated: one doctor per number (the database refuses a second one as well).
        if Doctor.objects.filter(billing_number=number).exclude(pk=doctor.pk).exists():
            raise ValidationError(
                f"Le numéro de facturation {number} est déjà attribué à un autre médecin "
                "volontaire : vérifiez-le.",
                code="billing",
            )
        doctor.billing_number = number
        doctor.billing_recorded_on = today
        fields += ["billing_number", "billing_recorded_on"]
        note = note or f"Numéro de facturation : {number}"
    if to_status == DoctorStatus.CPS_ISSUED:
        doctor.cps_issued_on = today
        fields.append("cps_issued_on")
    history = DoctorHistory.objects.create(
        doctor=doctor,
        from_status=doctor.status,
        to_status=to_status,
        actor=actor,
        comment=comment or note,
    )
    doctor.status = to_status
    doctor.status_reason = comment or note
    doctor.save(update_fields=fields)
    notify_doctor(doctor, history, reason=comment)
    if to_status in (DoctorStatus.WITHDRAWN, DoctorStatus.REFUSED):
        notify_closed(doctor, history)
    notify_ars_volunteer_left(doctor, history)
    if to_status == DoctorStatus.SUBMITTED:
        notify_cdom(doctor)
    if to_status == DoctorStatus.ACTIVITY_RECORDED:
        notify_cpam(doctor)
    if to_status in (DoctorStatus.WITHDRAWN, DoctorStatus.PAUSED):
        # Withdrawal (announced on its confirmation page): every coming mission is cancelled,
        # the sites, the ARS and booked patients are told. Pause: only the pending proposals
        # are withdrawn; accepted and confirmed missions stay planned.
        from renfort.planning.services import missions_cancel_for_doctor

        paused = to_status == DoctorStatus.PAUSED
        missions_cancel_for_doctor(
            doctor=doctor,
            actor=actor,
            reason=comment
            or (
                "Mise en pause du médecin volontaire."
                if paused
                else "Retrait du médecin volontaire."
            ),
            pending_only=paused,
        )
    return doctor


# --- The doctor's space ---------------------------------------------------------------------


def _locked_doctor(doctor: Doctor) -> Doctor:
    """The doctor's row, locked and read again: a change saved meanwhile (a pause by the ARS,
    the territory from another tab) is seen, and the next one waits. NO KEY: the rows that
    refer to the doctor (appointments booked meanwhile) are not held up."""
    return (
        Doctor.objects.select_for_update(of=("self",), no_key=True)
        .select_related("user")
        .get(pk=doctor.pk)
    )


CLOSED_FILE = (
    "Votre dossier est clos : il ne peut plus être modifié. Pour revenir dans le dispositif, "
    "écrivez à l'ARS de votre région."
)


def _check_editor(actor: User, doctor: Doctor) -> None:
    """The doctor edits their own file while it is open (not withdrawn nor refused)."""
    if not can_edit_doctor(actor, doctor):
        raise PermissionDenied("Vous ne pouvez modifier que votre propre dossier.")
    if doctor.is_closed:
        raise ValidationError(CLOSED_FILE)


@transaction.atomic
def availability_add(
    *, doctor: Doctor, actor: User, day: date, period: str, today: date | None = None
) -> tuple[Availability, str]:
    """Add a date (or widen an existing one: morning + afternoon is a full day). Returns the
    availability and what happened: "added", "widened" or "unchanged" (already covered). A
    refused date raises a ValidationError on `date`.

    The doctor's row is locked first (the date's row may not exist yet): the same date added
    from two tabs at once is created once, morning and afternoon make a full day."""
    doctor = _locked_doctor(doctor)
    _check_editor(actor, doctor)
    try:
        (entry,) = availabilities_check([AvailabilityEntry(day, period)], today=today)
    except ValidationError as exc:
        raise ValidationError({"date": exc.messages}) from exc
    existing = Availability.objects.filter(doctor=doctor, date=day).first()
    if existing is None:
        # A day a mission already holds is not a free day: recorded, it could not be removed
        # (availability_remove keeps the dates of missions).
        mission = blocking_missions_on(doctor, day).select_related("site").first()
        if mission is not None:
            raise ValidationError(
                {
                    "date": (
                        f"Vous avez déjà une mission le {day:%d/%m/%Y} à {mission.site.name} "
                        f"({mission.doctor_status_label.lower()}) : ce jour est déjà pris."
                    )
                }
            )
        return Availability.objects.create(doctor=doctor, date=day, period=entry.period), "added"
    if existing.period == entry.period or existing.period == AvailabilityPeriod.FULL:
        return existing, "unchanged"
    existing.period = AvailabilityPeriod.FULL
    existing.save(update_fields=["period"])
    return existing, "widened"


@transaction.atomic
def availability_remove(*, availability: Availability, actor: User) -> None:
    """Remove a date, unless a mission (proposed, accepted or confirmed) holds it: a mission is
    never silently cancelled; the doctor declines or cancels it from the mission itself."""
    doctor = _locked_doctor(availability.doctor)
    _check_editor(actor, doctor)
    mission = blocking_missions_on(doctor, availability.date).select_related("site").first()
    if mission:
        raise ValidationError(
            f"Vous avez une mission le {availability.date:%d/%m/%Y} à {mission.site.name} "
            f"({mission.doctor_status_label.lower()}) : cette disponibilité ne peut pas être "
            "retirée. Déclinez ou annulez d'abord la mission."
        )
    availability.delete()


@transaction.atomic
def doctor_coverage_update(
    *,
    doctor: Doctor,
    actor: User,
    coverage_mode: str,
    max_travel_minutes: int | None = None,
    zones: Iterable = (),
    preferred_sites: Iterable = (),
) -> Doctor:
    """Change the territory the doctor covers. Missions already planned are kept as they are."""
    doctor = _locked_doctor(doctor)
    _check_editor(actor, doctor)
    zones = list(zones)
    clean = doctor_check(
        data={"coverage_mode": coverage_mode, "max_travel_minutes": max_travel_minutes},
        zones=zones,
        doctor=doctor,
        partial=True,
    )
    doctor.coverage_mode = clean["coverage_mode"]
    doctor.max_travel_minutes = clean["max_travel_minutes"]
    doctor.save(update_fields=["coverage_mode", "max_travel_minutes", "updated_at"])
    doctor.zones.set(zones if doctor.coverage_mode == CoverageMode.ZONES else [])
    doctor.preferred_sites.set(list(preferred_sites))
    return doctor


@transaction.atomic
def doctor_preferences_update(*, doctor: Doctor, actor: User, data: dict) -> Doctor:
    """Days per month, hours, slot length, housing, replacement, mobile phone."""
    doctor = _locked_doctor(doctor)
    _check_editor(actor, doctor)
    keys = [k for k in (*PREFERENCE_FIELDS, "phone") if k in data]
    clean = doctor_check(data={k: data[k] for k in keys}, doctor=doctor, partial=True)
    hours_changed = any(key in clean and clean[key] != getattr(doctor, key) for key in HOURS_FIELDS)
    for key in keys:
        setattr(doctor, key, clean[key])
    doctor.save(update_fields=[*keys, "updated_at"])  # never the status nor the territory
    if hours_changed:  # the coming consultations follow (never cancelling a booked patient)
        from renfort.booking.services import hours_resync  # booking depends on doctors
        from renfort.planning.models import Mission

        hours_resync(missions=Mission.objects.filter(doctor=doctor), who="doctor")
    if "phone" in clean and doctor.user.phone != clean["phone"]:
        doctor.user.phone = clean["phone"]
        doctor.user.save(update_fields=["phone"])
    return doctor
