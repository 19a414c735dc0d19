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
