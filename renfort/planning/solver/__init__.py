"""Planning engine: plain Python, no ORM. Services convert models to a `PlanningProblem`, call
`solve()` and save the `PlanningResult`. See docs/decisions/0010-planning-objective.md."""

from .check import check_hard_constraints
from .cpsat import solve
from .explain import NO_AVAILABILITY
from .greedy import solve_greedy
from .model import (
    HALF_DAYS,
    MAX_DAYS_PER_MONTH,
    Assignment,
    Availability,
    FixedMission,
    Period,
    PlanningProblem,
    PlanningResult,
    Site,
    SiteDay,
    SolverParams,
    SolveStatus,
    Unplanned,
    Volunteer,
    Zone,
)
from .objective import evaluate as evaluate_objective
from .travel import AVERAGE_SPEED_KMH, DETOUR_FACTOR, travel_minutes

__all__ = [
    "NO_AVAILABILITY",
    "AVERAGE_SPEED_KMH",
    "DETOUR_FACTOR",
    "HALF_DAYS",
    "MAX_DAYS_PER_MONTH",
    "Assignment",
    "Availability",
    "FixedMission",
    "Period",
    "PlanningProblem",
    "PlanningResult",
    "Site",
    "SiteDay",
    "SolveStatus",
    "SolverParams",
    "Unplanned",
    "Volunteer",
    "Zone",
    "check_hard_constraints",
    "evaluate_objective",
    "solve",
    "solve_greedy",
    "travel_minutes",
]
