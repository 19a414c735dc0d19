"""Booking, cancelling and moving appointments: every rule and error path."""

import uuid
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.dateformat import format as date_format

from renfort.booking.ics import appointment_ics
from renfort.booking.models import (
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Slot,
    SlotStatus,
    mask_email,
    mask_phone,
)
from renfort.booking.services import (
    appointment_book,
    appointment_cancel,
    appointment_move,
    patient_check,
)
from renfort.core.templatetags.french import date_fr, first_day_format
from renfort.core.text import hour
from renfort.notifications.channels import DeliveryError, LocmemSmsBackend
from renfort.notifications.models import Notification, Status
from tests.factories import UserFactory
from tests.sites.factories import open_every_day_site

from .factories import before, book, free_slot, mission_with_slots, patient, patient_data, slots_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_outboxes():
    LocmemSmsBackend.outbox.clear()
    mail.outbox.clear()


@pytest.fixture
def mission():
    return mission_with_slots()


def codes(exc_info) -> str:
    return exc_info.value.code


# --- Patient data ------------------------------------------------------------------------------


def test_patient_check_normalises():
    checked = patient_check(
        data={
            **patient_data(phone="06 12 34 56 78", email=" Camille@Exemple.TEST "),
            "birth_date": date(1970, 5, 17),
            "has_medecin_traitant": False,
            "reason": "  fièvre   depuis hier ",
        }
    )
    assert checked.phone == "+33612345678" and checked.email == "camille@exemple.test"
    assert checked.reason == "fièvre depuis hier" and checked.is_priority


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "05 63 00 00 00"}, "phone"),  # a landline receives no SMS
        ({"email": "pas-une-adresse"}, "email"),
        ({"phone": "", "email": ""}, "phone"),
        ({"last_name": ""}, "last_name"),
        ({"first_name": "R2D2"}, "first_name"),
        ({"birth_date": date(2999, 1, 1)}, "birth_date"),
        ({"birth_date": date(1890, 1, 1)}, "birth_date"),
        ({"birth_date": None}, "birth_date"),
        ({"reason": "x" * 201}, "reason"),
    ],
)
def test_patient_check_refuses_bad_input(overrides, field):
    data = {**patient_data(), "birth_date": date(1970, 5, 17), **overrides}
    with pytest.raises(ValidationError) as exc_info:
        patient_check(data=data)
    assert field in exc_info.value.message_dict


def test_consent_is_required():
    with pytest.raises(ValidationError) as exc_info:
        patient_check(data={**patient_data(), "birth_date": date(1970, 5, 17)}, consent=False)
    assert "consent" in exc_info.value.message_dict


def test_phone_or_email_alone_is_enough(mission):
    slots = slots_of(mission)
    assert book(slots[0], email="").email == ""
    assert book(slots[2], phone="", email="seul@exemple.test").phone == ""


# --- Booking -----------------------------------------------------------------------------------


def test_booking_confirms_by_email_with_ics_and_by_sms(mission, django_capture_on_commit_callbacks):
    slot = free_slot(mission)
    with django_capture_on_commit_callbacks(execute=True):
        appointment, created = appointment_book(slot_id=slot.pk, patient=patient())
    slot.refresh_from_db()
    assert created and slot.status == SlotStatus.BOOKED
    assert len(appointment.reference) == 6 and len(appointment.secret) >= 32
    assert appointment.history.get().to_status == AppointmentStatus.BOOKED
    email = mail.outbox[0]
    # What and when in the subject (« mardi 27 janvier à 9 h 40 »), the reference in the body.
    start = timezone.localtime(appointment.start)
    day = date_format(start, first_day_format(start, "l j F"))
    assert email.subject == (
        f"Rendez-vous confirmé le {day} à {hour(start)} — Un médecin près de chez vous"
    )
    assert f"Référence : {appointment.reference}" in email.body
    assert email.body.rstrip().endswith("\n\nL'équipe Renfort — Un médecin près de chez vous")
    manage = f"/rendez-vous/mon-rendez-vous/{appointment.secret}/"
    assert manage in email.body
    assert "au tarif de la Sécurité sociale (secteur 1), sans dépassement" in email.body
    name, content, mime = email.attachments[0]
    unfolded = content.replace("\r\n ", "")
    assert "au tarif de la Sécurité sociale (secteur 1)" in unfolded
    assert name.endswith(".ics") and mime == "text/calendar"
    assert "BEGIN:VEVENT" in content and f"UID:{appointment.reference}@renfort" in content
    # The calendar event names the doctor and keeps the link to cancel or move it.
    doctor = appointment.doctor
    assert f"SUMMARY:Consultation avec le {doctor} — Un médecin près de chez vous" in unfolded
    assert "Pour annuler ou déplacer ce rendez-vous (jusqu'à une heure avant) : http" in unfolded
    assert manage in unfolded
    assert LocmemSmsBackend.outbox[0]["to"] == "+33639980001"
    sms = LocmemSmsBackend.outbox[0]["body"]
    assert sms.startswith("Un médecin près de chez vous : votre RDV du ")
    assert f"/rendez-vous/mon-rendez-vous/{appointment.secret}/" in sms
    assert Notification.objects.filter(status=Status.SENT).count() == 2


def test_confirmation_states_the_cutoff_of_the_setting(
    mission, settings, django_capture_on_commit_callbacks
):
    """The email and its calendar file say how long before the start the patient may still
    cancel or move online, as configured (not a fixed « 1 heure »)."""
    settings.BOOKING_CANCEL_CUTOFF_HOURS = 2
    with django_capture_on_commit_callbacks(execute=True):
        appointment_book(slot_id=free_slot(mission).pk, patient=patient())
    email = mail.outbox[0]
    assert "à annuler ou déplacer jusqu'à 2 heures avant :" in email.body
    assert "1 heure" not in email.body and "une heure" not in email.body
    unfolded = email.attachments[0][1].replace("\r\n ", "")
    assert "ce rendez-vous (jusqu'à 2 heures avant) : http" in unfolded


def test_references_are_unique_and_readable(mission):
    refs = {
        book(s, phone=f"+336399800{i:02d}", email=f"p{i}@exemple.test").reference
        for i, s in enumerate(slots_of(mission)[:2])
    }
    assert len(refs) == 2
    assert all(set(r) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for r in refs)


def test_slot_taken_meanwhile(mission):
    slot = free_slot(mission)
    book(slot)
    with pytest.raises(ValidationError) as exc_info:
        book(slot, phone="+33639980002", email="autre@exemple.test")
    assert codes(exc_info) == "slot_taken"
    assert Appointment.objects.count() == 1


def test_slot_in_the_past(mission):
    slot = free_slot(mission)
    with pytest.raises(ValidationError) as exc_info:
        book(slot, now=slot.start + timedelta(minutes=1))
    assert codes(exc_info) == "slot_past"


def test_cancelled_or_missing_slot(mission):
    slot = free_slot(mission)
    slot.status = SlotStatus.CANCELLED
    slot.save()
    with pytest.raises(ValidationError) as exc_info:
        book(slot)
    assert codes(exc_info) == "slot_gone"
    with pytest.raises(ValidationError):
        appointment_book(slot_id=999_999, patient=patient())


def test_blocked_slot_cannot_be_booked(mission):
    slot = free_slot(mission)
    slot.status = SlotStatus.BLOCKED
    slot.save()
    with pytest.raises(ValidationError) as exc_info:
        book(slot)
    assert codes(exc_info) == "slot_gone"  # « n'est plus proposé aux patients »


def test_reserved_slot_is_refused_to_a_patient_with_medecin_traitant_before_release(mission):
    slot = free_slot(mission, reserved=True)
    with pytest.raises(ValidationError) as exc_info:
        book(slot, has_medecin_traitant=True, now=before(slot, hours=49))
    assert codes(exc_info) == "reserved"
    message = exc_info.value.messages[0]
    assert "réservé aux patients sans médecin traitant" in message
    # The date as the form's notice writes it (« 4 janvier »), not « 04/01/2027 ».
    opening = timezone.localtime(slot.open_to_all_at)
    assert f"jusqu'au {date_fr(opening, 'j F')} à {hour(opening)} :" in message
    assert "/" not in message


def test_reserved_slot_opens_to_all_48_hours_before(mission):
    slot = free_slot(mission, reserved=True)
    assert slot.open_to_all_at == slot.start - timedelta(hours=48)
    appointment = book(slot, has_medecin_traitant=True, now=before(slot, hours=47))
    assert appointment.slot == slot


@pytest.mark.parametrize(
    ("has_mt", "ald"),
    [(False, False), (False, True), (True, True)],
    ids=["no-mt", "no-mt-ald", "ald"],
)
def test_reserved_slot_is_open_to_priority_patients(mission, has_mt, ald):
    slot = free_slot(mission, reserved=True)
    book(slot, has_medecin_traitant=has_mt, is_ald=ald, now=before(slot, days=5))


def test_unreserved_slot_is_open_to_everyone(mission):
    book(free_slot(mission), has_medecin_traitant=True)


def test_at_most_two_future_appointments_per_phone(mission):
    slots = slots_of(mission, status="available")
    book(slots[0])
    book(slots[1], email="autre@exemple.test")  # same phone
    with pytest.raises(ValidationError) as exc_info:
        book(slots[2], email="troisieme@exemple.test")  # same phone again
    assert codes(exc_info) == "limit"
    book(slots[3], phone="+33639980099", email="nouveau@exemple.test", first_name="Dominique")


def test_at_most_two_future_appointments_per_email(mission):
    slots = slots_of(mission, status="available")
    book(slots[0], phone="+33639980010")
    book(slots[1], phone="")  # same email
    with pytest.raises(ValidationError) as exc_info:
        book(slots[2], phone="+33639980011")  # same email again
    assert codes(exc_info) == "limit"


def test_the_limit_counts_the_person_whatever_contact_they_give(mission):
    """Same names and birth date: giving the email once and the phone once does not dodge it."""
    slots = slots_of(mission, status="available")
    book(slots[0], phone="+33639980020", email="")
    book(slots[1], phone="", email="seule@exemple.test", last_name="FICTIF")
    with pytest.raises(ValidationError) as exc_info:
        book(slots[2], phone="+33639980021", email="", first_name="camille")
    assert codes(exc_info) == "limit"
    assert "à votre nom" in exc_info.value.messages[0]
    assert Appointment.objects.count() == 2
    assert Slot.objects.get(pk=slots[2].pk).status == SlotStatus.AVAILABLE
    # Nor does writing the names another way: accents, hyphens and spaces are one person.
    for last_name, first_name in (
        ("Fic-tif", "Camille"),
        ("FICTIF", "Camillé"),
        ("Fictif", "Ca mille"),
    ):
        with pytest.raises(ValidationError) as exc_info:
            book(
                slots[2],
                phone="",
                email="autre@exemple.test",
                last_name=last_name,
                first_name=first_name,
            )
        assert codes(exc_info) == "limit", (last_name, first_name)
    # Another person, born the same day, still books.
    book(slots[2], phone="", email="autre@exemple.test", first_name="Dominique")


def test_one_person_cannot_hold_two_appointments_at_the_same_time(mission):
    other = mission_with_slots(site=mission.site, date=mission.date)
    first = book(free_slot(mission))
    twin_slot = Slot.objects.get(mission=other, start=first.start)
    with pytest.raises(ValidationError) as exc_info:
        book(twin_slot, email="autre@exemple.test")  # same phone, another doctor, same time
    assert codes(exc_info) == "overlap"
    assert "en même temps" in exc_info.value.messages[0]
    assert Slot.objects.get(pk=twin_slot.pk).status == SlotStatus.AVAILABLE
    # Someone else may take it; the same person may take the next one.
    book(twin_slot, phone="+33639980030", email="", first_name="Dominique")
    later = Slot.objects.filter(mission=other, start__gte=first.end, status="available")
    book(later.order_by("start")[0])


def test_a_phone_alone_or_names_alone_never_tell_when_someone_is_seen(mission):
    """The overlap refusal tells the other appointment's time: only to who gives the whole
    person (names, birth date, and their phone or email). Someone typing a patient's phone,
    or their names and birth date, with other details is not refused for that time."""
    victim = book(free_slot(mission))
    same_time = [
        Slot.objects.get(mission=mission_with_slots(site=mission.site, date=mission.date),
                         start=victim.start)
        for _ in range(2)
    ]  # fmt: skip
    # The victim's phone, other names and birth date.
    book(same_time[0], last_name="Autre", first_name="Alix", birth_date=date(1990, 2, 2),
         email="")  # fmt: skip
    # The victim's names and birth date, another phone.
    book(same_time[1], phone="+33639980031", email="")
    assert Slot.objects.filter(pk__in=[s.pk for s in same_time], status="booked").count() == 2


def test_a_move_onto_a_time_the_person_already_holds_is_refused(mission):
    other = mission_with_slots(site=mission.site, date=mission.date)
    slots = slots_of(mission, status="available")
    first, second = book(slots[0]), book(slots[3])
    twin_slot = Slot.objects.get(mission=other, start=first.start)
    with pytest.raises(ValidationError) as exc_info:
        appointment_move(appointment=second, slot_id=twin_slot.pk)
    assert codes(exc_info) == "overlap"
    second.refresh_from_db()
    assert second.slot_id == slots[3].pk
    assert Slot.objects.get(pk=twin_slot.pk).status == SlotStatus.AVAILABLE


def test_cancelled_and_past_appointments_do_not_count(mission):
    slots = slots_of(mission, status="available")
    first = book(slots[0])
    book(slots[1])
    appointment_cancel(appointment=first)
    book(slots[2])
    # Once the first remaining ones are past, new bookings are allowed again.
    later = mission_with_slots(date=mission.date + timedelta(days=3))
    book(free_slot(later), now=slots[2].end + timedelta(minutes=1))


@override_settings(BOOKING_MAX_FUTURE_APPOINTMENTS=1)
def test_limit_is_a_setting(mission):
    slots = slots_of(mission, status="available")
    book(slots[0])
    with pytest.raises(ValidationError):
        book(slots[1])


def test_same_token_books_once(mission):
    token = uuid.uuid4()
    slot = free_slot(mission)
    first = book(slot, token=token)
    second, created = appointment_book(slot_id=slot.pk, patient=patient(), submission_token=token)
    assert second == first and not created
    assert Appointment.objects.count() == 1
    assert Notification.objects.filter(kind="booking_confirmation").count() == 2  # email + SMS


@pytest.mark.parametrize(
    "change",
    [{"slot": 1}, {"last_name": "Autre"}, {"email": "autre@exemple.test"}, {"phone": ""}],
)
def test_same_token_for_another_slot_or_person_is_refused(mission, change):
    token = uuid.uuid4()
    slots = slots_of(mission, status="available")
    book(slots[0], token=token)
    slot = slots[change.pop("slot", 0)]
    with pytest.raises(ValidationError) as error:
        appointment_book(slot_id=slot.pk, patient=patient(**change), submission_token=token)
    assert error.value.code == "token_reused"
    assert Appointment.objects.count() == 1


def test_database_refuses_two_holding_appointments_on_one_slot(mission):
    appointment = book(free_slot(mission))
    twin = Appointment(
        slot=appointment.slot,
        mission=appointment.mission,
        site=appointment.site,
        doctor=appointment.doctor,
        start=appointment.start,
        end=appointment.end,
        last_name="Autre",
        first_name="Personne",
        email="autre@exemple.test",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    twin.status = AppointmentStatus.CANCELLED
    twin.save()  # a cancelled appointment does not hold the slot


def test_sms_provider_outage_never_loses_a_booking(
    mission, monkeypatch, django_capture_on_commit_callbacks
):
    def outage(self, *, to, body):
        raise DeliveryError("HTTP 503")

    monkeypatch.setattr(LocmemSmsBackend, "send", outage)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(free_slot(mission))
    assert Appointment.objects.filter(pk=appointment.pk, status="booked").exists()
    sms = Notification.objects.get(kind="booking_confirmation", channel="sms")
    assert sms.status == Status.FAILED and sms.attempts == 1 and "503" in sms.last_error
    assert len(mail.outbox) == 1  # the email still went out


@override_settings(
    SMS_BACKEND="renfort.notifications.channels.HttpSmsBackend",
    SMS_HTTP_URL="http://127.0.0.1:9/sms",
    SMS_HTTP_TOKEN="jeton-de-test",
)
def test_unreachable_http_sms_provider_is_recorded_failed(
    mission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(free_slot(mission), email="")
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    assert Notification.objects.get(channel="sms").status == Status.FAILED


# --- Cancelling and moving -------------------------------------------------------------------


def test_patient_cancels_and_the_slot_returns_to_the_pool(mission):
    appointment = book(free_slot(mission))
    appointment_cancel(appointment=appointment)
    appointment.refresh_from_db()
    appointment.slot.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.cancelled_by == "patient"
    assert appointment.slot.status == SlotStatus.AVAILABLE
    assert Notification.objects.filter(kind="booking_cancelled_by_patient").count() == 2
    book(appointment.slot, phone="+33639980050", email="suivant@exemple.test")


def test_patient_cannot_cancel_after_the_cut_off(mission):
    appointment = book(free_slot(mission))
    with pytest.raises(ValidationError) as exc_info:
        appointment_cancel(appointment=appointment, now=before(appointment.slot, minutes=59))
    assert codes(exc_info) == "cutoff"
    appointment_cancel(appointment=appointment, now=before(appointment.slot, minutes=61))


def test_cancelling_twice_is_refused(mission):
    appointment = book(free_slot(mission))
    appointment_cancel(appointment=appointment)
    with pytest.raises(ValidationError, match="Ce rendez-vous est déjà annulé.") as exc_info:
        appointment_cancel(appointment=appointment)
    assert codes(exc_info) == "already_cancelled"
    seen = book(free_slot(mission), email="autre.fictif@exemple.test", phone="")
    Appointment.objects.filter(pk=seen.pk).update(status="seen")
    with pytest.raises(ValidationError, match="n'est plus à venir") as exc_info:
        appointment_cancel(appointment=seen)
    assert codes(exc_info) == "not_booked"


def test_site_manager_cancels_with_a_reason_and_patient_gets_alternatives(
    mission, django_capture_on_commit_callbacks
):
    appointment = book(free_slot(mission))
    manager = mission.site.manager
    with pytest.raises(ValidationError):
        appointment_cancel(appointment=appointment, by=CancelledBy.SITE, actor=manager, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(
            appointment=appointment,
            by=CancelledBy.SITE,
            actor=manager,
            reason="Le médecin est malade.",
            now=before(appointment.slot, minutes=10),
        )
    appointment.refresh_from_db()
    assert (
        appointment.cancelled_by == "site" and appointment.status_reason == "Le médecin est malade."
    )
    body = mail.outbox[-1].body
    assert "Le médecin est malade" in body and "/rendez-vous/creneau/" in body
    assert "/rendez-vous/liste-attente/?site=" in body
    sms = Notification.objects.get(kind="booking_cancelled_by_staff", channel="sms")
    assert "est annulé : le médecin est malade. Autres créneaux : " in sms.body
    assert sms.body.endswith(f"/rendez-vous/mon-rendez-vous/{appointment.secret}/")


def test_doctor_cancels_own_appointments_only(mission):
    appointment = book(free_slot(mission))
    stranger = UserFactory(site_manager=True)
    with pytest.raises(PermissionDenied):
        appointment_cancel(
            appointment=appointment, by=CancelledBy.SITE, actor=stranger, reason="Je ne peux pas"
        )
    appointment_cancel(
        appointment=appointment,
        by=CancelledBy.DOCTOR,
        actor=mission.doctor.user,
        reason="Urgence au cabinet",
    )


def test_patient_moves_the_appointment(mission, django_capture_on_commit_callbacks):
    slots = slots_of(mission, status="available", reserved_for_priority=False)
    appointment = book(slots[0])
    reference, secret = appointment.reference, appointment.secret
    with django_capture_on_commit_callbacks(execute=True):
        appointment_move(appointment=appointment, slot_id=slots[1].pk)
    appointment.refresh_from_db()
    slots[0].refresh_from_db()
    slots[1].refresh_from_db()
    assert appointment.slot == slots[1] and appointment.start == slots[1].start
    assert (appointment.reference, appointment.secret) == (reference, secret)
    assert slots[0].status == "available" and slots[1].status == "booked"
    assert "déplacé" in mail.outbox[-1].subject


def test_move_errors(mission):
    slots = slots_of(mission, status="available", reserved_for_priority=False)
    appointment = book(slots[0])
    book(slots[1], phone="+33639980060", email="autre@exemple.test")
    with pytest.raises(ValidationError) as exc_info:
        appointment_move(appointment=appointment, slot_id=slots[1].pk)
    assert codes(exc_info) == "slot_taken"
    with pytest.raises(ValidationError) as exc_info:
        appointment_move(appointment=appointment, slot_id=slots[0].pk)
    assert codes(exc_info) == "same_slot"
    with pytest.raises(ValidationError) as exc_info:
        appointment_move(
            appointment=appointment, slot_id=slots[2].pk, now=before(slots[0], minutes=30)
        )
    assert codes(exc_info) == "cutoff"
    reserved = free_slot(mission, reserved=True)
    appointment.has_medecin_traitant = True
    appointment.save()
    with pytest.raises(ValidationError) as exc_info:
        appointment_move(appointment=appointment, slot_id=reserved.pk, now=before(reserved, days=3))
    assert codes(exc_info) == "reserved"


# --- Masking -----------------------------------------------------------------------------------


def test_masking():
    assert mask_phone("+33612345678") == "06 •• •• •• 78"
    assert mask_phone("") == ""
    assert mask_email("camille.fictif@exemple.test") == "c•••@exemple.test"
    assert mask_email("") == ""


def test_fictional_mobiles_of_the_demo_are_accepted():
    data = {**patient_data(phone="06 39 98 00 42"), "birth_date": date(1970, 5, 17)}
    assert patient_check(data=data).phone == "+33639980042"


def test_staff_cancellation_offers_only_slots_the_patient_may_book(
    mission, django_capture_on_commit_callbacks
):
    appointment = book(free_slot(mission), has_medecin_traitant=True)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(
            appointment=appointment,
            by=CancelledBy.SITE,
            actor=mission.site.manager,
            reason="Le médecin est retenu",
            now=before(appointment.slot, days=3),
        )
    offered = [
        int(part.split("/")[0]) for part in mail.outbox[-1].body.split("/rendez-vous/creneau/")[1:]
    ]
    assert offered and not Slot.objects.filter(pk__in=offered, reserved_for_priority=True).exists()


def test_a_move_stays_at_the_same_site(mission):
    appointment = book(free_slot(mission))
    elsewhere = free_slot(mission_with_slots(site=open_every_day_site(in_landes=True)))
    with pytest.raises(ValidationError) as exc_info:
        appointment_move(appointment=appointment, slot_id=elsewhere.pk)
    assert codes(exc_info) == "other_site"


def test_the_calendar_file_of_a_moved_appointment_replaces_the_first(mission):
    slots = slots_of(mission, status="available", reserved_for_priority=False)
    appointment = book(slots[0])
    assert "SEQUENCE:0" in appointment_ics(appointment).decode()
    appointment_move(appointment=appointment, slot_id=slots[1].pk)
    assert "SEQUENCE:1" in appointment_ics(appointment).decode()


def test_the_calendar_file_of_a_cancelled_appointment_has_no_link_to_manage_it(mission):
    appointment = book(free_slot(mission))
    cancelled = appointment_ics(appointment, cancelled=True).decode().replace("\r\n ", "")
    assert "STATUS:CANCELLED" in cancelled and appointment.secret not in cancelled
    assert appointment.secret in appointment_ics(appointment).decode().replace("\r\n ", "")
