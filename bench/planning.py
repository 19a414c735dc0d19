"""Planning engine benchmark on a synthetic national instance (never part of the test run).

    .venv/bin/python bench/planning.py [--volunteers 5000 --sites 450 --runs 3 --time-limit 60]
    .venv/bin/python bench/planning.py --small

The instance is deterministic (numpy seed): ~150 priority zones with populations, ~450 sites
with 1-3 rooms open some weekdays (some half-days only), volunteers living around the zones
with 2-8 availabilities, zone lists and/or travel limits (30-120 min), 15 % needing housing and
a few accepted (fixed) missions. It prints the CP-SAT figures (median over runs) and the greedy
baseline evaluated with the same objective function.
"""

from __future__ import annotations

import argparse
import calendar
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from renfort.planning.solver import (  # noqa: E402
    Availability,
    FixedMission,
    Period,
    PlanningProblem,
    PlanningResult,
    Site,
    SiteDay,
    SolverParams,
    Volunteer,
    Zone,
    check_hard_constraints,
    solve,
    solve_greedy,
)
from renfort.planning.solver.objective import need_scale  # noqa: E402

MONTH = date(2026, 3, 1)


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def generate(volunteers: int, sites: int, zones: int, seed: int = 2026) -> PlanningProblem:
    rng = np.random.default_rng(seed)
    # Zones: EPCI-like areas scattered over mainland France.
    zone_lat = rng.uniform(43.2, 50.3, zones)
    zone_lon = rng.uniform(-1.2, 6.8, zones)
    populations = np.clip(np.exp(rng.normal(10.3, 0.7, zones)), 5_000, 250_000).astype(int)
    categories = rng.choice(["5", "4", "unknown"], size=zones, p=[0.4, 0.4, 0.2])
    zone_list = tuple(
        Zone(
            id=z + 1,
            name=f"Zone {z + 1}",
            population=int(populations[z]),
            category=str(categories[z]),
            days_already=float(rng.choice([0.0, 0.5, 1.0, 2.0], p=[0.85, 0.05, 0.05, 0.05])),
        )
        for z in range(zones)
    )

    # Sites: mostly inside zones (weighted by population), 5 % ARS-justified outside zones.
    weights = populations / populations.sum()
    site_list = []
    for s in range(sites):
        z = int(rng.choice(zones, p=weights)) if s >= zones else s  # every zone gets one
        outside = rng.random() < 0.05
        site_list.append(
            Site(
                id=s + 1,
                zone_id=None if outside else z + 1,
                name=f"Lieu {s + 1}",
                latitude=float(zone_lat[z] + rng.normal(0, 0.08)),
                longitude=float(zone_lon[z] + rng.normal(0, 0.11)),
                housing_beds=int(rng.choice([0, 1, 2], p=[0.7, 0.2, 0.1])),
            )
        )

    # Opening: some weekdays per site; 75 % full days, the rest morning or afternoon only.
    days = [
        MONTH.replace(day=d)
        for d in range(1, calendar.monthrange(MONTH.year, MONTH.month)[1] + 1)
        if MONTH.replace(day=d).weekday() < 5
    ]
    site_days = []
    for site in site_list:
        rooms = int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))
        weekdays = np.flatnonzero(rng.random(5) < 0.45)
        if weekdays.size == 0:
            weekdays = np.array([int(rng.integers(5))])
        for day in days:
            if day.weekday() not in weekdays:
                continue
            kind = rng.random()
            site_days.append(
                SiteDay(
                    site_id=site.id,
                    date=day,
                    morning=kind < 0.875,
                    afternoon=kind < 0.75 or kind >= 0.875,
                    rooms=rooms,
                )
            )

    # Volunteers: live 20-60 km around a zone, 2-8 availabilities, various reach rules.
    zone_xy = np.column_stack([zone_lat, zone_lon])
    volunteer_list = []
    for v in range(volunteers):
        z = int(rng.choice(zones, p=weights))
        lat = float(zone_lat[z] + rng.normal(0, 0.3))
        lon = float(zone_lon[z] + rng.normal(0, 0.4))
        count = int(rng.integers(2, 9))
        picked = sorted(rng.choice(len(days), size=min(count, len(days)), replace=False))
        availabilities = tuple(
            Availability(
                days[i],
                Period(rng.choice(["full", "morning", "afternoon"], p=[0.7, 0.15, 0.15])),
            )
            for i in picked
        )
        mode = rng.random()
        nearest = np.argsort(((zone_xy - [lat, lon]) ** 2).sum(axis=1))[: int(rng.integers(1, 4))]
        allowed = frozenset(int(i) + 1 for i in nearest) if mode < 0.55 else None
        limit = int(rng.choice([30, 45, 60, 90, 120])) if mode >= 0.35 else None
        near_sites = [
            s.id for s in site_list if abs(s.latitude - lat) < 0.4 and abs(s.longitude - lon) < 0.5
        ]
        preferred = (
            frozenset([int(rng.choice(near_sites))])
            if near_sites and rng.random() < 0.1
            else frozenset()
        )
        volunteer_list.append(
            Volunteer(
                id=v + 1,
                name=f"Dr {v + 1}",
                latitude=lat,
                longitude=lon,
                availabilities=availabilities,
                max_days=float(rng.choice([1.0, 2.0], p=[0.4, 0.6])),
                days_already=float(rng.choice([0.0, 0.5, 1.0], p=[0.9, 0.05, 0.05])),
                allowed_zone_ids=allowed,
                max_travel_minutes=limit,
                needs_housing=bool(rng.random() < 0.15),
                preferred_site_ids=preferred,
            )
        )

    problem = PlanningProblem(
        month=MONTH,
        zones=zone_list,
        sites=tuple(site_list),
        site_days=tuple(site_days),
        volunteers=tuple(volunteer_list),
    )
    # Accepted missions: the first greedy mission of every 50th volunteer.
    sample = PlanningProblem(
        month=MONTH,
        zones=zone_list,
        sites=tuple(site_list),
        site_days=tuple(site_days),
        volunteers=tuple(volunteer_list[::50]),
    )
    fixed, seen = [], set()
    for a in solve_greedy(sample).assignments:
        if a.volunteer_id not in seen:
            seen.add(a.volunteer_id)
            fixed.append(FixedMission(a.volunteer_id, a.site_id, a.date, a.period))
    return PlanningProblem(
        month=problem.month,
        zones=problem.zones,
        sites=problem.sites,
        site_days=problem.site_days,
        volunteers=problem.volunteers,
        fixed=tuple(fixed),
    )


def figures(problem: PlanningProblem, result: PlanningResult) -> dict[str, float]:
    zones = {z.id: z for z in problem.zones}
    ratios = [days / need_scale(zones[z]) for z, days in result.zone_days.items()]
    return {
        "covered": sum(1 for days in result.zone_days.values() if days > 0),
        "min_ratio": min(ratios) if ratios else 0.0,
        "p10_ratio": float(np.percentile(ratios, 10)) if ratios else 0.0,
        "travel": sum(a.travel_minutes for a in result.assignments),
        "days": sum(0.5 * (2 if a.period == Period.FULL else 1) for a in result.assignments),
        "volunteers": len({a.volunteer_id for a in result.assignments}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--volunteers", type=int, default=5000)
    parser.add_argument("--sites", type=int, default=450)
    parser.add_argument("--zones", type=int, default=150)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=SolverParams().workers)
    parser.add_argument("--small", action="store_true", help="300 volunteers, 40 sites, 15 zones")
    args = parser.parse_args()
    if args.small:
        args.volunteers, args.sites, args.zones = 300, 40, 15
        args.runs, args.time_limit = min(args.runs, 2), min(args.time_limit, 10.0)

    say(f"Generating {args.volunteers} volunteers, {args.sites} sites, {args.zones} zones …")
    started = time.perf_counter()
    problem = generate(args.volunteers, args.sites, args.zones)
    say(
        f"instance: {len(problem.zones)} zones, {len(problem.sites)} sites, "
        f"{len(problem.site_days)} site-days, {len(problem.volunteers)} volunteers, "
        f"{sum(len(v.availabilities) for v in problem.volunteers)} availabilities, "
        f"{len(problem.fixed)} fixed missions ({time.perf_counter() - started:.1f} s)"
    )

    say("greedy baseline …")
    greedy = solve_greedy(problem)
    g = figures(problem, greedy)
    assert check_hard_constraints(problem, greedy.assignments) == []

    results, seconds = [], []
    for run in range(args.runs):
        params = SolverParams(time_limit_seconds=args.time_limit, seed=run, workers=args.workers)
        result = solve(
            problem,
            params,
            progress=lambda message, fraction, run=run: say(
                f"  run {run + 1}/{args.runs} [{fraction:4.0%}] {message}"
            ),
        )
        violations = check_hard_constraints(problem, result.assignments)
        assert violations == [], violations[:5]
        results.append(result)
        seconds.append(result.solve_seconds)
        say(
            f"  run {run + 1}: {result.status.value}, {result.solve_seconds:.1f} s, "
            f"objective {result.objective:,.0f}, gap {100 * result.gap:.2f} %"
        )
    best = results[int(np.argsort(seconds)[len(seconds) // 2])]
    c = figures(problem, best)
    stats = best.stats

    say("")
    say(
        f"model: {stats.get('candidates', 0):,.0f} candidate missions, "
        f"{stats.get('variables', 0):,.0f} variables, {stats.get('constraints', 0):,.0f} "
        f"constraints, build {stats.get('build_seconds', 0):.1f} s"
    )
    say(
        f"starting plan (best of greedy / value greedy / LP-rounded): objective "
        f"{stats.get('start_objective', 0):,.0f} after {stats.get('start_seconds', 0):.1f} s; "
        f"LP bound {stats.get('lp_bound', float('nan')):,.0f}; CP-SAT searched "
        f"{stats.get('searched_candidates', stats.get('candidates', 0)):,.0f} candidates"
    )
    say(f"CP-SAT ({args.runs} runs, limit {args.time_limit:g} s, {args.workers} workers)")
    say(f"  median solve time: {statistics.median(seconds):.1f} s")
    say(f"  status: {best.status.value}")
    say(f"  objective: {best.objective:,.0f}")
    say(f"  best bound: {best.best_bound:,.0f}")
    say(f"  gap: {100 * best.gap:.1f} %")
    say(
        f"  zones covered: {c['covered']}/{len(problem.zones)}, min coverage ratio "
        f"{c['min_ratio']:.3f} (p10 {c['p10_ratio']:.3f}) d per 10 000 weighted inhabitants, "
        f"{c['days']:g} days, "
        f"{c['volunteers']} volunteers, travel {c['travel']:,.0f} min"
    )
    say("greedy baseline")
    say(f"  time: {greedy.solve_seconds:.1f} s")
    say(f"  objective: {greedy.objective:,.0f}")
    say(
        f"  zones covered: {g['covered']}/{len(problem.zones)}, min coverage ratio "
        f"{g['min_ratio']:.3f} (p10 {g['p10_ratio']:.3f}), {g['days']:g} days, "
        f"{g['volunteers']} volunteers, "
        f"travel {g['travel']:,.0f} min"
    )
    say("CP-SAT / greedy")
    say(f"  zones covered: {c['covered'] / max(1, g['covered']):.3f}")
    say(f"  p10 coverage ratio: {c['p10_ratio'] / max(1e-9, g['p10_ratio']):.3f}")
    say(f"  objective: {best.objective / max(1.0, greedy.objective):.3f}")
    say(f"  total travel: {c['travel'] / max(1.0, g['travel']):.3f}")
    say(f"  travel per day: {(c['travel'] / c['days']) / (g['travel'] / g['days']):.3f}")


if __name__ == "__main__":
    main()
