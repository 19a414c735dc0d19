"""Who may see and act on a volunteer: the territory of the practice, and for an ARS agent the
doctors planned at the sites of its region (read-only)."""

import pytest

from renfort.accounts.models import Role
from renfort.doctors.permissions import can_act_on_doctor, can_view_doctor
from renfort.planning.models import PlanningRun
from renfort.territories.models import Region
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db


def ars_of(code: str):
    return UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code=code))


@pytest.mark.parametrize(
    "status, visible",
    [
        ("proposed", True),
        ("accepted", True),
        ("confirmed", True),
        ("declined", True),
        ("done", True),
        ("cancelled", True),
        ("draft", False),  # a draft without a run of the region is not the region's
    ],
)
def test_an_ars_agent_sees_doctors_with_missions_at_its_sites(status, visible):
    doctor = DoctorFactory(in_landes=True)  # Nouvelle-Aquitaine
    MissionFactory(doctor=doctor, status=status)  # Lacaune, Occitanie
    occitanie = ars_of("76")
    assert can_view_doctor(occitanie, doctor) is visible
    assert not can_act_on_doctor(occitanie, doctor)
    # The doctor's own ARS keeps seeing and acting.
    landes_ars = ars_of("75")
    assert can_view_doctor(landes_ars, doctor) and can_act_on_doctor(landes_ars, doctor)


@pytest.mark.parametrize("run_region, visible", [("76", True), ("75", False), (None, True)])
def test_drafts_count_only_when_they_come_from_a_run_of_the_region(run_region, visible):
    # None: a national run, whose drafts show on every region's planning page.
    doctor = DoctorFactory(in_landes=True)
    run = PlanningRun.objects.create(month="2026-01-01", region_id=run_region)
    MissionFactory(doctor=doctor, draft=True, run=run)
    assert can_view_doctor(ars_of("76"), doctor) is visible


def test_a_mission_elsewhere_does_not_open_the_doctor_to_other_agents():
    doctor = DoctorFactory(in_landes=True)
    MissionFactory(doctor=doctor)  # Occitanie
    assert not can_view_doctor(ars_of("11"), doctor)
    assert not can_view_doctor(UserFactory(role=Role.SITE_MANAGER), doctor)
    assert not can_view_doctor(DoctorFactory().user, doctor)
