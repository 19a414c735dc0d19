import pytest
from django.db import IntegrityError, transaction

from tests.planning.factories import MissionFactory

pytestmark = pytest.mark.django_db


def test_a_doctor_holds_one_mission_per_day():
    mission = MissionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MissionFactory(doctor=mission.doctor, date=mission.date, status="proposed")


def test_declined_and_cancelled_missions_free_the_day():
    mission = MissionFactory(status="declined")
    MissionFactory(doctor=mission.doctor, date=mission.date, status="cancelled")
    again = MissionFactory(doctor=mission.doctor, date=mission.date, status="proposed")
    assert again.days == 1.0
