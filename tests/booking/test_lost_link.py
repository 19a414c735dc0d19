"""« Retrouver mon rendez-vous »: the links of coming appointments sent again to the phone or
the email given when booking, and only there; the page never says whether anyone booked."""

import html as htmllib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.booking.messages import when
from renfort.booking.services import RESEND_WINDOW, Contact, appointment_cancel, links_resend
from renfort.core.validators import MOBILE_ERROR
from renfort.notifications.models import Notification
from renfort.territories.timezones import local_time_of

from .factories import FICTIONAL_MOBILE, book, mission_with_slots, slots_of

pytestmark = pytest.mark.django_db

OTHER_MOBILE = "+33639980002"


def links_sent() -> list[Notification]:
    return list(Notification.objects.filter(kind="booking_links").order_by("pk"))


@pytest.fixture
def booked():
    """Two coming appointments of two people sharing a phone (the first one also has an
    email), one cancelled and one of someone else."""
    mission = mission_with_slots()
    slots = slots_of(mission, reserved_for_priority=False)
    cancelled = book(slots[4], first_name="Sacha", email="")
    appointment_cancel(appointment=cancelled)
    first = book(slots[0])
    second = book(slots[2], first_name="Dominique", email="")  # the phone's limit: 2
    other = book(slots[6], first_name="Alix", phone=OTHER_MOBILE, email="alix@exemple.test")
    return mission, first, second, cancelled, other


def test_the_links_go_to_the_phone_that_booked_them(booked):
    mission, first, second, cancelled, other = booked
    assert links_resend(contact=Contact(phone=FICTIONAL_MOBILE)) == 1
    (sms,) = links_sent()
    assert (sms.channel, sms.recipient) == ("sms", FICTIONAL_MOBILE)
    # Both coming appointments of that phone, in order; neither the cancelled one nor another
    # person's.
    assert sms.body.index(first.secret) < sms.body.index(second.secret)
    assert cancelled.secret not in sms.body and other.secret not in sms.body
    assert sms.body.startswith("Un médecin près de chez vous : vos RDV :")
    # Two links at most (the per-contact limit), each with its time: the place and the
    # person's name are on each link's page (and in the email), so that it fits in 2 SMS.
    assert sms.valid_until == second.start


def test_the_links_go_to_the_email_that_booked_them(booked):
    mission, first, second, cancelled, other = booked
    assert links_resend(contact=Contact(email="camille.fictif@exemple.test")) == 1
    (email,) = links_sent()
    assert (email.channel, email.recipient) == ("email", "camille.fictif@exemple.test")
    assert first.secret in email.body and second.secret not in email.body  # no email there
    assert f"pour Camille Fictif, référence {first.reference}" in email.body
    with local_time_of(mission.site.departement_id):
        assert when(first.start) in email.body
    assert email.subject == "Le lien de vos rendez-vous — Un médecin près de chez vous"


def test_nothing_is_sent_without_a_coming_appointment(booked):
    mission, first, second, cancelled, other = booked
    assert links_resend(contact=Contact(phone="+33639980099")) == 0
    assert links_resend(contact=Contact(email="personne@exemple.test")) == 0
    # Once the appointments have started, nothing either.
    assert links_resend(contact=Contact(phone=OTHER_MOBILE), now=other.start) == 0
    assert links_sent() == []


def test_one_message_per_contact_within_the_window(booked):
    """Fifteen minutes from the last message, whatever the clock says (not slots of the
    hour: two requests either side of 10:15 sent two)."""
    contact = Contact(phone=FICTIONAL_MOBILE)
    assert links_resend(contact=contact) == 1
    assert links_resend(contact=contact) == 0
    sent = Notification.objects.filter(kind="booking_links")
    sent.update(created_at=timezone.now() - RESEND_WINDOW + timedelta(seconds=30))
    assert links_resend(contact=contact) == 0
    sent.update(created_at=timezone.now() - RESEND_WINDOW - timedelta(seconds=1))
    assert links_resend(contact=contact) == 1
    assert len(links_sent()) == 2


def test_the_page_says_the_same_whoever_asks(client, booked):
    url = reverse("booking:lost_link")
    page = client.get(url).text
    assert "<h1>Retrouver mon rendez-vous</h1>" in page
    known = client.post(url, {"contact": "06 39 98 00 01"}, follow=True)
    unknown = client.post(url, {"contact": "06 39 98 00 99"}, follow=True)
    said = [
        htmllib.unescape(response.text).split("Si un rendez-vous à venir", 1)[1].split("<", 1)[0]
        for response in (known, unknown)
    ]
    assert said[0].replace("00 01", "00 99") == said[1]
    assert "a été pris avec le 06 39 98 00 01, un SMS lui est envoyé" in said[0]
    assert len(links_sent()) == 1  # only the phone that booked gets a message
    response = client.post(url, {"contact": " Camille.Fictif@Exemple.test "}, follow=True)
    assert "l'adresse camille.fictif@exemple.test, un courriel" in htmllib.unescape(response.text)
    assert [n.channel for n in links_sent()] == ["sms", "email"]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Indiquez le téléphone mobile ou l'adresse électronique donnés"),
        ("01 23 45 67 89", MOBILE_ERROR),
        ("camille@", "Adresse électronique invalide, par exemple nom@exemple.fr."),
    ],
)
def test_bad_input_is_said_on_the_page(client, booked, typed, error):
    response = client.post(reverse("booking:lost_link"), {"contact": typed})
    assert response.status_code == 200
    page = htmllib.unescape(response.text)
    assert error in page
    assert "<title>Erreur dans le formulaire — Retrouver mon rendez-vous" in page
    assert links_sent() == []


def test_an_unknown_link_leads_to_the_lost_link_page(client, booked):
    mission, first, *_ = booked
    response = client.get(reverse("booking:manage", args=[first.secret[:-3]]))
    assert response.status_code == 404
    page = htmllib.unescape(response.text)
    assert "Lien de rendez-vous introuvable" in page
    assert reverse("booking:lost_link") in page
    assert "no-store" in response["Cache-Control"]
    search = client.get(reverse("booking:search")).text
    assert 'id="lost-link"' in search and reverse("booking:lost_link") in search
