import io
import random

import pytest
from django.utils import timezone

from renfort.booking import demo_doctor
from renfort.booking.models import Appointment
from renfort.planning import demo_doctor as planning_demo_doctor
from renfort.planning.demo import DEMO_DOCTOR_EMAIL
from renfort.planning.models import MissionStatus
from tests.doctors.factories import DoctorFactory
from tests.factories import UserFactory
from tests.sites.factories import open_every_day_site

pytestmark = pytest.mark.django_db


def test_the_demo_doctor_sees_patients_today_and_a_past_consultation_marked():
    DoctorFactory(user=UserFactory(doctor=True, email=DEMO_DOCTOR_EMAIL))
    open_every_day_site()
    planning_demo_doctor.generate(rng=random.Random(1), stdout=io.StringIO())
    out = io.StringIO()
    demo_doctor.generate(rng=random.Random(1), stdout=out)
    missions = planning_demo_doctor.demo_doctor_missions()
    today = missions["today"].appointments.order_by("start")
    assert today.count() == len(demo_doctor.BOOKED["today"]) >= 5
    assert {a.status for a in today} == {"booked"}
    assert missions["today"].date == timezone.localdate()
    coming = missions["coming"].appointments.all()
    assert coming.count() == len(demo_doctor.BOOKED["coming"])
    assert {a.status for a in coming} == {"booked"}
    past = missions["past"]
    assert past.status == MissionStatus.DONE
    assert sorted(past.appointments.values_list("status", flat=True)) == sorted(
        [*demo_doctor.PAST_MARKS, "seen"]  # and the walk-in patient, seen
    )
    (walk_in,) = past.appointments.filter(walk_in=True)
    assert (walk_in.first_name, walk_in.last_name) == demo_doctor.WALK_IN
    assert walk_in.status == "seen" and not walk_in.email and not walk_in.phone
    everyone = list(Appointment.objects.all())
    assert all(a.last_name.endswith(("-Fictif", "-Fictive")) for a in everyone)
    assert len({(a.last_name, a.first_name) for a in everyone}) == len(everyone)
    booked = [a for a in everyone if not a.walk_in]
    assert all(a.email.endswith("@demo.renfort.example") for a in booked)
    assert all(a.slot_id for a in booked)  # booked slots laid by the booking service
    total = len(booked)
    assert f"{total} rendez-vous fictifs" in out.getvalue()
    demo_doctor.generate(rng=random.Random(1), stdout=io.StringIO())
    assert Appointment.objects.count() == len(everyone)
