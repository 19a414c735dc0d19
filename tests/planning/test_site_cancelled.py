"""A site keeps a trace of its coming missions that were cancelled after publication: who
cancelled, why, and the patients whose appointments went with them."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse

from renfort.planning import services
from renfort.planning.models import MissionStatus as M
from tests.booking.factories import book, free_slot, mission_with_slots
from tests.planning.factories import MissionFactory

pytestmark = pytest.mark.django_db


def cancel_by_its_doctor(mission) -> None:
    services.mission_transition(
        mission=mission,
        actor=mission.doctor.user,
        to_status=M.CANCELLED,
        comment="Empêchement familial",
        from_status=M.CONFIRMED,
    )


def test_the_site_sees_who_cancelled_why_and_the_patients_told(client):
    mission = mission_with_slots()
    patient = book(free_slot(mission), last_name="Essai-Fictive", first_name="Paulette")
    cancel_by_its_doctor(mission)
    client.force_login(mission.site.manager)
    page = html.unescape(client.get(reverse("planning:site_missions")).content.decode())
    section = page.split('id="cancelled-missions"')[1].split("</section>")[0]
    assert f"Dr {mission.doctor.full_name} — annulée par le médecin" in section
    assert "(motif : Empêchement familial)" in section and "1 patient prévenu" in section
    assert "Paulette Essai-Fictive" in section and patient.phone_display in section


def test_a_proposal_removed_before_publication_is_not_a_cancellation_for_the_site(client):
    from renfort.accounts.models import Role
    from renfort.territories.models import Region
    from tests.factories import UserFactory

    mission = MissionFactory(draft=True)
    ars = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))
    services.mission_remove(mission=mission, actor=ars)
    mission.refresh_from_db()
    assert mission.status == M.CANCELLED  # the site never heard of it
    client.force_login(mission.site.manager)
    page = client.get(reverse("planning:site_missions")).content.decode()
    assert 'id="cancelled-missions"' not in page


def test_another_sites_cancellations_are_not_shown(client):
    mission = mission_with_slots()
    book(free_slot(mission), last_name="Autre-Fictive")
    cancel_by_its_doctor(mission)
    other = mission_with_slots(date=mission.date + timedelta(days=1))  # nobody booked
    cancel_by_its_doctor(other)
    client.force_login(other.site.manager)
    page = client.get(reverse("planning:site_missions")).content.decode()
    assert "Autre-Fictive" not in page
    section = html.unescape(page.split('id="cancelled-missions"')[1].split("</section>")[0])
    assert "aucun rendez-vous n'était pris" in section and "0 patient" not in section
