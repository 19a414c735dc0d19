"""What doctors and agents read of the onboarding: one description of each step (the CDOM is
emailed at the submission, then acknowledges the file), status emails without noise."""

import html as htmllib

import pytest
from django.urls import reverse

from renfort.accounts.models import Role
from renfort.doctors import services
from renfort.doctors.models import DoctorStatus
from renfort.notifications.models import Notification
from tests.confirmation import confirmation_path
from tests.factories import UserFactory

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db
S = DoctorStatus


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def test_the_confirmed_sign_up_and_the_timeline_tell_the_same_steps(client, signup_data):
    client.post(reverse("doctors:signup"), signup_data())
    response = client.post(confirmation_path("camille.fictive@test.renfort.example"), follow=True)
    page = text(response)
    assert "envoyée au conseil départemental de l'Ordre des médecins, qui va en accuser " in page
    timeline = page.split('id="onboarding-timeline"')[1].split("</ol>")[0]
    assert "Candidature envoyée" in timeline and "Candidature reçue par l'Ordre" in timeline
    assert "Transmise" not in page and "transmettre" not in page
    cdom = Notification.objects.get(kind="doctor_submitted")
    assert "accusez d'abord réception de la candidature" in cdom.body


def test_the_acknowledgement_is_said_by_who_makes_it(client):
    doctor = DoctorFactory(in_landes=True, submitted=True)
    url = reverse("doctors:agent_detail", args=[doctor.pk])
    client.force_login(UserFactory(cdom=True))
    page = text(client.get(url))
    assert "Accuser réception de la candidature" in page and "Transmettre" not in page
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=doctor.departement.region))
    page = text(client.get(url))
    assert "Indiquer que l'Ordre a reçu la candidature" in page and "Transmettre" not in page
    todo = text(client.get(reverse("planning:todo")))
    assert "candidature dont l'Ordre n'a pas encore accusé réception" in todo
    assert "transmettre" not in todo


def test_the_doctor_is_told_the_ordre_received_the_file():
    doctor = DoctorFactory(in_landes=True, submitted=True)
    services.doctor_transition(
        doctor=doctor, actor=UserFactory(cdom=True), to_status=S.CDOM_NOTIFIED
    )
    email = Notification.objects.filter(kind="doctor_status").latest("pk")
    assert "a bien reçu votre candidature : il va enregistrer votre activité" in email.body


def test_status_emails_say_the_status_in_a_sentence_without_renfort_s_notes():
    cpam = UserFactory(cpam=True)
    doctor = DoctorFactory(in_landes=True, status=S.ACTIVITY_RECORDED)
    services.doctor_transition(
        doctor=doctor,
        actor=cpam,
        to_status=S.BILLING_NUMBER_RECORDED,
        billing_number="8112345678",
    )
    email = Notification.objects.filter(kind="doctor_status").latest("pk")
    assert email.subject == "Votre dossier de médecin volontaire : numéro de facturation attribué"
    assert "Motif" not in email.body and email.body.count("8112345678") == 1
    doctor.refresh_from_db()
    assert doctor.history.latest("pk").comment == "Numéro de facturation : 8112345678"
    doctor = DoctorFactory(in_landes=True)
    services.doctor_transition(doctor=doctor, actor=doctor.user, to_status=S.PAUSED)
    email = Notification.objects.filter(kind="doctor_status").latest("pk")
    assert email.subject == "Votre dossier de médecin volontaire : en pause"
    assert "Vous ne recevrez plus de proposition. Pour reprendre, allez dans votre espace." in (
        email.body
    )


def test_the_online_sign_up_note_is_not_emailed_but_a_typed_reason_is(client, signup_data):
    client.post(reverse("doctors:signup"), signup_data())
    client.post(confirmation_path("camille.fictive@test.renfort.example"))
    email = Notification.objects.get(kind="doctor_status")
    assert "Inscription en ligne" not in email.body and "Motif" not in email.body
    assert email.subject == "Votre dossier de médecin volontaire : candidature envoyée"
    doctor = DoctorFactory(in_landes=True, submitted=True)
    services.doctor_transition(
        doctor=doctor,
        actor=UserFactory(cdom=True),
        to_status=S.REFUSED,
        comment="Inscription au tableau non trouvée.",
    )
    email = Notification.objects.filter(kind="doctor_status").latest("pk")
    assert "Motif ou commentaire : Inscription au tableau non trouvée." in email.body


@pytest.mark.parametrize(
    "civility, retired, withdrawn", [("m", "retraité", "Retiré"), ("mme", "retraitée", "Retirée")]
)
def test_practice_and_withdrawal_follow_the_civility(client, civility, retired, withdrawn):
    doctor = DoctorFactory(in_landes=True, civility=civility, practice_status="retired")
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=doctor.departement.region))
    page = text(client.get(reverse("doctors:agent_detail", args=[doctor.pk])))
    assert f"Secteur 1, {retired}" in page and "(e)" not in page
    services.doctor_transition(doctor=doctor, actor=doctor.user, to_status=S.WITHDRAWN)
    email = Notification.objects.filter(kind="doctor_status").latest("pk")
    assert email.subject.endswith(f": {withdrawn.lower()}")
    assert f"Vous vous êtes {withdrawn.lower()} du dispositif" in email.body
    page = text(client.get(reverse("doctors:agent_detail", args=[doctor.pk])))
    assert f'id="doctor-status">{withdrawn}<' in page and "(e)" not in page


def test_a_sign_up_shown_again_asks_for_the_password_again(client, signup_data):
    page = text(client.get(reverse("doctors:signup")))
    assert 'id="password-retype"' not in page
    page = text(client.post(reverse("doctors:signup"), signup_data(rpps="123")))
    assert "Pour votre sécurité, saisissez de nouveau votre mot de passe." in page


def test_histories_name_people_and_their_columns_alike(client):
    doctor = DoctorFactory(in_landes=True, submitted=True)
    cdom = UserFactory(cdom=True, first_name="Claude", last_name="Ordre-Fictif")
    services.doctor_transition(doctor=doctor, actor=cdom, to_status=S.CDOM_NOTIFIED)
    client.force_login(doctor.user)
    page = text(client.get(reverse("doctors:space")))
    history = page.split('id="history-table"')[1].split("</table>")[0]
    assert '<th scope="col">Statut précédent</th><th scope="col">Nouveau statut</th>' in history
    assert "<td>Claude Ordre-Fictif — CDOM Landes (40)</td>" in history  # the organisation too
    assert cdom.email not in history
    nameless = UserFactory(cdom=True, first_name="", last_name="")
    services.doctor_transition(doctor=doctor, actor=nameless, to_status=S.ACTIVITY_RECORDED)
    page = text(client.get(reverse("doctors:space")))
    assert f"<td>{nameless.email} — CDOM Landes (40)</td>" in page  # no name: the address


def test_the_coming_missions_table_does_not_repeat_its_heading(client):
    doctor = DoctorFactory()
    client.force_login(doctor.user)
    page = client.get(reverse("doctors:space")).content.decode()
    assert '<h2 class="fr-h4" id="missions-title">Missions à venir</h2>' in page
    # The caption stays for screen readers, hidden from sight (DSFR « no caption »).
    assert 'class="fr-table fr-table--no-caption" id="missions-table"' in page
    assert "<caption>Missions à venir (proposées, acceptées ou confirmées)</caption>" in page
