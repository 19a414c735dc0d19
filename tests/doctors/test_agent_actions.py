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
