"""Travel estimate (renfort.core.geo) and reachable zones."""

import pytest

from renfort.core.geo import great_circle_km, km_reachable_in, travel_minutes
from renfort.doctors.selectors import zones_within
from tests.factories import commune

from .factories import DoctorFactory


def test_great_circle_and_travel_minutes():
    # Paris – Lyon, about 392 km as the crow flies.
    km = great_circle_km(48.8566, 2.3522, 45.764, 4.8357)
    assert 385 < km < 400
    assert travel_minutes(48.8566, 2.3522, 45.764, 4.8357) == pytest.approx(km * 1.3)
    assert travel_minutes(44.0, 2.0, 44.0, 2.0) == 0
    assert km_reachable_in(60) == pytest.approx(60 / 1.3)


@pytest.mark.django_db
def test_zones_within_from_albi():
    albi = commune("81004")
    near = zones_within(albi, 90)
    names = [z.epci.name for z in near]
    assert "CC du Haut-Languedoc" in names
    assert [z.travel_minutes for z in near] == sorted(z.travel_minutes for z in near)
    assert all(z.travel_minutes <= 90 for z in near)
    assert len(zones_within(albi, 240)) > len(near) >= 1
    assert zones_within(albi, 1) == []
    doctor = DoctorFactory()
    assert [z.pk for z in zones_within(doctor, 90)] == [z.pk for z in near]
