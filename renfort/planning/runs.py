"""Solver runs of the planning: record a run for a month and a region, execute it in the
background (progress, result), and save its proposal as draft missions with their explanations.
The review, publication and mission workflow are in services.py."""

import logging
from dataclasses import replace
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from renfort.accounts.models import User
from renfort.core.locks import name_lock
from renfort.core.text import count
from renfort.sites.selectors import housing_beds

from . import solver
from .models import (
    Mission,
    MissionHistory,
    MissionStatus,
    PlanningRun,
)
from .months import month_bounds, plannable_months
from .permissions import can_plan_region
from .problem import problem_build
from .solver.explain import FIXED, NO_HOUSING_OPEN, NO_OPEN_SITE

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


ALREADY_RUNNING = (
    "Un calcul est déjà en cours pour ce mois et cette région : la proposition s'affiche dès "
    "qu'il est terminé."
)


def _scope_lock(month: date) -> None:
    """Serialise the launches of a month, every region and the whole country alike (the run row
    does not exist yet): a regional and a national calculation of a month exclude each other,
    so each launch must see the other scope's run launched at the same moment. Launches are
    rare and their transaction short."""
    name_lock(f"planning-run:{month:%Y-%m}")


def overlapping_refusal(month: date, region_code: str | None) -> ValidationError | None:
    """A calculation of the month queued or running for the other scope (the whole country
    for a region, any region for the whole country): its drafts and this one's would replace
    each other, so this launch waits for its end (one lost long ago does not count)."""
    others = [
        run
        for run in _runs_in_progress(month, region_code)
        .exclude(region_id=region_code)
        .select_related("region")
        .order_by("region__name")
        if not _stale(run)
    ]
    if not others:
        return None
    if region_code is not None:
        return ValidationError(
            "Un calcul pour la France entière est en cours pour ce mois : sa proposition "
            "remplacera aussi celle de cette région. Attendez qu'il soit terminé pour lancer "
            "le calcul de la région.",
            code="national_running",
        )
    names = ", ".join(run.region.name for run in others)
    return ValidationError(
        f"Un calcul régional est en cours pour ce mois ({names}) : le calcul pour la France "
        "entière remplacerait sa proposition. Attendez qu'il soit terminé pour lancer le "
        "calcul national.",
        code="regional_running",
    )


@transaction.atomic
def planning_run_create(
    *, month: date, region_code: str | None, actor: User, time_limit_seconds: int = 20
) -> PlanningRun:
    """Record a run and start it in the background after commit. A run already queued or
    running for the same month and region is returned instead of starting a second one; one
    launched at the same moment by another request refuses this one (ALREADY_RUNNING). A
    regional run is refused while the month's national one is queued or running, and the
    reverse (overlapping_refusal). The launches of a month wait for each other (_scope_lock),
    the database constraint is the backstop for the same month and region."""
    asked_at = timezone.now()
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
    _scope_lock(first)
    pending = (
        PlanningRun.objects.select_for_update()
        .filter(month=first, region_id=region_code)
        .filter(status__in=[PlanningRun.Status.QUEUED, PlanningRun.Status.RUNNING])
        .first()
    )
    if pending and not _stale(pending):
        if pending.created_at >= asked_at:  # launched while this request waited
            raise ValidationError(ALREADY_RUNNING, code="running")
        return pending
    if refusal := overlapping_refusal(first, region_code):
        raise refusal
    if pending:  # the worker stopped or never took it: say so, then start again
        PlanningRun.objects.filter(pk=pending.pk).update(
            status=PlanningRun.Status.FAILED,
            error="Calcul interrompu : il n'a pas abouti dans le temps prévu (service de calcul "
            "arrêté ?). Un nouveau calcul a été lancé.",
            finished_at=timezone.now(),
        )
    try:
        with transaction.atomic():
            run = PlanningRun.objects.create(
                month=first,
                region_id=region_code,
                created_by=actor,
                time_limit_seconds=time_limit_seconds,
                progress_message="le calcul démarre dans un instant…",
            )
    except IntegrityError:  # one_calculation_in_progress_per_month_and_region
        raise ValidationError(ALREADY_RUNNING, code="running") from None
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


def calculation_running(month: date, region_code: str | None) -> bool:
    """Whether a calculation that will replace the month's drafts of the region is queued or
    running (one lost long ago does not count)."""
    return any(not _stale(run) for run in _runs_in_progress(month, region_code))


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


def _run_message(created: int, kept_drafts: int) -> str:
    """« 66 propositions calculées, à publier. », « 2 propositions calculées, plus 1
    proposition verrouillée conservée : 3 à publier. » — not « proposées »: nobody has seen
    them yet (« Proposée au médecin » is the status after publication). The count matches the
    publication button, which counts both."""
    new = count(created, "proposition calculée", "propositions calculées")
    if not kept_drafts:
        return f"{new}, à publier." if created else f"{new}."
    kept = count(
        kept_drafts, "proposition verrouillée conservée", "propositions verrouillées conservées"
    )
    return f"{new}, plus {kept} : {created + kept_drafts} à publier."


def _site_cancelled_days(month: date, region_code: str | None) -> set[tuple[int, date]]:
    """(site, date) where the site's manager cancelled a mission this month (water damage,
    closure…): the site is not planned again that day."""
    missions = _region_missions(month, region_code).filter(status=M.CANCELLED)
    return set(
        MissionHistory.objects.filter(
            mission__in=missions,
            to_status=M.CANCELLED,
            actor__isnull=False,
            actor_id=F("mission__site__manager_id"),
        ).values_list("mission__site_id", "mission__date")
    )


OVERLAPPING = (
    "Un autre calcul de ce mois est en cours pour cette région (ou pour la France entière) : "
    "celui-ci n'a pas été exécuté, pour ne pas remplacer ses propositions. Relancez-le une fois "
    "l'autre terminé."
)
REPLACED = (
    "Calcul remplacé par un calcul plus récent pendant qu'il tournait : sa proposition n'a pas "
    "été enregistrée."
)


@transaction.atomic
def _start(run: PlanningRun) -> bool:
    """Queued → running, unless the run is already running or finished (a task run twice),
    or another calculation of the month covering the same region is running (it would replace
    this one's drafts, or the reverse): then this one fails and says why."""
    name_lock(f"planning-run-start:{run.month:%Y-%m}")
    # Its region's and the national ones; for a national run, every one of the month.
    others = _runs_in_progress(run.month, run.region_id).filter(status=PlanningRun.Status.RUNNING)
    if any(not _stale(other) for other in others.exclude(pk=run.pk)):
        PlanningRun.objects.filter(pk=run.pk, status=PlanningRun.Status.QUEUED).update(
            status=PlanningRun.Status.FAILED, error=OVERLAPPING, finished_at=timezone.now()
        )
        return False
    return bool(
        PlanningRun.objects.filter(pk=run.pk, status=PlanningRun.Status.QUEUED).update(
            status=PlanningRun.Status.RUNNING
        )
    )


def planning_run_execute(*, run_id: int) -> PlanningRun:
    """Build the problem, solve it, replace the unlocked draft missions of the month by the
    new proposal. Safe to run twice: only a queued run starts; a run replaced while it computed
    (given up as lost, then launched again) does not save its proposal."""
    run = PlanningRun.objects.select_related("region").get(pk=run_id)
    if run.is_finished or not _start(run):
        run.refresh_from_db()
        return run
    progress = _report(run.pk)
    try:
        progress("Préparation des données…", 0.02)
        context = problem_build(
            month=run.month,
            region_code=run.region_id,
            excluded=_removed_dates(run.month, run.region_id),
            closed=_site_cancelled_days(run.month, run.region_id),
        )
        params = solver.SolverParams(time_limit_seconds=float(run.time_limit_seconds))
        result = solver.solve(context.problem, params, progress=progress)
        progress("Enregistrement de la proposition…", 0.97)
        with transaction.atomic():
            current = PlanningRun.objects.select_for_update().get(pk=run.pk)
            if current.status != PlanningRun.Status.RUNNING:  # replaced meanwhile
                logger.warning("planning run %s replaced while it ran: not saved", run.pk)
                PlanningRun.objects.filter(pk=run.pk).update(error=current.error or REPLACED)
            else:
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


TAKEN_OR_SET_ASIDE = (
    "déjà prises (mission ailleurs) ou écartées (refus du médecin, retrait par l'ARS)"
)
DATES_TAKEN = "Ses dates disponibles"  # « … en janvier sont déjà prises … »


# The solver's reasons that depend on the dates it was given, on the dates left.
ON_DATES_LEFT = {
    NO_OPEN_SITE: "Aucun lieu accessible ouvert à ses dates restantes",
    NO_HOUSING_OPEN: (
        "Besoin d'hébergement : les lieux accessibles avec hébergement n'ouvrent pas à ses "
        "dates restantes"
    ),
}


def _volunteer_reason(item, dates_taken: set[int]) -> str:
    """The solver only sees the dates left: say when the others were taken (a date the ARS
    removed from a proposal is not « no open site »)."""
    if item.id not in dates_taken:
        return item.reason
    if item.reason.startswith(solver.NO_AVAILABILITY):  # « Aucune disponibilité en janvier »
        month = item.reason.removeprefix(solver.NO_AVAILABILITY)
        return f"{DATES_TAKEN}{month} sont {TAKEN_OR_SET_ASIDE}"
    if item.reason in ON_DATES_LEFT:
        return f"{ON_DATES_LEFT[item.reason]} ; les autres sont {TAKEN_OR_SET_ASIDE}"
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


def _explained_again(mission: Mission) -> bool:
    return mission.status == M.DRAFT or not mission.explanation


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
    # The locked drafts are explained again around the new proposal (« zone sans aucun autre
    # jour » may no longer be true). A published mission keeps the reason its doctor and its
    # site were given, unless it had none.
    missions, kept = [], {}
    for mission in (
        _region_missions(run.month, run.region_id).holding().exclude(status=M.DRAFT, locked=False)
    ):
        kept[(mission.doctor_id, mission.date)] = mission
    for assignment in result.assignments:
        key = (assignment.volunteer_id, assignment.date)
        if assignment.fixed and key in kept and _explained_again(kept[key]):
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
            mission=m, from_status="", to_status=M.DRAFT, comment="Proposée par le calcul."
        )
        for m in created
    )
    doctor_names = {pk: d.full_name for pk, d in context.doctors.items()}
    doctor_places = {pk: d.practice_commune.name for pk, d in context.doctors.items()}
    PlanningRun.objects.filter(pk=run.pk).update(
        status=PlanningRun.Status.DONE,
        progress=1.0,
        progress_message=_run_message(
            len(created),
            _region_missions(run.month, run.region_id).filter(status=M.DRAFT, locked=True).count(),
        ),
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
