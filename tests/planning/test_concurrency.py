"""Concurrent writes (PostgreSQL only): a publication and a change of one of its sites are
serialised, so the publication never proposes a mission on a day the site has just closed; the
mission workflow locks in one order (site or doctor, mission, slots) and never deadlocks with
another confirmation or a booking."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from renfort.accounts.models import Role
from renfort.booking.models import Appointment
from renfort.booking.services import appointment_book
from renfort.doctors import services as doctor_services
from renfort.notifications.models import Notification
from renfort.planning import services
from renfort.planning.models import Mission, MissionHistory, MissionStatus
from renfort.sites.models import OpeningException, Site
from renfort.territories.models import Region
from tests.booking.factories import mission_with_slots, patient, slots_of
from tests.concurrency import after, pause_in, race
from tests.factories import UserFactory

from .factories import MissionFactory
from .test_services import next_month

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_publication_waits_for_a_change_of_the_site_then_sees_it(on_postgres, reference_data):
    agent = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))
    day = next_month() + timedelta(days=3)
    kept = MissionFactory(status=MissionStatus.DRAFT, date=day + timedelta(days=1))
    closed = MissionFactory(status=MissionStatus.DRAFT, date=day)
    site_locked, outcome = threading.Event(), {}

    def site_change():  # what sites.services does: the site row locked, then the change
        try:
            with transaction.atomic():
                Site.objects.select_for_update().get(pk=closed.site_id)
                site_locked.set()
                time.sleep(0.5)  # the publication starts meanwhile
                OpeningException.objects.create(
                    site_id=closed.site_id,
                    kind=OpeningException.Kind.CLOSED,
                    start_date=day,
                    end_date=day,
                )
        finally:
            connection.close()

    def publish():
        site_locked.wait()
        try:
            with transaction.atomic():
                outcome["result"] = services.planning_publish(
                    month=next_month(), region_code="76", actor=agent
                )
        finally:
            connection.close()

    threads = [threading.Thread(target=site_change), threading.Thread(target=publish)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    published, left_out = outcome["result"]
    assert [m.pk for m in published] == [kept.pk]
    assert "fermeture exceptionnelle" in left_out[closed.pk]
    closed.refresh_from_db()
    assert closed.status == MissionStatus.DRAFT


def test_the_ars_confirming_every_accepted_mission_and_the_site_confirming_one(
    on_postgres, reference_data, monkeypatch
):
    """The ARS's « Confirmer les missions acceptées » holds the site after the first mission
    when the site's manager confirms the second one: one waits for the other (site, then
    mission, always), never a deadlock; the second mission is confirmed once."""
    first_day = next_month() + timedelta(days=3)
    one = MissionFactory(accepted=True, date=first_day)
    two = MissionFactory(accepted=True, date=first_day + timedelta(days=1), site=one.site)
    agent = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))
    stopped = pause_in(monkeypatch, services, "_after_transition")
    paused, other = race(
        lambda: services.missions_confirm_accepted(
            month=next_month(), region_code="76", actor=agent
        ),
        after(
            stopped,
            lambda: services.mission_transition(
                mission=two, actor=one.site.manager, to_status=MissionStatus.CONFIRMED
            ),
        ),
    )
    assert paused == (2, []), (paused, other)
    assert isinstance(other, ValidationError), (paused, other)
    assert "C'est déjà fait" in other.messages[0]
    assert set(Mission.objects.values_list("status", flat=True)) == {MissionStatus.CONFIRMED}
    assert MissionHistory.objects.filter(to_status=MissionStatus.CONFIRMED).count() == 2


def test_a_doctor_cancelling_a_mission_while_a_patient_books_one_of_its_slots(
    on_postgres, reference_data, monkeypatch
):
    """The cancellation holds the mission when the patient takes a slot of it: the booking
    goes through (it only refers to the mission), then the cancellation releases the slots and
    cancels that appointment too, telling the patient — never a deadlock."""
    mission = mission_with_slots()
    slot = slots_of(mission, reserved_for_priority=False)[0]
    stopped = pause_in(monkeypatch, services, "_sync_slots", before=True)
    paused, other = race(
        lambda: services.mission_transition(
            mission=mission,
            actor=mission.doctor.user,
            to_status=MissionStatus.CANCELLED,
            comment="Empêchement de dernière minute",
        ),
        after(
            stopped,
            lambda: appointment_book(slot_id=slot.pk, patient=patient(), submission_token=None),
        ),
    )
    assert not isinstance(paused, Exception), (paused, other)
    assert not isinstance(other, Exception), (paused, other)
    mission.refresh_from_db()
    appointment = Appointment.objects.get()
    assert mission.status == MissionStatus.CANCELLED and appointment.status == "cancelled"
    assert Notification.objects.filter(kind__contains="cancel", recipient=patient().phone).exists()


def test_the_ars_pausing_a_doctor_who_accepts_a_proposal_at_that_moment(
    on_postgres, reference_data, monkeypatch
):
    """The pause holds the doctor, then withdraws the proposals; the doctor accepting one of
    them waits (doctor, then mission, always) and is told it is no longer possible."""
    mission = MissionFactory(proposed=True, doctor__in_landes=True)
    agent = UserFactory(role=Role.ARS_AGENT, region=mission.doctor.departement.region)
    stopped = pause_in(monkeypatch, services, "missions_cancel_for_doctor", before=True)
    paused, other = race(
        lambda: doctor_services.doctor_transition(
            doctor=mission.doctor, actor=agent, to_status="paused", comment="Dossier à revoir"
        ),
        after(
            stopped,
            lambda: services.mission_transition(
                mission=mission, actor=mission.doctor.user, to_status=MissionStatus.ACCEPTED
            ),
        ),
    )
    assert not isinstance(paused, Exception), (paused, other)
    assert isinstance(other, ValidationError), (paused, other)
    mission.refresh_from_db()
    assert mission.status == MissionStatus.CANCELLED


def test_a_doctor_withdrawing_while_a_patient_books_one_of_their_slots(
    on_postgres, reference_data, monkeypatch
):
    """The withdrawal holds the doctor's row; the booking refers to the doctor (a key share
    lock): it goes through, then the withdrawal cancels the mission and that appointment."""
    mission = mission_with_slots()
    slot = slots_of(mission, reserved_for_priority=False)[0]
    stopped = pause_in(monkeypatch, services, "missions_cancel_for_doctor", before=True)
    paused, other = race(
        lambda: doctor_services.doctor_transition(
            doctor=mission.doctor, actor=mission.doctor.user, to_status="withdrawn"
        ),
        after(
            stopped,
            lambda: appointment_book(slot_id=slot.pk, patient=patient(), submission_token=None),
        ),
    )
    assert not any(isinstance(r, Exception) for r in (paused, other)), (paused, other)
    mission.refresh_from_db()
    assert mission.status == MissionStatus.CANCELLED
    assert Appointment.objects.get().status == "cancelled"


def test_a_site_changing_its_hours_while_a_patient_books_one_of_its_slots(
    on_postgres, reference_data, monkeypatch
):
    """The change holds the site's row, then lays the slots again; the booking refers to the
    site (a key share lock): it goes through, and the slot, still within the hours, stays."""
    from renfort import booking
    from renfort.sites import services as site_services

    mission = mission_with_slots()
    site, slot = mission.site, slots_of(mission, reserved_for_priority=False)[0]
    stopped = pause_in(monkeypatch, booking.services, "hours_resync", before=True)
    paused, other = race(
        lambda: site_services.site_opening_update(
            site=site,
            actor=site.manager,
            slots=[w.as_slot() for w in site.weekly_openings.all()],
            open_on_public_holidays=True,
        ),
        after(
            stopped,
            lambda: appointment_book(slot_id=slot.pk, patient=patient(), submission_token=None),
        ),
    )
    assert not any(isinstance(r, Exception) for r in (paused, other)), (paused, other)
    assert Appointment.objects.get().status == "booked"


def test_a_calculation_launched_four_times_at_once_runs_once(
    on_postgres, reference_data, monkeypatch
):
    """Four clicks (or agents) at once: one run for the month and the region; the others are
    told a calculation is already running, never « Calcul lancé » for a second one."""
    from types import SimpleNamespace

    from renfort.planning import tasks
    from renfort.planning.models import PlanningRun

    started = []
    monkeypatch.setattr(tasks, "execute_planning_run", SimpleNamespace(enqueue=started.append))
    agent = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))

    def launch():
        return services.planning_run_create(month=next_month(), region_code="76", actor=agent)

    results = race(launch, count=4)
    runs = PlanningRun.objects.all()
    assert len(runs) == 1 and started == [runs[0].pk], results
    for result in results:
        assert result == runs[0] or "déjà en cours pour ce mois et cette région" in str(result)


def test_a_regional_and_a_national_calculation_launched_at_once_make_one_run(
    on_postgres, reference_data, monkeypatch
):
    """The ARS launches its region's calculation while national steering launches the whole
    country's, for the same month: the launches of a month wait for each other, so one run is
    recorded and the other launch is told why, never two runs replacing each other's drafts."""
    from types import SimpleNamespace

    from renfort.planning import runs, tasks
    from renfort.planning.models import PlanningRun

    started = []
    monkeypatch.setattr(tasks, "execute_planning_run", SimpleNamespace(enqueue=started.append))
    check = runs.overlapping_refusal

    def slow_check(*args, **kwargs):  # widen the window between the check and the insert
        refusal = check(*args, **kwargs)
        time.sleep(0.3)
        return refusal

    monkeypatch.setattr(runs, "overlapping_refusal", slow_check)
    agent = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))
    national = UserFactory(national=True)
    results = race(
        lambda: services.planning_run_create(month=next_month(), region_code="76", actor=agent),
        lambda: services.planning_run_create(month=next_month(), region_code=None, actor=national),
    )
    run = PlanningRun.objects.get()  # one run only
    assert started == [run.pk] and run in results, results
    (refusal,) = [r for r in results if r != run]
    assert isinstance(refusal, ValidationError), results
    said = "Un calcul pour la France entière" if run.region_id is None else "Un calcul régional"
    assert str(refusal.messages[0]).startswith(said)
