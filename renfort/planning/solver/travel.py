"""Travel time estimate between a volunteer's home and a site.

Without a routing service we estimate road time from the great-circle distance:
minutes = km × DETOUR_FACTOR ÷ AVERAGE_SPEED_KMH × 60. A detour factor of 1.3 is the usual ratio
between road and straight-line distance in rural France; 60 km/h is a mixed
departmental-road average. A `PlanningProblem.travel_minutes` matrix, when given, overrides the
estimate pair by pair.
"""

from __future__ import annotations

from renfort.core.geo import (  # plain Python: the solver stays free of Django
    AVERAGE_SPEED_KMH,
    DETOUR_FACTOR,
    EARTH_RADIUS_KM,
    great_circle_km,
    travel_minutes,
)

from .model import PlanningProblem, Site, Volunteer

__all__ = [
    "AVERAGE_SPEED_KMH",
    "DETOUR_FACTOR",
    "EARTH_RADIUS_KM",
    "TravelTable",
    "great_circle_km",
    "travel_minutes",
]


class TravelTable:
    """Travel minutes per (volunteer, site), from the problem's matrix or the estimate."""

    def __init__(self, problem: PlanningProblem) -> None:
        self._matrix = problem.travel_minutes or {}
        self._cache: dict[tuple[int, int], float] = {}

    def minutes(self, volunteer: Volunteer, site: Site) -> float:
        key = (volunteer.id, site.id)
        value = self._cache.get(key)
        if value is None:
            given = self._matrix.get(key)
            if given is not None:
                value = float(given)
            else:
                value = travel_minutes(
                    volunteer.latitude, volunteer.longitude, site.latitude, site.longitude
                )
            self._cache[key] = value
        return value
