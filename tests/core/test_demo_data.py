"""The whole demo, as `make run` loads it: something to try on the day it is loaded."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from renfort.accounts.demo import AGENTS
from renfort.accounts.models import Role, User
from renfort.booking.models import Appointment, Slot
from renfort.core.demo import demo_logins
from renfort.planning.models import Mission, MissionHistory
from renfort.sites.models import OpeningException, Site

pytestmark = pytest.mark.django_db

COUNTED = [User, Site, OpeningException, Mission, MissionHistory, Slot, Appointment]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_demo_data_gives_consultations_around_today_and_is_idempotent(capsys):
    call_command("demo_data")
    first = counts()
    logins = dict(demo_logins())
    today = timezone.localdate()
    doctor_missions = Mission.objects.filter(doctor__user__email="medecin@demo.renfort.example")

    mission = doctor_missions.get(date=today, status="confirmed")
    assert mission.site.manager.email in logins  # a listed demo account confirmed it
    assert mission.site.manager.email.endswith("@demo.renfort.example")
    assert mission.appointments.filter(status="booked").count() >= 5
    past = doctor_missions.get(date__lt=today, status="done")
    assert {"seen", "no_show", "excused"} <= set(past.appointments.values_list("status", flat=True))
    assert doctor_missions.filter(date__gt=today, status="confirmed").get().appointments.exists()
    assert doctor_missions.filter(status="proposed").exists()  # next month's, still to answer

    hdf = User.objects.get(email="ars.hauts-de-france@demo.renfort.example")
    assert hdf.role == Role.ARS_AGENT and hdf.region_id == "32"
    assert "ars.hauts-de-france@demo.renfort.example" in logins
    managers = [e for e in logins if e.startswith("lieu.")]
    for email in managers:  # lieu.<commune>.<postcode>@…, the commune's postcode
        site = Site.objects.select_related("commune").get(manager__email=email)
        assert email.split("@")[0].rsplit(".", 1)[1] == site.commune.main_postcode
    assert "lieu.beaurainville.62990@demo.renfort.example" in logins

    emails = sorted(User.objects.values_list("email", "role"))
    call_command("demo_data")
    assert counts() == first  # a second run creates nothing
    assert sorted(User.objects.values_list("email", "role")) == emails
    assert len(emails) >= len(AGENTS)
    out = capsys.readouterr().out
    assert "mot de passe commun" in out
    for email in ["ars.occitanie", "ars.hauts-de-france", "medecin", mission.site.manager.email]:
        assert email in out
