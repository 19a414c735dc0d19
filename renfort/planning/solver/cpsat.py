"""CP-SAT model of the monthly planning.

One boolean per pre-filtered candidate mission (see candidates.py). Hard constraints: one
mission per volunteer and date, the monthly cap in half-days, rooms per site/date/half-day and
beds per site/date for volunteers needing housing. Fixed missions are constants: they already
consumed capacity in `prepare()` and their objective value is a constant offset.

The concave zone utility is linearised with one boolean per extra half-day ("segments"): as the
marginal values decrease, the maximisation fills them in order and the LP relaxation is tight.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

import numpy as np
from ortools.sat.python import cp_model

from .candidates import Candidate, Prepared, prepare
from .explain import build_result, fixed_as_missions
from .greedy import greedy_choose, value_greedy_choose
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
from .relax import lp_relaxation

Progress = Callable[[str, float], None]

LP_SHARE = 0.25  # at most this share of the time limit goes to the LP relaxation
LP_ROUNDING_THRESHOLD = 1e-6
MIN_SOLVER_SECONDS = 0.05
# Above this many candidate missions, CP-SAT only searches the LP/greedy support (see solve).
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


@dataclass
class Start:
    """Starting plan (candidate indices), LP upper bound and the candidates worth searching."""

    chosen: list[int]
    bound: float = math.inf
    support: set[int] = field(default_factory=set)


def starting_plan(prep: Prepared, built: BuiltModel, seconds: float) -> Start:
    """Best of the greedy plans (naive, value, LP-rounded), the LP upper bound (inf if the LP
    was not solved) and the support: candidates positive in the LP or in any greedy plan."""
    starts = [greedy_choose(prep), value_greedy_choose(prep)]
    values = lp_relaxation(built.model, seconds)
    bound = math.inf
    support: set[int] = set()
    if values is not None:
        lp_value = float(np.dot(values, built.objective)) + built.constant
        bound = math.ceil(lp_value + 1e-6 * max(1.0, abs(lp_value)))
        x = values[: len(built.x)]
        order = [int(i) for i in np.argsort(-x, kind="stable") if x[i] > LP_ROUNDING_THRESHOLD]
        support.update(order)
        starts.append(value_greedy_choose(prep, order))
    fixed = fixed_as_missions(prep)
    scores = [
        evaluate(prep.problem, fixed + [prep.candidates[i] for i in start]) for start in starts
    ]
    for start in starts:
        support.update(start)
    return Start(starts[scores.index(max(scores))], bound, support)


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


def solve(
    problem: PlanningProblem,
    params: SolverParams = SolverParams(),  # noqa: B008 - frozen dataclass
    progress: Progress | None = None,
) -> PlanningResult:
    """Optimal (or best found within the time limit) monthly plan.

    Small and medium models (up to LARGE_MODEL candidates) are searched whole and usually
    proven optimal. Larger ones are searched by CP-SAT's neighbourhood search restricted to the
    support of the LP relaxation and of the greedy plans; their bound is the LP bound."""
    notify = progress or (lambda message, fraction: None)
    started = time.perf_counter()
    budget = params.time_limit_seconds
    notify("Préparation des missions possibles", 0.0)
    prep = prepare(problem)
    stats: dict[str, float] = {"candidates": len(prep.candidates)}
    if not prep.candidates:
        notify("Explication du planning", 0.9)
        result = build_result(prep, [], SolveStatus.OPTIMAL, None, started, stats)
        notify("Planning terminé", 1.0)
        return result

    notify("Construction du modèle", 0.05)
    built = build_model(prep)
    stats.update(
        variables=len(built.model.proto.variables),
        constraints=len(built.model.proto.constraints),
        build_seconds=round(time.perf_counter() - started, 3),
    )
    notify("Plan de départ (relaxation linéaire)", 0.1)
    start = starting_plan(prep, built, LP_SHARE * budget - (time.perf_counter() - started))
    if math.isfinite(start.bound):
        stats["lp_bound"] = start.bound
    stats.update(
        start_objective=evaluate(
            problem, fixed_as_missions(prep) + [prep.candidates[i] for i in start.chosen]
        ),
        start_seconds=round(time.perf_counter() - started, 3),
    )

    notify("Optimisation en cours", 0.2)
    large = len(prep.candidates) > LARGE_MODEL and math.isfinite(start.bound)
    trivial_bound = built.constant + sum(
        max(0, c) * list(var.domain)[-1]
        for c, var in zip(built.objective, built.model.proto.variables, strict=True)
    )
    if large:
        keep = sorted(start.support)
        position = {i: k for k, i in enumerate(keep)}
        built = build_model(replace(prep, candidates=[prep.candidates[i] for i in keep]))
        add_hint(built, {position[i] for i in start.chosen})
        stats["searched_candidates"] = len(keep)
    else:
        add_hint(built, set(start.chosen))
    seconds = budget - (time.perf_counter() - started)
    status, chosen, bound = _search(built, params, seconds, bool(large), stats)

    notify("Explication du planning", 0.9)
    if chosen is None:
        # No solution within the time limit: keep the starting plan (always feasible).
        chosen, status = start.chosen, SolveStatus.FEASIBLE
    elif large:
        chosen, bound = [keep[k] for k in chosen], math.inf  # restricted bound is not valid
        status = SolveStatus.FEASIBLE
    bound = min(bound, start.bound, trivial_bound)
    result = build_result(prep, chosen, status, bound, started, stats)
    if result.status == SolveStatus.FEASIBLE and result.objective >= result.best_bound:
        result.status, result.gap = SolveStatus.OPTIMAL, 0.0
    notify("Planning terminé", 1.0)
    return result
