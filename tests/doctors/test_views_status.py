"""What a volunteer's status shows: the notice's reason, the withdrawal page for a candidate,
and, for an ARS, the volunteers of other regions on mission in its region."""

import html as htmllib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.planning.factories import MissionFactory

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def test_a_typed_reason_ending_with_a_full_stop_gets_no_second_one(client):
    for reason, shown in (
        ("Dossier incomplet.", "Dossier incomplet. "),
        ("Sans point", "Sans point. "),
    ):
        doctor = DoctorFactory(status="refused", status_reason=reason)
        client.force_login(doctor.user)
        page = text(client.get(reverse("doctors:space")))
        assert f"Candidature refusée — {shown}Aucune mission" in page and ".." not in page


def test_a_candidate_is_not_told_to_pause_instead_of_withdrawing(client):
    doctor = DoctorFactory(submitted=True)  # « Mettre en pause » is for active volunteers
    client.force_login(doctor.user)
    page = text(client.get(reverse("doctors:withdraw")))
    assert "Mettre en pause" not in page and "écrire à l'ARS de votre région" in page


def test_the_ars_list_names_the_volunteers_of_other_regions_on_mission_in_its_region(client):
    visitor = DoctorFactory(in_landes=True, last_name="Visiteur-Fictif")  # Nouvelle-Aquitaine
    MissionFactory(doctor=visitor)  # at a site in the Tarn (Occitanie)
    past = DoctorFactory(in_landes=True, last_name="Passe-Fictif")
    MissionFactory(doctor=past, date=timezone.localdate().replace(day=1) - timedelta(days=3))
    DoctorFactory(in_landes=True, last_name="Ailleurs-Fictif")  # no mission in Occitanie
    from renfort.territories.models import Region

    client.force_login(UserFactory(ars=True, region=Region.objects.get(code="76")))
    page = text(client.get(reverse("doctors:agent_list")))
    section = page.split('id="visiting-doctors"')[1].split("</section>")[0]
    assert "Dr " in section and "Visiteur-Fictif" in section
    assert reverse("doctors:agent_detail", args=[visitor.pk]) in section
    assert "Passe-Fictif" not in section and "Ailleurs-Fictif" not in page
    client.force_login(UserFactory(ars=True))  # Nouvelle-Aquitaine: its own volunteer, listed
    assert 'id="visiting-doctors"' not in text(client.get(reverse("doctors:agent_list")))
