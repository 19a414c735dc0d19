"""Planning engine benchmark on a national instance (never part of the test run).

    .venv/bin/python bench/planning.py [--volunteers 5000 --sites 450 --runs 3 --time-limit 2]
    .venv/bin/python bench/planning.py --regime scarce     # 1 room, fewer opening days
    .venv/bin/python bench/planning.py --synthetic         # the former random geography

The default instance is built from the real geography in data/reference/ (read with csv and
numpy, no Django) and is deterministic (numpy seed): the 64 known priority EPCI as zones, ~450
sites in the most populated communes of each zone, June 2026 (30 days), 5,000 volunteers
practising in real communes outside the zones (probability ∝ population × exp(−distance / 60
km)), 2-8 availabilities each, zone lists and/or travel limits (45-150 min), 15 % needing
housing and a few accepted (fixed) missions. It prints the solver's figures (median over
runs), a 10 s-limit run, and the greedy baseline (each availability to the nearest site with
room) evaluated with the same objective function.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from renfort.planning.solver import (  # noqa: E402
    HALF_DAYS,
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

MONTH = date(2026, 3, 1)  # synthetic instance
COORDS = "communes_coordonnees.csv"


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def generate_synthetic(
    volunteers: int, sites: int, zones: int, seed: int = 2026
) -> PlanningProblem:
    """The former random geography: zones scattered uniformly over mainland France."""
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

    return with_fixed(MONTH, zone_list, tuple(site_list), tuple(site_days), volunteer_list)


def with_fixed(month, zones, sites, site_days, volunteers) -> PlanningProblem:
    """Accepted missions: the first greedy mission of every 50th volunteer."""
    sample = PlanningProblem(month, zones, sites, site_days, tuple(volunteers[::50]))
    fixed, seen = [], set()
    for a in solve_greedy(sample).assignments:
        if a.volunteer_id not in seen:
            seen.add(a.volunteer_id)
            fixed.append(FixedMission(a.volunteer_id, a.site_id, a.date, a.period))
    return PlanningProblem(month, zones, sites, site_days, tuple(volunteers), tuple(fixed))


REAL_MONTH = date(2026, 6, 1)  # 30 days, no public holiday on a weekday
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
EARTH_KM = 6371.0


def french_holidays(year: int) -> set[date]:
    """Public holidays of mainland France (fixed dates and Easter-based ones)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day_ = divmod(h + m - 7 * n + 114, 31)
    easter = date(year, month, day_ + 1)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [easter + timedelta(days=n) for n in (1, 39, 50)]
    return {date(year, mo, dd) for mo, dd in fixed} | set(moving)


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _km(lat1, lon1, lat2, lon2):
    """Great-circle km, numpy-broadcast."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def generate_real(
    volunteers: int = 5000,
    sites: int = 450,
    seed: int = 2026,
    rooms_p: tuple[float, float, float] = (0.5, 0.35, 0.15),
    open_p: float = 0.45,
) -> PlanningProblem:
    """National instance on the real geography (data/reference, COG 2026).

    Zones are the priority EPCI of zones_prioritaires_2025.csv (population from epci.csv; the
    file has no category column, so every zone is "unknown"). Sites sit in the most populated
    communes of each zone (at least 3 per zone, the rest in proportion to the population).
    Volunteers practise in communes outside the zones, drawn with probability proportional to
    population × exp(−distance to the nearest site / 60 km)."""
    rng = np.random.default_rng(seed)
    month = REAL_MONTH
    coords = {r["code_insee"]: (float(r["lat"]), float(r["lon"])) for r in _read(COORDS)}
    communes = [r for r in _read("communes.csv") if r["code_insee"] in coords]
    epci_population = {r["siren"]: int(r["population_totale"]) for r in _read("epci.csv")}
    zone_rows = _read("zones_prioritaires_2025.csv")
    zone_of_epci = {row["siren"]: z + 1 for z, row in enumerate(zone_rows)}
    zone_list = tuple(
        Zone(
            id=z + 1,
            name=row["nom_epci_2026"],
            population=epci_population.get(row["siren"], int(row["population_totale_2026"])),
            category="unknown",
            days_already=float(rng.choice([0.0, 0.5, 1.0, 2.0], p=[0.85, 0.05, 0.05, 0.05])),
        )
        for z, row in enumerate(zone_rows)
    )

    # Sites: several per zone, in its communes, most populated first.
    members: dict[int, list[dict[str, str]]] = {z.id: [] for z in zone_list}
    for row in communes:
        zone_id = zone_of_epci.get(row["epci_siren"])
        if zone_id is not None:
            members[zone_id].append(row)
    for rows in members.values():
        rows.sort(key=lambda r: (-int(r["population"] or 0), r["code_insee"]))
    populations = np.array([z.population for z in zone_list], dtype=float)
    per_zone = np.full(len(zone_list), 3)
    extra = sites - per_zone.sum()
    if extra > 0:
        share = populations / populations.sum() * extra
        per_zone += np.floor(share).astype(int)
        rest = sites - per_zone.sum()
        per_zone[np.argsort(-(share - np.floor(share)), kind="stable")[:rest]] += 1
    site_list = []
    for z, zone in enumerate(zone_list):
        rows = members[zone.id]
        for k in range(int(per_zone[z])):
            row = rows[k % min(len(rows), max(3, int(per_zone[z]) // 2))]
            lat, lon = coords[row["code_insee"]]
            site_list.append(
                Site(
                    id=len(site_list) + 1,
                    zone_id=zone.id,
                    name=f"Lieu {len(site_list) + 1} ({row['nom']})",
                    latitude=lat + float(rng.normal(0, 0.01)),
                    longitude=lon + float(rng.normal(0, 0.014)),
                    housing_beds=int(rng.choice([0, 1, 2], p=[0.7, 0.2, 0.1])),
                )
            )

    # Weekly openings over the month's working days.
    holidays = french_holidays(month.year)
    days = [
        month.replace(day=d)
        for d in range(1, calendar.monthrange(month.year, month.month)[1] + 1)
        if month.replace(day=d).weekday() < 5 and month.replace(day=d) not in holidays
    ]
    site_days = []
    for site in site_list:
        rooms = int(rng.choice([1, 2, 3], p=list(rooms_p)))
        weekdays = np.flatnonzero(rng.random(5) < open_p)
        if weekdays.size == 0:
            weekdays = np.array([int(rng.integers(5))])
        kinds = {int(w): rng.random() for w in weekdays}
        for day_ in days:
            kind = kinds.get(day_.weekday())
            if kind is None:
                continue
            site_days.append(
                SiteDay(site.id, day_, kind < 0.875, kind < 0.75 or kind >= 0.875, rooms)
            )

    # Volunteers: communes outside the zones, ∝ population × exp(−d / 60 km).
    outside = [r for r in communes if r["epci_siren"] not in zone_of_epci]
    lat = np.array([coords[r["code_insee"]][0] for r in outside])
    lon = np.array([coords[r["code_insee"]][1] for r in outside])
    site_lat = np.array([s.latitude for s in site_list])
    site_lon = np.array([s.longitude for s in site_list])
    nearest = np.concatenate(
        [
            _km(lat[i : i + 2000, None], lon[i : i + 2000, None], site_lat, site_lon).min(axis=1)
            for i in range(0, len(outside), 2000)
        ]
    )
    weight = np.array([int(r["population"] or 0) for r in outside]) * np.exp(-nearest / 60.0)
    picks = rng.choice(len(outside), size=volunteers, p=weight / weight.sum())
    zone_lat = np.array(
        [np.mean([s.latitude for s in site_list if s.zone_id == z.id]) for z in zone_list]
    )
    zone_lon = np.array(
        [np.mean([s.longitude for s in site_list if s.zone_id == z.id]) for z in zone_list]
    )
    volunteer_list = []
    for v, c in enumerate(picks):
        vlat = float(lat[c] + rng.normal(0, 0.01))
        vlon = float(lon[c] + rng.normal(0, 0.014))
        count = int(rng.integers(2, 9))
        picked = sorted(rng.choice(len(days), size=min(count, len(days)), replace=False))
        availabilities = tuple(
            Availability(
                days[i], Period(rng.choice(["full", "morning", "afternoon"], p=[0.7, 0.15, 0.15]))
            )
            for i in picked
        )
        mode = rng.random()
        distance = _km(vlat, vlon, zone_lat, zone_lon)
        order = np.argsort(distance, kind="stable")[: int(rng.integers(1, 4))]
        allowed = frozenset(int(i) + 1 for i in order) if mode < 0.55 else None
        limit = int(rng.choice([45, 60, 90, 120, 150])) if mode >= 0.35 else None
        near = np.flatnonzero(_km(vlat, vlon, site_lat, site_lon) < 60)
        preferred = (
            frozenset([int(site_list[int(rng.choice(near))].id)])
            if near.size and rng.random() < 0.1
            else frozenset()
        )
        volunteer_list.append(
            Volunteer(
                id=v + 1,
                name=f"Dr {v + 1} ({outside[c]['nom']})",
                latitude=vlat,
                longitude=vlon,
                availabilities=availabilities,
                max_days=float(rng.choice([1.0, 2.0], p=[0.4, 0.6])),
                days_already=float(rng.choice([0.0, 0.5, 1.0], p=[0.9, 0.05, 0.05])),
                allowed_zone_ids=allowed,
                max_travel_minutes=limit,
                needs_housing=bool(rng.random() < 0.15),
                preferred_site_ids=preferred,
            )
        )
    return with_fixed(month, zone_list, tuple(site_list), tuple(site_days), volunteer_list)


def figures(problem: PlanningProblem, result: PlanningResult) -> dict[str, float]:
    """Zone-days = mission-days (this plan, fixed missions included) at sites of a zone."""
    zones = {z.id: z for z in problem.zones}
    site_zone = {s.id: s.zone_id for s in problem.sites}
    planned = dict.fromkeys(zones, 0.0)
    for a in result.assignments:
        if site_zone.get(a.site_id) in planned:
            planned[site_zone[a.site_id]] += 0.5 * HALF_DAYS[a.period]
    per_10k = [
        (planned[z] + zones[z].days_already) / max(1.0, zones[z].population / 10_000) for z in zones
    ]
    missions = max(1, len(result.assignments))
    return {
        "zone_days": sum(planned.values()),
        "zero": sum(1 for z in zones if planned[z] + zones[z].days_already == 0),
        "min_10k": min(per_10k) if per_10k else 0.0,
        "p10_10k": float(np.percentile(per_10k, 10)) if per_10k else 0.0,
        "travel": sum(a.travel_minutes for a in result.assignments) / missions,
        "days": sum(0.5 * HALF_DAYS[a.period] for a in result.assignments),
        "volunteers": len({a.volunteer_id for a in result.assignments}),
        # Distinct (zone, date) with at least one consultation: days a patient of the zone can
        # be seen there. The ceiling is every (zone, date) with an open site.
        "zone_dates": len(
            {(site_zone[a.site_id], a.date) for a in result.assignments if site_zone[a.site_id]}
        ),
        "zone_dates_open": len(
            {(site_zone[d.site_id], d.date) for d in problem.site_days if site_zone[d.site_id]}
        ),
    }


def describe(name: str, problem: PlanningProblem, result: PlanningResult, seconds: float) -> None:
    f = figures(problem, result)
    say(f"{name}")
    say(f"  solve time: {seconds:.2f} s")
    say(f"  status: {result.status.value}")
    say(f"  objective: {result.objective:,.0f}")
    say(f"  bound: {result.best_bound:,.0f}")
    say(f"  gap: {100 * result.gap:.3f} %")
    say(
        f"  zone-days covered: {f['zone_days']:g} (all planned days {f['days']:g}, "
        f"{f['volunteers']} volunteers)"
    )
    say(f"  zones with zero days: {f['zero']}/{len(problem.zones)}")
    say(
        f"  zone-dates with a consultation: {f['zone_dates']} "
        f"(of {f['zone_dates_open']} with an open site)"
    )
    say(
        f"  coverage per 10,000 inhabitants: min {f['min_10k']:.3f}, bottom decile "
        f"{f['p10_10k']:.3f} (days, days_already included)"
    )
    say(f"  mean travel time: {f['travel']:.1f} min per mission")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--volunteers", type=int, default=5000)
    parser.add_argument("--sites", type=int, default=450)
    parser.add_argument("--zones", type=int, default=150, help="synthetic instance only")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--seed", type=int, default=2026, help="instance seed")
    parser.add_argument(
        "--regime",
        choices=["default", "scarce"],
        default="default",
        help="scarce: 1 room per site, sites open ~1 weekday in 4 (real geography)",
    )
    parser.add_argument("--synthetic", action="store_true", help="former random geography")
    parser.add_argument("--small", action="store_true", help="300 volunteers, 40 sites")
    args = parser.parse_args()
    if args.small:
        args.volunteers, args.sites, args.zones = 300, 40, 15

    started = time.perf_counter()
    if args.synthetic:
        problem = generate_synthetic(args.volunteers, args.sites, args.zones, args.seed)
    elif args.regime == "scarce":
        problem = generate_real(
            args.volunteers, args.sites, args.seed, rooms_p=(1.0, 0.0, 0.0), open_p=0.25
        )
    else:
        problem = generate_real(args.volunteers, args.sites, args.seed)
    say(
        f"instance ({'synthetic' if args.synthetic else 'real geography'}, regime "
        f"{args.regime}, {problem.month:%B %Y}): {len(problem.zones)} zones, "
        f"{len(problem.sites)} sites, {len(problem.site_days)} site-days, "
        f"{len(problem.volunteers)} volunteers, "
        f"{sum(len(v.availabilities) for v in problem.volunteers)} availabilities, "
        f"{len(problem.fixed)} fixed missions (generated in {time.perf_counter() - started:.1f} s)"
    )

    greedy = solve_greedy(problem)
    assert check_hard_constraints(problem, greedy.assignments) == []

    results, seconds = [], []
    for run in range(args.runs):
        params = SolverParams(time_limit_seconds=args.time_limit, seed=run, workers=args.workers)
        tick = time.perf_counter()
        result = solve(problem, params)
        seconds.append(time.perf_counter() - tick)
        violations = check_hard_constraints(problem, result.assignments)
        assert violations == [], violations[:5]
        results.append(result)
        say(
            f"  run {run + 1}: {result.status.value}, {seconds[-1]:.2f} s, "
            f"objective {result.objective:,.0f}, gap {100 * result.gap:.3f} %"
        )
    best = results[int(np.argsort(seconds)[len(seconds) // 2])]
    stats = best.stats
    say("model: " + ", ".join(f"{key} {value:,.6g}" for key, value in sorted(stats.items())))
    say("")
    describe(
        f"solver (median of {args.runs} runs, limit {args.time_limit:g} s, {args.workers} workers)",
        problem,
        best,
        statistics.median(seconds),
    )
    tick = time.perf_counter()
    long = solve(problem, SolverParams(time_limit_seconds=10.0, seed=0, workers=args.workers))
    long_seconds = time.perf_counter() - tick
    assert check_hard_constraints(problem, long.assignments) == []
    say(
        f"10 s-limit run: {long.status.value}, {long_seconds:.2f} s, objective "
        f"{long.objective:,.0f}, gap: {100 * long.gap:.3f} %"
    )
    describe(
        "greedy baseline (each availability to the nearest site with room)",
        problem,
        greedy,
        greedy.solve_seconds,
    )
    c, g = figures(problem, best), figures(problem, greedy)
    say("solver / greedy")
    say(f"  objective: {best.objective / max(1.0, greedy.objective):.4f}")
    say(f"  zone-days covered: {c['zone_days'] / max(1e-9, g['zone_days']):.4f}")
    say(
        f"  zone-dates with a consultation: {c['zone_dates'] / max(1, g['zone_dates']):.4f} "
        f"(ceiling {c['zone_dates_open'] / max(1, g['zone_dates']):.4f})"
    )
    say(f"  zones with zero days: {c['zero']} vs {g['zero']}")
    say(f"  bottom-decile coverage per 10,000 inh.: {c['p10_10k'] / max(1e-9, g['p10_10k']):.3f}")
    say(f"  min coverage per 10,000 inh.: {c['min_10k']:.3f} vs {g['min_10k']:.3f}")
    say(f"  mean travel time: {c['travel'] / max(1e-9, g['travel']):.3f}")


if __name__ == "__main__":
    main()
