"""The patient journey in a real browser: search by postcode, book, read the confirmation,
open the secret link, cancel; the day view's table at desktop and phone widths."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from renfort.booking.models import Appointment
from renfort.notifications.models import Notification
from tests.browser_login import browser_login

from .factories import book, free_slot, mission_with_slots, slots_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_patient_books_then_cancels_from_the_secret_link(page):
    mission = mission_with_slots()
    mail.outbox.clear()
    page.goto("/rendez-vous/")
    page.fill("#id_q", "81230")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Rechercher").click()
    results = page.locator(f"#site-{mission.site.pk}")
    assert mission.site.name in results.inner_text()
    results.locator(".booking-slots a").first.click()

    assert "tarif de la Sécurité sociale (secteur 1)" in page.locator("#price-rule").inner_text()
    page.fill("#id_last_name", "Navigateur")
    page.fill("#id_first_name", "Dominique")
    page.fill("#id_birth_date", "1980-02-29")
    page.fill("#id_phone", "06 12 34 56 78")
    page.fill("#id_email", "dominique.navigateur@exemple.test")
    page.click("label[for='id_has_medecin_traitant_1']")  # « Non »
    page.fill("#id_reason", "Renouvellement d'ordonnance")
    page.click("label[for='id_consent']")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()

    appointment = Appointment.objects.get()
    assert appointment.reference in page.locator("#appointment-reference").inner_text()
    # The confirmation was recorded and sent (locmem email backend) with the secret link.
    email = Notification.objects.get(kind="booking_confirmation", channel="email")
    assert email.status == "sent"
    sms = Notification.objects.get(kind="booking_confirmation", channel="sms")
    assert sms.recipient == "+33612345678"
    link = re.search(r"https?://\S+/rendez-vous/mon-rendez-vous/\S+/", email.body).group(0)
    assert any(link in m.body for m in mail.outbox)

    page.goto("/rendez-vous/" + link.split("/rendez-vous/", 1)[1])  # the live server's address
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Annuler le rendez-vous").click()
    assert "est annulé" in page.locator("#cancelled-callout").inner_text()
    assert dialogs and "Annuler ce rendez-vous" in dialogs[0]  # asked before cancelling
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert appointment.slot.status == "available"


def test_a_slot_taken_while_typing_books_another_in_one_click_with_the_same_details(page):
    mission = mission_with_slots()
    slot = free_slot(mission)
    page.goto(reverse("booking:book", args=[slot.pk]))
    page.fill("#id_last_name", "Navigateur")
    page.fill("#id_first_name", "Dominique")
    page.fill("#id_birth_date", "1980-02-29")
    page.fill("#id_phone", "06 12 34 56 78")
    page.click("label[for='id_has_medecin_traitant_0']")  # « Oui »
    page.fill("#id_reason", "Certificat de sport")
    page.click("label[for='id_consent']")
    book(slot, last_name="Autre", phone="+33612000009", email="autre@exemple.test")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()

    assert "réservé par une autre personne" in page.locator("#error-summary").inner_text()
    assert page.locator("#id_last_name").input_value() == "Navigateur"
    assert page.locator("#id_consent").is_checked()
    page.locator("#other-slots button").first.click()
    appointment = Appointment.objects.get(last_name="Navigateur")
    assert appointment.reference in page.locator("#appointment-reference").inner_text()
    assert appointment.slot_id != slot.pk and appointment.reason == "Certificat de sport"
    assert str(appointment.birth_date) == "1980-02-29" and not appointment.is_priority


def test_refused_on_a_priority_slot_the_next_slot_books_in_one_click_with_the_same_details(page):
    mission = mission_with_slots()
    reserved = slots_of(mission, status="available", reserved_for_priority=True)[0]
    page.goto(reverse("booking:book", args=[reserved.pk]))
    page.fill("#id_last_name", "Navigateur")
    page.fill("#id_first_name", "Dominique")
    page.fill("#id_birth_date", "1980-02-29")
    page.fill("#id_phone", "06 12 34 56 78")
    page.click("label[for='id_has_medecin_traitant_0']")  # « Oui »: not a priority patient
    page.click("label[for='id_consent']")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()

    assert (
        "réservé aux patients sans médecin traitant" in page.locator("#error-summary").inner_text()
    )
    assert page.locator("#id_last_name").input_value() == "Navigateur"
    page.locator("#book-next-slot").click()
    appointment = Appointment.objects.get(last_name="Navigateur")
    assert appointment.reference in page.locator("#appointment-reference").inner_text()
    assert appointment.slot_id != reserved.pk and not appointment.slot.reserved_for_priority


def test_day_view_table_keeps_times_and_words_whole(page, live_server):
    """« 09h00 » on one line at 1280 px; at 375 px no word is cut and the table scrolls inside
    its container, not the page."""
    mission = mission_with_slots()
    book(free_slot(mission), reason="Renouvellement " + "x" * 80)
    browser_login(page, live_server, mission.site.manager)
    url = reverse("booking:day", args=[mission.site_id, mission.date.isoformat()])
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        time_cell = page.locator("td.booking-time").first
        assert time_cell.inner_text() == "9\xa0h\xa000"
        wrap = "el => [getComputedStyle(el).overflowWrap, getComputedStyle(el).wordBreak]"
        assert time_cell.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
        for cell in (time_cell, page.locator("td").nth(1), page.locator("td").nth(4)):
            overflow_wrap, word_break = cell.evaluate(wrap)  # time, patient, status
            assert overflow_wrap != "anywhere" and word_break != "break-all"
        # « 09h00 » lays out as one line box.
        lines = time_cell.evaluate(
            "el => { const r = document.createRange(); r.selectNodeContents(el);"
            " return r.getClientRects().length; }"
        )
        assert lines == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator("td.booking-reason").first.evaluate(wrap)[0] == "anywhere"
        if width == 375:  # each appointment is a card: its buttons in sight, no scrolling
            box = page.get_by_role("button", name="Annuler le rendez-vous").first.bounding_box()
            assert box["x"] + box["width"] <= width
            display = (
                page.locator("table.booking-day-table tr")
                .nth(1)
                .evaluate("el => getComputedStyle(el).display")
            )
            assert display == "block"
            label = page.locator("td.booking-time").first.evaluate(
                "el => getComputedStyle(el, '::before').content"
            )
            # The column's name for the eyes, with an empty alternative for screen readers.
            assert label == '"Heure : " / ""'
