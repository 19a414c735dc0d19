"""Day view of a site / a doctor: permissions (refusals included), masking, marks, walk-ins."""

import html as htmllib
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Appointment, AppointmentStatus, Slot
from renfort.booking.selectors import agenda_days
from renfort.booking.services import (
    appointment_mark,
)
from renfort.booking.slots import PARIS
from renfort.core.text import hour
from renfort.planning.models import Mission
from tests.doctors.factories import DoctorFactory
from tests.factories import UserFactory

from .factories import book, free_slot, mission_with_slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return mission_with_slots()


@pytest.fixture
def appointment(mission):
    return book(free_slot(mission), reason="Certificat de sport")


def day_url(mission) -> str:
    return reverse("booking:day", args=[mission.site_id, mission.date.isoformat()])


def test_site_manager_sees_the_day_with_the_contact_in_full(client, mission, appointment):
    """The host site's reception calls a late patient: the phone and the email in full (on the
    screen and on the printed sheet, the same page)."""
    client.force_login(mission.site.manager)
    response = client.get(day_url(mission))
    assert response.status_code == 200
    assert "FICTIF Camille" in response.text
    assert 'tél. <a href="tel:+33639980001">06 39 98 00 01</a>' in response.text
    assert appointment.email in response.text and "••" not in response.text
    assert "Certificat de sport" in response.text
    assert "@media print" not in response.text  # print CSS lives in the static file
    assert "booking/booking.css" in response.text
    assert f"<caption>Rendez-vous du Dr {mission.doctor.full_name}</caption>" in response.text
    # The doctor's hours, on the screen and on the printout.
    assert (
        "Consultations : matin 9\xa0h\xa000\xa0– 12\xa0h\xa000, "
        "après-midi 14\xa0h\xa000\xa0– 18\xa0h\xa000." in response.text
    )


def test_doctor_sees_own_missions_only(client, mission, appointment):
    client.force_login(mission.doctor.user)
    assert client.get(day_url(mission)).status_code == 200
    other_doctor = DoctorFactory()
    client.force_login(other_doctor.user)
    assert client.get(day_url(mission)).status_code == 404


def test_ars_agent_of_the_region_reads_without_patients_or_actions(client, mission, appointment):
    agent = UserFactory(role="ars_agent", region=mission.site.region)
    client.force_login(agent)
    response = client.get(day_url(mission))
    assert response.status_code == 200
    page = htmllib.unescape(response.text)
    page = page[page.index('<div class="booking-day">') :]  # not the menu (the agent's name)
    assert "FICTIF Camille" not in page and "Rendez-vous pris" in page
    assert "tél." not in page and "Certificat de sport" not in page
    assert reverse("booking:mark", args=[appointment.pk]) not in page
    refused = client.post(reverse("booking:mark", args=[appointment.pk]), {"status": "seen"})
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "make_user",
    [
        lambda m: UserFactory(ars=True),  # another region (Nouvelle-Aquitaine)
        lambda m: UserFactory(site_manager=True),  # another site's manager
    ],
    ids=["ars-other-region", "other-manager"],
)
def test_outsiders_get_404(client, mission, make_user):
    client.force_login(make_user(mission))
    assert client.get(day_url(mission)).status_code == 404


def test_other_roles_get_403_and_anonymous_the_login(client, mission):
    assert client.get(day_url(mission)).status_code == 302
    client.force_login(UserFactory(cdom=True))
    assert client.get(day_url(mission)).status_code == 403
    assert client.get(reverse("booking:agenda")).status_code == 403


def test_bad_date_is_404(client, mission):
    client.force_login(mission.site.manager)
    url = reverse("booking:day", args=[mission.site_id, "2026-02-31"])
    assert client.get(url).status_code == 404


def test_agenda_lists_the_upcoming_days(client, mission, appointment):
    client.force_login(mission.site.manager)
    response = client.get(reverse("booking:agenda"))
    assert day_url(mission) in response.text
    # The page is named as the menu names it.
    assert "<h1>Agenda des consultations</h1>" in response.text
    assert "<title>Agenda des consultations" in response.text
    assert (
        'href="/rendez-vous/agenda/" aria-current="page">Agenda des consultations<' in response.text
    )
    assert agenda_days(user=mission.site.manager)[0].appointment_count == 1
    assert agenda_days(user=mission.doctor.user) == [mission]
    assert agenda_days(user=UserFactory(site_manager=True)) == []


def test_manager_marks_seen_excused_no_show(client, mission, appointment):
    client.force_login(mission.site.manager)
    url = reverse("booking:mark", args=[appointment.pk])
    client.post(url, {"status": "seen"})
    appointment.refresh_from_db()
    assert appointment.status == "booked"  # a coming appointment is not marked
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now())  # its day came
    for status in ("seen", "no_show", "excused"):
        response = client.post(reverse("booking:mark", args=[appointment.pk]), {"status": status})
        assert response.status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == status
    assert appointment.history.count() == 4


def test_a_mark_from_a_page_that_showed_another_status_is_refused(client, mission, appointment):
    """Two tabs showed « À marquer »: « Vu » in one, then « Absent » in the other is refused
    (the form posts the status it was displayed with), not applied on top."""
    Mission.objects.filter(pk=mission.pk).update(date=timezone.localdate())
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now())
    mission.refresh_from_db()
    client.force_login(mission.site.manager)
    page = client.get(day_url(mission)).text
    assert '<input type="hidden" name="shown" value="booked">' in page
    url = reverse("booking:mark", args=[appointment.pk])
    client.post(url, {"status": "seen", "shown": "booked"})
    response = client.post(url, {"status": "no_show", "shown": "booked"}, follow=True)
    assert "Ce rendez-vous a changé entre-temps (statut actuel : « Vu »)" in htmllib.unescape(
        response.text
    )
    appointment.refresh_from_db()
    assert appointment.status == "seen" and appointment.history.count() == 2
    # From a page showing « Vu », the correction is applied.
    client.post(url, {"status": "no_show", "shown": "seen"})
    appointment.refresh_from_db()
    assert appointment.status == "no_show"


def test_no_show_only_from_the_appointment_time(mission, appointment):
    start = datetime.combine(timezone.localdate(), time(12), tzinfo=PARIS)
    Appointment.objects.filter(pk=appointment.pk).update(start=start, end=start)  # today
    Mission.objects.filter(pk=mission.pk).update(date=start.date())
    manager = mission.site.manager
    with pytest.raises(ValidationError, match="n'est marqué absent qu'à partir de l'heure"):
        appointment_mark(
            appointment=appointment, actor=manager, status="no_show", now=start - timedelta(hours=1)
        )
    marked = appointment_mark(
        appointment=appointment, actor=manager, status="no_show", now=start + timedelta(minutes=1)
    )
    assert marked.status == "no_show"


def test_manager_cancels_from_the_day_view_with_a_reason(client, mission, appointment):
    client.force_login(mission.site.manager)
    url = reverse("booking:mark", args=[appointment.pk])
    response = client.post(url, {"status": "cancelled", "reason": "Ab"})
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    # Refused on its own row, the reason as typed kept, the page titled as an error.
    assert response.status_code == 400
    page = htmllib.unescape(response.text)
    who = f"FICTIF Camille, {hour(timezone.localtime(appointment.start, PARIS))}"
    assert f'<p class="fr-error-text" id="reason-{appointment.pk}-error">{who} : Indiquez' in page
    assert 'value="Ab" aria-invalid="true"' in page and "<title>Erreur — Rendez-vous du" in page
    long_reason = "Fermeture " + "x" * 300  # over 300 characters: said, and kept as typed
    response = client.post(url, {"status": "cancelled", "reason": long_reason, "block_slot": "on"})
    page = htmllib.unescape(response.text)
    assert response.status_code == 400 and "Le motif doit tenir en 300 caractères" in page
    assert f'value="{long_reason}"' in page
    assert f'id="block-{appointment.pk}" name="block_slot" checked' in page  # as ticked
    # The reason goes to the patient by SMS: no web address in it (phishing).
    for phishy in (
        "Reprenez rdv sur http://rdv-express.example",
        "voir www.exemple.fr",
        "rdv.ly/x",
    ):
        response = client.post(url, {"status": "cancelled", "reason": phishy})
        assert response.status_code == 400, phishy
        assert "il ne peut pas contenir d'adresse web" in htmllib.unescape(response.text)
    response = client.post(url, {"status": "cancelled", "reason": "Fermeture exceptionnelle"})
    assert response.url.endswith(f"#appointment-{appointment.pk}")
    page = htmllib.unescape(client.get(response.url).text)
    assert f"{who} : rendez-vous annulé. Le patient est prévenu" in page
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.cancelled_by == "site"


def test_mark_refuses_unknown_transitions_and_outsiders(mission, appointment):
    with pytest.raises(ValidationError, match="à venir"):
        appointment_mark(appointment=appointment, actor=mission.doctor.user, status="seen")
    appointment_mark(
        appointment=appointment, actor=mission.doctor.user, status="seen", now=appointment.start
    )
    with pytest.raises(PermissionDenied):
        appointment_mark(
            appointment=appointment, actor=UserFactory(site_manager=True), status="seen"
        )
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save()
    with pytest.raises(ValidationError):
        appointment_mark(appointment=appointment, actor=mission.site.manager, status="seen")


def test_a_coming_day_offers_no_mark_and_no_walk_in(client, mission, appointment):
    client.force_login(mission.site.manager)
    page = client.get(day_url(mission)).text
    assert 'name="status" value="seen"' not in page
    assert reverse("booking:walk_in", args=[mission.pk]) not in page
    assert "le jour de la consultation" in page
    assert 'name="status" value="cancelled"' in page  # cancelling stays possible


def test_the_day_offers_marks_and_walk_ins(client, mission, appointment):
    # The day came: the mission is today and the appointment has started.
    Mission.objects.filter(pk=mission.pk).update(date=timezone.localdate())
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now())
    mission.refresh_from_db()
    client.force_login(mission.site.manager)
    page = client.get(day_url(mission)).text
    assert 'name="status" value="seen"' in page and 'name="status" value="no_show"' in page
    assert reverse("booking:walk_in", args=[mission.pk]) in page
    assert "À marquer" in page  # its time has come and it is not marked yet


def test_the_day_counts_the_appointments_still_held(client, mission, appointment):
    other = book(free_slot(mission), phone="+33639980061", email="autre@exemple.test")
    appointment_mark(
        appointment=other,
        actor=mission.site.manager,
        status="cancelled",
        reason="Appel du patient",
    )
    client.force_login(mission.site.manager)
    assert "1 rendez-vous (et 1 annulé)" in client.get(day_url(mission)).text


@pytest.mark.parametrize(
    "make_user",
    [
        lambda m: UserFactory(site_manager=True),  # another site's manager
        lambda m: UserFactory(ars=True),  # an ARS of another region
        lambda m: DoctorFactory().user,  # a doctor who is not on this mission
    ],
    ids=["other-manager", "ars-other-region", "other-doctor"],
)
def test_marking_an_appointment_outside_ones_scope_is_404_like_a_missing_one(
    client, mission, appointment, make_user
):
    client.force_login(make_user(mission))
    url = reverse("booking:mark", args=[appointment.pk])
    assert client.post(url, {"status": "seen"}).status_code == 404
    missing = reverse("booking:mark", args=[appointment.pk + 1000])
    assert client.post(missing, {"status": "seen"}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "booked"


@pytest.mark.parametrize(
    "make_user",
    [
        lambda m: UserFactory(role="ars_agent", region=m.site.region),
        lambda m: UserFactory(national=True),
    ],
    ids=["ars", "national"],
)
def test_read_only_roles_see_the_days_figures_not_the_patients(client, mission, make_user):
    """ARS agents of the region and national steering (as dgos@demo.renfort.example): the
    time and the status of each appointment, never who (name, contact), nor why (reason,
    priority badge)."""
    priority = book(  # no médecin traitant
        free_slot(mission), last_name="Durandeau", first_name="Odile", reason="Certificat de sport"
    )
    assert priority.is_priority
    walk_in = book(free_slot(mission), last_name="Passage", phone="+33639980002", email="")
    Appointment.objects.filter(pk=walk_in.pk).update(walk_in=True)
    client.force_login(make_user(mission))
    response = client.get(day_url(mission))
    assert response.status_code == 200
    page = htmllib.unescape(response.text)
    page = page[page.index('<div class="booking-day">') :]  # not the menu (the agent's name)
    assert page.count("Rendez-vous pris") == 1 and page.count("Patient sans rendez-vous") == 1
    row = page[page.index(f'id="appointment-{priority.pk}"') :]
    row = row[: row.index("</tr>")]
    assert hour(timezone.localtime(priority.start, PARIS)) in row and "À venir" in row
    for hidden in (
        "DURANDEAU",
        "Odile",
        "PASSAGE",
        "sans médecin traitant",
        "Certificat de sport",
        "tél.",
        "06 39 98",
        "••",
        priority.email,
        ">Patient<",
        ">Contact<",
        ">Motif<",
    ):
        assert hidden not in page, hidden


def test_the_people_who_receive_the_patient_see_who_and_why(client, mission, appointment):
    for user in (mission.site.manager, mission.doctor.user, UserFactory(admin=True)):
        client.force_login(user)
        page = htmllib.unescape(client.get(day_url(mission)).text)
        assert 'fr-badge--info">sans médecin traitant<' in page and "Certificat de sport" in page
        assert "FICTIF Camille" in page and "Rendez-vous pris" not in page
        assert "06 39 98 00 01" in page and appointment.email in page


@pytest.mark.parametrize(
    "make_user",
    [
        lambda m: UserFactory(role="ars_agent", region=m.site.region),
        lambda m: UserFactory(national=True),
    ],
    ids=["ars", "national"],
)
def test_read_only_roles_are_not_told_they_will_mark_patients(client, mission, make_user):
    client.force_login(make_user(mission))
    assert "Vous pourrez marquer" not in client.get(day_url(mission)).text
    client.force_login(mission.site.manager)
    assert "Vous pourrez marquer" in client.get(day_url(mission)).text


def test_absent_is_offered_only_once_the_appointment_time_has_come(client, mission, appointment):
    Mission.objects.filter(pk=mission.pk).update(date=timezone.localdate())
    Appointment.objects.filter(pk=appointment.pk).update(
        start=timezone.now() + timedelta(minutes=1), end=timezone.now() + timedelta(minutes=21)
    )
    mission.refresh_from_db()
    client.force_login(mission.site.manager)
    page = client.get(day_url(mission)).text
    row = page[page.index("FICTIF Camille") :]
    row = row[: row.index("</tr>")]
    # Seen: from an hour before (an early patient). Excused and absent: from the time on;
    # before it, a patient who will not come is cancelled (the slot is offered again).
    assert 'value="seen"' in row
    assert 'value="no_show"' not in row and 'value="excused"' not in row


def test_marks_follow_the_clock_of_the_appointment(mission):
    start = datetime.combine(mission.date, time(15, 0), tzinfo=PARIS)
    appointment = book(free_slot(mission))
    Appointment.objects.filter(pk=appointment.pk).update(
        start=start, end=start + timedelta(minutes=20)
    )
    appointment.refresh_from_db()
    manager = mission.site.manager
    for status, code in (("seen", "seen_early"), ("excused", "no_show_early")):
        with pytest.raises(ValidationError) as refused:
            appointment_mark(
                appointment=appointment, actor=manager, status=status,
                now=start - timedelta(hours=3),
            )  # fmt: skip
        assert refused.value.code == code
    assert "annulez le rendez-vous" in str(refused.value)
    appointment_mark(
        appointment=appointment, actor=manager, status="seen", now=start - timedelta(minutes=30)
    )
    assert Appointment.objects.get(pk=appointment.pk).status == "seen"


def test_a_consultation_with_patients_marked_cannot_be_cancelled(mission):
    """Its record stays; a walk-in of a mission cancelled before anyone was marked is
    cancelled with it (never left « à venir » on a cancelled mission)."""
    from renfort.planning import services as planning

    seen = book(free_slot(mission))
    Appointment.objects.filter(pk=seen.pk).update(status="seen")
    with pytest.raises(ValidationError, match="Cette consultation a commencé"):
        planning.mission_transition(
            mission=mission, actor=mission.doctor.user, to_status="cancelled",
            comment="Panne de voiture",
        )  # fmt: skip
    Appointment.objects.filter(pk=seen.pk).update(status="booked")
    walk_in = Appointment.objects.create(
        mission=mission, site=mission.site, doctor=mission.doctor, walk_in=True,
        start=seen.start, end=seen.end, last_name="Passant", first_name="Jacques",
    )  # fmt: skip
    planning.mission_transition(
        mission=mission, actor=mission.doctor.user, to_status="cancelled",
        comment="Panne de voiture",
    )  # fmt: skip
    assert Appointment.objects.get(pk=walk_in.pk).status == "cancelled"
    assert Appointment.objects.get(pk=seen.pk).status == "cancelled"
    from renfort.notifications.models import Notification

    told = Notification.objects.get(kind="booking_cancelled_by_staff", channel="email").body
    assert "est annulé, car la consultation du médecin n'aura pas lieu." in told
    assert "par Renfort" not in told


def test_the_site_cancels_an_appointment_and_blocks_its_slot(client, mission, appointment):
    """« Le médecin doit écourter sa journée »: the slot does not go back online."""
    client.force_login(mission.site.manager)
    url = reverse("booking:mark", args=[appointment.pk])
    page = client.get(day_url(mission)).text
    assert f'id="block-{appointment.pk}" name="block_slot"' in page
    client.post(
        url,
        {
            "status": "cancelled",
            "reason": "Le médecin doit écourter sa journée",
            "block_slot": "on",
        },
    )
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert Slot.objects.get(pk=appointment.slot_id).status == "blocked"
    # Without the box, the slot goes back to the pool as before.
    other = book(free_slot(mission), phone="+33611223344", email="autre@exemple.test")
    client.post(
        reverse("booking:mark", args=[other.pk]),
        {"status": "cancelled", "reason": "Erreur de saisie du lieu"},
    )
    assert Slot.objects.get(pk=other.slot_id).status == "available"
