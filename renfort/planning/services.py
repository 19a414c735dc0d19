"""Planning use cases: run the solver for a month and a region, review the proposal (lock,
remove), publish it, and move missions through their workflow."""

import logging
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from renfort.accounts.models import Role, User
from renfort.core.links import absolute_url
from renfort.core.text import count, days_label
from renfort.notifications.services import email_enqueue
from renfort.sites.models import Site
from renfort.sites.selectors import ars_agents, housing_beds, site_closed_reason

from . import solver
from .checks import draft_issues
from .models import (
    HALVES,
    MISSION_WORKFLOW,
    PERIOD_DAYS,
    REASON_REQUIRED,
    Mission,
    MissionHistory,
    MissionStatus,
    PlanningRun,
)
from .months import month_bounds, plannable_months
from .permissions import can_act_on_mission, can_plan_region
from .problem import problem_build
from .solver.explain import FIXED

logger = logging.getLogger(__name__)
M = MissionStatus
LOCKED_KEPT = "Mission verrouillée par l'ARS (conservée)"
KEPT_WORDS = {
    M.PROPOSED: "proposée",
    M.ACCEPTED: "acceptée",
    M.CONFIRMED: "confirmée",
    M.DONE: "réalisée",
}
MAX_TIME_LIMIT_SECONDS = 300


def _region_missions(month: date, region_code: str | None):
    first, last = month_bounds(month)
    missions = Mission.objects.in_month(first, last)
    return missions.filter(site__region_id=region_code) if region_code else missions


# --- Solver runs ------------------------------------------------------------------------------


@transaction.atomic
def planning_run_create(
    *, month: date, region_code: str | None, actor: User, time_limit_seconds: int = 20
) -> PlanningRun:
    """Record a run and start it in the background after commit. A run already queued or
    running for the same month and region is returned instead of starting a second one."""
    if not can_plan_region(actor, region_code):
        raise PermissionDenied("Vous ne pouvez planifier que votre région.")
    if not 1 <= time_limit_seconds <= MAX_TIME_LIMIT_SECONDS:
        raise ValidationError(
            f"La durée de calcul doit être comprise entre 1 et {MAX_TIME_LIMIT_SECONDS} secondes."
        )
    first, _ = month_bounds(month)
    this_month, latest = plannable_months(timezone.localdate())
    if not this_month <= first <= latest:
        raise ValidationError(
            f"On ne planifie que du mois en cours ({this_month:%m/%Y}) à douze mois plus tard "
            f"({latest:%m/%Y})."
        )
    pending = (
        PlanningRun.objects.select_for_update()
        .filter(month=first, region_id=region_code)
        .filter(status__in=[PlanningRun.Status.QUEUED, PlanningRun.Status.RUNNING])
        .first()
    )
    if pending and not _stale(pending):
        return pending
    if pending:  # the worker stopped or never took it: say so, then start again
        PlanningRun.objects.filter(pk=pending.pk).update(
            status=PlanningRun.Status.FAILED,
            error="Calcul interrompu : il n'a pas abouti dans le temps prévu (service de calcul "
            "arrêté ?). Un nouveau calcul a été lancé.",
            finished_at=timezone.now(),
        )
    run = PlanningRun.objects.create(
        month=first,
        region_id=region_code,
        created_by=actor,
        time_limit_seconds=time_limit_seconds,
        progress_message="le calcul démarre dans un instant…",
    )
    from .tasks import execute_planning_run

    transaction.on_commit(lambda: execute_planning_run.enqueue(run.pk))
    return run


# A run still queued or running this long after its time limit is considered lost (worker
# stopped or restarted): a new launch replaces it instead of waiting for it forever.
STALE_AFTER = timedelta(minutes=10)


def _runs_in_progress(month: date, region_code: str | None):
    """Queued or running calculations whose result will replace this month's drafts of the
    region (its own and national ones; for the whole country, every one of the month)."""
    runs = PlanningRun.objects.filter(
        month=month_bounds(month)[0],
        status__in=[PlanningRun.Status.QUEUED, PlanningRun.Status.RUNNING],
    )
    if region_code is not None:
        runs = runs.filter(Q(region_id=region_code) | Q(region_id__isnull=True))
    return runs


def _stale(run: PlanningRun) -> bool:
    return run.created_at + timedelta(seconds=run.time_limit_seconds) + STALE_AFTER < (
        timezone.now()
    )


def _report(run_id: int):
    def progress(message: str, fraction: float) -> None:
        PlanningRun.objects.filter(pk=run_id).update(
            progress=max(0.0, min(1.0, fraction)), progress_message=message[:200]
        )

    return progress


def _removed_dates(month: date, region_code: str | None) -> set[tuple[int, date]]:
    """(doctor, date) not to propose again this month: removed by the ARS from a proposal,
    declined by the doctor, or given up by the doctor after accepting it. The drafts and
    proposals a doctor's pause withdrew are not among them: once the doctor resumes, those
    dates can be proposed again."""
    missions = _region_missions(month, region_code)
    declined = set(missions.filter(status=M.DECLINED).values_list("doctor_id", "date"))
    cancellations = MissionHistory.objects.filter(
        mission__in=missions.filter(status=M.CANCELLED), to_status=M.CANCELLED
    ).values_list("mission__doctor_id", "mission__date", "from_status", "actor_id")
    doctor_users = dict(missions.values_list("doctor_id", "doctor__user_id"))
    removed = set()
    for doctor_id, day, from_status, actor_id in cancellations:
        by_doctor = actor_id is not None and actor_id == doctor_users.get(doctor_id)
        if (from_status == M.DRAFT and not by_doctor) or (
            by_doctor and from_status in (M.ACCEPTED, M.CONFIRMED)
        ):
            removed.add((doctor_id, day))
    return declined | removed


def planning_run_execute(*, run_id: int) -> PlanningRun:
    """Build the problem, solve it, replace the unlocked draft missions of the month by the
    new proposal. Safe to run twice: a finished run is left as it is."""
    run = PlanningRun.objects.select_related("region").get(pk=run_id)
    if run.is_finished:
        return run
    PlanningRun.objects.filter(pk=run.pk).update(status=PlanningRun.Status.RUNNING)
    progress = _report(run.pk)
    try:
        progress("Préparation des données…", 0.02)
        context = problem_build(
            month=run.month,
            region_code=run.region_id,
            excluded=_removed_dates(run.month, run.region_id),
        )
        params = solver.SolverParams(time_limit_seconds=float(run.time_limit_seconds))
        result = solver.solve(context.problem, params, progress=progress)
        progress("Enregistrement de la proposition…", 0.97)
        planning_result_save(run, context, result)
    except Exception as exc:  # the run must end, whatever happens, and say why
        logger.exception("planning run %s failed", run.pk)
        PlanningRun.objects.filter(pk=run.pk).update(
            status=PlanningRun.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:1000],
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


DATES_TAKEN = (
    "Ses dates disponibles de ce mois sont déjà prises (mission ailleurs) ou écartées (refus du "
    "médecin, retrait par l'ARS)"
)


def _volunteer_reason(item, dates_taken: set[int]) -> str:
    """The solver only sees the dates left: say when the others were taken."""
    if item.reason == solver.NO_AVAILABILITY and item.id in dates_taken:
        return DATES_TAKEN
    return item.reason


def _unplanned_rows(items, names: dict[int, str], places: dict[int, str] | None = None):
    """Rows of the run's "without mission" lists (with the volunteer's practice commune,
    which tells homonyms apart)."""
    places = places or {}
    return [
        {
            "id": u.id,
            "name": names.get(u.id, str(u.id)),
            "commune": places.get(u.id, ""),
            "reason": u.reason,
        }
        for u in items
    ]


def _kept_label(mission: Mission) -> str:
    """« Mission verrouillée par l'ARS (conservée) », « Mission confirmée (conservée) »…"""
    if mission.status == M.DRAFT:
        return LOCKED_KEPT
    return f"Mission {KEPT_WORDS.get(mission.status, 'publiée')} (conservée)"


@transaction.atomic
def planning_result_save(run: PlanningRun, context, result: solver.PlanningResult) -> None:
    """Replace the unlocked drafts of the run's month and region by the solver's proposal."""
    drafts = _region_missions(run.month, run.region_id).filter(status=M.DRAFT, locked=False)
    drafts.delete()
    # Safety net: a doctor already held that day (by any mission) is never proposed again.
    first, last = month_bounds(run.month)
    now_kept = set(Mission.objects.holding().in_month(first, last).values_list("doctor_id", "date"))
    # The kept missions of the region (locked drafts, published ones) are explained again,
    # around the new proposal: « zone sans aucun autre jour » may no longer be true.
    missions, kept = [], {}
    for mission in (
        _region_missions(run.month, run.region_id).holding().exclude(status=M.DRAFT, locked=False)
    ):
        kept[(mission.doctor_id, mission.date)] = mission
    for assignment in result.assignments:
        key = (assignment.volunteer_id, assignment.date)
        if assignment.fixed and key in kept:
            kept[key].explanation = assignment.reason.replace(FIXED, _kept_label(kept[key]))[:300]
        if assignment.fixed or key in now_kept:
            continue
        site = context.sites[assignment.site_id]
        doctor = context.doctors[assignment.volunteer_id]
        missions.append(
            Mission(
                doctor=doctor,
                site=site,
                date=assignment.date,
                period=str(assignment.period),
                status=M.DRAFT,
                needs_housing=doctor.wants_housing and housing_beds(site) > 0,
                travel_minutes=round(assignment.travel_minutes),
                explanation=assignment.reason[:300],
                run=run,
            )
        )
    # A concurrent run of a neighbouring region may have taken the same doctor on the same day
    # meanwhile: the database constraint decides, the losing proposal is skipped.
    Mission.objects.bulk_create(missions, ignore_conflicts=True)
    Mission.objects.bulk_update(kept.values(), ["explanation"])
    created = list(Mission.objects.filter(run=run, status=M.DRAFT))
    MissionHistory.objects.bulk_create(
        MissionHistory(
            mission=m, from_status="", to_status=M.DRAFT, comment="Proposé par le calcul."
        )
        for m in created
    )
    doctor_names = {pk: d.full_name for pk, d in context.doctors.items()}
    doctor_places = {pk: d.practice_commune.name for pk, d in context.doctors.items()}
    PlanningRun.objects.filter(pk=run.pk).update(
        status=PlanningRun.Status.DONE,
        progress=1.0,
        progress_message=count(len(created), "mission proposée", "missions proposées") + ".",
        solver_status=str(result.status),
        objective=result.objective,
        best_bound=result.best_bound,
        gap=result.gap,
        solve_seconds=result.solve_seconds,
        unplanned_volunteers=_unplanned_rows(
            [
                replace(u, reason=_volunteer_reason(u, context.dates_taken))
                for u in result.unplanned_volunteers
            ],
            doctor_names,
            doctor_places,
        ),
        uncovered_zones=_unplanned_rows(result.uncovered_zones, context.zone_names),
        finished_at=timezone.now(),
    )


# --- Review of the proposal -------------------------------------------------------------------


def _locked_mission(mission: Mission) -> Mission:
    return Mission.objects.select_for_update().select_related("site", "doctor").get(pk=mission.pk)


def _record(mission: Mission, *, to_status: str, actor: User | None, comment: str = ""):
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
def mission_lock(*, mission: Mission, actor: User, locked: bool) -> Mission:
    """Lock (kept by every re-run) or unlock a draft mission of the ARS's region. A published
    mission is always kept: there is nothing to lock."""
    mission = _locked_mission(mission)
    if not can_plan_region(actor, mission.site.region_id):
        raise PermissionDenied("Cette mission n'est pas dans votre région.")
    if mission.status != M.DRAFT:
        raise ValidationError(
            "Seule une mission non publiée se verrouille : une mission publiée est toujours "
            "conservée par un nouveau calcul."
        )
    mission.locked = locked
    mission.save(update_fields=["locked", "updated_at"])
    return mission


@transaction.atomic
def mission_remove(*, mission: Mission, actor: User) -> Mission:
    """Take a mission out of the unpublished proposal; a re-run will not propose this doctor on
    this date again."""
    mission = _locked_mission(mission)
    if not can_plan_region(actor, mission.site.region_id):
        raise PermissionDenied("Cette mission n'est pas dans votre région.")
    if mission.status == M.CANCELLED:  # a second click, or another tab
        raise ValidationError(
            "C'est déjà fait : cette mission est déjà retirée ou annulée.", code="already_done"
        )
    if mission.status != M.DRAFT:
        raise ValidationError(
            "Seule une mission non publiée peut être retirée ; annulez-la avec un motif."
        )
    _record(mission, to_status=M.CANCELLED, actor=actor, comment="Retirée de la proposition.")
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
    if any(not _stale(run) for run in _runs_in_progress(month, region_code)):
        raise ValidationError(
            "Un calcul est en cours pour ce mois : attendez son résultat, qui remplacera les "
            "propositions non publiées, avant de publier."
        )
    # The drafts' sites first, locked (by id, like every site change): a change of their
    # opening days, rooms or beds waits for the publication, then sees its missions; one saved
    # just before is read below.
    site_ids = _region_missions(month, region_code).filter(status=M.DRAFT).values("site_id")
    list(Site.objects.select_for_update().filter(pk__in=site_ids).order_by("pk").values("pk"))
    drafts = list(
        _region_missions(month, region_code)
        .filter(status=M.DRAFT)
        .select_for_update()
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
    month_label = f"{month:%m/%Y}"
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
                f"à {site.name} ({month_label})"
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
    site = type(mission.site).objects.select_for_update().get(pk=mission.site_id)
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
            raise ValidationError(
                f"Plus de lit disponible à {site.name} la nuit du {mission.date:%d/%m/%Y}."
            )


@transaction.atomic
def mission_transition(
    *, mission: Mission, actor: User, to_status: str, comment: str = ""
) -> Mission:
    """Accept / decline (doctor), confirm (ARS), done, cancel (with a reason)."""
    mission = _locked_mission(mission)
    MISSION_WORKFLOW.check(mission.status, to_status, actor.role)
    if not can_act_on_mission(actor, mission):
        raise PermissionDenied("Cette mission ne vous concerne pas.")
    comment = (comment or "").strip()
    if to_status in REASON_REQUIRED and len(comment) < 5:
        raise ValidationError("Indiquez le motif (au moins 5 caractères).")
    if to_status in (M.ACCEPTED, M.CONFIRMED) and mission.date < timezone.localdate():
        raise ValidationError("Cette mission est passée.")
    if to_status == M.DONE and mission.date > timezone.localdate():
        raise ValidationError(
            "Une mission ne peut être marquée réalisée qu'à partir de son jour : "
            f"le {mission.date:%d/%m/%Y}."
        )
    if to_status == M.ACCEPTED:
        doctor = type(mission.doctor).objects.select_for_update().get(pk=mission.doctor_id)
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
    _after_transition(mission, history)
    return mission


def _after_transition(mission: Mission, history: MissionHistory) -> None:
    if M.CONFIRMED in (history.from_status, history.to_status):
        _sync_slots(mission)
    context = {"mission": mission, "history": history}
    if history.to_status in (M.CONFIRMED, M.CANCELLED) and history.from_status != M.DRAFT:
        email_enqueue(
            kind=f"mission_{history.to_status}",
            recipient=mission.doctor.user.email,
            subject=f"Renfort : mission du {mission.date:%d/%m/%Y} — {history.to_label}",
            template="planning/emails/status_to_doctor.txt",
            context=context,
            dedup_key=f"mission-history-{history.pk}-doctor",
        )
        email_enqueue(
            kind=f"mission_{history.to_status}_site",
            recipient=mission.site.manager.email,
            subject=f"Renfort : mission du {mission.date:%d/%m/%Y} — {history.to_label}",
            template="planning/emails/status_to_site.txt",
            context=context,
            dedup_key=f"mission-history-{history.pk}-site",
        )
    if history.to_status in (M.ACCEPTED, M.DECLINED) or (
        history.to_status == M.CANCELLED
        and history.actor
        and history.actor.role in (Role.DOCTOR, Role.SITE_MANAGER)
    ):  # the ARS hears of every answer and of every cancellation it did not make itself
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
                ),
                template="planning/emails/status_to_ars.txt",
                context={**context, "planning_url": planning_url},
                dedup_key=f"mission-history-{history.pk}-ars-{agent.pk}",
            )


def _sync_slots(mission: Mission) -> None:
    """Booking slots follow confirmed missions (created, or released with patients notified)."""
    from renfort.booking.services import slots_sync_for_mission  # booking depends on planning

    slots_sync_for_mission(mission=mission)


@transaction.atomic
def missions_confirm_accepted(
    *, month: date, region_code: str | None, actor: User
) -> tuple[int, list[str]]:
    """Confirm every accepted mission of the month (rooms, beds and dates permitting).
    Returns how many were confirmed and, for each one left accepted, why."""
    if not can_plan_region(actor, region_code):
        raise PermissionDenied("Vous ne pouvez confirmer que les missions de votre région.")
    confirmed, skipped = 0, []
    missions = _region_missions(month, region_code).filter(status=M.ACCEPTED)
    for mission in missions.select_related("doctor", "site").order_by("date", "pk"):
        try:
            with transaction.atomic():
                mission_transition(mission=mission, actor=actor, to_status=M.CONFIRMED)
            confirmed += 1
        except ValidationError as exc:
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
    missions = Mission.objects.filter(doctor=doctor, date__gte=today, status__in=statuses)
    cancelled = 0
    for mission in missions.select_related("site", "doctor__user"):
        mission = _locked_mission(mission)
        history = _record(mission, to_status=M.CANCELLED, actor=actor, comment=reason)
        _after_transition(mission, history)
        cancelled += 1
    return cancelled
