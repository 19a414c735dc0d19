"""The patient can always call the site: its phone is on the appointment's page, in the
confirmation, the move and the reminder emails, and in the calendar file."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from renfort.booking.services import appointment_reminders_send

from .factories import before, book, free_slot, mission_with_slots

pytestmark = pytest.mark.django_db


def test_the_sites_phone_is_given_wherever_the_appointment_is(
    client, django_capture_on_commit_callbacks
):
    mission = mission_with_slots()
    site = mission.site
    site.phone = "+33639987012"
    site.save(update_fields=["phone"])
    slot = free_slot(mission)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(slot, now=before(slot, days=9), phone="")
    shown = site.phone_display
    assert f"Téléphone du lieu : {shown}" in mail.outbox[0].body
    page = html.unescape(
        client.get(reverse("booking:manage", args=[appointment.secret])).content.decode()
    )
    assert f'<a href="tel:+33639987012">{shown}</a>' in page
    ics = client.get(reverse("booking:ics", args=[appointment.secret])).content.decode()
    assert f"Téléphone du lieu : {shown}" in ics.replace("\r\n ", "")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reminders_send(now=before(slot, hours=47))
    assert f"Téléphone du lieu : {shown}" in mail.outbox[0].body


def test_no_phone_line_when_the_site_has_none(django_capture_on_commit_callbacks):
    mission = mission_with_slots()
    mission.site.phone = ""
    mission.site.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        book(free_slot(mission), phone="")
    assert "Téléphone du lieu" not in mail.outbox[0].body
