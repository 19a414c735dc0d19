import io
import random
import time

import pytest
from django.utils import timezone

from renfort.accounts.demo import DEMO_PASSWORD
from renfort.booking.slots import haversine_km
from renfort.core.geo import DETOUR_FACTOR
from renfort.core.validators import luhn_valid
from renfort.doctors import demo
from renfort.doctors.models import PLANNABLE_STATUSES, Doctor, DoctorStatus
from renfort.doctors.selectors import zone_centroids
from renfort.sites import demo as sites_demo
from renfort.zoning.selectors import current_zones

pytestmark = pytest.mark.django_db


def test_demo_is_fast_fictitious_spread_and_idempotent():
    sites_demo.generate(rng=random.Random("s"), stdout=io.StringIO())
    start = time.monotonic()
    demo.generate(rng=random.Random("x"), stdout=io.StringIO())
    assert time.monotonic() - start < 10
    doctors = Doctor.objects.select_related("user", "practice_commune")
    assert 290 <= doctors.count() <= 310
    zone_epcis = set(current_zones().values_list("epci_id", flat=True))
    statuses = {s: 0 for s in DoctorStatus.values}
    for d in doctors:
        assert d.last_name.endswith(("-Fictif", "-Fictive"))
        assert d.user.email.endswith("@demo.renfort.example")
        assert luhn_valid(d.rpps) and d.rpps.startswith("1999")
        assert d.practice_commune.epci_id not in zone_epcis
        assert d.departement_id == d.practice_commune.departement_id
        assert d.history.exists()
        statuses[d.status] += 1
    assert sum(statuses[s] for s in PLANNABLE_STATUSES) > doctors.count() / 2
    assert all(statuses[s] for s in DoctorStatus.values if s != DoctorStatus.DRAFT)
    counts = [d.availabilities.count() for d in doctors]
    assert min(counts) >= 3 and max(counts) <= 8
    housing = doctors.filter(wants_housing=True).count()
    assert 0.05 * doctors.count() < housing < 0.3 * doctors.count()
    # A volunteer who names zones names zones within reach (≈ 150 km by road), not a day away.
    centroids = zone_centroids()
    for d in doctors.filter(coverage_mode="zones").prefetch_related("zones"):
        here = (d.practice_commune.latitude, d.practice_commune.longitude)
        for zone in d.zones.all():
            assert haversine_km(*here, *centroids[zone.pk]) * DETOUR_FACTOR <= 150, (d, zone)
    me = Doctor.objects.get(user__email=demo.DEMO_DOCTOR_EMAIL)
    assert me.status == "active" and me.departement_id == "81"
    assert me.user.check_password(DEMO_PASSWORD)
    assert demo.logins() == [(demo.DEMO_DOCTOR_EMAIL, demo.logins()[0][1])]

    out = io.StringIO()
    demo.generate(rng=random.Random("x"), stdout=out)
    assert Doctor.objects.count() == doctors.count() and "0 médecins" in out.getvalue()


def test_demo_history_is_dated_like_the_facts_it_records():
    sites_demo.generate(rng=random.Random("s"), stdout=io.StringIO())
    demo.generate(rng=random.Random("x"), stdout=io.StringIO())
    now = timezone.now()
    doctors = Doctor.objects.prefetch_related("history")
    for doctor in doctors:
        rows = list(doctor.history.all())
        stamps = [row.created_at for row in rows]
        assert stamps == sorted(stamps) and stamps[-1] <= now
        days = {row.to_status: timezone.localdate(row.created_at) for row in rows}
        if doctor.billing_recorded_on:
            assert days[DoctorStatus.BILLING_NUMBER_RECORDED] == doctor.billing_recorded_on
        if doctor.cps_issued_on:
            assert days[DoctorStatus.CPS_ISSUED] == doctor.cps_issued_on
        assert timezone.localdate(doctor.created_at) == days[DoctorStatus.SUBMITTED]
    # A volunteer who names zones names zones within reach (≈ 150 km by road), not a day away.
    centroids = zone_centroids()
    for d in doctors.filter(coverage_mode="zones").prefetch_related("zones"):
        here = (d.practice_commune.latitude, d.practice_commune.longitude)
        for zone in d.zones.all():
            assert haversine_km(*here, *centroids[zone.pk]) * DETOUR_FACTOR <= 150, (d, zone)
    me = Doctor.objects.get(user__email=demo.DEMO_DOCTOR_EMAIL)
    assert len({row.created_at.date() for row in me.history.all()}) > 3
