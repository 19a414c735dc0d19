"""Travel time estimate between a volunteer's home and a site.

Without a routing service we estimate road time from the great-circle distance:
minutes = km × DETOUR_FACTOR ÷ AVERAGE_SPEED_KMH × 60. A detour factor of 1.3 is the usual ratio
between road and straight-line distance in rural France; 60 km/h is a mixed
departmental-road average. A `PlanningProblem.travel_minutes` matrix, when given, overrides the
estimate pair by pair.
"""

from __future__ import annotations

import math

from .model import PlanningProblem, Site, Volunteer

EARTH_RADIUS_KM = 6371.0
DETOUR_FACTOR = 1.3  # road km per straight-line km
AVERAGE_SPEED_KMH = 60.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def travel_minutes(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Estimated one-way road time in minutes."""
    return great_circle_km(lat1, lon1, lat2, lon2) * DETOUR_FACTOR / AVERAGE_SPEED_KMH * 60.0


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
