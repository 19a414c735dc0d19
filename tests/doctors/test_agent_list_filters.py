"""The agents' lists of volunteers and sites: filters the lists never offer are refused in
French, the CDOM's and CPAM's landing list is the same on its page 2 and in its exports, the
labels keep their acronyms, exports are named after what they hold, and a volunteer's phone
and email are shown only to the agents of their territory."""

import html as htmllib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.doctors.models import DoctorStatus
from renfort.territories.models import Region
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db


def occitanie_ars():
    return UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("url_name", "params", "message"),
    [
        ("doctors:agent_list", {"status": "bogus"}, "Statut inconnu"),
        ("doctors:export", {"status": "bogus"}, "Statut inconnu"),
        ("doctors:agent_list", {"sector": "secteur_9"}, "Secteur inconnu"),
        ("doctors:agent_list", {"zone": "abc"}, "Zone inconnue"),
        ("doctors:agent_list", {"region": "76", "departement": "40"}, "pas dans la région"),
        ("doctors:export", {"region": "76", "departement": "40"}, "pas dans la région"),
        ("sites:agent_list", {"status": "bogus"}, "Statut inconnu"),
        ("sites:agent_list", {"kind": "chateau"}, "Type de lieu inconnu"),
        ("sites:export", {"kind": "chateau"}, "Type de lieu inconnu"),
        ("sites:agent_list", {"region": "76", "departement": "40"}, "pas dans la région"),
    ],
)
def test_a_filter_the_list_never_offers_is_refused_in_french(client, url_name, params, message):
    client.force_login(UserFactory(national=True))
    response = client.get(reverse(url_name), params)
    assert response.status_code == 400
    assert message in text(response)


def test_consistent_filters_are_still_accepted(client):
    DoctorFactory(last_name="Tarn-Fictif")  # Occitanie
    client.force_login(UserFactory(national=True))
    url = reverse("doctors:agent_list")
    assert "Tarn-Fictif" in text(client.get(url, {"region": "76", "departement": "81"}))
    for status in ("active", "a_traiter", ""):
        assert client.get(url, {"status": status}).status_code == 200
    assert client.get(reverse("sites:agent_list"), {"kind": "", "status": ""}).status_code == 200


def test_the_landing_list_is_the_same_on_its_page_2_and_in_every_export_format(client):
    for n in range(52):
        DoctorFactory(in_landes=True, last_name=f"Attente{n:02d}-Fictif", submitted=True)
    DoctorFactory(in_landes=True, last_name="Actif-Fictif")
    client.force_login(UserFactory(cdom=True))  # lands on the 52 files waiting for the Ordre
    url = reverse("doctors:agent_list")
    assert client.get(url).context["count"] == 52
    second = client.get(url, {"page": 2})
    assert second.context["count"] == 52 and len(second.context["rows"]) == 2
    bare = text(client.get(reverse("doctors:export")))
    xlsx = client.get(reverse("doctors:export"), {"format": "xlsx"})
    assert "Actif-Fictif" not in bare and bare.count("Attente") == 52
    assert b"Actif-Fictif" not in xlsx.content


def test_status_labels_keep_their_acronyms_and_proper_nouns(client):
    DoctorFactory(status=DoctorStatus.CPS_ISSUED)
    client.force_login(UserFactory(national=True))
    url = reverse("doctors:agent_list")
    page = text(client.get(url, {"status": "cps_issued"}))
    assert "— nouvelle carte CPS émise — Renfort ·" in page
    page = text(client.get(url, {"status": "activity_recorded"}))
    assert "— activité enregistrée par l'Ordre — Renfort ·" in page


def test_a_visiting_volunteers_status_keeps_its_acronym(client):
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.CPS_ISSUED)  # Nouvelle-Aquitaine
    MissionFactory(doctor=doctor, proposed=True)  # at a site in Occitanie
    client.force_login(occitanie_ars())
    page = text(client.get(reverse("doctors:agent_list")))
    assert f"Dr {doctor.full_name}" in page and "nouvelle carte CPS émise" in page


def test_exports_are_named_after_their_territory_and_day(client):
    today = f"{timezone.localdate():%Y-%m-%d}"
    client.force_login(UserFactory(ars=True))
    disposition = client.get(reverse("doctors:export"))["Content-Disposition"]
    assert disposition == (
        f'attachment; filename="medecins-volontaires-region-nouvelle-aquitaine-{today}.csv"'
    )
    response = client.get(reverse("sites:export"), {"departement": "40", "format": "xlsx"})
    assert response["Content-Disposition"] == (
        f'attachment; filename="lieux-d-accueil-departement-landes-40-{today}.xlsx"'
    )
    client.force_login(UserFactory(national=True))
    disposition = client.get(reverse("doctors:export"))["Content-Disposition"]
    assert f"medecins-volontaires-france-entiere-{today}.csv" in disposition


def test_phone_and_email_only_to_the_agents_of_the_volunteers_territory(client):
    doctor = DoctorFactory(in_landes=True)  # practises in Nouvelle-Aquitaine
    MissionFactory(doctor=doctor, proposed=True)  # planned in Occitanie
    url = reverse("doctors:agent_detail", args=[doctor.pk])
    contact = re.compile(r"<dt>Contact</dt>")
    for agent in (UserFactory(ars=True), UserFactory(cdom=True), UserFactory(cpam=True)):
        client.force_login(agent)
        page = text(client.get(url))
        assert contact.search(page) and doctor.user.email in page, agent.role
    for agent in (occitanie_ars(), UserFactory(national=True)):
        client.force_login(agent)
        response = client.get(url)
        assert response.status_code == 200  # the file, read-only
        page = text(response)
        assert not contact.search(page) and doctor.user.email not in page, agent.role
