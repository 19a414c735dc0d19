"""Input and output dataclasses of the planning engine (plain Python, no ORM).

Django services convert models to a `PlanningProblem`, call `solve()` and save the
`PlanningResult`. Every dataclass is immutable except the result.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Period(StrEnum):
    FULL = "full"
    MORNING = "morning"
    AFTERNOON = "afternoon"


# Weight of a mission in half-days (a FULL day is two half-days).
HALF_DAYS: dict[Period, int] = {Period.FULL: 2, Period.MORNING: 1, Period.AFTERNOON: 1}

# Half-days of a site used by a mission: a FULL mission takes a room both halves.
HALVES: dict[Period, tuple[Period, ...]] = {
    Period.FULL: (Period.MORNING, Period.AFTERNOON),
    Period.MORNING: (Period.MORNING,),
    Period.AFTERNOON: (Period.AFTERNOON,),
}

# Hard ceiling of the programme: a volunteer never gives more than 2 days in a month.
MAX_DAYS_PER_MONTH = 2.0


@dataclass(frozen=True)
class Zone:
    id: int
    name: str
    population: int
    category: str  # "4", "5" or "unknown"
    days_already: float = 0.0  # days planned for this zone outside this problem


@dataclass(frozen=True)
class Site:
    id: int
    zone_id: int | None  # None: ARS-justified site outside priority zones
    name: str
    latitude: float
    longitude: float
    housing_beds: int = 0


@dataclass(frozen=True)
class SiteDay:
    """The site is open for volunteers that date, per half-day, with `rooms` rooms."""

    site_id: int
    date: date
    morning: bool
    afternoon: bool
    rooms: int


@dataclass(frozen=True)
class Availability:
    date: date
    period: Period


@dataclass(frozen=True)
class Volunteer:
    id: int
    name: str
    latitude: float
    longitude: float
    availabilities: tuple[Availability, ...]
    max_days: float = 2.0  # 1 or 2
    days_already: float = 0.0  # days accepted this month outside the problem
    allowed_zone_ids: frozenset[int] | None = None  # None: no zone list
    max_travel_minutes: int | None = None  # None: no travel limit
    needs_housing: bool = False
    preferred_site_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class FixedMission:
    """Accepted or locked mission: always kept, counted in every constraint."""

    volunteer_id: int
    site_id: int
    date: date
    period: Period


@dataclass(frozen=True)
class SolverParams:
    time_limit_seconds: float = 20.0
    seed: int = 0
    # CP-SAT workers; by default the machine's cores, at most 8.
    workers: int = field(default_factory=lambda: min(8, os.cpu_count() or 1))


@dataclass(frozen=True)
class PlanningProblem:
    month: date  # first day of the month
    zones: tuple[Zone, ...]
    sites: tuple[Site, ...]
    site_days: tuple[SiteDay, ...]
    volunteers: tuple[Volunteer, ...]
    fixed: tuple[FixedMission, ...] = ()
    # Optional (volunteer_id, site_id) -> minutes matrix; overrides the estimate.
    travel_minutes: Mapping[tuple[int, int], float] | None = None


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Assignment:
    volunteer_id: int
    site_id: int
    date: date
    period: Period
    travel_minutes: float
    fixed: bool
    reason: str  # French, e.g. "Zone sans aucun autre jour en mars, 35 min de trajet"


@dataclass(frozen=True)
class Unplanned:
    kind: str  # "volunteer" or "zone"
    id: int
    reason: str  # French binding reason


@dataclass
class PlanningResult:
    status: SolveStatus
    assignments: list[Assignment]
    unplanned_volunteers: list[Unplanned]
    uncovered_zones: list[Unplanned]
    objective: float
    best_bound: float
    gap: float  # relative, 0..1
    solve_seconds: float
    zone_days: dict[int, float]  # days per zone, including fixed missions and days_already
    # Hard-constraint violations caused by fixed missions alone (kept anyway), in French.
    warnings: list[str] = field(default_factory=list)
    # Model size and solver figures (variables, constraints…), for benchmarks and logs.
    stats: dict[str, float] = field(default_factory=dict)
