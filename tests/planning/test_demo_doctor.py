"""The demo doctor's consultations around the day the demo is generated, whatever that day is
(a weekday the site is closed, a Sunday, a public holiday)."""

import io
import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from renfort.planning import demo_doctor
from renfort.planning.demo import DEMO_DOCTOR_EMAIL
from renfort.planning.models import Mission, MissionStatus
from renfort.sites import opening
from renfort.sites.models import OpeningException
from renfort.sites.selectors import site_closed_reason
from tests.doctors.factories import DoctorFactory
from tests.factories import UserFactory
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int) -> date:
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def next_public_holiday() -> date:
    today = timezone.localdate()
    days = {**opening.public_holidays(today.year), **opening.public_holidays(today.year + 1)}
    return min(d for d in days if d > today)


@pytest.fixture
def doctor():
    return DoctorFactory(user=UserFactory(doctor=True, email=DEMO_DOCTOR_EMAIL))


@pytest.mark.parametrize("day", [next_weekday(6), next_weekday(0), next_public_holiday()])
def test_a_mission_today_whatever_the_day(doctor, day):
    site = SiteFactory(weekdays=[1, 3])  # Tuesday and Thursday only
    out = io.StringIO()
    demo_doctor.generate(rng=random.Random(1), stdout=out, today=day)
    missions = demo_doctor.demo_doctor_missions()
    assert set(missions) == {"past", "today", "coming"}
    assert missions["today"].date == day and missions["today"].period == "full"
    assert missions["past"].date < day < missions["coming"].date
    for mission in missions.values():
        assert mission.doctor == doctor and mission.site == site
        assert mission.status == MissionStatus.CONFIRMED
        assert not site_closed_reason(site, mission.date, mission.period)
        assert [h.to_status for h in mission.history.order_by("pk")] == [
            "proposed",
            "accepted",
            "confirmed",
        ]
    # The site is closed that day: its manager's exceptional opening, through the service.
    exception = OpeningException.objects.get(site=site)
    assert exception.kind == "open" and exception.start_date == exception.end_date == day
    # Within the doctor's 2 days a month.
    by_month = {}
    for mission in missions.values():
        key = (mission.date.year, mission.date.month)
        by_month[key] = by_month.get(key, 0) + mission.days
    assert max(by_month.values()) <= doctor.max_days_per_month
    assert "missions confirmées" in out.getvalue()
    assert demo_doctor.logins() == [
        (site.manager.email, f"Gestionnaire — {site.name} (missions du médecin de démonstration)")
    ]


def test_a_site_open_today_needs_no_exception_and_a_second_run_adds_nothing(doctor):
    site = SiteFactory(weekdays=range(7), open_on_public_holidays=True)
    demo_doctor.generate(rng=random.Random(1), stdout=io.StringIO())
    assert Mission.objects.count() == 3 and not OpeningException.objects.exists()
    demo_doctor.generate(rng=random.Random(1), stdout=io.StringIO())
    assert Mission.objects.count() == 3 and not site.opening_exceptions.exists()


def test_the_nearest_site_is_chosen_and_nothing_without_the_demo_doctor():
    demo_doctor.generate(rng=random.Random(1), stdout=io.StringIO())  # no doctor: harmless
    far = SiteFactory(in_landes=True)
    near = SiteFactory()  # Lacaune, about an hour from Albi
    doctor = DoctorFactory(user=UserFactory(doctor=True, email=DEMO_DOCTOR_EMAIL))
    assert demo_doctor.demo_doctor_site(doctor) == near != far
    assert not Mission.objects.exists()
