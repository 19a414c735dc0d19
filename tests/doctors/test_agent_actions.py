"""The agents' workflow forms on a doctor's file: a refusal about what was typed (billing
number, reason) shows the field's French message with the text kept."""

import html as htmllib

import pytest
from django.urls import reverse

from renfort.doctors.models import DoctorStatus
from tests.factories import UserFactory

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db


def _post(client, doctor, **data):
    url = reverse("doctors:agent_transition", args=[doctor.pk])
    return client.post(url, {"from_status": doctor.status, **data})


def test_a_billing_number_over_30_characters_gives_the_rule_and_keeps_the_value(client):
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.ACTIVITY_RECORDED)
    client.force_login(UserFactory(cpam=True))
    typed = "4001234" * 5  # 35 characters
    response = _post(client, doctor, to_status="billing_number_recorded", billing_number=typed)
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Action inconnue" not in page
    assert "4 à 20 chiffres ou lettres" in page and 'class="fr-error-text"' in page
    assert f'value="{typed}"' in page and 'aria-invalid="true"' in page
    doctor.refresh_from_db()
    assert doctor.status == DoctorStatus.ACTIVITY_RECORDED and not doctor.billing_number


def test_a_billing_number_refused_by_the_service_keeps_the_value(client):
    DoctorFactory(in_landes=True, billing_number="4001234")
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.ACTIVITY_RECORDED)
    client.force_login(UserFactory(cpam=True))
    for typed, message in (("12!", "4 à 20 chiffres ou lettres"), ("4001234", "déjà attribué")):
        response = _post(client, doctor, to_status="billing_number_recorded", billing_number=typed)
        page = htmllib.unescape(response.content.decode())
        assert response.status_code == 400 and message in page
        assert f'value="{typed}"' in page


def test_a_refusal_reason_too_long_or_too_short_is_shown_on_the_field_with_the_text(client):
    doctor = DoctorFactory(in_landes=True, submitted=True)
    client.force_login(UserFactory(cdom=True))
    for typed, message in (("x" * 1001, "1\u202f000 caractères"), ("Non", "au moins 5")):
        response = _post(client, doctor, to_status="refused", comment=typed)
        page = htmllib.unescape(response.content.decode())
        assert response.status_code == 400 and message in page, message
        assert f">{typed}</textarea>" in page
    doctor.refresh_from_db()
    assert doctor.status == DoctorStatus.SUBMITTED


def test_a_forged_status_still_gives_the_generic_refusal(client):
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.ACTIVITY_RECORDED)
    client.force_login(UserFactory(cpam=True))
    response = _post(client, doctor, to_status="", billing_number="4001234")
    assert response.status_code == 302
    page = htmllib.unescape(client.get(response.url).content.decode())
    assert "Action inconnue." in page


# --- The status banner (doctor's space and agent's file) -----------------------------------

BANNERS = {
    "submitted": "dès que l'Ordre aura enregistré l'activité",
    "cdom_notified": "dès que l'Ordre aura enregistré l'activité",
    "activity_recorded": "Prochaine étape : le numéro de facturation",
    "billing_number_recorded": "Nouvelle carte CPS attendue vers le 28/12/2026",
    "cps_issued": "Nouvelle carte CPS émise le 07/12/2026 : des missions peuvent être proposées",
    "active": "Des propositions de mission peuvent être faites.",
    "paused": "Aucune nouvelle mission n'est proposée pendant la pause",
    "withdrawn": "Aucune mission n'est proposée dans cet état.",
    "refused": "Aucune mission n'est proposée dans cet état.",
}


def _banner(page: str) -> str:
    start = page.index('class="fr-alert fr-alert--')
    return htmllib.unescape(page[start : page.index("</div>", start)])


@pytest.mark.parametrize("status", list(BANNERS))
def test_each_status_has_its_own_banner_in_the_space_and_the_file(client, status):
    from datetime import date

    doctor = DoctorFactory(in_landes=True, status=status)
    if status in ("billing_number_recorded", "cps_issued", "active"):
        doctor.billing_recorded_on = date(2026, 12, 7)
    if status in ("cps_issued", "active"):
        doctor.cps_issued_on = date(2026, 12, 7)
    doctor.save()
    pages = []
    client.force_login(doctor.user)
    pages.append(client.get(reverse("doctors:space")).content.decode())
    client.force_login(UserFactory(cpam=True))
    pages.append(client.get(reverse("doctors:agent_detail", args=[doctor.pk])).content.decode())
    for page in pages:
        banner = _banner(page)
        assert BANNERS[status] in banner, banner
        if status in ("cps_issued", "active"):
            assert "avant l'arrivée de la nouvelle carte CPS" not in banner
            assert "attendue" not in banner


def test_a_pause_the_ars_imposes_says_why(client):
    """The volunteer cannot lift it: the ARS writes the reason, which the email gives."""
    from renfort.notifications.models import Notification

    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.ACTIVE)
    client.force_login(UserFactory(ars=True))
    page = client.get(reverse("doctors:agent_detail", args=[doctor.pk])).content.decode()
    assert 'id="comment-paused"' in page
    response = _post(client, doctor, to_status="paused", comment="")
    assert response.status_code == 400  # the file again, the error on the field
    assert "Indiquez le motif (au moins 5 caractères)." in htmllib.unescape(response.text)
    assert DoctorFactory._meta.model.objects.get(pk=doctor.pk).status == "active"
    _post(client, doctor, to_status="paused", comment="Assurance à mettre à jour")
    assert DoctorFactory._meta.model.objects.get(pk=doctor.pk).status == "paused"
    body = Notification.objects.get(kind="doctor_status", recipient=doctor.user.email).body
    assert "Motif ou commentaire : Assurance à mettre à jour" in body
    assert "L'ARS a mis votre participation en pause pour le motif ci-dessus" in body


def test_the_ars_hears_when_a_volunteer_pauses_or_leaves_by_themselves(client):
    """Only for a volunteer it could plan (not a candidate: the CDOM or CPAM hear of those),
    and not when the ARS itself did it."""
    from renfort.doctors.services import doctor_transition
    from renfort.notifications.models import Notification

    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.ACTIVE)
    agent = UserFactory(ars=True)
    doctor_transition(doctor=doctor, actor=doctor.user, to_status="paused")
    (told,) = Notification.objects.filter(kind="doctor_left_ars")
    assert told.recipient == agent.email
    assert "a mis sa participation en pause" in told.body
    assert f"/medecins/agents/{doctor.pk}/" in told.body
    doctor_transition(doctor=doctor, actor=doctor.user, to_status="active")
    doctor_transition(doctor=doctor, actor=agent, to_status="paused", comment="Assurance à revoir")
    assert Notification.objects.filter(kind="doctor_left_ars").count() == 1
    candidate = DoctorFactory(in_landes=True, status=DoctorStatus.SUBMITTED)
    doctor_transition(doctor=candidate, actor=candidate.user, to_status="withdrawn")
    assert Notification.objects.filter(kind="doctor_left_ars").count() == 1
