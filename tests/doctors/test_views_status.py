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


def test_a_pause_the_ars_decided_is_lifted_by_the_ars_only(
    client, django_capture_on_commit_callbacks
):
    """« Suspension le temps de vérifier l'assurance » : the doctor alone cannot resume (no
    button, a refusal if posted); the email says who will; the ARS resumes. A pause the doctor
    chose, the doctor lifts."""
    from django.core.exceptions import ValidationError

    from renfort.doctors.models import Doctor
    from renfort.doctors.services import doctor_transition
    from renfort.notifications.models import Notification

    doctor = DoctorFactory(in_landes=True)
    ars = UserFactory(ars=True)
    with django_capture_on_commit_callbacks(execute=True):
        doctor_transition(
            doctor=doctor, actor=ars, to_status="paused", comment="Vérification de l'assurance RCP"
        )
    body = Notification.objects.filter(kind="doctor_status").latest("pk").body
    assert "Pour reprendre, allez dans votre espace" not in body
    assert "c'est elle qui la reprendra" in body
    client.force_login(doctor.user)
    page = htmllib.unescape(client.get(reverse("doctors:space")).content.decode())
    assert "Reprendre mes missions" not in page and 'id="paused-by-agent"' in page
    client.post(reverse("doctors:space_transition"), {"to_status": "active"})
    assert Doctor.objects.get(pk=doctor.pk).status == "paused"
    with pytest.raises(ValidationError) as refused:
        doctor_transition(doctor=doctor, actor=doctor.user, to_status="active")
    assert refused.value.code == "paused_by_agent"
    doctor_transition(doctor=doctor, actor=ars, to_status="active")
    assert Doctor.objects.get(pk=doctor.pk).status == "active"
    # Paused by the doctor: the doctor resumes.
    doctor_transition(doctor=doctor, actor=doctor.user, to_status="paused", comment="Congés")
    page = htmllib.unescape(client.get(reverse("doctors:space")).content.decode())
    assert "Reprendre mes missions" in page and 'id="paused-by-agent"' not in page
    doctor_transition(doctor=doctor, actor=doctor.user, to_status="active")
    assert Doctor.objects.get(pk=doctor.pk).status == "active"


def test_a_refusal_email_says_who_refused(django_capture_on_commit_callbacks):
    from renfort.doctors.services import doctor_transition
    from renfort.notifications.models import Notification

    doctor = DoctorFactory(in_landes=True, submitted=True)
    cdom = UserFactory(cdom=True)
    with django_capture_on_commit_callbacks(execute=True):
        doctor_transition(
            doctor=doctor, actor=cdom, to_status="refused", comment="Inscription introuvable"
        )
    body = Notification.objects.filter(kind="doctor_status").latest("pk").body
    assert "Ce refus vient du conseil départemental de l'Ordre des médecins (Landes)" in body
    assert "contactez l'ARS" not in body


def test_the_agents_list_title_names_the_filter_and_national_to_do_is_the_ars(client):
    """DGOS takes no step: its « to do » filter reads « à traiter par les ARS »; a region or
    a département chosen in the filters names the page."""
    from renfort.territories.models import Region

    client.force_login(UserFactory(national=True))
    url = reverse("doctors:agent_list")
    page = htmllib.unescape(client.get(url, {"status": "a_traiter"}).content.decode())
    assert "<title>Médecins volontaires — France entière — à traiter par les ARS" in page
    assert "À traiter par vous" not in page and "revient aux ARS" in page
    page = htmllib.unescape(client.get(url, {"region": "76"}).content.decode())
    assert "<title>Médecins volontaires — Région Occitanie" in page
    client.force_login(UserFactory(ars=True, region=Region.objects.get(code="76")))
    page = htmllib.unescape(client.get(url, {"departement": "81"}).content.decode())
    assert "<title>Médecins volontaires — Département Tarn (81)" in page
    page = htmllib.unescape(client.get(url, {"status": "a_traiter"}).content.decode())
    assert "à traiter par vous" in page


def test_a_woman_volunteer_reads_active_in_the_feminine_everywhere(client):
    doctor = DoctorFactory(civility="mme")
    client.force_login(doctor.user)
    page = htmllib.unescape(client.get(reverse("doctors:space")).content.decode())
    timeline = page.split('id="onboarding-timeline"')[1].split("</ol>")[0]
    assert "Volontaire active" in timeline and "Volontaire actif<" not in timeline


def test_agents_find_a_volunteer_by_name_or_rpps_and_export_the_same(client):
    from renfort.territories.models import Region

    found = DoctorFactory(last_name="Cherchée-Fictive", first_name="Lou", submitted=True)
    other = DoctorFactory(last_name="Autre-Fictif", submitted=True)
    client.force_login(UserFactory(ars=True, region=Region.objects.get(code="76")))
    url = reverse("doctors:agent_list")
    for typed in ("cherchée", "lou CHERCHÉE", found.rpps):
        page = htmllib.unescape(client.get(url, {"q": typed}).content.decode())
        rows = page.split("<tbody>")[-1].split("</tbody>")[0]
        assert found.last_name in rows and other.last_name not in rows, typed
    page = htmllib.unescape(client.get(url, {"q": "cherchée"}).content.decode())
    assert 'value="cherchée"' in page and "q=cherch%C3%A9e" in page  # kept, and in the export
    exported = client.get(reverse("doctors:export"), {"q": "cherchée", "format": "csv"})
    text = exported.content.decode("utf-8-sig")
    assert found.last_name.upper() in text.upper() and other.last_name.upper() not in text.upper()


def test_the_cdom_hears_when_a_file_it_had_to_record_is_closed(django_capture_on_commit_callbacks):
    """Refused by the ARS or withdrawn by the doctor while waiting for the Ordre: the CDOM is
    told there is nothing left to do; the agent who closed it is not emailed about it."""
    from renfort.doctors.services import doctor_transition
    from renfort.notifications.models import Notification

    cdom = UserFactory(cdom=True)
    refused = DoctorFactory(in_landes=True, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        doctor_transition(
            doctor=refused,
            actor=UserFactory(ars=True),
            to_status="refused",
            comment="Hors du périmètre du dispositif",
        )
    mail = Notification.objects.get(kind="doctor_closed_agents")
    assert mail.recipient == cdom.email
    assert "Sa candidature a été refusée par l'ARS." in mail.body
    assert "inutile d'enregistrer son activité" in mail.body
    withdrawn = DoctorFactory(in_landes=True, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        doctor_transition(doctor=withdrawn, actor=withdrawn.user, to_status="withdrawn")
    assert Notification.objects.filter(kind="doctor_closed_agents").count() == 2
    # Refused by the CDOM itself: nobody else had it to handle, no such email.
    own = DoctorFactory(in_landes=True, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        doctor_transition(doctor=own, actor=cdom, to_status="refused", comment="Non inscrit")
    assert Notification.objects.filter(kind="doctor_closed_agents").count() == 2
