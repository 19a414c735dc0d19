"""CP-SAT model of the monthly planning, and `solve()`, which starts from the min-cost flow
(flow.py) and runs CP-SAT on models small enough for it to prove optimality.

One boolean per pre-filtered candidate mission (see candidates.py). Hard constraints: one
mission per volunteer and date, the monthly cap in half-days, rooms per site/date/half-day and
beds per site/date for volunteers needing housing. Fixed missions are constants: they already
consumed capacity in `prepare()` and their objective value is a constant offset.

The concave zone utility is linearised with one boolean per extra half-day ("segments"): as the
marginal values decrease, the maximisation fills them in order and the LP relaxation is tight.
"""

from __future__ import annotations

import gc
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta

from ortools.sat.python import cp_model

from .candidates import Candidate, Prepared, prepare
from .explain import build_result, fixed_as_missions
from .flow import flow_plan
from .greedy import greedy_choose
from .model import HALF_DAYS, HALVES, PlanningProblem, PlanningResult, SolverParams, SolveStatus
from .objective import (
    CONSECUTIVE_BONUS,
    PREFERRED_SITE_BONUS,
    WEEK_BONUS,
    ZONE_SEGMENTS,
    ZONELESS_HALF_DAY,
    evaluate,
    need_scale,
    travel_cost,
    week_key,
    zone_half_days_already,
    zone_marginal,
)

Progress = Callable[[str, float], None]

MIN_SOLVER_SECONDS = 0.05
# Up to this many candidate missions, CP-SAT searches the whole model after the flow (solve).
LARGE_MODEL = 20_000


@dataclass
class _Segments:
    """Aux booleans (and an optional integer tail) bounded by a sum of candidate half-days."""

    terms: list[tuple[int, int]]  # (candidate index, half-days)
    bools: list[cp_model.IntVar]
    tail: cp_model.IntVar | None = None


@dataclass
class BuiltModel:
    model: cp_model.CpModel
    x: list[cp_model.IntVar]
    segments: list[_Segments] = field(default_factory=list)
    # Consecutive-day booleans: (aux, lits of day d or None if fixed, lits of day d+1 or None).
    pairs: list[tuple[cp_model.IntVar, list[int] | None, list[int] | None]] = field(
        default_factory=list
    )
    constant: int = 0
    num_constraints: int = 0
    objective: list[int] = field(default_factory=list)  # per model variable


def _coefficient(candidate: Candidate) -> int:
    value = -travel_cost(candidate.travel)
    if candidate.zone_id is None:
        value += ZONELESS_HALF_DAY * candidate.half_days
    if candidate.preferred:
        value += PREFERRED_SITE_BONUS
    return value


def build_model(prep: Prepared) -> BuiltModel:
    model = cp_model.CpModel()
    candidates = prep.candidates
    x = [model.new_bool_var("") for _ in candidates]
    built = BuiltModel(model=model, x=x)
    built.constant = evaluate(prep.problem, fixed_as_missions(prep))

    by_volunteer_date: dict[tuple, list[int]] = defaultdict(list)
    by_volunteer: dict[int, list[int]] = defaultdict(list)
    by_room: dict[tuple, list[int]] = defaultdict(list)
    by_bed: dict[tuple, list[int]] = defaultdict(list)
    by_zone: dict[int, list[int]] = defaultdict(list)
    by_zone_week: dict[tuple, list[int]] = defaultdict(list)
    by_stay: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(candidates):
        by_volunteer_date[(c.volunteer_id, c.date)].append(i)
        by_volunteer[c.volunteer_id].append(i)
        for half in HALVES[c.period]:
            by_room[(c.site_id, c.date, half)].append(i)
        if c.housing:
            by_bed[(c.site_id, c.date)].append(i)
            by_stay[(c.volunteer_id, c.site_id, c.date)].append(i)
        if c.zone_id is not None:
            by_zone[c.zone_id].append(i)
            by_zone_week[(c.zone_id, week_key(c.date))].append(i)

    count = 0
    for lits in by_volunteer_date.values():
        if len(lits) > 1:
            model.add_at_most_one(x[i] for i in lits)
            count += 1
    for volunteer_id, lits in by_volunteer.items():
        left = prep.remaining[volunteer_id]
        dates = {candidates[i].date for i in lits}
        if 2 * len(dates) > left:
            model.add(
                cp_model.LinearExpr.weighted_sum(
                    [x[i] for i in lits], [candidates[i].half_days for i in lits]
                )
                <= left
            )
            count += 1
    for (site_id, day, half), lits in by_room.items():
        count += _at_most(model, x, lits, prep.room_left[(site_id, day, half)])
    for key, lits in by_bed.items():
        count += _at_most(model, x, lits, prep.beds_left[key])

    # Objective: linear part.
    coefficients = [_coefficient(c) for c in candidates]
    aux_vars: list[cp_model.IntVar] = []
    aux_coefficients: list[int] = []

    fixed_zone: dict[int, int] = defaultdict(int)
    fixed_week: dict[tuple, int] = defaultdict(int)
    fixed_stays: set[tuple] = set()
    for mission in fixed_as_missions(prep):
        zone_id = prep.site_zone(mission.site_id)
        half = HALF_DAYS[mission.period]
        if zone_id is not None:
            fixed_zone[zone_id] += half
            fixed_week[(zone_id, week_key(mission.date))] += half
        volunteer = prep.volunteers.get(mission.volunteer_id)
        if volunteer is not None and volunteer.needs_housing:
            fixed_stays.add((mission.volunteer_id, mission.site_id, mission.date))

    for zone_id, lits in sorted(by_zone.items()):
        zone = prep.zones[zone_id]
        scale = need_scale(zone)
        base = zone_half_days_already(zone) + fixed_zone[zone_id]
        upper = _upper_half_days(prep, candidates, lits)
        seg = _Segments(terms=[(i, candidates[i].half_days) for i in lits], bools=[])
        for k in range(base + 1, min(ZONE_SEGMENTS, base + upper) + 1):
            seg.bools.append(model.new_bool_var(""))
            aux_vars.append(seg.bools[-1])
            aux_coefficients.append(zone_marginal(scale, k))
        if base + upper > ZONE_SEGMENTS:
            seg.tail = model.new_int_var(0, base + upper - max(base, ZONE_SEGMENTS), "")
            aux_vars.append(seg.tail)
            aux_coefficients.append(zone_marginal(scale, ZONE_SEGMENTS))
        _bound_segments(model, x, seg)
        built.segments.append(seg)
        count += 1

    for key, lits in sorted(by_zone_week.items()):
        base = fixed_week[key]
        seg = _Segments(terms=[(i, candidates[i].half_days) for i in lits], bools=[])
        for k in range(base, len(WEEK_BONUS)):
            seg.bools.append(model.new_bool_var(""))
            aux_vars.append(seg.bools[-1])
            aux_coefficients.append(WEEK_BONUS[k])
        if seg.bools:
            _bound_segments(model, x, seg)
            built.segments.append(seg)
            count += 1

    # Consecutive days at the same site for volunteers needing housing.
    stays = set(by_stay) | fixed_stays
    for volunteer_id, site_id, day in sorted(stays):
        after = (volunteer_id, site_id, day + timedelta(days=1))
        if after not in stays:
            continue
        first = (
            None
            if (volunteer_id, site_id, day) in fixed_stays
            else by_stay[(volunteer_id, site_id, day)]
        )
        second = None if after in fixed_stays else by_stay[after]
        if first is None and second is None:
            continue  # constant, already in built.constant
        pair = model.new_bool_var("")
        for lits in (first, second):
            if lits is not None:
                model.add(pair <= sum(x[i] for i in lits))
                count += 1
        aux_vars.append(pair)
        aux_coefficients.append(CONSECUTIVE_BONUS)
        built.pairs.append((pair, first, second))

    model.maximize(cp_model.LinearExpr.weighted_sum(x + aux_vars, coefficients + aux_coefficients))
    built.objective = [0] * len(model.proto.variables)
    for var, coefficient in zip(x + aux_vars, coefficients + aux_coefficients, strict=True):
        built.objective[var.index] = coefficient
    built.num_constraints = count
    return built


def _at_most(model: cp_model.CpModel, x, lits: list[int], capacity: int) -> int:
    if len(lits) <= capacity:
        return 0
    if capacity <= 0:
        for i in lits:
            model.add(x[i] == 0)
    elif capacity == 1:
        model.add_at_most_one(x[i] for i in lits)
    else:
        model.add(sum(x[i] for i in lits) <= capacity)
    return 1


def _upper_half_days(prep: Prepared, candidates: list[Candidate], lits: list[int]) -> int:
    """Upper bound on the half-days a set of candidates can bring (rooms and caps)."""
    rooms: dict[tuple, int] = {}
    volunteers: dict[int, int] = {}
    for i in lits:
        c = candidates[i]
        for half in HALVES[c.period]:
            key = (c.site_id, c.date, half)
            if key in prep.room_left:
                rooms[key] = prep.room_left[key]
        volunteers[c.volunteer_id] = prep.remaining[c.volunteer_id]
    return min(sum(rooms.values()), sum(volunteers.values()))


def _bound_segments(model: cp_model.CpModel, x, seg: _Segments) -> None:
    left = list(seg.bools) + ([seg.tail] if seg.tail is not None else [])
    model.add(
        cp_model.LinearExpr.sum(left)
        <= cp_model.LinearExpr.weighted_sum([x[i] for i, _ in seg.terms], [w for _, w in seg.terms])
    )


def add_hint(built: BuiltModel, chosen: set[int]) -> None:
    """Complete hint from a set of chosen candidate indices (the greedy plan)."""
    model = built.model
    for i, var in enumerate(built.x):
        model.add_hint(var, 1 if i in chosen else 0)
    for seg in built.segments:
        total = sum(w for i, w in seg.terms if i in chosen)
        for var in seg.bools:
            model.add_hint(var, 1 if total > 0 else 0)
            total = max(0, total - 1)
        if seg.tail is not None:
            model.add_hint(seg.tail, total)
    for var, first, second in built.pairs:
        present = all(lits is None or any(i in chosen for i in lits) for lits in (first, second))
        model.add_hint(var, 1 if present else 0)


def _status(code: int) -> SolveStatus:
    return {
        cp_model.OPTIMAL: SolveStatus.OPTIMAL,
        cp_model.FEASIBLE: SolveStatus.FEASIBLE,
        cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    }.get(code, SolveStatus.UNKNOWN)


def solver_parameters(solver: cp_model.CpSolver, params: SolverParams, seconds: float) -> None:
    solver.parameters.max_time_in_seconds = max(MIN_SOLVER_SECONDS, seconds)
    solver.parameters.random_seed = params.seed
    solver.parameters.num_workers = max(1, params.workers)
    # Deterministic parallel search: the workers' results are merged in a fixed order.
    solver.parameters.interleave_search = True


def _search(
    built: BuiltModel, params: SolverParams, seconds: float, lns_only: bool, stats: dict
) -> tuple[SolveStatus, list[int] | None, float]:
    """Run CP-SAT: status, chosen candidate indices (None without solution) and bound."""
    solver = cp_model.CpSolver()
    solver_parameters(solver, params, seconds)
    solver.parameters.use_lns_only = lns_only
    status = _status(solver.solve(built.model))
    stats.update(
        wall_seconds=round(solver.wall_time, 3),
        conflicts=solver.num_conflicts,
        branches=solver.num_branches,
    )
    if status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        return status, None, math.inf
    stats["solver_objective"] = solver.objective_value + built.constant
    chosen = [i for i, var in enumerate(built.x) if solver.boolean_value(var)]
    return status, chosen, solver.best_objective_bound + built.constant


POST_FLOW_SHARE = 0.7


def solve(
    problem: PlanningProblem,
    params: SolverParams = SolverParams(),  # noqa: B008 - frozen dataclass
    progress: Progress | None = None,
) -> PlanningResult:
    """Optimal (or best found within the time limit) monthly plan.

    1. Min-cost flow relaxation (flow.py): an upper bound and a repaired plan (the greedy
       baseline's plan if that is better).
    2. Up to LARGE_MODEL candidates, CP-SAT searches the whole model from that plan (complete
       hint) within the time left and usually proves optimality; its bound tightens the flow
       bound. Larger models return the flow plan: CP-SAT made no progress on them in 10 s
       (docs/decisions/0010-planning-objective.md)."""
    with _collector_paused():
        return _solve(problem, params, progress)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during a solve. The solve allocates a few
    hundred thousand small objects (candidates, arcs, pairs) and makes no reference cycles
    worth collecting; with the collector on, its full passes over that heap cost about a
    third of the candidate preparation. Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _solve(
    problem: PlanningProblem, params: SolverParams, progress: Progress | None
) -> PlanningResult:
    notify = progress or (lambda message, fraction: None)
    started = time.perf_counter()
    deadline = started + params.time_limit_seconds
    notify("Préparation des missions possibles", 0.0)
    prep = prepare(problem)
    if len(prep.candidates) <= LARGE_MODEL:
        prep = prepare(problem, dominated_halves=True)  # CP-SAT will search every mission
    stats: dict[str, float] = {
        "candidates": len(prep.candidates),
        "prepare_seconds": round(time.perf_counter() - started, 3),
    }
    if not prep.candidates:
        notify("Explication du planning", 0.9)
        result = build_result(prep, [], SolveStatus.OPTIMAL, None, started, stats)
        notify("Planning terminé", 1.0)
        return result

    notify("Relaxation en flot et plan de départ", 0.1)
    # What follows the flow (greedy comparison, explanations) costs about as much as 70 % of
    # the preparation, on any machine: no further flow round starts unless it should end that
    # much before the deadline.
    reserve = POST_FLOW_SHARE * (time.perf_counter() - started)
    outcome = flow_plan(prep, deadline, reserve)
    prep = replace(prep, candidates=outcome.candidates)
    stats.update(outcome.stats)
    fixed = fixed_as_missions(prep)
    chosen = outcome.chosen
    objective = evaluate(problem, fixed + [prep.candidates[i] for i in chosen])
    bound = float(outcome.bound)
    stats["flow_objective"] = objective
    stats["flow_total_seconds"] = round(time.perf_counter() - started, 3)
    status = SolveStatus.FEASIBLE
    greedy = greedy_choose(prep)
    if evaluate(problem, fixed + [prep.candidates[i] for i in greedy]) > objective:
        chosen = greedy  # never worse than the baseline
        objective = evaluate(problem, fixed + [prep.candidates[i] for i in chosen])
    seconds = deadline - time.perf_counter()
    if objective < bound and len(prep.candidates) <= LARGE_MODEL and seconds > MIN_SOLVER_SECONDS:
        notify("Optimisation en cours", 0.3)
        built = build_model(prep)
        add_hint(built, set(chosen))
        stats.update(
            variables=len(built.model.proto.variables),
            constraints=len(built.model.proto.constraints),
        )
        seconds = deadline - time.perf_counter()
        found_status, found, found_bound = _search(built, params, seconds, False, stats)
        if found is not None:
            value = evaluate(problem, fixed + [prep.candidates[i] for i in found])
            if value >= objective:
                chosen, objective = found, value
            bound = min(bound, found_bound)
            if found_status == SolveStatus.OPTIMAL:
                bound = min(bound, value)
    if objective >= bound:
        status = SolveStatus.OPTIMAL

    notify("Explication du planning", 0.9)
    result = build_result(prep, chosen, status, bound, started, stats)
    if result.status == SolveStatus.FEASIBLE and result.objective >= result.best_bound:
        result.status, result.gap = SolveStatus.OPTIMAL, 0.0
    notify("Planning terminé", 1.0)
    return result
