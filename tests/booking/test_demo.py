import io
import random
from datetime import timedelta

import pytest

from renfort.booking import demo
from renfort.booking.models import Appointment, Slot
from tests.planning.factories import MissionFactory

pytestmark = pytest.mark.django_db


def test_demo_generates_slots_and_fictitious_appointments_idempotently():
    first = MissionFactory()
    MissionFactory(site=first.site, date=first.date + timedelta(days=1))
    out = io.StringIO()
    demo.generate(rng=random.Random("x"), stdout=out)
    assert Slot.objects.count() == 42
    appointments = list(Appointment.objects.all())
    assert len(appointments) == demo.DEMO_APPOINTMENTS
    assert all(a.last_name == "Patient Fictif" for a in appointments)
    assert all(a.email.endswith("@demo.renfort.example") for a in appointments)
    assert "42 créneaux générés, 8 rendez-vous fictifs" in out.getvalue()
    again = io.StringIO()
    demo.generate(rng=random.Random("x"), stdout=again)
    assert Appointment.objects.count() == demo.DEMO_APPOINTMENTS
    assert "0 créneaux générés, 0 rendez-vous fictifs" in again.getvalue()


def test_demo_without_missions_is_harmless():
    out = io.StringIO()
    demo.generate(rng=random.Random("x"), stdout=out)
    assert not Appointment.objects.exists()
