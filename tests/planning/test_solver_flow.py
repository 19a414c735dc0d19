"""Min-cost-flow engine: its bound, its repair, and tiny optima checked by brute force."""

import itertools
import math
import random
import time
from datetime import date

from hypothesis import HealthCheck, given, settings

from renfort.planning.solver import (
    Assignment,
    Availability,
    Period,
    PlanningProblem,
    Site,
    SiteDay,
    SolverParams,
    SolveStatus,
    Volunteer,
    Zone,
    check_hard_constraints,
    evaluate_objective,
    solve,
    solve_greedy,
)
from renfort.planning.solver.candidates import prepare
from renfort.planning.solver.explain import fixed_as_missions
from renfort.planning.solver.flow import _Graph, flow_plan, splits, unsplit
from renfort.planning.solver.repair import _initial_state, _pairs

from .test_solver_properties import problems

MONTH = date(2026, 3, 1)
FAST = SolverParams(time_limit_seconds=10, workers=2)
PERIODS = (Period.FULL, Period.MORNING, Period.AFTERNOON)


def flow_outcome(problem: PlanningProblem):
    prep = prepare(problem)
    outcome = flow_plan(prep, math.inf)
    missions = fixed_as_missions(prep) + [outcome.candidates[i] for i in outcome.chosen]
    return outcome, missions


def brute_force(problem: PlanningProblem) -> int:
    """Best objective over every plan: each volunteer, each date, nothing or one of its
    candidate missions (prepare() only drops half-days dominated by a FULL day under an even
    cap, a modelling rule of docs/decisions/0010); the checker validates each plan."""
    options: dict[tuple, list] = {}
    for c in prepare(problem).candidates:
        mission = Assignment(c.volunteer_id, c.site_id, c.date, c.period, c.travel, False, "")
        options.setdefault((c.volunteer_id, c.date), [None]).append(mission)
    best = evaluate_objective(problem, [])
    for plan in itertools.product(*options.values()):
        missions = [m for m in plan if m is not None]
        if not check_hard_constraints(problem, missions):
            best = max(best, evaluate_objective(problem, missions))
    return best


def tiny_problem(seed: int) -> PlanningProblem:
    """2-3 volunteers, 2 sites, 2 dates, rooms 1-2, beds 0-1, half-days, housing, caps."""
    rng = random.Random(seed)
    days = [date(2026, 3, 3), date(2026, 3, 4) if rng.random() < 0.5 else date(2026, 3, 17)]
    zones = (
        Zone(1, "Zone 1", rng.choice([3_000, 20_000]), "5", rng.choice([0.0, 0.5])),
        Zone(2, "Zone 2", rng.choice([3_000, 60_000]), "4"),
    )
    sites = tuple(
        Site(s, rng.choice([1, 2, None]), f"Lieu {s}", 45.0, 3.0, rng.choice([0, 1]))
        for s in (1, 2)
    )
    site_days = tuple(
        SiteDay(s.id, d, rng.random() < 0.8, rng.random() < 0.8, rng.choice([1, 1, 2]))
        for s in sites
        for d in days
        if rng.random() < 0.85
    )
    volunteers = tuple(
        Volunteer(
            id=v,
            name=f"Dr {v}",
            latitude=45.0,
            longitude=3.0,
            availabilities=tuple(
                Availability(d, rng.choice(PERIODS)) for d in days if rng.random() < 0.8
            ),
            max_days=rng.choice([1.0, 2.0]),
            days_already=rng.choice([0.0, 0.0, 0.5]),
            needs_housing=rng.random() < 0.3,
            preferred_site_ids=frozenset({1}) if rng.random() < 0.3 else frozenset(),
        )
        for v in range(1, rng.choice([2, 3]) + 1)
    )
    travel = {(v.id, s.id): float(rng.choice([5, 30, 90])) for v in volunteers for s in sites}
    return PlanningProblem(MONTH, zones, sites, site_days, volunteers, (), travel)


def test_tiny_optima_match_brute_force():
    for seed in range(12):
        p = tiny_problem(seed)
        best = brute_force(p)
        result = solve(p, FAST)
        assert check_hard_constraints(p, result.assignments) == []
        assert result.objective == best, seed
        assert result.status == SolveStatus.OPTIMAL
        outcome, _ = flow_outcome(p)
        assert outcome.bound >= best, seed


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
@given(problems(with_fixed=True))
def test_flow_bound_is_above_every_plan_and_its_plan_is_valid(problem):
    outcome, missions = flow_outcome(problem)
    kept = [m for m in missions if getattr(m, "fixed", False)]
    assert sorted(check_hard_constraints(problem, missions)) == sorted(
        check_hard_constraints(problem, kept)
    )
    result = solve(problem, FAST)
    greedy = solve_greedy(problem)
    assert outcome.bound >= result.objective >= greedy.objective
    assert outcome.bound >= evaluate_objective(problem, missions)
    assert result.best_bound <= outcome.bound


def _split_problem() -> PlanningProblem:
    """X works mornings only and reaches site 2, Z afternoons only and reaches site 1, Y works
    full days and reaches both; one room everywhere. The flow sends Y's morning to site 1 and
    afternoon to site 2 (4 half-days); a real plan has at most 3."""
    day = date(2026, 3, 3)
    zones = (Zone(1, "Zone 1", 20_000, "5"), Zone(2, "Zone 2", 20_000, "5"))
    sites = (Site(1, 1, "Lieu 1", 45.0, 3.0), Site(2, 2, "Lieu 2", 45.0, 3.0))
    site_days = (SiteDay(1, day, True, True, 1), SiteDay(2, day, True, True, 1))

    def vol(v: int, period: Period, reach: frozenset[int]) -> Volunteer:
        return Volunteer(
            v, f"Dr {v}", 45.0, 3.0, (Availability(day, period),), allowed_zone_ids=reach
        )

    volunteers = (
        vol(1, Period.MORNING, frozenset({2})),  # X
        vol(2, Period.AFTERNOON, frozenset({1})),  # Z
        vol(3, Period.FULL, frozenset({1, 2})),  # Y
    )
    travel = {(v.id, s.id): 30.0 for v in volunteers for s in sites}
    return PlanningProblem(MONTH, zones, sites, site_days, volunteers, (), travel)


def test_split_halves_are_repaired_into_one_mission_per_date():
    p = _split_problem()
    prep = prepare(p)
    pairs = _pairs(prep)
    _, decisions = _Graph(prep, pairs).solve(_initial_state(prep))
    y_sites = {pairs[k].site_id for k, _ in decisions if pairs[k].volunteer_id == 3}
    assert len(decisions) == 4 and y_sites == {1, 2}  # the relaxation splits Y's day
    outcome, missions = flow_outcome(p)
    assert check_hard_constraints(p, missions) == []
    assert sum(1 for m in missions if m.volunteer_id == 3) <= 1
    best = brute_force(p)
    assert evaluate_objective(p, missions) == best < outcome.bound
    result = solve(p, FAST)
    assert result.objective == best and result.status == SolveStatus.OPTIMAL


def test_re_solves_forbid_the_splits_and_keep_the_first_bound():
    p = _split_problem()
    prep = prepare(p)
    pairs = _pairs(prep)
    graph, state = _Graph(prep, pairs), _initial_state(prep)
    value, decisions = graph.solve(state)
    found = splits(pairs, decisions)
    assert [[pairs[k].site_id for k in ks] for ks in found] == [[1, 2]]  # Y, tie: lower pair
    # No time left: nothing is re-solved.
    assert unsplit(graph, state, decisions, time.perf_counter(), 0.0) == (decisions, 0)
    assert not graph.banned.any()
    after, solves = unsplit(graph, state, decisions, math.inf, 0.0)
    assert solves == 1 and splits(pairs, after) == []
    assert graph.banned.tolist() == [k == found[0][1] for k in range(len(pairs))]
    assert found[0][1] not in {k for k, _ in after}
    # Y keeps site 1 for the whole day, X takes site 2's morning: 3 half-days, the optimum.
    assert sorted((pairs[k].volunteer_id, pairs[k].site_id) for k, _ in after) == [
        (1, 2),
        (3, 1),
        (3, 1),
    ]
    outcome, missions = flow_outcome(p)
    assert outcome.stats["flow_unsplit_solves"] == 1
    assert outcome.bound > evaluate_objective(p, missions) == brute_force(p)
    assert outcome.bound == flow_plan(prepare(p), time.perf_counter()).bound  # first solve's


def test_bed_overflow_is_repaired():
    """Two volunteers needing housing, one morning-only and one afternoon-only, one bed: the
    flow counts beds per half-day and takes both; the plan keeps one."""
    day = date(2026, 3, 3)
    p = PlanningProblem(
        MONTH,
        (Zone(1, "Zone 1", 20_000, "5"),),
        (Site(1, 1, "Lieu 1", 45.0, 3.0, housing_beds=1),),
        (SiteDay(1, day, True, True, 1),),
        (
            Volunteer(
                1, "Dr 1", 45.0, 3.0, (Availability(day, Period.MORNING),), needs_housing=True
            ),
            Volunteer(
                2, "Dr 2", 45.0, 3.0, (Availability(day, Period.AFTERNOON),), needs_housing=True
            ),
        ),
        (),
        {(1, 1): 20.0, (2, 1): 40.0},
    )
    prep = prepare(p)
    pairs = _pairs(prep)
    _, decisions = _Graph(prep, pairs).solve(_initial_state(prep))
    assert len(decisions) == 2
    outcome, missions = flow_outcome(p)
    assert check_hard_constraints(p, missions) == []
    assert [(m.volunteer_id, m.period) for m in missions] == [(1, Period.MORNING)]
    assert evaluate_objective(p, missions) == brute_force(p) < outcome.bound
