"""Is the planning gap in the plan or in the bound? (never part of the test run)

    .venv/bin/python bench/planning_neighbourhoods.py [--zones 3 --seconds 5]

Solves the national bench instance (bench/planning.py) with a 10 s limit, then re-optimises
neighbourhoods exactly: for a zone, every volunteer who could go to one of its sites is freed,
every other mission is kept as fixed, and CP-SAT searches the best plan of the freed volunteers
from the current one (complete hint). It prints, per zone, the neighbourhood's size, the time
and the objective gained. Gains near zero mean the plan is locally optimal and the remaining
gap is mostly the relaxation's (docs/decisions/0010-planning-objective.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ortools.sat.python import cp_model  # noqa: E402
from planning import generate_real, say  # noqa: E402

from renfort.planning.solver import (  # noqa: E402
    FixedMission,
    SolverParams,
    check_hard_constraints,
    evaluate_objective,
    solve,
)
from renfort.planning.solver.candidates import prepare  # noqa: E402
from renfort.planning.solver.cpsat import add_hint, build_model, solver_parameters  # noqa: E402


def reoptimise(problem, fixed, current, freed: set[int], seconds: float, params):
    """Best plan of the freed volunteers, the others' missions kept: (missions, wall time)."""
    sub = replace(
        problem,
        volunteers=tuple(
            v if v.id in freed else replace(v, availabilities=()) for v in problem.volunteers
        ),
        fixed=tuple(problem.fixed)
        + tuple(
            FixedMission(a.volunteer_id, a.site_id, a.date, a.period)
            for a in current
            if a.volunteer_id not in freed
        ),
    )
    prep = prepare(sub, dominated_halves=True)
    built = build_model(prep)
    index = {
        (c.volunteer_id, c.site_id, c.date, c.period): i for i, c in enumerate(prep.candidates)
    }
    add_hint(
        built,
        {
            index[(a.volunteer_id, a.site_id, a.date, a.period)]
            for a in current
            if a.volunteer_id in freed
        },
    )
    solver = cp_model.CpSolver()
    solver_parameters(solver, params, seconds)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, solver.wall_time, len(prep.candidates)
    chosen = [prep.candidates[i] for i, var in enumerate(built.x) if solver.boolean_value(var)]
    kept = [a for a in current if a.volunteer_id not in freed]
    return kept + chosen, solver.wall_time, len(prep.candidates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zones", type=int, default=3, help="zones to re-optimise")
    parser.add_argument("--seconds", type=float, default=5.0, help="CP-SAT time per zone")
    args = parser.parse_args()
    problem = generate_real(5000, 450, 2026)
    params = SolverParams(time_limit_seconds=10.0, seed=0, workers=2)
    result = solve(problem, params)
    fixed = [a for a in result.assignments if a.fixed]
    current = [a for a in result.assignments if not a.fixed]
    start = evaluate_objective(problem, fixed + current)
    say(
        f"10 s plan: objective {start:,.0f}, bound {result.best_bound:,.0f}, "
        f"gap {100 * result.gap:.3f} %"
    )
    site_zone = {s.id: s.zone_id for s in problem.sites}
    candidates = prepare(problem).candidates
    zones = sorted({z for z in site_zone.values() if z is not None})
    step = max(1, len(zones) // max(1, args.zones))
    for zone_id in zones[::step][: args.zones]:
        sites = {s for s, z in site_zone.items() if z == zone_id}
        freed = {c.volunteer_id for c in candidates if c.site_id in sites}
        tick = time.perf_counter()
        before = evaluate_objective(problem, fixed + current)
        found, wall, size = reoptimise(problem, fixed, current, freed, args.seconds, params)
        if found is None:
            say(
                f"zone {zone_id}: {len(freed)} volunteers, {size} candidates: "
                f"no plan in {wall:.1f} s"
            )
            continue
        after = evaluate_objective(problem, fixed + found)
        assert check_hard_constraints(problem, fixed + found) == []
        if after > before:
            current = found
        say(
            f"zone {zone_id}: {len(freed)} volunteers, {size} candidates, "
            f"{time.perf_counter() - tick:.1f} s, gain {max(0, after - before):+,.0f}"
        )
    final = evaluate_objective(problem, fixed + current)
    gained = 100 * (final - start) / start
    gap = 100 * (result.best_bound - final) / result.best_bound
    say(f"after the neighbourhoods: objective {final:,.0f} (+{gained:.4f} %), gap {gap:.3f} %")


if __name__ == "__main__":
    main()
