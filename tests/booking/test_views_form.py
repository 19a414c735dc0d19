"""The booking form's warnings and errors: a slot less than an hour ahead, the consent box,
the error summary; and the secret page after the cut-off."""

import html as htmllib
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Appointment, Slot

from .factories import book, free_slot, mission_with_slots, patient_data, slots_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return mission_with_slots()


def test_a_slot_within_the_cut_off_is_announced_before_and_after_booking(client, mission):
    """Less than an hour ahead, a slot can still be booked but no longer cancelled online:
    the form says so, and the confirmation points to the site's phone, not to a button."""
    slot, later = free_slot(mission), slots_of(mission, status="available")[-1]
    soon = timezone.now() + timedelta(minutes=30)
    Slot.objects.filter(pk=slot.pk).update(start=soon, end=soon + timedelta(minutes=20))
    url = reverse("booking:book", args=[slot.pk])
    page = htmllib.unescape(client.get(url).text)
    assert 'id="late-slot"' in page
    assert "commence dans moins d'une heure : une fois réservé, il ne pourra plus" in page
    assert 'id="late-slot"' not in client.get(reverse("booking:book", args=[later.pk])).text
    data = {**patient_data(email="dominique@exemple.fr"), "token": str(uuid.uuid4())}
    page = htmllib.unescape(client.post(url, data, follow=True).text)
    assert (
        "Si ce n'est pas votre adresse ou votre numéro, appelez le lieu de consultation au "
        "05 63 00 00 00." in page
    )
    assert "ci-dessous" not in page and 'id="cancel-button"' not in page
    assert "pour l'annuler ou le déplacer, appelez le lieu" in page


def test_the_error_summary_puts_no_colon_after_a_question(client, mission):
    url = reverse("booking:book", args=[free_slot(mission).pk])
    data = {**patient_data(), "token": str(uuid.uuid4())}
    data.pop("has_medecin_traitant")
    data["last_name"] = ""
    summary = htmllib.unescape(client.post(url, data).text).split('id="error-summary"')[1]
    assert "Avez-vous un médecin traitant ? Indiquez si vous avez un médecin traitant." in summary
    assert "? :" not in summary and "Nom : Indiquez votre nom." in summary


def test_the_consent_box_is_marked_required_like_the_other_fields(client, mission):
    page = client.get(reverse("booking:book", args=[free_slot(mission).pk])).content.decode()
    label = page.split('for="id_consent"')[1].split("</label>")[0]
    assert 'class="fr-required-marker"' in label
    data = {**patient_data(), "token": str(uuid.uuid4())}
    data.pop("consent")
    refused = htmllib.unescape(
        client.post(reverse("booking:book", args=[free_slot(mission).pk]), data).text
    )
    assert refused.count("Cochez la case pour accepter le traitement de vos données") == 2
    assert not Appointment.objects.exists()  # the summary's line and the field's


def test_secret_page_after_the_cut_off_has_no_cancel_button(client, mission):
    appointment = book(free_slot(mission))
    Appointment.objects.filter(pk=appointment.pk).update(
        start=timezone.now() + timedelta(minutes=30)
    )
    text = htmllib.unescape(client.get(reverse("booking:manage", args=[appointment.secret])).text)
    assert 'id="cancel-button"' not in text and "moins d'une heure" in text


def test_hostile_lengths_and_values_get_one_worded_error_each(client, mission):
    """A 10 000-character email is « too long », not also « give a phone or an email »; a
    tampered answer and a long name are worded for people, not Django's generic texts."""
    url = reverse("booking:book", args=[free_slot(mission).pk])
    data = {
        **patient_data(phone="", email="a" * 9990 + "@exemple.fr"),
        "token": str(uuid.uuid4()),
        "first_name": "Dominique" * 20,
        "has_medecin_traitant": "peut-etre",
    }
    page = htmllib.unescape(client.post(url, data).text)
    summary = page.split('id="error-summary"')[1].split("</ul>")[0]
    assert "au moins l'un des deux" not in page
    assert "Adresse électronique : Ce texte est trop long : 254 caractères au plus." in summary
    assert "Prénom : Ce texte est trop long : 100 caractères au plus." in summary
    assert "Choisissez une des réponses proposées." in summary
    assert "Assurez-vous" not in page and "Sélectionnez un choix valide" not in page
    assert not Appointment.objects.exists()


def test_a_date_that_does_not_exist_in_the_search_says_how_to_write_it(client):
    page = htmllib.unescape(
        client.get(reverse("booking:search"), {"q": "Albi", "date": "2027-02-30"}).text
    )
    assert "Date invalide : indiquez une date qui existe, au format JJ/MM/AAAA." in page
    assert "Saisissez une date valide" not in page


def test_a_patient_without_mobile_nor_email_is_told_to_call_the_site(client, mission):
    page = htmllib.unescape(client.get(reverse("booking:book", args=[free_slot(mission).pk])).text)
    said = page.split('id="no-mobile">')[1].split("</span>")[0]
    assert said == (
        "Sans téléphone mobile ni adresse électronique, appelez le lieu de consultation au "
        f"{mission.site.phone_display} pour prendre rendez-vous."
    )
