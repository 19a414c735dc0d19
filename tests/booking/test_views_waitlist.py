"""Public pages of the waiting list and its offers (register, already registered, leave,
offer), split from test_views.py."""

import html as htmllib
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Appointment, WaitingListEntry, WaitingListOffer
from renfort.booking.services import appointment_cancel

from .factories import (
    WaitingListEntryFactory,
    book,
    free_slot,
    mission_with_slots,
    patient_data,
)

pytestmark = pytest.mark.django_db
SEARCH = reverse("booking:search")


@pytest.fixture
def mission():
    return mission_with_slots()


def test_waitlist_registration_page(client, mission):
    url = reverse("booking:waitlist") + f"?site={mission.site.pk}"
    page = htmllib.unescape(client.get(url).text)
    assert "Pour recevoir par SMS les créneaux qui se libèrent" in page
    assert "pour cette inscription sur la liste d'attente" in page
    assert "fichier d'agenda" not in page and "pour ce rendez-vous" not in page
    data = {
        **patient_data(),
        "start_date": mission.date.isoformat(),
        "end_date": (mission.date + timedelta(days=7)).isoformat(),
        "token": str(uuid.uuid4()),
    }
    response = client.post(url, data)
    # Post/Redirect/Get: the page of the registration (reloading it sends nothing again).
    entry = WaitingListEntry.objects.get()
    done = reverse("booking:waitlist_done", args=[entry.secret])
    assert response.status_code == 302 and response.url == done + "?nouvelle=1"
    page = htmllib.unescape(client.get(response.url).text)
    assert "Vous êtes inscrit(e)" in page and "Inscription enregistrée du" in page
    assert f"Lieu : {mission.site.name}" in page
    assert "no-store" in client.get(response.url)["Cache-Control"]
    again = client.post(url, data)
    # The same form sent twice: the same registration, whose page (and leave link) is never
    # shown again to whoever sends these details.
    assert again.url == reverse("booking:waitlist_known")
    page = htmllib.unescape(client.get(again.url).text)
    assert "Vous étiez déjà inscrit(e)" in page and entry.secret not in page
    # The same token with another person: refused, the first registration is not revealed.
    other = client.post(url, {**data, **patient_data(last_name="Autre", email="a@example.fr")})
    assert other.status_code == 200 and entry.secret not in other.text
    assert "Ce formulaire a déjà servi" in htmllib.unescape(other.text)
    assert client.get(reverse("booking:waitlist_done", args=["x" * 32])).status_code == 404
    assert WaitingListEntry.objects.count() == 1


def test_waitlist_without_site_redirects_to_search(client):
    assert client.get(reverse("booking:waitlist")).url == SEARCH


def test_offer_page_accept(client, mission):
    entry = WaitingListEntryFactory(site=mission.site)
    appointment = book(free_slot(mission), phone="+33612000005", email="x@exemple.test")
    appointment_cancel(appointment=appointment)
    offer = WaitingListOffer.objects.get(entry=entry)
    url = reverse("booking:offer", args=[offer.secret])
    assert "Je prends ce rendez-vous" in client.get(url).text
    response = client.post(url)
    mine = Appointment.objects.get(last_name=entry.last_name)
    assert response.url == reverse("booking:manage", args=[mine.secret])
    again = client.post(url, follow=True)  # a second click, a reload
    assert "n'est plus valable" not in again.text and "fr-alert--error" not in again.text
    text = htmllib.unescape(again.text)
    assert "Vous avez déjà accepté cette proposition : elle ne peut servir qu'une fois." in text
    assert f"votre rendez-vous {mine.reference} est confirmé" in again.text
    assert reverse("booking:manage", args=[mine.secret]) in again.text


def test_offer_page_after_the_accepted_appointment_was_cancelled(client, mission):
    """Cancelled from its own link: the offer page no longer says « confirmé »; it points to
    the search and to the waiting list (the registration ended with the acceptance)."""
    entry = WaitingListEntryFactory(site=mission.site)
    appointment_cancel(appointment=book(free_slot(mission), phone="+33612000005"))
    offer = WaitingListOffer.objects.get(entry=entry)
    url = reverse("booking:offer", args=[offer.secret])
    client.post(url)
    mine = Appointment.objects.get(last_name=entry.last_name)
    client.post(reverse("booking:cancel", args=[mine.secret]))
    mine.refresh_from_db()
    assert mine.status == "cancelled"
    text = htmllib.unescape(client.get(url).text)
    assert "est confirmé" not in text and "<h1>Votre rendez-vous a été annulé</h1>" in text
    assert f"votre rendez-vous {mine.reference} a été annulé. Cette proposition" in text
    assert f"{reverse('booking:waitlist')}?site={mission.site.pk}" in text
    assert reverse("booking:search") in text
    again = htmllib.unescape(client.post(url, follow=True).text)
    assert "Vous avez déjà accepté cette proposition" in again and "Je prends" not in again


def test_offer_page_after_the_accepted_appointment_took_place(client, mission):
    entry = WaitingListEntryFactory(site=mission.site)
    appointment_cancel(appointment=book(free_slot(mission), phone="+33612000005"))
    url = reverse("booking:offer", args=[WaitingListOffer.objects.get(entry=entry).secret])
    client.post(url)
    Appointment.objects.filter(last_name=entry.last_name).update(status="no_show")
    text = htmllib.unescape(client.get(url).text)
    assert "est confirmé" not in text and "est passé (statut : « Absent (non excusé) »)" in text


def test_waitlist_leave_page(client, mission):
    entry = WaitingListEntryFactory(site=mission.site)
    url = reverse("booking:waitlist_leave", args=[entry.secret])
    page = htmllib.unescape(client.get(url).text)
    assert f"Lieu : {mission.site.name}" in page  # what is being left, and its dates
    assert f"{entry.end_date.year}." in page and "Confirmer la désinscription" in page
    done = reverse("booking:waitlist_done", args=[entry.secret])
    assert url in client.get(done).text  # the registration's page offers to leave
    client.post(url)
    entry.refresh_from_db()
    assert entry.status == "cancelled"
    # The registration's page no longer says « inscrit(e) »: closed, with a way back.
    page = htmllib.unescape(client.get(done).text)
    assert "Vous êtes inscrit(e)" not in page and "Inscription close" in page
    assert "Vous vous êtes désinscrit(e) de cette liste d'attente" in page
    assert f"{reverse('booking:waitlist')}?site={mission.site.pk}" in page


def test_a_one_day_registration_is_said_for_that_day(client, mission):
    from renfort.notifications.models import Notification

    day = mission.date.isoformat()
    data = {**patient_data(), "start_date": day, "end_date": day, "token": str(uuid.uuid4())}
    response = client.post(reverse("booking:waitlist") + f"?site={mission.site.pk}", data)
    page = htmllib.unescape(client.get(response.url).text)
    said = page.split('id="waitlist-done"><p>Inscription enregistrée')[1].split("</p>")[0]
    # « pour le 8 décembre »: « enregistrée le 8 décembre » read as the day of registering.
    assert said.startswith(" pour le ") and " au " not in said
    sent = Notification.objects.filter(kind="booking_waitlist_registered")
    email, sms = sent.get(channel="email").body, sent.get(channel="sms").body
    assert f") pour le {mission.date.day}" in email and " au " not in email.split("attente")[1][:60]
    assert f"pour le {mission.date:%d/%m} enregistrée" in sms


def test_waitlist_leave_page_after_an_accepted_offer_says_the_appointment_stands(client, mission):
    entry = WaitingListEntryFactory(site=mission.site)
    appointment_cancel(appointment=book(free_slot(mission), phone="+33612000005"))
    client.post(reverse("booking:offer", args=[WaitingListOffer.objects.get(entry=entry).secret]))
    url = reverse("booking:waitlist_leave", args=[entry.secret])
    text = htmllib.unescape(client.post(url, follow=True).text)
    assert "un rendez-vous vous a été réservé" in text and "désinscrit(e) de la" not in text
    assert "Cette inscription n'est plus active (rendez-vous obtenu)" in text


def test_waitlist_for_a_removed_zone_is_refused(client, mission):
    zone = mission.site.priority_zone
    url = reverse("booking:waitlist") + f"?zone={zone.pk}"
    assert "Tous les lieux de la zone" in htmllib.unescape(client.get(url).text)
    zone.removed_at = timezone.now()
    zone.save(update_fields=["removed_at"])
    assert client.get(url).url == SEARCH
    data = {
        **patient_data(),
        "start_date": mission.date.isoformat(),
        "end_date": (mission.date + timedelta(days=7)).isoformat(),
        "token": str(uuid.uuid4()),
    }
    assert client.post(url, data).url == SEARCH
    assert not WaitingListEntry.objects.exists()


def test_a_waiting_list_link_to_an_unknown_site_says_so(client):
    response = client.get(reverse("booking:waitlist"), {"site": "99999"}, follow=True)
    assert "Ce lieu de consultation n'existe pas ou ne reçoit plus de patients" in (
        htmllib.unescape(response.text)
    )
    response = client.get(reverse("booking:waitlist"), follow=True)
    assert "cherchez d'abord un lieu de consultation" in htmllib.unescape(response.text)


def test_a_waiting_list_without_phone_nor_email_says_what_they_are_for(client, mission):
    """The contacts receive the freed slots here, not a booking confirmation."""
    url = reverse("booking:waitlist") + f"?site={mission.site.pk}"
    data = {
        **patient_data(phone="", email=""),
        "start_date": mission.date.isoformat(),
        "end_date": (mission.date + timedelta(days=7)).isoformat(),
        "token": str(uuid.uuid4()),
    }
    page = htmllib.unescape(client.post(url, data).text)
    assert "(au moins l'un des deux) pour recevoir les créneaux libérés." in page
    assert "pour recevoir la confirmation" not in page
    assert not WaitingListEntry.objects.exists()


def test_the_ald_box_explains_ald_without_a_second_bracket(client, mission):
    page = htmllib.unescape(client.get(reverse("booking:book", args=[free_slot(mission).pk])).text)
    assert "Je suis en affection de longue durée (ALD)\n" in page and "(ALD) (" not in page
    assert "Maladie chronique prise en charge à 100\u00a0% par l'Assurance Maladie." in page
    assert "Motif en quelques mots (facultatif)" in page
    assert "(optionnel)" not in page


@pytest.mark.parametrize(
    "other_error",
    [
        {"phone": "01 23"},  # refused by the service's rules (form valid otherwise)
        {"phone": "01 23", "last_name": ""},  # and with a field the form itself refuses
    ],
    ids=["phone", "phone-and-name"],
)
def test_waitlist_shows_the_period_error_with_the_other_errors(client, mission, other_error):
    """An end date before the start date and an invalid phone: both errors at once (the date
    error used to appear only once the phone was fixed)."""
    url = reverse("booking:waitlist") + f"?site={mission.site.pk}"
    start = timezone.localdate() + timedelta(days=10)
    data = {
        **patient_data(**other_error),
        "start_date": start.isoformat(),
        "end_date": (start - timedelta(days=3)).isoformat(),
        "token": str(uuid.uuid4()),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["end_date"] == [
        "La date de fin doit être le même jour ou après la date de début."
    ]
    assert "phone" in errors
    assert ("last_name" in errors) == ("last_name" in other_error)
    page = htmllib.unescape(response.text)
    assert "La date de fin doit être le même jour ou après la date de début." in page
    assert not WaitingListEntry.objects.exists()


def test_waitlist_period_error_is_said_once(client, mission):
    """The form's own check and the service's do not repeat the same message."""
    url = reverse("booking:waitlist") + f"?site={mission.site.pk}"
    start = timezone.localdate() + timedelta(days=10)
    data = {
        **patient_data(),
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=120)).isoformat(),
        "token": str(uuid.uuid4()),
    }
    errors = client.post(url, data).context["form"].errors
    assert errors == {"end_date": ["La période ne peut pas dépasser trois mois."]}
