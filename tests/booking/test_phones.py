"""Mobile numbers of metropolitan France and of the overseas departments: stored in E.164,
shown as people write them, masked in lists, the same person whatever the way it is typed."""

import html as htmllib
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Appointment, WaitingListEntry, mask_phone
from renfort.booking.services import appointment_book
from renfort.core.validators import format_phone, normalize_mobile
from renfort.notifications.channels import LocmemSmsBackend

from .factories import book, free_slot, mission_with_slots, patient, patient_data, slots_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "e164", "shown", "masked"),
    [
        ("0692 12 34 56", "+262692123456", "0692 12 34 56", "0692 •• •• 56"),  # La Réunion
        ("0693 01 23 45", "+262693012345", "0693 01 23 45", "0693 •• •• 45"),
        ("+262 692 12 34 56", "+262692123456", "0692 12 34 56", "0692 •• •• 56"),
        ("00262692123456", "+262692123456", "0692 12 34 56", "0692 •• •• 56"),
        ("0639 12 34 56", "+262639123456", "0639 12 34 56", "0639 •• •• 56"),  # Mayotte
        ("+262 639 01 23 45", "+262639012345", "0639 01 23 45", "0639 •• •• 45"),
        ("0690 12 34 56", "+590690123456", "0690 12 34 56", "0690 •• •• 56"),  # Guadeloupe
        ("0691 22 33 44", "+590691223344", "0691 22 33 44", "0691 •• •• 44"),
        ("+590 690 12 34 56", "+590690123456", "0690 12 34 56", "0690 •• •• 56"),
        ("0694 12 34 56", "+594694123456", "0694 12 34 56", "0694 •• •• 56"),  # Guyane
        ("+594694123456", "+594694123456", "0694 12 34 56", "0694 •• •• 56"),
        ("0696 12 34 56", "+596696123456", "0696 12 34 56", "0696 •• •• 56"),  # Martinique
        ("06.97.12.34.56", "+596697123456", "0697 12 34 56", "0697 •• •• 56"),
        ("+596 696 12 34 56", "+596696123456", "0696 12 34 56", "0696 •• •• 56"),
        ("06 12 34 56 78", "+33612345678", "06 12 34 56 78", "06 •• •• •• 78"),  # métropole
        ("+33 7 81 23 45 67", "+33781234567", "07 81 23 45 67", "07 •• •• •• 67"),
        ("06 39 98 00 01", "+33639980001", "06 39 98 00 01", "06 •• •• •• 01"),  # fiction
        ("0033 6 39 98 00 01", "+33639980001", "06 39 98 00 01", "06 •• •• •• 01"),
        ("+33 (0)6 39 98 00 01", "+33639980001", "06 39 98 00 01", "06 •• •• •• 01"),
        ("0033 6 12 34 56 78", "+33612345678", "06 12 34 56 78", "06 •• •• •• 78"),
    ],
)
def test_mobile_numbers_of_metropolitan_and_overseas_france(typed, e164, shown, masked):
    assert normalize_mobile(typed) == e164
    assert format_phone(e164) == shown
    assert mask_phone(e164) == masked


@pytest.mark.parametrize(
    "typed",
    [
        "0590 12 34 56",  # Guadeloupe landline
        "0262 12 34 56",  # Réunion landline
        "+590 692 12 34 56",  # a Réunion prefix behind the Guadeloupe code
        "+33 692 12 34 56",  # not a metropolitan number
        "+269 639 12 34 56",  # Comoros (Mayotte has used +262 since 2007)
        "05 63 00 00 00",
        "+44 7700 900123",
        "12",
    ],
)
def test_landlines_foreign_and_mismatched_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as exc_info:
        normalize_mobile(typed)
    assert "mobile (06 ou 07)" in exc_info.value.messages[0]
    assert "outre-mer, 0692 12 34 56" in exc_info.value.messages[0]


def test_booking_with_an_overseas_mobile_only_confirms_by_sms_to_it(
    client, django_capture_on_commit_callbacks
):
    LocmemSmsBackend.outbox.clear()
    mission = mission_with_slots()
    slot = free_slot(mission)
    data = {**patient_data(phone="0692 12 34 56", email=""), "token": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("booking:book", args=[slot.pk]), data)
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and appointment.phone == "+262692123456"
    assert [sms["to"] for sms in LocmemSmsBackend.outbox] == ["+262692123456"]
    client.force_login(mission.site.manager)
    day = client.get(reverse("booking:day", args=[mission.site_id, mission.date.isoformat()]))
    # In full for the site, as people write it there (to call a late patient).
    assert 'tél. <a href="tel:+262692123456">0692 12 34 56</a>' in htmllib.unescape(day.text)


def test_waiting_list_accepts_an_overseas_mobile(client):
    mission = mission_with_slots()
    url = reverse("booking:waitlist") + f"?site={mission.site.pk}"
    data = {
        **patient_data(phone="+262 692 12 34 56", email=""),
        "start_date": mission.date.isoformat(),
        "end_date": (mission.date + timedelta(days=7)).isoformat(),
        "token": str(uuid.uuid4()),
    }
    response = client.post(url, data, follow=True)
    assert "Vous êtes inscrit(e)" in response.text
    assert WaitingListEntry.objects.get().phone == "+262692123456"


def test_the_per_contact_limit_matches_an_overseas_number_typed_two_ways():
    mission = mission_with_slots()
    first, second, third = slots_of(mission, reserved_for_priority=False)[:3]
    book(first, phone=normalize_mobile("0692 12 34 56"), email="")
    book(second, phone=normalize_mobile("+262692123456"), email="")
    with pytest.raises(ValidationError) as exc_info:
        appointment_book(
            slot_id=third.pk,
            patient=patient(phone=normalize_mobile("00262 692 12 34 56"), email=""),
            now=timezone.now(),
        )
    assert exc_info.value.code == "limit"


@pytest.mark.parametrize("typed", ["07 11 22 33 44", "0712345678", "07 20 00 00 00"])
def test_an_07_number_outside_the_mobile_ranges_is_told_so(typed):
    with pytest.raises(ValidationError) as exc_info:
        normalize_mobile(typed)
    assert exc_info.value.messages == [
        "Ce numéro ne correspond à aucun téléphone mobile : les mobiles en 07 commencent par 073 "
        "à 079. Vérifiez-le."
    ]
    assert normalize_mobile("07 33 44 55 66") == "+33733445566"
