"""Demo planning (fictitious): next month is planned by the solver region by region, then
missions are spread over the workflow so every screen has something to show:

- Nouvelle-Aquitaine (75): the proposal is left unpublished, for the ARS to review and publish;
- elsewhere: published, and mostly accepted and confirmed (confirmed missions open patient slots).

No email is sent for demo transitions (history rows say « Données de démonstration »)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from renfort.accounts.models import User
from renfort.core.text import count
from renfort.sites.models import Site
from renfort.territories.models import Region

from . import solver
from .models import Mission, MissionHistory, MissionStatus, PlanningRun
from .problem import problem_build
from .services import planning_result_save

M = MissionStatus
UNPUBLISHED_REGION = "75"
DEMO_TIME_LIMIT_SECONDS = 5.0
# Published missions: (status, weight) and the path that leads there.
OUTCOMES = [(M.CONFIRMED, 6), (M.ACCEPTED, 2), (M.PROPOSED, 2), (M.DECLINED, 1)]
PATHS = {
    M.PROPOSED: [M.PROPOSED],
    M.ACCEPTED: [M.PROPOSED, M.ACCEPTED],
    M.CONFIRMED: [M.PROPOSED, M.ACCEPTED, M.CONFIRMED],
    M.DECLINED: [M.PROPOSED, M.DECLINED],
}
DEMO_DOCTOR_EMAIL = "medecin@demo.renfort.example"


def _next_month():
    today = timezone.localdate()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def _pick(rng):
    total = sum(w for _, w in OUTCOMES)
    draw = rng.randrange(total)
    for status, weight in OUTCOMES:
        if draw < weight:
            return status
        draw -= weight
    return OUTCOMES[0][0]


def generate(*, rng, stdout) -> None:
    """Each region with active sites is planned by its own run, as its ARS would do."""
    month = _next_month()
    if PlanningRun.objects.filter(month=month).exists():
        stdout.write("  planification de démonstration déjà présente")
        return
    admin = User.objects.filter(email="admin@demo.renfort.example").first()
    regions = sorted(set(Site.objects.active().values_list("region_id", flat=True)))
    names = dict(Region.objects.filter(pk__in=regions).values_list("pk", "name"))
    total = 0
    for index, region_code in enumerate(regions, start=1):
        context = problem_build(month=month, region_code=region_code)
        result = solver.solve(
            context.problem,
            solver.SolverParams(time_limit_seconds=DEMO_TIME_LIMIT_SECONDS, seed=0),
        )
        with transaction.atomic():
            run = PlanningRun.objects.create(
                month=month,
                region_id=region_code,
                created_by=admin,
                time_limit_seconds=int(DEMO_TIME_LIMIT_SECONDS),
                status=PlanningRun.Status.RUNNING,
            )
            planning_result_save(run, context, result)
        created = Mission.objects.filter(run=run).count()
        total += created
        stdout.write(
            f"    [{index}/{len(regions)}] {names.get(region_code, region_code)} : "
            f"{count(len(context.problem.volunteers), 'volontaire', 'volontaires')}, "
            f"{count(len(context.problem.sites), 'lieu', 'lieux')}, "
            f"{count(created, 'mission', 'missions')} ({result.status}, "
            f"{result.solve_seconds:.1f} s)"
        )
    with transaction.atomic():
        _spread_over_workflow(rng, admin)
    stdout.write(f"  {total} missions de démonstration pour {month:%m/%Y}")


def _spread_over_workflow(rng, actor) -> None:
    missions = list(
        Mission.objects.filter(status=M.DRAFT)
        .exclude(site__region_id=UNPUBLISHED_REGION)
        .select_related("doctor__user")
        .order_by("date", "pk")
    )
    histories = []
    for mission in missions:
        target = _pick(rng)
        if mission.doctor.user.email == DEMO_DOCTOR_EMAIL:
            target = M.PROPOSED  # the demo doctor has proposals to answer
        previous = M.DRAFT
        for step in PATHS[target]:
            histories.append(
                MissionHistory(
                    mission=mission,
                    from_status=previous,
                    to_status=step,
                    actor=actor if step in (M.PROPOSED, M.CONFIRMED) else mission.doctor.user,
                    comment="Données de démonstration.",
                )
            )
            previous = step
        mission.status = target
    Mission.objects.bulk_update(missions, ["status"])
    MissionHistory.objects.bulk_create(histories)
