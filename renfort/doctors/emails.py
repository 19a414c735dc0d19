"""The emails of the doctors' files: to the doctor (each new status), to the CDOM (a file to
record), to the CPAM (a file waiting for its billing number), and to either when a file they
had to handle is closed by someone else."""

from django.conf import settings
from django.template.loader import render_to_string

from renfort.accounts.models import Role, User
from renfort.core.links import absolute_url
from renfort.core.text import lower_first
from renfort.notifications.models import Channel
from renfort.notifications.services import email_enqueue, notification_enqueue

from .models import Doctor, DoctorHistory, DoctorStatus

CDOM_FALLBACK_EMAIL = "cdom-{departement}@ordre.example"


def cdom_recipients(departement_code: str) -> list[str]:
    """CDOM agents of the département; without any, the CDOM's generic address (setting
    `CDOM_FALLBACK_EMAIL`, a pattern with `{departement}`)."""
    emails = list(
        User.objects.filter(
            role=Role.CDOM_AGENT, departement_id=departement_code, is_active=True
        ).values_list("email", flat=True)
    )
    if emails:
        return emails
    pattern = getattr(settings, "CDOM_FALLBACK_EMAIL", CDOM_FALLBACK_EMAIL)
    return [pattern.format(departement=departement_code.lower())]


def notify_doctor(doctor: Doctor, history: DoctorHistory, reason: str) -> None:
    """The new status, in a sentence (« Votre dossier … : en pause »), with the reason a person
    wrote, if any (never Renfort's own notes, nor the billing number twice)."""
    status = lower_first(doctor.status_label_of(history.to_status))
    email_enqueue(
        kind="doctor_status",
        recipient=doctor.user.email,
        subject=f"Votre dossier de médecin volontaire : {status}",
        template="doctors/emails/status_to_doctor.txt",
        context={
            "doctor": doctor,
            "history": history,
            "status": status,
            "reason": reason,
            "space_url": absolute_url("doctors:space"),
        },
        dedup_key=f"doctor-history-{history.pk}-doctor",
    )


def notify_rpps_signup_attempt(holder: Doctor) -> None:
    """A public sign-up gave the RPPS number of this volunteer: they are told (at most once an
    hour), and the form answers as for any sign-up."""
    from django.utils import timezone

    email_enqueue(
        kind="doctor_rpps_signup",
        recipient=holder.user.email,
        subject="Une inscription a été tentée avec votre numéro RPPS",
        template="doctors/emails/rpps_signup_attempt.txt",
        context={
            "login_url": absolute_url("accounts:login"),
            "reset_url": absolute_url("accounts:password_reset"),
            "space_url": absolute_url("doctors:space"),
            # A withdrawn or refused file: coming back goes through the ARS, not a new sign-up.
            "closed_status": holder.get_status_display()
            if holder.status in (DoctorStatus.WITHDRAWN, DoctorStatus.REFUSED)
            else "",
        },
        dedup_key=f"doctor-{holder.pk}-rpps-signup-{int(timezone.now().timestamp() // 3600)}",
    )


def notify_rpps_signup_blocked(email: str) -> None:
    """The address typed in a sign-up that gave a volunteer's RPPS: the page said a link was
    sent there, so a message is (at most once an hour), saying the sign-up cannot go through
    online and who to write to, without telling who holds the number."""
    from django.utils import timezone

    email_enqueue(
        kind="doctor_rpps_signup",
        recipient=email,
        subject="Votre inscription de médecin volontaire",
        template="doctors/emails/rpps_signup_blocked.txt",
        context={},
        dedup_key=f"signup-{email}-rpps-blocked-{int(timezone.now().timestamp() // 3600)}"[:200],
    )


def notify_cpam(doctor: Doctor) -> None:
    """The CPAM agents of the doctor's département (their CPAM de rattachement): a file is
    waiting for the dedicated billing number."""
    recipients = User.objects.filter(
        role=Role.CPAM_AGENT, departement_id=doctor.departement_id, is_active=True
    ).values_list("pk", "email")
    for pk, email in recipients:
        email_enqueue(
            kind="doctor_activity_recorded_cpam",
            recipient=email,
            subject=f"Médecin volontaire à traiter : Dr {doctor.full_name} (numéro de facturation)",
            template="doctors/emails/activity_to_cpam.txt",
            context={
                "doctor": doctor,
                "detail_url": absolute_url("doctors:agent_detail", doctor.pk),
            },
            dedup_key=f"doctor-{doctor.pk}-activity-{doctor.history.count()}-cpam-{pk}",
        )


def notify_cdom(doctor: Doctor) -> None:
    body = render_to_string(
        "doctors/emails/submitted_to_cdom.txt",
        {"doctor": doctor, "detail_url": absolute_url("doctors:agent_detail", doctor.pk)},
    )
    _email_each(
        cdom_recipients(doctor.departement_id),
        kind="doctor_submitted",
        subject=f"Nouveau médecin volontaire à enregistrer : Dr {doctor.full_name}",
        body=body,
        key=f"doctor-{doctor.pk}-submitted-{doctor.history.count()}-cdom",
    )


def _email_each(recipients, *, kind: str, subject: str, body: str, key: str) -> None:
    """The same email to each agent of a list (one notification each, keyed by position)."""
    for index, recipient in enumerate(recipients):
        notification_enqueue(
            kind=kind,
            channel=Channel.EMAIL,
            recipient=recipient,
            subject=subject,
            body=body,
            dedup_key=f"{key}-{index}",
        )


def notify_ars_volunteer_left(doctor: Doctor, history: DoctorHistory) -> None:
    """A volunteer the ARS could plan (activity recorded onward, or paused) who pauses or
    withdraws by themselves: the ARS agents of their region are told (they plan the months
    and follow the volunteers); their missions' cancellations are told apart."""
    from renfort.sites.selectors import ars_agents

    from .models import PLANNABLE_STATUSES

    left_from = {*PLANNABLE_STATUSES, DoctorStatus.PAUSED}
    if history.actor_id != doctor.user_id or history.from_status not in left_from:
        return
    if history.to_status not in (DoctorStatus.PAUSED, DoctorStatus.WITHDRAWN):
        return
    region = doctor.departement.region_id if doctor.departement_id else None
    body = render_to_string(
        "doctors/emails/left_to_ars.txt",
        {
            "doctor": doctor,
            "history": history,
            "detail_url": absolute_url("doctors:agent_detail", doctor.pk),
        },
    )
    what = (
        "s'est mis(e) en pause" if history.to_status == DoctorStatus.PAUSED else "s'est retiré(e)"
    )
    _email_each(
        ars_agents(region).values_list("email", flat=True) if region else [],
        kind="doctor_left_ars",
        subject=f"Volontaire qui {what} : Dr {doctor.full_name}",
        body=body,
        key=f"doctor-history-{history.pk}-ars",
    )


def notify_closed(doctor: Doctor, history: DoctorHistory) -> None:
    """A file withdrawn or refused while it waited for the CDOM's or the CPAM's step: they are
    told there is nothing left to do (the CDOM would record an activity for nobody). Not the
    agent who closed it."""
    from .selectors import to_do_statuses

    actor_role = history.actor.role if history.actor else None
    for role in (Role.CDOM_AGENT, Role.CPAM_AGENT):
        if history.from_status not in to_do_statuses(role) or actor_role == role:
            continue
        if role == Role.CDOM_AGENT:
            recipients = cdom_recipients(doctor.departement_id)
        else:
            recipients = list(
                User.objects.filter(
                    role=role, departement_id=doctor.departement_id, is_active=True
                ).values_list("email", flat=True)
            )
        body = render_to_string(
            "doctors/emails/closed_to_agents.txt",
            {
                "doctor": doctor,
                "history": history,
                "for_cdom": role == Role.CDOM_AGENT,
                "detail_url": absolute_url("doctors:agent_detail", doctor.pk),
            },
        )
        _email_each(
            recipients,
            kind="doctor_closed_agents",
            subject=f"Dossier clos, plus rien à faire : Dr {doctor.full_name}",
            body=body,
            key=f"doctor-history-{history.pk}-closed-{role}",
        )


def notify_completion_requested(doctor: Doctor, history: DoctorHistory) -> None:
    """The « demande de complément »: what the agent asks, and where the doctor answers."""
    email_enqueue(
        kind="doctor_completion",
        recipient=doctor.user.email,
        subject="Votre dossier de médecin volontaire : un complément vous est demandé",
        template="doctors/emails/completion_to_doctor.txt",
        context={
            "doctor": doctor,
            "history": history,
            "message": doctor.completion_request,
            "from_cdom": history.actor is not None and history.actor.role == Role.CDOM_AGENT,
            "profile_url": absolute_url("doctors:profile"),
        },
        dedup_key=f"doctor-history-{history.pk}-completion",
    )


def notify_completion_answered(
    doctor: Doctor, history: DoctorHistory, agent: User, *, labels: list[str], message: str
) -> None:
    """The agent who asked for a complément: the doctor answered (what changed, their
    message), the file waits for them again."""
    email_enqueue(
        kind="doctor_completion",
        recipient=agent.email,
        subject=f"Complément reçu : Dr {doctor.full_name}",
        template="doctors/emails/completion_to_agent.txt",
        context={
            "doctor": doctor,
            "labels": labels,
            "message": message,
            "detail_url": absolute_url("doctors:agent_detail", doctor.pk),
        },
        dedup_key=f"doctor-history-{history.pk}-completion-agent",
    )
