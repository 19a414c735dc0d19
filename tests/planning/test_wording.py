"""What doctors, sites and agents read of missions: the doctor's own words for the statuses,
the emails of the mission's life, the planning screen's texts."""

import html as htmllib
from datetime import timedelta

import pytest
from django.urls import reverse

from renfort.accounts.models import Role
from renfort.planning import services
from renfort.planning.models import MissionStatus
from renfort.territories.models import Region
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory

pytestmark = pytest.mark.django_db
M = MissionStatus


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


# --- The doctor's own missions ----------------------------------------------------------------


def test_the_doctor_reads_their_missions_in_their_own_words(client):
    accepted = MissionFactory(status=M.ACCEPTED)
    doctor = accepted.doctor
    proposed = MissionFactory(
        doctor=doctor, status=M.PROPOSED, date=accepted.date + timedelta(days=1)
    )
    client.force_login(doctor.user)
    pages = {
        "missions": text(client.get(reverse("planning:doctor_missions"))),
        "space": text(client.get(reverse("doctors:space"))),
        "detail": text(client.get(reverse("planning:mission_detail", args=[accepted.pk]))),
        "withdraw": text(client.get(reverse("doctors:withdraw"))),
    }
    for name, page in pages.items():
        assert "par le médecin" not in page and "au médecin" not in page, name
    assert "Acceptée — en attente de confirmation du lieu" in pages["missions"]
    assert "À accepter ou décliner" in pages["space"]
    assert "acceptée — en attente de confirmation du lieu" in pages["withdraw"]
    history = pages["detail"].split("Historique de la mission")[1]
    assert "<td>Acceptée</td>" in history
    assert proposed.pk  # listed on the space and the withdrawal page


def test_the_ars_and_the_site_keep_the_third_person(client):
    mission = MissionFactory(status=M.ACCEPTED)
    client.force_login(mission.site.manager)
    page = text(client.get(reverse("planning:mission_detail", args=[mission.pk])))
    assert "Acceptée par le médecin" in page
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76")))
    page = text(client.get(reverse("planning:mission_detail", args=[mission.pk])))
    assert "Acceptée par le médecin" in page and "en attente de confirmation du lieu" not in page


def test_a_second_answer_of_the_doctor_is_told_in_their_words():
    mission = MissionFactory(status=M.PROPOSED)
    services.mission_transition(mission=mission, actor=mission.doctor.user, to_status=M.ACCEPTED)
    site_manager = mission.site.manager
    with pytest.raises(Exception) as exc:
        services.mission_transition(
            mission=mission, actor=mission.doctor.user, to_status=M.ACCEPTED
        )
    assert "« Acceptée — en attente de confirmation du lieu »" in str(exc.value)
    services.mission_transition(mission=mission, actor=site_manager, to_status=M.CONFIRMED)
    with pytest.raises(Exception) as exc:
        services.mission_transition(mission=mission, actor=site_manager, to_status=M.CONFIRMED)
    assert "« Confirmée »" in str(exc.value)
