"""Planning use cases: run the solver for a month and a region, review the proposal (lock,
remove), publish it, and move missions through their workflow. The solver runs are in runs.py
(re-exported here)."""

import logging
from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format

from renfort.accounts.models import Role, User
from renfort.core.links import absolute_url
from renfort.core.templatetags.french import night
from renfort.core.text import count, days_label, lower_first
from renfort.core.validators import no_link_check
from renfort.core.workflow import comment_check, status_seen_check
from renfort.doctors.models import Doctor
from renfort.notifications.services import email_enqueue
from renfort.sites.models import Site
from renfort.sites.selectors import ars_agents, housing_beds, site_closed_reason

from .checks import draft_issues
from .models import (
    DOCTOR_LABELS,
    HALVES,
    MISSION_REASON_LIMIT,
    MISSION_WORKFLOW,
    PERIOD_DAYS,
    REASON_REQUIRED,
    REMOVED_REASON,
    Mission,
    MissionHistory,
    MissionStatus,
    PlanningRun,
)
from .months import month_bounds
from .permissions import can_act_on_mission, can_plan_region
from .runs import (  # noqa: F401 — re-exported: callers import every use case from services
    _region_missions,
    calculation_running,
    overlapping_refusal,
    planning_result_save,
    planning_run_create,
    planning_run_execute,
)
from .selectors import mission_hours

logger = logging.getLogger(__name__)
M = MissionStatus

# --- Review of the proposal -------------------------------------------------------------------


# Lock order of every writer of missions: the doctor, the site, the mission, then its slots and
# appointments. Every lock is NO KEY: a booking that takes a slot, then inserts an appointment
# referring to the mission, the site and the doctor (a key share lock on each), never waits for
# one of them while holding the slot the other side wants.
MISSION_GONE = (
    "Cette mission n'existe plus : un nouveau calcul a remplacé les propositions non publiées. "
    "Rechargez la page."
)


def _locked_mission(mission: Mission, *, site: bool = False, doctor: bool = False) -> Mission:
    """The mission's row, locked and read again (its site and doctor with it, unlocked), after
    the doctor's row and the site's row when asked (a mission never changes site nor doctor)."""
    if doctor:
        _locked_doctors([mission.doctor_id])
    if site:
        _locked_sites([mission.site_id])
    try:
        return (
            Mission.objects.select_for_update(of=("self",), no_key=True)
            .select_related("site", "doctor")
            .get(pk=mission.pk)
        )
    except Mission.DoesNotExist:  # a draft that a new calculation replaced meanwhile
        raise ValidationError(MISSION_GONE, code="gone") from None


def _locked_doctors(doctor_ids) -> None:
    """Lock doctor rows, by id (before any site: the order of every mission writer)."""
    list(
        Doctor.objects.select_for_update(no_key=True)
        .filter(pk__in=doctor_ids)
        .order_by("pk")
        .values("pk")
    )


def _locked_sites(site_ids) -> None:
    """Lock site rows, by id (the order of every site change)."""
    list(
        Site.objects.select_for_update(no_key=True)
        .filter(pk__in=site_ids)
        .order_by("pk")
        .values("pk")
    )


def _record(mission: Mission, *, to_status: str, actor: User | None, comment: str = ""):
    comment_check(comment, MISSION_REASON_LIMIT)  # every path: transition, withdrawal, pause…
    history = MissionHistory.objects.create(
        mission=mission,
        from_status=mission.status,
        to_status=to_status,
        actor=actor,
        comment=comment,
    )
    mission.status = to_status
    mission.status_reason = comment
    mission.save(update_fields=["status", "status_reason", "updated_at"])
    return history


@transaction.atomic
def mission_lock(
    *, mission: Mission, actor: User, locked: bool, from_status: str | None = None
) -> Mission:
    """Lock (kept by every re-run) or unlock a draft mission of the ARS's region. A published
    mission is always kept: there is nothing to lock. `from_status`: the status the planning
    table showed; refused if it changed meanwhile."""
    mission = _locked_mission(mission)
    if not can_plan_region(actor, mission.site.region_id):
        raise PermissionDenied("Cette mission n'est pas dans votre région.")
    if mission.status in (M.CANCELLED, M.DECLINED):  # removed, declined or cancelled meanwhile
        removed = mission.history.filter(from_status=M.DRAFT, to_status=M.CANCELLED).exists()
        raise ValidationError(
            (
                "Cette mission a été retirée de la proposition"
                if removed
                else f"Cette mission est {lower_first(mission.get_status_display())}"
            )
            + " : il n'y a plus rien à verrouiller. Rechargez la page.",
            code="gone",
        )
    status_seen_check(
        mission.status, from_status, labels=MISSION_WORKFLOW.labels, subject="La mission"
    )
    if mission.status != M.DRAFT:
        raise ValidationError(
            "Seule une mission non publiée se verrouille : une mission publiée est toujours "
            "conservée par un nouveau calcul."
        )
    mission.locked = locked
    mission.save(update_fields=["locked", "updated_at"])
    return mission


@transaction.atomic
def mission_remove(*, mission: Mission, actor: User, from_status: str | None = None) -> Mission:
    """Take a mission out of the unpublished proposal; a re-run will not propose this doctor on
    this date again. `from_status`: the status the planning table showed; refused if it
    changed meanwhile."""
    mission = _locked_mission(mission)
    if not can_plan_region(actor, mission.site.region_id):
        raise PermissionDenied("Cette mission n'est pas dans votre région.")
    if mission.status == M.CANCELLED:  # a second click, or another tab
        raise ValidationError(
            "C'est déjà fait : cette mission est déjà retirée ou annulée.", code="already_done"
        )
    status_seen_check(
        mission.status, from_status, labels=MISSION_WORKFLOW.labels, subject="La mission"
    )
    if mission.status != M.DRAFT:
        raise ValidationError(
            "Seule une mission non publiée peut être retirée ; annulez-la avec un motif."
        )
    _record(mission, to_status=M.CANCELLED, actor=actor, comment=REMOVED_REASON)
    return mission


@transaction.atomic
def planning_publish(
    *, month: date, region_code: str | None, actor: User
) -> tuple[list[Mission], dict[int, str]]:
    """Propose every draft mission of the month to its doctor (one email each, listing them),
    and inform each site manager of the missions planned at their site. Drafts that today's
    data no longer allow (checks.draft_issues) stay drafts. Returns (published, left out with
    their reason)."""
    if not can_plan_region(actor, region_code):
        raise PermissionDenied("Vous ne pouvez publier que la planification de votre région.")
    if calculation_running(month, region_code):
        raise ValidationError(
            "Un calcul est en cours pour ce mois : attendez son résultat, qui remplacera les "
            "propositions non publiées, avant de publier."
        )
    # The drafts' sites first, locked (by id, like every site change): a change of their
    # opening days, rooms or beds waits for the publication, then sees its missions; one saved
    # just before is read below.
    _locked_sites(_region_missions(month, region_code).filter(status=M.DRAFT).values("site_id"))
    drafts = list(
        _region_missions(month, region_code)
        .filter(status=M.DRAFT)
        .select_for_update(of=("self",), no_key=True)
        .select_related("doctor__user", "site__manager", "site__commune")
        .prefetch_related("site__weekly_openings", "site__opening_exceptions")
        .order_by("date")
    )
    if not drafts:
        if _region_missions(month, region_code).filter(status=M.PROPOSED).exists():
            raise ValidationError(
                "Toutes les missions calculées sont déjà publiées : les médecins ont reçu "
                "leurs propositions."
            )
        raise ValidationError("Aucune mission à publier : lancez d'abord un calcul.")
    issues = draft_issues(month, region_code, drafts)
    publishable = [m for m in drafts if m.pk not in issues]
    if not publishable:
        raise ValidationError(
            f"Aucune mission publiable : {count(len(issues), 'mission est', 'missions sont')} "
            "à revoir (« À revoir » dans le tableau). Retirez-les ou relancez le calcul."
        )
    for mission in publishable:
        _record(mission, to_status=M.PROPOSED, actor=actor, comment="Proposition publiée.")
    _notify_publication(publishable, month)
    return publishable, issues


def _notify_publication(missions: list[Mission], month: date) -> None:
    by_doctor, by_site = defaultdict(list), defaultdict(list)
    for mission in missions:
        by_doctor[mission.doctor].append(mission)
        by_site[mission.site].append(mission)
    month_label = date_format(month, "F Y")  # « février 2027 »
    for doctor, items in by_doctor.items():
        email_enqueue(
            kind="missions_proposed",
            recipient=doctor.user.email,
            subject=(
                f"Renfort : {count(len(items), 'mission proposée', 'missions proposées')} "
                f"pour {month_label}"
            ),
            template="planning/emails/proposed_to_doctor.txt",
            context={
                "doctor": doctor,
                "missions": items,
                "url": absolute_url("planning:doctor_missions"),
            },
            dedup_key=f"missions-proposed-{doctor.pk}-{items[0].pk}",
        )
    for site, items in by_site.items():
        email_enqueue(
            kind="missions_planned_site",
            recipient=site.manager.email,
            subject=(
                f"Renfort : {count(len(items), 'mission prévue', 'missions prévues')} "
                f"à « {site.name} » en {month_label}"
            ),
            template="planning/emails/planned_to_site.txt",
            context={
                "site": site,
                "missions": items,
                "url": absolute_url("planning:site_missions"),
            },
            dedup_key=f"missions-planned-site-{site.pk}-{items[0].pk}",
        )


# --- Mission workflow -------------------------------------------------------------------------


def _month_days(doctor_id: int, day: date, exclude_pk: int) -> float:
    first, last = month_bounds(day)
    held = (
        Mission.objects.in_month(first, last)
        .filter(doctor_id=doctor_id, status__in=[M.ACCEPTED, M.CONFIRMED, M.DONE])
        .exclude(pk=exclude_pk)
    )
    return sum(PERIOD_DAYS[m.period] for m in held)


def _check_capacity(mission: Mission) -> None:
    """A confirmed mission needs the site open that day and reserves a room (and a bed when
    needed): never more than the site has. The site row is locked so that two confirmations
    cannot both take the last room, nor a change of the site's opening days slip in between."""
    site = type(mission.site).objects.select_for_update(no_key=True).get(pk=mission.site_id)
    closed = site_closed_reason(site, mission.date, mission.period)
    if closed:
        raise ValidationError(f"{closed[0].upper()}{closed[1:]}.", code="site_closed")
    confirmed = Mission.objects.filter(
        site_id=site.pk, date=mission.date, status__in=[M.CONFIRMED, M.DONE]
    ).exclude(pk=mission.pk)
    for half in HALVES[mission.period]:
        overlapping = [m for m in confirmed if half in HALVES[m.period]]
        if len(overlapping) >= site.rooms:
            raise ValidationError(
                f"Plus de salle disponible à {site.name} le {mission.date:%d/%m/%Y} "
                f"({'matin' if half == 'morning' else 'après-midi'})."
            )
    if mission.needs_housing:
        beds = sum(1 for m in confirmed if m.needs_housing)
        if beds >= housing_beds(site):
            raise ValidationError(f"Plus de lit disponible à {site.name} {night(mission.date)}.")


def mission_has_marked_patients(mission: Mission) -> bool:
    """Patients already marked seen, excused or absent: the consultation took place."""
    return mission.appointments.filter(status__in=("seen", "excused", "no_show")).exists()


def mission_ended(mission: Mission, now=None) -> bool:
    """Its consultation is over: a past day, or today after its last slot (at the site's
    clock). Such a mission is marked done, not cancelled (its patients are marked)."""
    now = now or timezone.now()
    today = timezone.localdate(now, mission.site.tz)
    if mission.date != today:
        return mission.date < today
    last = mission.slots.aggregate(end=Max("end"))["end"]
    if last is None:  # no slot (none generated yet): the end of its consultation hours
        from renfort.booking.services.slots import mission_hours  # booking depends on planning
        from renfort.booking.slots import windows

        spans = windows(mission.date, mission.period, mission_hours(mission), mission.site.tz)
        last = max((end for _, end in spans), default=None)
    return last is not None and last <= now


def mission_cancellable(mission: Mission, now=None) -> bool:
    """Not cancelled once under way (patients marked) nor once over: its record stays."""
    return not (mission_ended(mission, now) or mission_has_marked_patients(mission))


ENDED = (
    "Cette consultation est terminée : elle ne s'annule plus. Marquez la mission réalisée ; "
    "les patients se marquent vus, excusés ou absents depuis l'agenda du jour."
)


@transaction.atomic
def mission_transition(
    *,
    mission: Mission,
    actor: User,
    to_status: str,
    comment: str = "",
    from_status: str | None = None,
    release_date: bool = False,
) -> Mission:
    """Accept / decline (doctor), confirm (ARS or the site), done, cancel (with a reason).
    `from_status`: the status the action's page showed; refused if it changed meanwhile.
    `release_date`: the doctor declining or cancelling is no longer free that day; the date
    leaves their availabilities in the same transaction (their space no longer offers it)."""
    # A confirmation lays the slots on the doctor's hours: the doctor's row first, so that a
    # change of hours saved meanwhile is either seen here or lays this mission's slots again.
    mission = _locked_mission(
        mission, site=to_status == M.CONFIRMED, doctor=to_status in (M.ACCEPTED, M.CONFIRMED)
    )
    MISSION_WORKFLOW.check(
        mission.status,
        to_status,
        actor.role,
        comment,
        labels=DOCTOR_LABELS if actor.role == Role.DOCTOR else None,  # their own mission
        seen=from_status,
        subject="La mission",
    )
    if not can_act_on_mission(actor, mission):
        raise PermissionDenied("Cette mission ne vous concerne pas.")
    comment = (comment or "").strip()
    if to_status in REASON_REQUIRED and len(comment) < 5:
        raise ValidationError("Indiquez le motif (au moins 5 caractères).", code="reason")
    if to_status == M.CANCELLED and mission.status == M.CONFIRMED:
        no_link_check(comment)  # the booked patients read it
    if to_status in (M.ACCEPTED, M.CONFIRMED) and mission.date < timezone.localdate():
        raise ValidationError("Cette mission est passée.")
    if to_status == M.CANCELLED and mission.status != M.DRAFT and mission_ended(mission):
        raise ValidationError(ENDED, code="ended")
    if to_status == M.CANCELLED and mission_has_marked_patients(mission):
        # The consultation took place (patients marked on the day view): its record stays.
        raise ValidationError(
            "Cette consultation a commencé : des patients sont déjà marqués vus, excusés ou "
            "absents. Marquez la mission réalisée ; pour les patients qui restent, annulez "
            "leurs rendez-vous depuis l'agenda du jour."
        )
    if to_status == M.DONE and mission.date > timezone.localdate():
        raise ValidationError(
            "Une mission ne peut être marquée réalisée qu'à partir de son jour : "
            f"le {mission.date:%d/%m/%Y}."
        )
    if to_status == M.ACCEPTED:
        doctor = mission.doctor  # locked above, read with the mission
        if not doctor.is_plannable:
            raise ValidationError(
                "Votre participation est en pause ou close : reprenez-la depuis votre espace "
                "avant d'accepter une mission."
            )
        already = _month_days(doctor.pk, mission.date, mission.pk)
        if already + mission.days > doctor.max_days_per_month:
            raise ValidationError(
                f"Vous avez déjà {days_label(already)} de mission en "
                f"{date_format(mission.date, 'F Y')} : au plus "
                f"{days_label(doctor.max_days_per_month)} par mois."
            )
    if to_status == M.CONFIRMED:
        _check_capacity(mission)
    history = _record(mission, to_status=to_status, actor=actor, comment=comment)
    if release_date and to_status in (M.DECLINED, M.CANCELLED) and actor.role == Role.DOCTOR:
        mission.doctor.availabilities.filter(date=mission.date).delete()
    _after_transition(mission, history)
    return mission


def _after_transition(mission: Mission, history: MissionHistory) -> None:
    patients_cancelled = 0
    if M.CONFIRMED in (history.from_status, history.to_status):
        patients_cancelled = _sync_slots(mission).cancelled_appointments
    role = history.actor.role if history.actor else None
    context = {
        "mission": mission,
        "history": history,
        # Who made the change, for the emails (« le lieu d'accueil a annulé… »).
        "by": {Role.DOCTOR: "doctor", Role.SITE_MANAGER: "site"}.get(role, "ars"),
        "patients_cancelled": patients_cancelled,
        "site_missions_url": absolute_url("planning:site_missions"),
        # For a confirmed mission: the consultation hours, the links.
        "hours": mission_hours(mission) if history.to_status == M.CONFIRMED else [],
        "mission_url": absolute_url("planning:mission_detail", mission.pk),
        "ics_url": absolute_url("planning:doctor_ics"),
    }
    subject = f"Renfort : mission du {mission.date:%d/%m/%Y} — {lower_first(history.to_label)}"
    if history.to_status in (M.CONFIRMED, M.CANCELLED) and history.from_status != M.DRAFT:
        email_enqueue(
            kind=f"mission_{history.to_status}",
            recipient=mission.doctor.user.email,
            subject=subject,
            template="planning/emails/status_to_doctor.txt",
            context=context,
            dedup_key=f"mission-history-{history.pk}-doctor",
        )
    # The site was told of the proposal at publication: it hears of every answer and outcome
    # it did not give itself (an accepted mission waits for its confirmation), and keeps a
    # receipt of a cancellation it made (the patients told, « annulée à votre demande »).
    if (
        history.to_status in (M.ACCEPTED, M.CONFIRMED, M.CANCELLED, M.DECLINED)
        and history.from_status != M.DRAFT
        and not (history.to_status == M.CONFIRMED and context["by"] == "site")
    ):
        email_enqueue(
            kind=f"mission_{history.to_status}_site",
            recipient=mission.site.manager.email,
            subject=subject,
            template="planning/emails/status_to_site.txt",
            context=context,
            dedup_key=f"mission-history-{history.pk}-site",
        )
    if history.to_status in (M.ACCEPTED, M.DECLINED) or (
        history.to_status in (M.CONFIRMED, M.CANCELLED) and context["by"] != "ars"
    ):  # the ARS hears of every answer, and of every confirmation or cancellation it did not
        # make itself
        planning_url = (
            absolute_url("planning:index")
            + f"?mois={mission.date:%Y-%m}&region={mission.site.region_id}#mission-{mission.pk}"
        )
        for agent in ars_agents(mission.site.region_id):
            email_enqueue(
                kind=f"mission_{history.to_status}_ars",
                recipient=agent.email,
                subject=(
                    f"Renfort : Dr {mission.doctor.full_name} — mission du "
                    f"{mission.date:%d/%m/%Y} {history.to_label.lower()}"
                    + (" par le lieu d'accueil" if context["by"] == "site" else "")
                ),
                template="planning/emails/status_to_ars.txt",
                context={**context, "planning_url": planning_url},
                dedup_key=f"mission-history-{history.pk}-ars-{agent.pk}",
            )


def _sync_slots(mission: Mission):
    """Booking slots follow confirmed missions (created, or released with patients notified).
    Returns the booking's SyncResult (how many appointments were cancelled…)."""
    from renfort.booking.services import slots_sync_for_mission  # booking depends on planning

    return slots_sync_for_mission(mission=mission)


@transaction.atomic
def missions_confirm_accepted(
    *, month: date, region_code: str | None, actor: User
) -> tuple[int, list[str]]:
    """Confirm every accepted mission of the month (rooms, beds and dates permitting).
    Returns how many were confirmed and, for each one left accepted, why (one confirmed or
    cancelled meanwhile, from another page, is not left accepted: it is not listed)."""
    if not can_plan_region(actor, region_code):
        raise PermissionDenied("Vous ne pouvez confirmer que les missions de votre région.")
    confirmed, skipped = 0, []
    missions = _region_missions(month, region_code).filter(status=M.ACCEPTED)
    # Their doctors, then their sites, by id (as every confirmation locks the doctor, the site,
    # then the mission): a site confirming one of them meanwhile waits, then finds it done.
    _locked_doctors(missions.values("doctor_id"))
    _locked_sites(missions.values("site_id"))
    for mission in missions.select_related("doctor", "site").order_by("date", "pk"):
        try:
            with transaction.atomic():
                mission_transition(mission=mission, actor=actor, to_status=M.CONFIRMED)
            confirmed += 1
        except ValidationError as exc:
            if getattr(exc, "code", None) in ("already", "not_allowed", "gone"):
                continue  # no longer accepted: confirmed or cancelled meanwhile
            skipped.append(
                f"Dr {mission.doctor.full_name}, {mission.site.name}, "
                f"{mission.date:%d/%m/%Y} : {' '.join(exc.messages)}"
            )
    return confirmed, skipped


@transaction.atomic
def missions_cancel_for_doctor(
    *, doctor, actor: User, reason: str, pending_only: bool = False
) -> int:
    """When a volunteer withdraws: every future mission still holding them is cancelled with
    the reason (sites and ARS informed, booked patients re-offered). `pending_only` (a pause):
    only the drafts and the proposals not yet answered."""
    today = timezone.localdate()
    statuses = (
        [M.DRAFT, M.PROPOSED] if pending_only else [M.DRAFT, M.PROPOSED, M.ACCEPTED, M.CONFIRMED]
    )
    from renfort.booking.selectors import missions_leaving  # booking depends on planning

    missions = Mission.objects.filter(doctor=doctor, date__gte=today, status__in=statuses)
    # Today's, over or under way: its record stays.
    leaving = [m for m in missions.select_related("site", "doctor__user") if mission_cancellable(m)]
    # The patients of one are not offered the slots of another, cancelled a moment later.
    with missions_leaving(m.pk for m in leaving):
        for mission in leaving:
            mission = _locked_mission(mission)
            history = _record(mission, to_status=M.CANCELLED, actor=actor, comment=reason)
            _after_transition(mission, history)
    return len(leaving)


def national_run_announce(*, run: PlanningRun, regions: list[tuple[str, str, int]]) -> None:
    """A national calculation launched: the ARS agents of each region whose unpublished
    proposals it replaces are told (`regions`: selectors.unpublished_by_region, as the
    confirmation page showed them)."""
    month = date_format(run.month, "F Y")
    for code, name, drafts in regions:
        url = absolute_url("planning:index") + f"?mois={run.month:%Y-%m}&region={code}"
        for agent in ars_agents(code):
            email_enqueue(
                kind="national_run_ars",
                recipient=agent.email,
                subject=f"Renfort : calcul national de {month} — vos propositions non publiées "
                "seront remplacées",
                template="planning/emails/national_run_to_ars.txt",
                context={"run": run, "region_name": name, "drafts": drafts, "planning_url": url},
                dedup_key=f"national-run-{run.pk}-ars-{agent.pk}",
            )
