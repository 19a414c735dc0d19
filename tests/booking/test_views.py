"""Public pages: search, booking form, secret link, waiting list, offers, notice."""

import html as htmllib
import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Appointment, Slot
from renfort.booking.selectors import Origin, reference_cache_clear, slots_search
from renfort.booking.services import appointment_cancel
from renfort.core.text import hour
from renfort.territories.models import Commune
from renfort.zoning.models import UNCONFIRMED_CERTAINTIES
from tests.factories import commune
from tests.sites.factories import SiteFactory, open_every_day_site

from .factories import (
    book,
    free_slot,
    mission_with_slots,
    patient_data,
    slots_of,
)

pytestmark = pytest.mark.django_db
SEARCH = reverse("booking:search")


@pytest.fixture
def mission():
    return mission_with_slots()


def test_search_page_without_query(client):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert "sans dépassement d'honoraires" in response.text
    assert 'id="search-results"' not in response.text


def test_search_by_postcode_lists_the_site_with_slots_and_distance(client, mission):
    response = client.get(SEARCH, {"q": "81230"})
    assert response.status_code == 200
    results = response.context["results"]
    assert [r.site for r in results] == [mission.site]
    assert results[0].distance_km < 1 and results[0].in_own_zone
    assert results[0].slot_count == 21 and len(results[0].slots) == 8
    assert mission.site.name in response.text and "Votre zone" in response.text
    assert reverse("booking:book", args=[results[0].slots[0].pk]) in response.text


def test_the_search_page_title_says_what_was_found(client, mission):
    def title(**query):
        page = htmllib.unescape(client.get(SEARCH, query).text)
        return re.search(r"<title>(.*?) — Renfort", page, re.S).group(1).strip()

    assert title() == "Prendre rendez-vous"
    assert title(q="81230").startswith("Rendez-vous près de Lacaune")
    assert title(q="Introuvableville") == "Erreur : commune introuvable — Prendre rendez-vous"
    assert title(q="") == "Erreur dans le formulaire — Prendre rendez-vous"  # RGAA 11.10
    page = client.get(SEARCH, {"q": "Introuvableville"}).text
    assert 'aria-invalid="true" aria-describedby="id_q-messages"' in page  # the field says it
    assert 'id="results-title"' in page  # the results section is named by a heading
    assert title(q="81230", date="2020-01-01").startswith("Erreur dans le formulaire")
    assert title(q="75001").startswith("Aucun créneau près de Paris")
    assert title(q="20000").startswith("Aucun créneau près d'Ajaccio")  # as the heading says
    # A name where the hidden commune code goes (a hand-written link): searched as text.
    assert title(commune="Lacaune").startswith("Rendez-vous près de Lacaune")


def test_search_by_commune_name_code_and_position(client, mission):
    assert client.get(SEARCH, {"q": "Lacaune"}).context["results"]
    assert client.get(SEARCH, {"commune": "81124"}).context["results"]
    site = mission.site
    by_position = client.get(SEARCH, {"lat": site.latitude + 0.01, "lon": site.longitude})
    assert by_position.context["results"][0].site == site
    assert "votre position" in by_position.context["origin"].label


def test_search_filters_by_date_and_half_day(client, mission):
    day = mission.date.isoformat()
    morning = client.get(SEARCH, {"q": "81230", "date": day, "period": "morning"})
    assert morning.context["results"][0].slot_count == 9
    afternoon = client.get(SEARCH, {"q": "81230", "date": day, "period": "afternoon"})
    assert afternoon.context["results"][0].slot_count == 12
    other_day = (mission.date + timedelta(days=1)).isoformat()
    assert client.get(SEARCH, {"q": "81230", "date": other_day}).context["results"] == []
    for typed in (f"{mission.date:%d/%m/%Y}", f"{mission.date:%d-%m-%Y}"):  # as French people type
        found = client.get(SEARCH, {"q": "81230", "date": typed, "period": "morning"})
        assert found.context["results"][0].slot_count == 9, typed


def test_nothing_available_offers_the_waiting_list(client):
    site = SiteFactory()
    response = client.get(SEARCH, {"q": "81230"})
    assert "Aucun créneau disponible" in response.text
    assert f"{reverse('booking:waitlist')}?site={site.pk}" in response.text
    assert f"?zone={site.priority_zone_id}" in response.text


@pytest.mark.parametrize("typed", ["Zzzzzville", "le", "a b"])
def test_unknown_commune(client, typed):
    response = client.get(SEARCH, {"q": typed})
    assert "Nous ne trouvons pas cette commune" in response.text


def test_an_unknown_commune_in_the_api_is_a_404_whatever_its_characters(client):
    response = client.get("/api/slots", {"commune": "a\x00b"})
    assert response.status_code == 404 and "introuvable" in response.json()["detail"]


def test_inactive_sites_and_sites_outside_zones_are_not_shown(client, mission):
    mission.site.status = "suspended"
    mission.site.save()
    assert client.get(SEARCH, {"q": "81230"}).context["results"] == []


def test_own_zone_first_then_distance(mission):
    far_site = open_every_day_site(in_landes=True)
    mission_with_slots(site=far_site)
    near = mission.site
    origin = Origin("test", near.latitude, near.longitude, far_site.priority_zone_id)
    assert [r.site for r in slots_search(origin=origin)] == [far_site, near]
    by_distance = slots_search(origin=origin, own_zone_first=False)
    assert [r.site for r in by_distance] == [near, far_site]


# --- Booking form --------------------------------------------------------------------------


def test_booking_page_shows_the_slot_price_rule_and_notice_link(client, mission):
    slot = free_slot(mission, reserved=True)
    response = client.get(reverse("booking:book", args=[slot.pk]))
    assert response.status_code == 200
    price = htmllib.unescape(response.text.split('id="price-rule"')[1].split("</div>")[0])
    assert "Consultation au tarif de la Sécurité sociale (secteur 1), sans dépassement" in price
    assert "conventionné" not in price and "€" not in price  # no jargon, no amount (it changes)
    assert (
        "Priorité aux personnes sans médecin traitant ou en affection de longue durée (ALD)."
        in price
    )
    assert reverse("booking:notice") in response.text
    assert "réservé aux patients" in response.text


def test_a_reserved_slot_refused_offers_the_next_open_slot_and_the_site_slots(client, mission):
    reserved = slots_of(mission, status="available", reserved_for_priority=True)[0]
    url = reverse("booking:book", args=[reserved.pk])
    data = {**patient_data(has_medecin_traitant="oui"), "token": str(uuid.uuid4())}
    page = htmllib.unescape(client.post(url, data).text)
    assert "choisissez un autre créneau" in page and not Appointment.objects.exists()
    after = Slot.objects.filter(
        mission=mission, reserved_for_priority=False, start__gt=reserved.start
    ).order_by("start")[0]
    at = timezone.localtime(after.start)
    # A button of the form: the next slot is booked with the answers already typed.
    button = (
        '<button class="fr-btn" type="submit" form="book-form" '
        f'formaction="{reverse("booking:book", args=[after.pk])}" id="book-next-slot">'
    )
    assert f"{button}Réserver le créneau suivant : " in page and f" à {hour(at)}</button>" in page
    assert 'value="Camille"' in page.split('id="book-form"')[1]  # the answers are kept
    back = f'href="{reverse("booking:site_slots", args=[mission.site_id])}"'
    assert page.count(back) == 2  # with the error, and the page's own back link
    assert "Retour aux créneaux de ce lieu" in page
    # no slot after it open to this patient: an earlier one, else only the way back
    Slot.objects.filter(mission=mission, reserved_for_priority=False).exclude(
        start__lt=reserved.start
    ).update(status="blocked")
    data["token"] = str(uuid.uuid4())
    page = htmllib.unescape(client.post(url, data).text)
    assert "Réserver un créneau plus tôt : " in page
    Slot.objects.filter(mission=mission, reserved_for_priority=False).update(status="blocked")
    data["token"] = str(uuid.uuid4())
    page = htmllib.unescape(client.post(url, data).text)
    assert "Réserver" not in page.split('id="reserved-ways-out"')[1].split("</ul>")[0]
    assert page.count(back) == 2


def test_the_next_slot_offered_after_a_reserved_refusal_books_with_the_answers(client, mission):
    reserved = slots_of(mission, status="available", reserved_for_priority=True)[0]
    data = {**patient_data(has_medecin_traitant="oui"), "token": str(uuid.uuid4())}
    page = htmllib.unescape(client.post(reverse("booking:book", args=[reserved.pk]), data).text)
    next_url = re.search(r'formaction="([^"]+)" id="book-next-slot"', page)[1]
    response = client.post(next_url, data)  # the button posts the form as it is
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and next_url == reverse(
        "booking:book", args=[appointment.slot_id]
    )
    assert appointment.slot_id != reserved.pk and appointment.first_name == "Camille"


def test_the_booking_page_links_back_to_the_site_slots(client, mission):
    page = client.get(reverse("booking:book", args=[free_slot(mission).pk])).text
    assert "Retour aux créneaux de ce lieu" in page
    assert f'href="{reverse("booking:site_slots", args=[mission.site_id])}"' in page


def test_booking_form_books_and_redirects_to_the_secret_page(client, mission):
    slot = free_slot(mission)
    token = str(uuid.uuid4())
    url = reverse("booking:book", args=[slot.pk])
    response = client.post(url, {**patient_data(), "token": token})
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("booking:manage", args=[appointment.secret])
    assert appointment.phone == "+33612345678" and appointment.reason
    # The same form sent twice books once and lands on the same page.
    again = client.post(url, {**patient_data(), "token": token})
    assert again.url == response.url and Appointment.objects.count() == 1


def test_a_replayed_token_never_shows_the_first_appointment(client, mission):
    first_slot, other_slot = slots_of(mission, status="available")[:2]
    token = str(uuid.uuid4())
    client.post(  # followed: its « confirmé » message is shown there
        reverse("booking:book", args=[first_slot.pk]),
        {**patient_data(), "token": token},
        follow=True,
    )
    first = Appointment.objects.get()
    other = patient_data(last_name="Autre", email="autre@exemple.test", phone="")
    response = client.post(
        reverse("booking:book", args=[other_slot.pk]), {**other, "token": token}, follow=True
    )
    text = htmllib.unescape(response.text)
    assert first.secret not in text and first.reference not in text
    assert (
        "Ce formulaire a déjà servi : le rendez-vous réservé avec lui est bien enregistré" in text
    )
    assert "Pour réserver un autre rendez-vous, renvoyez le formulaire" in text
    assert f'value="{token}"' not in text  # a fresh key: the corrected form can be sent
    assert Appointment.objects.count() == 1


def test_back_and_resend_with_a_corrected_email_says_what_to_do(client, mission):
    slot = free_slot(mission)
    url = reverse("booking:book", args=[slot.pk])
    token = str(uuid.uuid4())
    # Booked and redirected to the secret page (its « confirmé » message shown there).
    client.post(url, {**patient_data(email="typo@exampel.org"), "token": token}, follow=True)
    first = Appointment.objects.get()
    response = client.post(url, {**patient_data(email="fixed@example.org"), "token": token})
    text = htmllib.unescape(response.text)
    assert (
        "Ce formulaire a déjà servi : le rendez-vous réservé avec lui est bien enregistré" in text
    )
    assert "utilisez le lien de cette confirmation" in text
    assert "Appelez le lieu de consultation au 05 63 00 00 00" in text
    assert "n'est plus disponible" not in text and "réservé par une autre personne" not in text
    assert first.secret not in text and first.reference not in text and "typo@" not in text
    assert Appointment.objects.count() == 1


def test_the_page_after_booking_says_where_the_confirmation_went(client, mission):
    url = reverse("booking:book", args=[free_slot(mission).pk])
    data = {**patient_data(email="dominique@exemple.fr"), "token": str(uuid.uuid4())}
    page = htmllib.unescape(client.post(url, data, follow=True).text)
    assert (
        "Confirmation envoyée à d•••@exemple.fr et au\u00a006\u00a0••\u00a0••\u00a0••\u00a078."
        in page
    )
    assert (
        "Si ce n'est pas votre adresse ou votre numéro, annulez ce rendez-vous ci-dessous" in page
    )
    phone_only = {**patient_data(phone="0692 12 34 56", email=""), "token": str(uuid.uuid4())}
    other = reverse("booking:book", args=[free_slot(mission).pk])
    page = htmllib.unescape(client.post(other, phone_only, follow=True).text)
    assert (
        "Confirmation envoyée au\u00a00692\u00a0••\u00a0••\u00a056. Si ce n'est pas votre "
        "numéro, annulez" in page
    )


def test_booking_form_errors(client, mission):
    url = reverse("booking:book", args=[free_slot(mission).pk])
    data = {**patient_data(phone="123", email=""), "token": str(uuid.uuid4())}
    del data["consent"]
    response = client.post(url, data)
    assert response.status_code == 200 and not Appointment.objects.exists()
    assert "Saisissez un numéro de téléphone mobile (06 ou 07)" in response.text
    assert "accepter le traitement de vos données" in response.text


def input_tag(page: str, field_id: str) -> str:
    return re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', page).group(0)


def test_fields_in_error_keep_their_hint_and_personal_fields_autocomplete(client, mission):
    url = reverse("booking:book", args=[free_slot(mission).pk])
    page = client.get(url).text
    for name, token in [("last_name", "family-name"), ("first_name", "given-name")]:
        assert f'autocomplete="{token}"' in input_tag(page, f"id_{name}")
    assert 'autocomplete="bday"' in input_tag(page, "id_birth_date")
    data = {**patient_data(phone="123", email="pas-une-adresse"), "token": str(uuid.uuid4())}
    page = client.post(url, data).text
    for name in ("phone", "email"):
        tag = input_tag(page, f"id_{name}")
        assert f'aria-describedby="id_{name}_helptext id_{name}-desc-error"' in tag
        assert 'aria-invalid="true"' in tag
        assert f'id="id_{name}_helptext"' in page and f'id="id_{name}-desc-error"' in page
    # A field without hint is described by its error only.
    page = client.post(url, {**patient_data(last_name=""), "token": str(uuid.uuid4())}).text
    assert 'aria-describedby="id_last_name-desc-error"' in input_tag(page, "id_last_name")


def test_the_waiting_list_form_has_the_same_accessible_fields(client, mission):
    url = reverse("booking:waitlist") + f"?site={mission.site.pk}"
    page = client.post(url, {**patient_data(phone="123"), "token": str(uuid.uuid4())}).text
    assert 'aria-describedby="id_phone_helptext id_phone-desc-error"' in input_tag(page, "id_phone")
    assert 'autocomplete="family-name"' in input_tag(page, "id_last_name")


def test_booking_a_taken_slot_shows_a_clear_message(client, mission):
    slot = free_slot(mission)
    book(slot, phone="+33612000009", email="premier@exemple.test")
    page = client.get(reverse("booking:book", args=[slot.pk]))
    assert "n'est plus disponible" in page.text
    response = client.post(
        reverse("booking:book", args=[slot.pk]), {**patient_data(), "token": str(uuid.uuid4())}
    )
    assert "être réservé par une autre personne" in response.text
    # Announced like the field errors: in the page title, in an alert that takes the focus.
    assert response.context["title"].startswith("Erreur — ")
    summary = response.text[response.text.index('id="error-summary"') :]
    assert summary.index("être réservé par une autre personne") < summary.index("</div>")
    assert 'getElementById("error-summary").focus()' in response.text


def test_a_slot_booked_from_another_tab_is_said_to_be_ones_own(client, mission):
    """The same person sends the form from two tabs (a token each): the second is told the slot
    is already theirs, with the reference only (the link went to their phone or email); anyone
    else (another name, or other contacts) is told it was taken, and nothing more."""
    slot = free_slot(mission)
    url = reverse("booking:book", args=[slot.pk])
    client.post(url, {**patient_data(), "token": str(uuid.uuid4())})
    first = Appointment.objects.get()
    tab = {**patient_data(last_name="FICTIF", phone=""), "token": str(uuid.uuid4())}
    text = htmllib.unescape(client.post(url, tab).text)
    assert f"Vous avez déjà réservé ce créneau (référence {first.reference})" in text
    assert "Appelez le lieu de consultation au 05 63 00 00 00" in text
    assert "n'est plus disponible" not in text and "réservé par une autre personne" not in text
    assert first.secret not in text
    for other in (
        patient_data(first_name="Dominique"),  # same contacts, another person
        patient_data(phone="06 12 00 00 10", email="autre@exemple.test"),  # same name only
    ):
        text = htmllib.unescape(client.post(url, {**other, "token": str(uuid.uuid4())}).text)
        assert "réservé par une autre personne" in text
        assert first.reference not in text and first.secret not in text
    assert Appointment.objects.count() == 1


def test_booking_page_of_unknown_slot_is_404(client):
    assert client.get(reverse("booking:book", args=[12345])).status_code == 404


def test_site_slots_page(client, mission):
    response = client.get(reverse("booking:site_slots", args=[mission.site.pk]))
    assert response.status_code == 200 and len(response.context["slots"]) == 21
    waitlist = f"{reverse('booking:waitlist')}?site={mission.site.pk}"
    assert 'id="waitlist-offer"' in response.text and waitlist in response.text


def test_notice_page(client):
    text = client.get(reverse("booking:notice")).text
    for expected in ("mission d'intérêt public", "12 mois", "CNIL", "Vos droits"):
        assert expected in text


# --- Secret link ---------------------------------------------------------------------------


def test_secret_page_is_private_and_allows_cancel(client, mission):
    appointment = book(free_slot(mission))
    url = reverse("booking:manage", args=[appointment.secret])
    response = client.get(url)
    assert response.status_code == 200 and appointment.reference in response.text
    # The title and the heading say the state, not only a badge (RGAA 8.6).
    assert f"<title>Rendez-vous confirmé ({appointment.reference}) — " in response.text
    assert "<h1>Votre rendez-vous est confirmé</h1>" in response.text
    assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]
    assert client.get(reverse("booking:manage", args=["pas-le-bon-lien"])).status_code == 404
    # The cancel address opened (a reload): the page with the button, nothing cancelled; a
    # wrong link is a 404 there too.
    opened = client.get(reverse("booking:cancel", args=[appointment.secret]))
    assert opened.status_code == 302 and opened.url == url
    assert client.get(reverse("booking:cancel", args=["pas-le-bon-lien"])).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    client.post(reverse("booking:cancel", args=[appointment.secret]))
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    page = client.get(url).text
    assert f"<title>Rendez-vous annulé ({appointment.reference}) — " in page
    assert "<h1>Votre rendez-vous est annulé</h1>" in page


def test_move_page(client, mission):
    slots = slots_of(mission, status="available", reserved_for_priority=False)
    appointment = book(slots[0], has_medecin_traitant=True)
    url = reverse("booking:move", args=[appointment.secret])
    page = client.get(url)
    assert all(not s.reserved_for_priority for s in page.context["slots"])
    response = client.post(url, {"slot": slots[1].pk})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.slot == slots[1]
    again = client.post(url, {"slot": slots[1].pk}, follow=True)  # the form sent twice
    assert "Votre rendez-vous est déjà à ce créneau." in htmllib.unescape(again.text)
    assert 'id="error-summary"' not in again.text
    refused = client.post(url, {"slot": "x"}).text  # RGAA 11.10: told on the page, linked
    assert "<title>Erreur dans le formulaire — Déplacer mon rendez-vous" in refused
    assert 'id="error-summary"' in refused and 'aria-describedby="slots-error"' in refused
    assert 'id="slots-error">Choisissez un nouveau créneau.</p>' in refused
    huge = client.post(url, {"slot": "9" * 20})  # beyond 64 bits: refused, not a 500
    assert huge.status_code == 200 and 'id="slots-error">' in huge.text
    appointment_cancel(appointment=appointment)
    page = htmllib.unescape(client.get(url).text)
    assert "Ce rendez-vous est annulé : il ne peut plus être déplacé." in page


def test_ics_download(client, mission):
    appointment = book(free_slot(mission))
    response = client.get(reverse("booking:ics", args=[appointment.secret]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in response.content


def test_commune_helper_is_in_programme():
    assert commune("81124").name == "Lacaune"


# --- Public API ----------------------------------------------------------------------------


def test_api_slots_near_a_commune(client, mission):
    response = client.get("/api/slots", {"commune": "81230"})
    assert response.status_code == 200
    [site] = response.json()
    assert site["lieu_id"] == mission.site.pk and site["creneaux_disponibles"] == 21
    first = site["prochains_creneaux"][0]
    assert first["lien_reservation"].endswith(f"/rendez-vous/creneau/{first['id']}/")
    assert "phone" not in response.text and "email" not in response.text
    morning = client.get(
        "/api/slots", {"code_insee": "81124", "date": mission.date, "demi_journee": "morning"}
    )
    assert morning.json()[0]["creneaux_disponibles"] == 9
    assert client.get("/api/slots", {"commune": "Zzzzville"}).status_code == 404


def test_sites_further_than_the_search_radius_are_not_offered(client, mission):
    from renfort.booking.selectors import MAX_DISTANCE_KM

    response = client.get(SEARCH, {"lat": "48.8566", "lon": "2.3522"})  # Paris, ~580 km away
    assert response.context["results"] == [] and response.context["nearest"] == []
    page = response.content.decode()
    assert "Pas de consultation solidaire près de chez vous" in page
    assert f"à moins de {MAX_DISTANCE_KM} km" in page


def test_an_empty_form_shows_every_error_at_once_with_a_summary(client, mission):
    url = reverse("booking:book", args=[free_slot(mission).pk])
    response = client.post(url, {"token": str(uuid.uuid4())})
    page = response.text
    assert response.status_code == 200 and not Appointment.objects.exists()
    for message in (
        "Indiquez votre nom.",
        "Indiquez votre date de naissance.",
        "Indiquez un téléphone mobile ou une adresse électronique",
        "accepter le traitement de vos données",
        "Indiquez si vous avez un médecin traitant.",
    ):
        assert message in page, message
    assert 'id="error-summary"' in page and 'href="#id_last_name"' in page
    assert "<title>Erreur dans le formulaire — Réserver le créneau du " in page


def test_the_move_page_groups_slots_by_day_with_the_doctor(client, mission):
    appointment = book(free_slot(mission))
    page = client.get(reverse("booking:move", args=[appointment.secret])).text
    assert f"{mission.date:%Y}" in page and f"Dr {mission.doctor.full_name}" in page


def test_results_say_how_many_free_slots_are_reserved(client, mission):
    result = client.get(SEARCH, {"q": "81230"}).context["results"][0]
    assert result.slot_count == 21 and result.reserved_count == 10
    assert "dont 10 réservés en priorité" in client.get(SEARCH, {"q": "81230"}).text


def test_a_result_escapes_the_site_and_writes_french_numbers(client, mission):
    site = mission.site
    site.name, site.address = "<b>Maison</b> & Cie", "1 rue <i>du Test</i>"
    site.save()
    page = client.get(SEARCH, {"q": "Viane"}).text  # a neighbour of Lacaune
    result = page[page.index(f'id="site-{site.pk}"') :]
    result = result[: result.index("</article>")]
    assert "&lt;b&gt;Maison&lt;/b&gt; &amp; Cie" in result and "<b>" not in result
    assert "1 rue &lt;i&gt;du Test&lt;/i&gt;" in result
    assert re.search(r"à \d+,\d km à vol d'oiseau", result)
    assert reverse("booking:site_slots", args=[site.pk]) in result
    assert reverse("booking:book", args=[free_slot(mission).pk]) in result


def test_a_site_in_the_commune_searched_is_said_to_be_in_it_not_at_0_km(client, mission):
    page = htmllib.unescape(client.get(SEARCH, {"q": "81230"}).text)
    result = page[page.index(f'id="site-{mission.site.pk}"') :]
    assert "Lacaune — dans votre commune</p>" in result[: result.index("</article>")]
    assert "0,0 km" not in page


def test_headings_name_the_commune_first(client, mission):
    assert "Consultations près de Lacaune (81230)" in client.get(SEARCH, {"q": "81230"}).text
    near = client.get(SEARCH, {"lat": mission.site.latitude, "lon": mission.site.longitude})
    assert "Consultations près de votre position (" in near.text


def test_the_own_zone_says_when_its_list_is_unconfirmed(client, mission):
    zone = mission.site.priority_zone
    assert "(liste à confirmer)" not in client.get(SEARCH, {"q": "81230"}).text
    type(zone).objects.filter(pk=zone.pk).update(certainty=sorted(UNCONFIRMED_CERTAINTIES)[0])
    reference_cache_clear()  # an update() sends no signal
    page = htmllib.unescape(client.get(SEARCH, {"q": "81230"}).text)
    assert f"<strong>{zone.epci.name}</strong> (liste à confirmer)" in page


def test_a_name_shared_by_several_communes_offers_the_others(client, mission):
    parisots = Commune.objects.in_programme().filter(search_name="parisot")
    assert parisots.count() >= 2  # in the Tarn and in Tarn-et-Garonne
    page = client.get(SEARCH, {"q": "Parisot"})
    chosen = page.context["origin"].commune
    others = [c for c, _ in page.context["homonyms"]]
    assert others and chosen not in others
    assert [label for _, label in page.context["homonyms"]] == [c.label for c in others]
    text = htmllib.unescape(page.text)
    assert "Plusieurs communes portent ce nom" in text
    assert f"?commune={others[0].pk}&q=" in text
    # Picked from the list (or typed with its postcode): no notice.
    picked = client.get(SEARCH, {"q": others[0].label, "commune": others[0].pk})
    assert not picked.context.get("homonyms") and picked.context["origin"].commune == others[0]
    assert not client.get(SEARCH, {"q": "Lacaune"}).context.get("homonyms")


def test_a_patient_name_with_an_emoji_is_refused(client, mission):
    url = reverse("booking:book", args=[free_slot(mission).pk])
    response = client.post(url, {**patient_data(last_name="Dupont😀"), "token": str(uuid.uuid4())})
    assert response.status_code == 200
    assert "Vérifiez le nom (lettres, espaces, tirets, apostrophes)." in htmllib.unescape(
        response.text
    )
    assert not Appointment.objects.exists()


def test_a_slot_that_no_longer_exists_says_so(client, mission):
    """Cancelled (kept for its history) or deleted: the same page, without « votre rendez-vous
    est bien enregistré »."""
    slot, blocked = free_slot(mission), slots_of(mission, status="available")[-1]
    Slot.objects.filter(pk=slot.pk).update(status="cancelled")
    Slot.objects.filter(pk=blocked.pk).update(status="blocked")  # « ne plus proposer »
    for pk in (slot.pk, blocked.pk, 987654):
        page = client.get(reverse("booking:book", args=[pk]))
        text = htmllib.unescape(page.text)
        assert page.status_code == 404 and "Ce créneau n'existe plus" in text
        assert "bien enregistré" not in text


def test_moving_onto_a_blocked_slot_says_it_is_no_longer_offered(client, mission):
    appointment = book(free_slot(mission))
    blocked = slots_of(mission, status="available")[-1]
    Slot.objects.filter(pk=blocked.pk).update(status="blocked")
    page = client.post(reverse("booking:move", args=[appointment.secret]), {"slot": blocked.pk})
    assert "n'est plus proposé aux patients" in htmllib.unescape(page.text)


def test_slot_and_waiting_list_pages_have_titles_of_their_own(client, mission):
    """RGAA 8.6: two slots, or two sites' waiting lists, never share a page title."""
    slot = free_slot(mission)
    page = client.get(reverse("booking:book", args=[slot.pk])).content.decode()
    when = timezone.localtime(slot.start)
    assert (
        f"<title>Réserver le créneau du {when:%d/%m/%Y} à {hour(when)} — {mission.site.name}"
        in page
    )
    page = client.get(reverse("booking:waitlist") + f"?site={mission.site.pk}").content.decode()
    assert f"<title>Liste d&#x27;attente — {mission.site.name}" in page
