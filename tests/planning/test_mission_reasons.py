"""A mission's reason (declined, cancelled, withdrawn) holds in MISSION_REASON_LIMIT characters
on the server, whatever the path; a refused reason is shown again with its text."""

import html as htmllib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from renfort.accounts.models import Role
from renfort.doctors.models import DoctorStatus
from renfort.doctors.services import doctor_transition
from renfort.planning import services
from renfort.planning.models import MISSION_REASON_LIMIT, MissionStatus
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory

pytestmark = pytest.mark.django_db
M = MissionStatus
TOO_LONG = "Indisponible ce jour-là. " * 25  # 625 characters


def test_the_limit_is_500():
    assert MISSION_REASON_LIMIT == 500 and len(TOO_LONG) > 500


def test_the_service_refuses_a_reason_over_the_limit_for_each_role():
    mission = MissionFactory(proposed=True)
    with pytest.raises(ValidationError, match="500 caractères"):
        services.mission_transition(
            mission=mission, actor=mission.doctor.user, to_status=M.DECLINED, comment=TOO_LONG
        )
    mission.refresh_from_db()
    assert mission.status == M.PROPOSED and not mission.status_reason
    confirmed = MissionFactory()
    manager = confirmed.site.manager
    with pytest.raises(ValidationError, match="500 caractères"):
        services.mission_transition(
            mission=confirmed, actor=manager, to_status=M.CANCELLED, comment=TOO_LONG
        )
    services.mission_transition(
        mission=confirmed, actor=manager, to_status=M.CANCELLED, comment="x" * 500
    )
    confirmed.refresh_from_db()
    assert confirmed.status == M.CANCELLED and len(confirmed.status_reason) == 500


def test_a_withdrawal_reason_over_the_limit_cancels_nothing():
    mission = MissionFactory()
    doctor = mission.doctor
    with pytest.raises(ValidationError, match="500 caractères"):
        doctor_transition(
            doctor=doctor, actor=doctor.user, to_status=DoctorStatus.WITHDRAWN, comment=TOO_LONG
        )
    doctor.refresh_from_db()
    mission.refresh_from_db()
    assert doctor.status != DoctorStatus.WITHDRAWN and mission.status == M.CONFIRMED


@pytest.mark.parametrize("who", ["doctor", "site", "ars"])
def test_a_reason_too_long_is_shown_again_on_the_mission_page(client, who):
    mission = MissionFactory(proposed=who == "doctor")
    user = {
        "doctor": lambda: mission.doctor.user,
        "site": lambda: mission.site.manager,
        "ars": lambda: UserFactory(role=Role.ARS_AGENT, region=mission.site.region),
    }[who]()
    client.force_login(user)
    to = M.DECLINED if who == "doctor" else M.CANCELLED
    response = client.post(
        reverse("planning:mission_transition", args=[mission.pk]),
        {"to_status": to, "from_status": mission.status, "comment": TOO_LONG},
    )
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 400
    assert "500 caractères (il en a 625)" in page and 'class="fr-error-text"' in page
    assert f'value="{TOO_LONG}"' in page and 'maxlength="500"' in page
    mission.refresh_from_db()
    assert mission.status != to


def test_the_doctor_withdrawal_page_keeps_a_reason_too_long(client):
    doctor = MissionFactory().doctor
    client.force_login(doctor.user)
    response = client.post(
        reverse("doctors:withdraw"), {"from_status": doctor.status, "comment": TOO_LONG}
    )
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 400 and "500 caractères" in page
    assert f">{TOO_LONG}</textarea>" in page
    doctor.refresh_from_db()
    assert doctor.status != DoctorStatus.WITHDRAWN
