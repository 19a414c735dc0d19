"""The travel estimate, one pair at a time and one point to many (numpy) agree."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from renfort.core.geo import travel_minutes, travel_minutes_many

latitudes = st.floats(min_value=-25, max_value=52, allow_nan=False)  # France, overseas too
longitudes = st.floats(min_value=-65, max_value=57, allow_nan=False)
points = st.lists(st.tuples(latitudes, longitudes), min_size=1, max_size=20)


@given(latitudes, longitudes, points)
def test_one_to_many_gives_each_pairs_minutes(lat, lon, others):
    many = travel_minutes_many(lat, lon, *map(np.array, zip(*others, strict=True)))
    one = [travel_minutes(lat, lon, a, b) for a, b in others]
    assert np.allclose(many, one, rtol=1e-9, atol=1e-6)


def test_paris_to_lyon_counts_its_detour_at_departmental_road_speed():
    minutes = travel_minutes_many(48.8566, 2.3522, np.array([45.764]), np.array([4.8357]))
    assert 505 < minutes[0] < 512  # 391.5 km as the crow flies × 1.3, at 60 km/h
