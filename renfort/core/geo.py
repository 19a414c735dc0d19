"""Cheap geographic estimates shared by several apps (no routing service, no GIS database).

Road travel time is estimated from the great-circle (haversine) distance between two points:

    minutes = km × DETOUR_FACTOR ÷ AVERAGE_SPEED_KMH × 60

A detour factor of 1.3 is the usual ratio between road and straight-line distance in rural France;
60 km/h is an average over departmental roads. Points are commune centroids (INSEE/IGN
coordinates), so the figure is an order of magnitude, good enough to match volunteers and zones.
"""

import math

import numpy as np

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
    """Estimated one-way road time in minutes between two points (degrees)."""
    return great_circle_km(lat1, lon1, lat2, lon2) * DETOUR_FACTOR / AVERAGE_SPEED_KMH * 60.0


def travel_minutes_many(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """`travel_minutes` from one point to many (arrays of degrees), in one numpy pass."""
    phi1, phi2 = math.radians(lat), np.radians(lats)
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lons - lon) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return km * DETOUR_FACTOR / AVERAGE_SPEED_KMH * 60.0


def km_reachable_in(minutes: float) -> float:
    """Straight-line radius (km) matching a travel time: the inverse of `travel_minutes`."""
    return minutes / 60.0 * AVERAGE_SPEED_KMH / DETOUR_FACTOR
