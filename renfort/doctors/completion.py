"""A volunteer's file corrected: the « demande de complément » an agent sends (the CDOM while
the file waits for it, the ARS on any open file) and the doctor's edition of their identity and
practice, which answers it. Both leave a history row (same status: nothing moves in the
onboarding) and an email."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from renfort.accounts.models import Role, User
from renfort.core.workflow import comment_check, status_seen_check

from .checks import RPPS_DUPLICATE_ERROR, doctor_check
from .emails import notify_completion_answered, notify_completion_requested
from .models import (
    COMPLETION_ROLES_STATUSES,
    Doctor,
    DoctorHistory,
    DoctorStatus,
)
from .permissions import can_act_on_doctor
from .services import _check_editor, _locked_doctor

# What the doctor may correct: identity (locked once the Ordre has recorded the activity,
# unless an agent asks for a correction) and practice (always, within the département).
IDENTITY_FIELDS = ("civility", "first_name", "last_name", "rpps")
PRACTICE_FIELDS = ("specialty", "sector", "practice_status", "practice_address")
EDITABLE_FIELDS = (*IDENTITY_FIELDS, *PRACTICE_FIELDS, "practice_commune")
FIELD_LABELS = {
    "civility": "civilité",
    "first_name": "prénom",
    "last_name": "nom",
    "rpps": "numéro RPPS",
    "specialty": "spécialité",
    "sector": "secteur conventionnel",
    "practice_status": "situation",
    "practice_address": "adresse du lieu d'exercice",
    "practice_commune": "commune d'exercice",
}
MESSAGE_MIN = 5
IDENTITY_LOCKED = (
    "L'Ordre a vérifié votre identité et votre numéro RPPS en enregistrant votre activité : "
    "pour les corriger, écrivez à l'ARS de votre région, qui vous demandera un complément."
)
DEPARTEMENT_LOCKED = (
    "Votre nouvelle commune d'exercice est dans un autre département : l'Ordre et l'Assurance "
    "Maladie qui suivent votre dossier changent aussi. Écrivez à l'ARS de votre région pour ce "
    "changement."
)
RPPS_TAKEN = (
    "Ce numéro RPPS est déjà celui d'un autre dossier : vérifiez-le. S'il est bien le vôtre, "
    "écrivez à l'ARS de votre région."
)
NOTHING_TO_ANSWER = (
    "Modifiez au moins une information ou écrivez un message à l'agent qui vous a demandé un "
    "complément."
)


def completion_allowed(actor: User, doctor: Doctor) -> bool:
    """The CDOM asks while the file waits for it; the ARS (and the admin) on any open file;
    only agents of the practice's territory (national steering follows, never acts)."""
    statuses = COMPLETION_ROLES_STATUSES.get(actor.role, [])
    return doctor.status in statuses and can_act_on_doctor(actor, doctor)


@transaction.atomic
def completion_request(
    *, doctor: Doctor, actor: User, message: str, from_status: str | None = None
) -> bool:
    """Ask the doctor to correct or complete their file. Returns False when the same request
    is already pending (a second click: nothing recorded, nothing sent again). A new text
    replaces a pending one (both stay in the history)."""
    doctor = _locked_doctor(doctor)
    status_seen_check(
        doctor.status, from_status, labels=dict(DoctorStatus.choices), subject="Le dossier"
    )
    if not completion_allowed(actor, doctor):
        raise PermissionDenied("Vous ne pouvez pas demander de complément sur ce dossier.")
    message = (message or "").strip()
    if len(message) < MESSAGE_MIN:
        raise ValidationError(
            "Indiquez ce que le médecin doit corriger ou compléter (au moins 5 caractères).",
            code="reason",
        )
    comment_check(message)
    if doctor.completion_pending and doctor.completion_request == message:
        return False
    doctor.completion_request = message
    doctor.completion_requested_at = timezone.now()
    doctor.completion_requested_by = actor
    doctor.save(
        update_fields=[
            "completion_request",
            "completion_requested_at",
            "completion_requested_by",
            "updated_at",
        ]
    )
    history = DoctorHistory.objects.create(
        doctor=doctor,
        from_status=doctor.status,
        to_status=doctor.status,
        actor=actor,
        comment=f"Complément demandé : {message}",
    )
    notify_completion_requested(doctor, history)
    return True


@transaction.atomic
def doctor_profile_update(
    *, doctor: Doctor, actor: User, data: dict, message: str = ""
) -> list[str]:
    """The doctor corrects their identity and practice (`data`: EDITABLE_FIELDS, the commune
    as a Commune), with a message when answering a « demande de complément ». Returns the
    labels of the fields changed. Names and RPPS only while `identity_editable`; the commune
    within the département. The answer clears the request and emails the agent who sent it."""
    doctor = _locked_doctor(doctor)
    _check_editor(actor, doctor)
    pending = doctor.completion_pending
    message = (message or "").strip() if pending else ""
    comment_check(message)
    # Only what differs is checked: a value saved under older rules stays as it is.
    fields = [k for k in EDITABLE_FIELDS[:-1] if k in data and data[k] != getattr(doctor, k)]
    if {"first_name", "last_name"} & set(fields):
        fields = list(dict.fromkeys([*fields, "first_name", "last_name"]))  # checked together
    try:
        clean = doctor_check(
            data={k: data.get(k, getattr(doctor, k)) for k in fields},
            doctor=doctor,
            partial=True,
        )
    except ValidationError as exc:
        errors = exc.message_dict
        if errors.get("rpps") == [RPPS_DUPLICATE_ERROR]:  # written for the public sign-up
            errors["rpps"] = [RPPS_TAKEN]
        raise ValidationError(errors) from exc
    commune = data.get("practice_commune")
    changed = [k for k in EDITABLE_FIELDS[:-1] if k in fields and clean[k] != getattr(doctor, k)]
    if commune is not None and commune.pk != doctor.practice_commune_id:
        if commune.departement_id != doctor.departement_id:
            raise ValidationError({"practice_commune": DEPARTEMENT_LOCKED})
        changed.append("practice_commune")
    identity = [k for k in changed if k in IDENTITY_FIELDS]
    if identity and not doctor.identity_editable:
        raise ValidationError({identity[0]: IDENTITY_LOCKED})
    if not changed and not message:
        if pending:
            raise ValidationError(NOTHING_TO_ANSWER, code="nothing")
        return []
    for key in changed:
        setattr(doctor, key, commune if key == "practice_commune" else clean[key])
    requester = doctor.completion_requested_by if pending else None
    if pending:
        doctor.completion_request = ""
        doctor.completion_requested_at = None
        doctor.completion_requested_by = None
    doctor.save()
    if {"first_name", "last_name"} & set(changed):  # the account says the same names
        doctor.user.first_name, doctor.user.last_name = doctor.first_name, doctor.last_name
        doctor.user.save(update_fields=["first_name", "last_name"])
    labels = [FIELD_LABELS[k] for k in changed]
    what = f"Dossier modifié par le médecin : {', '.join(labels)}." if labels else ""
    if pending:
        what = " ".join(
            part
            for part in (
                "Complément apporté par le médecin.",
                what.replace("Dossier modifié par le médecin : ", "Modifié : "),
                f"Message : {message}" if message else "",
            )
            if part
        )
    history = DoctorHistory.objects.create(
        doctor=doctor,
        from_status=doctor.status,
        to_status=doctor.status,
        actor=actor,
        comment=what,
    )
    if requester is not None and requester.is_active and requester.role != Role.DOCTOR:
        notify_completion_answered(doctor, history, requester, labels=labels, message=message)
    return labels
