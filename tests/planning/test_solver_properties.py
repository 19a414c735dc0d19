"""Property-based tests of the planning engine: hard constraints always hold (no database)."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renfort.planning.solver import (
    Availability,
    FixedMission,
    Period,
    PlanningProblem,
    Site,
    SiteDay,
    SolverParams,
    Volunteer,
    Zone,
    check_hard_constraints,
    evaluate_objective,
    solve,
    solve_greedy,
)

MONTH = date(2026, 3, 1)
DAYS = [date(2026, 3, d) for d in (2, 3, 4, 9, 10, 17)]
PARAMS = SolverParams(time_limit_seconds=5, workers=2)
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)

coordinate = st.floats(min_value=0.0, max_value=0.6, allow_nan=False)


@st.composite
def problems(draw, with_fixed: bool = False) -> PlanningProblem:
    zone_count = draw(st.integers(1, 3))
    zones = tuple(
        Zone(
            id=z,
            name=f"Zone {z}",
            population=draw(st.integers(0, 90_000)),
            category=draw(st.sampled_from(["4", "5", "unknown"])),
            days_already=draw(st.sampled_from([0.0, 0.0, 0.5, 2.0])),
        )
        for z in range(1, zone_count + 1)
    )
    zone_ids = st.one_of(st.none(), st.integers(1, zone_count + 1))  # zone_count + 1: unknown
    sites = tuple(
        Site(
            id=s,
            zone_id=draw(zone_ids),
            name=f"Lieu {s}",
            latitude=45 + draw(coordinate),
            longitude=3 + draw(coordinate),
            housing_beds=draw(st.integers(0, 2)),
        )
        for s in range(1, draw(st.integers(1, 4)) + 1)
    )
    site_days = tuple(
        SiteDay(s.id, d, draw(st.booleans()), draw(st.booleans()), draw(st.integers(0, 2)))
        for s in sites
        for d in draw(st.lists(st.sampled_from(DAYS), max_size=4, unique=True))
    )
    volunteers = tuple(
        Volunteer(
            id=v,
            name=f"Dr {v}",
            latitude=45 + draw(coordinate),
            longitude=3 + draw(coordinate),
            availabilities=tuple(
                Availability(d, draw(st.sampled_from(list(Period))))
                for d in draw(st.lists(st.sampled_from(DAYS), max_size=4))
            ),
            max_days=draw(st.sampled_from([1.0, 2.0])),
            days_already=draw(st.sampled_from([0.0, 0.0, 0.5, 1.0, 2.0])),
            allowed_zone_ids=draw(
                st.one_of(st.none(), st.frozensets(st.integers(1, zone_count), max_size=2))
            ),
            max_travel_minutes=draw(st.one_of(st.none(), st.sampled_from([20, 40, 60]))),
            needs_housing=draw(st.booleans()),
            preferred_site_ids=draw(st.frozensets(st.sampled_from([s.id for s in sites]))),
        )
        for v in range(1, draw(st.integers(1, 6)) + 1)
    )
    fixed = ()
    if with_fixed:
        fixed = tuple(
            FixedMission(
                volunteer_id=draw(st.integers(1, len(volunteers) + 1)),
                site_id=draw(st.sampled_from([s.id for s in sites])),
                date=draw(st.sampled_from(DAYS)),
                period=draw(st.sampled_from(list(Period))),
            )
            for _ in range(draw(st.integers(1, 3)))
        )
    return PlanningProblem(MONTH, zones, sites, site_days, volunteers, fixed)


@SETTINGS
@given(problems())
def test_hard_constraints_hold_and_cpsat_beats_greedy(problem):
    result = solve(problem, PARAMS)
    greedy = solve_greedy(problem)
    assert check_hard_constraints(problem, result.assignments) == []
    assert check_hard_constraints(problem, greedy.assignments) == []
    assert result.objective == evaluate_objective(problem, result.assignments)
    assert greedy.objective == evaluate_objective(problem, greedy.assignments)
    assert result.objective >= greedy.objective
    assert result.best_bound >= result.objective and 0 <= result.gap <= 1
    planned = {a.volunteer_id for a in result.assignments}
    assert planned.isdisjoint(u.id for u in result.unplanned_volunteers)
    assert planned | {u.id for u in result.unplanned_volunteers} == {
        v.id for v in problem.volunteers
    }
    assert {u.id for u in result.uncovered_zones} == {
        z for z, days in result.zone_days.items() if days == 0
    }
    assert all(a.reason for a in result.assignments)


@SETTINGS
@given(problems(with_fixed=True))
def test_fixed_missions_are_kept_and_add_no_new_violation(problem):
    result = solve(problem, PARAMS)
    kept = [a for a in result.assignments if a.fixed]
    assert sorted((a.volunteer_id, a.site_id, a.date, a.period) for a in kept) == sorted(
        (f.volunteer_id, f.site_id, f.date, f.period) for f in problem.fixed
    )
    assert sorted(check_hard_constraints(problem, result.assignments)) == sorted(
        check_hard_constraints(problem, kept)
    )
    assert sorted(result.warnings) == sorted(check_hard_constraints(problem, kept))
