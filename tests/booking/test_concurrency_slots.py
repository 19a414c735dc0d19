"""Races on PostgreSQL around a mission's slots: a cancellation or a confirmation of the mission
and a change of the doctor's hours laying its slots again at the same moment."""

import pytest

from renfort.booking import services as booking_services
from renfort.booking.models import Slot, SlotStatus
from renfort.booking.services import waitlist as waitlist_services
from renfort.planning import services as planning_services
from renfort.planning.models import MissionStatus
from tests.concurrency import after, errors, pause_in, race
from tests.planning.factories import MissionFactory

from .factories import mission_with_slots
from .test_hours_change import preferences

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("first", ["cancellation", "hours"])
def test_a_mission_cancelled_while_the_doctor_changes_hours_keeps_no_bookable_slot(
    on_postgres, reference_data, monkeypatch, first
):
    """The doctor cancels a confirmed mission while a new slot length is saved. Each side
    stops holding its locks (the cancellation once it has taken the slots away, the change
    once it has laid the new ones) while the other comes: the mission's row is locked before
    its slots (doctor, site, mission, slots: the order of every writer of missions), so one
    waits for the other and reads the mission as it left it. Before, the change read the
    mission « confirmée » before waiting for its slots and laid a new grid on a cancelled
    mission (or the cancellation, waiting for the old slots, never saw the new ones): slots
    left bookable for a consultation that will not take place."""
    mission = mission_with_slots()

    def cancel():
        return planning_services.mission_transition(
            mission=mission,
            actor=mission.doctor.user,
            to_status=MissionStatus.CANCELLED,
            comment="Empêchement de dernière minute",
        ).status

    def change():
        return preferences(mission.doctor, slot_minutes=30).slot_minutes

    if first == "cancellation":
        stopped = pause_in(monkeypatch, waitlist_services, "waitlist_offers_withdraw")
        results = race(cancel, after(stopped, change))
    else:
        stopped = pause_in(monkeypatch, waitlist_services, "waitlist_offer_slots")
        results = race(change, after(stopped, cancel))
    assert errors(results) == [], results
    assert sorted(map(str, results)) == ["30", MissionStatus.CANCELLED], results
    mission.refresh_from_db()
    assert mission.status == MissionStatus.CANCELLED
    assert not Slot.objects.filter(mission=mission, status=SlotStatus.AVAILABLE).exists()


@pytest.mark.parametrize("first", ["hours", "confirmation"])
def test_a_mission_confirmed_while_the_doctor_changes_hours_gets_slots_on_the_new_hours(
    on_postgres, reference_data, monkeypatch, first
):
    """The site confirms an accepted mission while the doctor saves a new slot length. Each
    side stops holding its locks while the other comes. A confirmation locks the doctor's row
    first (doctor, site, mission, slots), so it either waits for the new hours and lays its
    slots on them, or the change waits for it and lays the confirmed mission's slots again.
    Before, the confirmation did not wait for the doctor: it laid 20-minute slots while the
    change, which had listed the doctor's confirmed missions before this one was, saved 30."""
    mission = MissionFactory(accepted=True)

    def confirm():
        return planning_services.mission_transition(
            mission=mission, actor=mission.site.manager, to_status=MissionStatus.CONFIRMED
        ).status

    def change():
        return preferences(mission.doctor, slot_minutes=30).slot_minutes

    if first == "hours":
        stopped = pause_in(monkeypatch, booking_services, "hours_resync")
        results = race(change, after(stopped, confirm))
    else:
        stopped = pause_in(monkeypatch, booking_services, "slots_sync_for_mission")
        results = race(confirm, after(stopped, change))
    assert errors(results) == [], results
    assert sorted(map(str, results)) == ["30", MissionStatus.CONFIRMED], results
    lengths = {
        (slot.end - slot.start).seconds // 60
        for slot in Slot.objects.filter(mission=mission, status=SlotStatus.AVAILABLE)
    }
    assert lengths == {30}, lengths
