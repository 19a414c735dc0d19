"""Planning engine: small hand-made instances with a known best plan (no database)."""

import gc
import random
from datetime import date

import pytest

from renfort.planning.solver import (
    HALF_DAYS,
    Availability,
    FixedMission,
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
    travel_minutes,
)
from renfort.planning.solver.travel import AVERAGE_SPEED_KMH, DETOUR_FACTOR

MONTH = date(2026, 3, 1)  # 2026-03-03 and 03-04 share an ISO week, 03-17 is two weeks later
FAST = SolverParams(time_limit_seconds=10, workers=2)


def day(n: int) -> date:
    return MONTH.replace(day=n)


def full(*days: int) -> tuple[Availability, ...]:
    return tuple(Availability(day(n), Period.FULL) for n in days)


def zone(zone_id: int, population: int = 20_000, category: str = "5", **kwargs) -> Zone:
    return Zone(
        id=zone_id, name=f"Zone {zone_id}", population=population, category=category, **kwargs
    )


def site(site_id: int, zone_id: int | None, **kwargs) -> Site:
    kwargs.setdefault("latitude", 45.0)
    kwargs.setdefault("longitude", 3.0)
    return Site(id=site_id, zone_id=zone_id, name=f"Lieu {site_id}", **kwargs)


def opening(site_id: int, *days: int, rooms: int = 1, morning=True, afternoon=True):
    return tuple(SiteDay(site_id, day(n), morning, afternoon, rooms) for n in days)


def volunteer(volunteer_id: int, availabilities=(), **kwargs) -> Volunteer:
    kwargs.setdefault("latitude", 45.0)
    kwargs.setdefault("longitude", 3.0)
    return Volunteer(
        id=volunteer_id,
        name=f"Dr {volunteer_id}",
        availabilities=tuple(availabilities),
        **kwargs,
    )


def problem(zones=(), sites=(), site_days=(), volunteers=(), fixed=(), travel=None):
    return PlanningProblem(
        month=MONTH,
        zones=tuple(zones),
        sites=tuple(sites),
        site_days=tuple(site_days),
        volunteers=tuple(volunteers),
        fixed=tuple(fixed),
        travel_minutes=travel,
    )


def solved(p: PlanningProblem, params: SolverParams = FAST):
    result = solve(p, params)
    assert check_hard_constraints(p, result.assignments) == []
    assert result.objective == evaluate_objective(p, result.assignments)
    return result


def plan(result) -> set[tuple]:
    return {(a.volunteer_id, a.site_id, a.date.day, a.period.value) for a in result.assignments}


def random_problem(seed: int, volunteers: int = 30, sites: int = 8, zones: int = 4):
    """A random but realistic instance for determinism and time-limit tests."""
    rng = random.Random(seed)
    zone_list = [zone(z, population=rng.randint(5_000, 80_000)) for z in range(1, zones + 1)]
    site_list = [
        site(
            s,
            rng.choice([*range(1, zones + 1), None]),
            latitude=45 + rng.random(),
            longitude=3 + rng.random(),
            housing_beds=rng.choice([0, 0, 1, 2]),
        )
        for s in range(1, sites + 1)
    ]
    days = [d for d in range(2, 31) if day(d).weekday() < 5]
    site_days = [
        SiteDay(s.id, day(d), rng.random() < 0.9, rng.random() < 0.8, rng.choice([1, 1, 2]))
        for s in site_list
        for d in days
        if rng.random() < 0.4
    ]
    volunteer_list = [
        volunteer(
            v,
            [
                Availability(day(d), rng.choice(list(Period)))
                for d in rng.sample(days, rng.randint(1, 6))
            ],
            latitude=45 + rng.random(),
            longitude=3 + rng.random(),
            max_days=rng.choice([1.0, 2.0]),
            max_travel_minutes=rng.choice([None, 45, 90]),
            allowed_zone_ids=rng.choice([None, frozenset({rng.randint(1, zones)})]),
            needs_housing=rng.random() < 0.2,
        )
        for v in range(1, volunteers + 1)
    ]
    return problem(zone_list, site_list, site_days, volunteer_list)


def test_travel_estimate_uses_the_documented_constants():
    assert DETOUR_FACTOR == 1.3 and AVERAGE_SPEED_KMH == 60
    assert travel_minutes(45.0, 3.0, 45.0, 3.0) == 0
    # One degree of latitude is 111.2 km: 144.6 road km at 60 km/h.
    assert travel_minutes(45.0, 3.0, 46.0, 3.0) == pytest.approx(111.19 * 1.3, rel=1e-3)
    assert HALF_DAYS == {Period.FULL: 2, Period.MORNING: 1, Period.AFTERNOON: 1}


def test_empty_problem_returns_cleanly():
    result = solved(problem())
    assert result.status == SolveStatus.OPTIMAL
    assert result.assignments == [] and result.unplanned_volunteers == []
    assert result.gap == 0 and result.objective == 0

    result = solved(problem(zones=[zone(1)], volunteers=[volunteer(1, full(3))]))
    assert result.status == SolveStatus.OPTIMAL and result.assignments == []
    assert [(u.kind, u.id, u.reason) for u in result.uncovered_zones] == [
        ("zone", 1, "Aucun lieu d'accueil actif dans la zone")
    ]
    assert result.unplanned_volunteers[0].reason == "Aucun lieu d'accueil"
    assert result.zone_days == {1: 0.0}


def test_the_garbage_collector_is_paused_during_a_solve_and_restored_after():
    seen = []
    p = random_problem(7)
    assert gc.isenabled()
    solve(p, FAST, progress=lambda message, fraction: seen.append(gc.isenabled()))
    assert seen and not any(seen)  # paused while solving
    assert gc.isenabled()  # restored
    gc.disable()
    try:
        solve(p, FAST)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_zone_with_nothing_gets_the_only_volunteer():
    p = problem(
        zones=[zone(1, population=200_000, days_already=2), zone(2, population=8_000)],
        sites=[site(10, 1), site(20, 2)],
        site_days=opening(10, 3) + opening(20, 3),
        volunteers=[volunteer(1, full(3), max_days=1)],
        travel={(1, 10): 5, (1, 20): 40},
    )
    result = solved(p)
    assert result.status == SolveStatus.OPTIMAL
    assert plan(result) == {(1, 20, 3, "full")}
    assert result.assignments[0].reason == "Zone sans aucun autre jour en mars, 40 min de trajet"
    assert result.zone_days == {1: 2.0, 2: 1.0}
    assert result.uncovered_zones == []


def test_big_zone_gets_more_but_small_zones_are_not_forgotten():
    sites = [site(10, 1), site(20, 2)]
    site_days = opening(10, 2, 3, 4, 5, 6, rooms=3) + opening(20, 2, 3, 4, 5, 6, rooms=3)
    volunteers = [volunteer(v, full(2, 3, 4, 5, 6)) for v in range(1, 5)]
    p = problem(
        zones=[zone(1, population=150_000), zone(2, population=6_000)],
        sites=sites,
        site_days=site_days,
        volunteers=volunteers,
    )
    result = solved(p)
    assert result.zone_days[2] >= 1
    assert result.zone_days[1] > result.zone_days[2]
    assert sum(result.zone_days.values()) == 8  # 4 volunteers × 2 days


def test_cap_of_two_days_and_days_already():
    sites, site_days = [site(10, 1)], opening(10, 2, 3, 4, 5, 6, rooms=5)
    volunteers = [
        volunteer(1, full(2, 3, 4, 5, 6)),
        volunteer(2, full(2, 3, 4, 5, 6), max_days=1),
        volunteer(3, full(2, 3, 4, 5, 6), days_already=1.5),
        volunteer(4, full(2, 3, 4, 5, 6), days_already=2),
        volunteer(5, full(2, 3, 4, 5, 6), max_days=5),  # never more than 2 days
    ]
    result = solved(problem([zone(1)], sites, site_days, volunteers))
    days = {v.id: 0.0 for v in volunteers}
    for a in result.assignments:
        days[a.volunteer_id] += HALF_DAYS[a.period] / 2
    assert days == {1: 2.0, 2: 1.0, 3: 0.5, 4: 0.0, 5: 2.0}
    assert [(u.id, u.reason) for u in result.unplanned_volunteers] == [
        (4, "Plafond de 2 jours déjà atteint")
    ]


def test_half_day_counting_and_full_day_needs_both_halves():
    p = problem(
        zones=[zone(1)],
        sites=[site(10, 1), site(20, 1)],
        site_days=opening(10, 3) + opening(20, 4, afternoon=False),
        volunteers=[
            volunteer(1, [Availability(day(3), Period.MORNING)]),
            volunteer(2, full(4)),  # available all day, site open only the morning
        ],
    )
    result = solved(p)
    assert plan(result) == {(1, 10, 3, "morning"), (2, 20, 4, "morning")}
    assert result.zone_days == {1: 1.0}


def test_morning_and_afternoon_availabilities_make_a_full_day():
    p = problem(
        zones=[zone(1)],
        sites=[site(10, 1)],
        site_days=opening(10, 3),
        volunteers=[
            volunteer(
                1, [Availability(day(3), Period.MORNING), Availability(day(3), Period.AFTERNOON)]
            )
        ],
    )
    assert plan(solved(p)) == {(1, 10, 3, "full")}


def test_rooms_limit():
    volunteers = [volunteer(v, full(3)) for v in range(1, 5)]
    p = problem([zone(1)], [site(10, 1)], opening(10, 3, rooms=2), volunteers)
    result = solved(p)
    assert len(result.assignments) == 2
    assert {u.reason for u in result.unplanned_volunteers} == {
        "Lieux accessibles déjà complets ou mieux servis par d'autres volontaires"
    }
    # A morning-only and an afternoon-only volunteer share one room.
    p = problem(
        [zone(1)],
        [site(10, 1)],
        opening(10, 3, rooms=1),
        [
            volunteer(1, [Availability(day(3), Period.MORNING)]),
            volunteer(2, [Availability(day(3), Period.AFTERNOON)]),
        ],
    )
    assert plan(solved(p)) == {(1, 10, 3, "morning"), (2, 10, 3, "afternoon")}


def test_housing_beds():
    p = problem(
        zones=[zone(1)],
        sites=[site(10, 1, housing_beds=1), site(20, 1)],
        site_days=opening(10, 3, rooms=3) + opening(20, 3, rooms=3),
        volunteers=[
            volunteer(1, full(3), needs_housing=True),
            volunteer(2, full(3), needs_housing=True),
            volunteer(3, full(3), needs_housing=True, allowed_zone_ids=frozenset({1})),
        ],
        travel={(3, 10): 999},
    )
    result = solved(p)
    assert len(result.assignments) == 1 and result.assignments[0].site_id == 10
    reasons = {u.id: u.reason for u in result.unplanned_volunteers}
    assert set(reasons) == {1, 2, 3} - {result.assignments[0].volunteer_id}
    # Volunteer 3 only reaches site 10 through the zone list; no bed left there.
    p = problem(
        zones=[zone(1)],
        sites=[site(20, 1)],
        site_days=opening(20, 3),
        volunteers=[volunteer(1, full(3), needs_housing=True)],
    )
    result = solved(p)
    assert result.assignments == []
    assert result.unplanned_volunteers[0].reason == (
        "Besoin d'hébergement : aucun lieu accessible n'en propose"
    )
    # A reachable site has a bed but is closed on the volunteer's dates: said so.
    p = problem(
        zones=[zone(1)],
        sites=[site(20, 1), site(30, 1, housing_beds=1)],
        site_days=opening(20, 3) + opening(30, 4),
        volunteers=[volunteer(1, full(3), needs_housing=True)],
    )
    assert solved(p).unplanned_volunteers[0].reason == (
        "Besoin d'hébergement : les lieux accessibles avec hébergement n'ouvrent pas à ses dates"
    )


def test_fixed_mission_is_kept_and_counts_in_every_constraint():
    fixed = [FixedMission(1, 10, day(3), Period.FULL)]
    p = problem(
        zones=[zone(1), zone(2)],
        sites=[site(10, 1), site(20, 2)],
        site_days=opening(10, 3, 4) + opening(20, 4),
        volunteers=[
            volunteer(1, full(3, 4), max_days=1),  # cap used by the fixed mission
            volunteer(2, full(3)),  # the only room of site 10 on the 3rd is taken
        ],
        fixed=fixed,
    )
    result = solved(p)
    assert plan(result) == {(1, 10, 3, "full")}
    assignment = result.assignments[0]
    assert assignment.fixed and assignment.reason.startswith("Mission acceptée (conservée)")
    assert result.warnings == []
    assert result.zone_days == {1: 1.0, 2: 0.0}
    assert [(u.id, u.reason) for u in result.uncovered_zones] == [
        (2, "Volontaires accessibles déjà affectés ailleurs")
    ]


def test_fixed_missions_violating_constraints_are_kept_and_reported():
    fixed = [
        FixedMission(1, 10, day(3), Period.FULL),
        FixedMission(2, 10, day(3), Period.FULL),  # second mission in a single room
        FixedMission(1, 10, day(9), Period.FULL),  # site closed, volunteer unavailable
        FixedMission(99, 10, day(4), Period.FULL),  # volunteer outside the problem
        FixedMission(1, 77, day(4), Period.FULL),  # unknown site
    ]
    p = problem(
        zones=[zone(1)],
        sites=[site(10, 1)],
        site_days=opening(10, 3, 4),
        volunteers=[volunteer(1, full(3), max_days=1), volunteer(2, full(3, 4))],
        fixed=fixed,
    )
    result = solve(p, FAST)
    assert result.status == SolveStatus.OPTIMAL
    assert len([a for a in result.assignments if a.fixed]) == 5
    assert not [a for a in result.assignments if not a.fixed]  # nothing fits any more
    assert result.warnings == check_hard_constraints(p, [a for a in result.assignments if a.fixed])
    text = "\n".join(result.warnings)
    assert "2 missions pour 1 cabinet" in text
    assert "lieu 77 inconnu" in text
    assert "plafond" in text


def test_travel_limit():
    p = problem(
        zones=[zone(1), zone(2)],
        sites=[site(10, 1), site(20, 2)],
        site_days=opening(10, 3) + opening(20, 3),
        volunteers=[volunteer(1, full(3), max_travel_minutes=30)],
        travel={(1, 10): 20, (1, 20): 60},
    )
    assert plan(solved(p)) == {(1, 10, 3, "full")}
    p = problem(
        zones=[zone(1)],
        sites=[site(20, 1)],
        site_days=opening(20, 3),
        volunteers=[volunteer(1, full(3), max_travel_minutes=30)],
        travel={(1, 20): 60},
    )
    result = solved(p)
    assert result.assignments == []
    assert result.unplanned_volunteers[0].reason == "Aucun lieu d'accueil à moins de 30 min"
    assert result.uncovered_zones[0].reason == (
        "Aucun volontaire ne peut s'y rendre (zones choisies, temps de trajet)"
    )


def test_allowed_zones_and_the_or_rule():
    p = problem(
        zones=[zone(1), zone(2), zone(3)],
        sites=[site(10, 1), site(20, 2), site(30, 3)],
        site_days=opening(10, 3) + opening(20, 4) + opening(30, 5),
        volunteers=[volunteer(1, full(3, 4, 5), allowed_zone_ids=frozenset({2}))],
        travel={(1, 10): 5, (1, 20): 200, (1, 30): 5},
    )
    assert plan(solved(p)) == {(1, 20, 4, "full")}
    # Zone list OR travel limit: zone 2 (far, in the list) and site 30 (near) are both allowed.
    both = volunteer(1, full(3, 4, 5), allowed_zone_ids=frozenset({2}), max_travel_minutes=10)
    p = problem(
        p.zones, p.sites, p.site_days, [both], travel={(1, 10): 50, (1, 20): 200, (1, 30): 5}
    )
    assert plan(solved(p)) == {(1, 20, 4, "full"), (1, 30, 5, "full")}
    lonely = volunteer(1, full(3), allowed_zone_ids=frozenset({9}), max_travel_minutes=10)
    far = {(1, 10): 50, (1, 20): 50, (1, 30): 50}
    zones = [*p.zones, zone(9)]  # a zone of the run without a host site
    result = solved(problem(zones, p.sites, p.site_days, [lonely], travel=far))
    assert result.unplanned_volunteers[0].reason == (
        "Aucun lieu d'accueil dans ses zones ou à moins de 10 min"
    )
    # One of their zones is not in this run (another region's): the reason says « de la
    # région », not that their zones have no host site at all.
    visiting = volunteer(1, full(3), allowed_zone_ids=frozenset({9, 99}))
    result = solved(problem(zones, p.sites, p.site_days, [visiting], travel=far))
    assert (
        result.unplanned_volunteers[0].reason == "Aucun lieu d'accueil dans ses zones de la région"
    )


def test_sites_outside_zones_are_plannable():
    p = problem(
        zones=[zone(1)],
        sites=[site(10, None)],
        site_days=opening(10, 3),
        volunteers=[volunteer(1, full(3))],
    )
    result = solved(p)
    assert plan(result) == {(1, 10, 3, "full")}
    assert result.assignments[0].reason.startswith("Lieu hors zone prioritaire")
    assert result.zone_days == {1: 0.0}


def test_week_spread_prefers_days_3_and_17_over_3_and_4():
    p = problem(
        zones=[zone(1)],
        sites=[site(10, 1)],
        site_days=opening(10, 3, 4, 17),
        volunteers=[volunteer(1, full(3, 4)), volunteer(2, full(4, 17), max_days=1)],
    )
    # Volunteer 2 alone could take day 4; spreading sends him to the 17th.
    result = solved(p)
    assert {(a.volunteer_id, a.date.day) for a in result.assignments} >= {(2, 17)}
    p = problem(
        zones=[zone(1)],
        sites=[site(10, 1)],
        site_days=opening(10, 3, 4, 17),
        volunteers=[volunteer(1, full(3)), volunteer(2, full(4, 17), max_days=1)],
        travel={(2, 10): 30},
    )
    assert plan(solved(p)) == {(1, 10, 3, "full"), (2, 10, 17, "full")}


def test_travel_then_preferences_break_ties():
    p = problem(
        zones=[zone(1)],
        sites=[site(10, 1), site(20, 1)],
        site_days=opening(10, 3) + opening(20, 3),
        volunteers=[volunteer(1, full(3))],
        travel={(1, 10): 50, (1, 20): 20},
    )
    assert plan(solved(p)) == {(1, 20, 3, "full")}
    preferring = volunteer(1, full(3), preferred_site_ids=frozenset({10}))
    p = problem(p.zones, p.sites, p.site_days, [preferring], travel={(1, 10): 25, (1, 20): 20})
    result = solved(p)
    assert plan(result) == {(1, 10, 3, "full")}
    assert result.assignments[0].reason == (
        "Zone sans aucun autre jour en mars, lieu préféré du médecin, 25 min de trajet"
    )


def test_housing_volunteers_stay_on_consecutive_days():
    p = problem(
        zones=[zone(1)],
        sites=[site(10, 1, housing_beds=1), site(20, 1, housing_beds=1)],
        site_days=opening(10, 3, 4) + opening(20, 3, 4),
        volunteers=[volunteer(1, full(3, 4), needs_housing=True)],
        travel={(1, 10): 30, (1, 20): 25},
    )
    result = solved(p)
    assert len({a.site_id for a in result.assignments}) == 1
    assert all(", jours consécutifs sur le même lieu" in a.reason for a in result.assignments)


def test_volunteer_reasons():
    p = problem(
        zones=[zone(1)],
        sites=[site(10, 1)],
        site_days=opening(10, 3),
        volunteers=[
            volunteer(1),
            volunteer(2, [Availability(date(2026, 4, 3), Period.FULL)]),  # another month
            volunteer(3, full(4)),
            volunteer(4, full(3), max_days=1, days_already=1),
        ],
    )
    reasons = {u.id: u.reason for u in solved(p).unplanned_volunteers}
    assert reasons == {
        1: "Aucune disponibilité en mars",
        2: "Aucune disponibilité en mars",
        3: "Aucun lieu accessible ouvert à ses dates de disponibilité",
        4: "Plafond de 1 jour déjà atteint",
    }


def test_zone_reasons():
    p = problem(
        zones=[zone(1), zone(2), zone(3)],
        sites=[site(10, 1), site(20, 2), site(30, 3)],
        site_days=opening(10, 3) + opening(20, 3),
        volunteers=[volunteer(1, full(4))],
    )
    reasons = {u.id: u.reason for u in solved(p).uncovered_zones}
    assert reasons == {
        1: "Aucun volontaire disponible les jours d'ouverture",
        2: "Aucun volontaire disponible les jours d'ouverture",
        3: "Aucun lieu d'accueil actif dans la zone",
    }


def test_low_coverage_reason():
    p = problem(
        zones=[zone(1, population=120_000)],
        sites=[site(10, 1)],
        site_days=opening(10, 3, 4),
        volunteers=[volunteer(1, full(3)), volunteer(2, full(4))],
        travel={(1, 10): 35, (2, 10): 35},
    )
    reasons = [a.reason for a in solved(p).assignments]
    assert (
        reasons
        == [
            "Zone peu couverte : 2 jours de consultation en mars pour 120\u202f000 habitants, "
            "35 min de trajet"
        ]
        * 2
    )


def test_progress_is_reported():
    calls = []
    solve(random_problem(1, volunteers=5), FAST, progress=lambda m, f: calls.append((m, f)))
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1
    assert len(calls) >= 4


def test_deterministic_and_independent_of_input_order():
    p = random_problem(7, volunteers=40, sites=10)
    first, second = solved(p), solved(p)
    assert first.status == SolveStatus.OPTIMAL
    assert first.assignments == second.assignments
    shuffled = PlanningProblem(
        month=p.month,
        zones=tuple(reversed(p.zones)),
        sites=tuple(reversed(p.sites)),
        site_days=tuple(reversed(p.site_days)),
        volunteers=tuple(reversed(p.volunteers)),
    )
    assert solved(shuffled).assignments == first.assignments


def test_time_limit_returns_a_feasible_plan_with_its_gap():
    p = random_problem(3, volunteers=400, sites=40, zones=12)
    result = solve(p, SolverParams(time_limit_seconds=0.5, workers=2))
    assert result.status == SolveStatus.FEASIBLE
    assert check_hard_constraints(p, result.assignments) == []
    assert result.best_bound >= result.objective
    assert 0 < result.gap <= 1
    assert result.gap == pytest.approx(
        (result.best_bound - result.objective) / max(1, abs(result.best_bound))
    )
    assert result.objective >= solve_greedy(p).objective


def test_greedy_baseline_respects_constraints_and_cpsat_beats_it():
    for seed in range(3):
        p = random_problem(seed)
        greedy = solve_greedy(p)
        assert greedy.status == SolveStatus.FEASIBLE
        assert check_hard_constraints(p, greedy.assignments) == []
        assert greedy.objective == evaluate_objective(p, greedy.assignments)
        assert solved(p).objective >= greedy.objective


def test_greedy_takes_the_nearest_site_like_a_hand_matcher():
    p = problem(
        zones=[zone(1, days_already=5), zone(2)],
        sites=[site(10, 1), site(20, 2)],
        site_days=opening(10, 3) + opening(20, 3),
        volunteers=[volunteer(1, full(3))],
        travel={(1, 10): 5, (1, 20): 40},
    )
    assert plan(solve_greedy(p)) == {(1, 10, 3, "full")}
    assert plan(solved(p)) == {(1, 20, 3, "full")}
