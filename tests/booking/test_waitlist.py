"""Waiting list: registration, offers of freed slots, first to confirm wins, 3 offers at most."""

import html as htmllib
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import (
    OfferStatus,
    Slot,
    SlotStatus,
    WaitingListEntry,
    WaitingListOffer,
    WaitingStatus,
)
from renfort.booking.services import (
    appointment_cancel,
    waitlist_leave,
    waitlist_offer_accept,
    waitlist_offers_expire,
    waitlist_register,
)
from renfort.booking.services.waitlist import is_waking, offer_deadline
from renfort.core.text import hour
from renfort.notifications.models import Notification
from renfort.notifications.sms import gsm7

from .factories import (
    WaitingListEntryFactory,
    book,
    free_slot,
    mission_with_slots,
    patient,
    patient_data,
    slots_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return mission_with_slots()


def free_up(mission, now=None, slot=None):
    """Book then cancel an unreserved slot: it is freed and offered to the waiting list."""
    appointment = book(
        slot or free_slot(mission),
        phone="+33612000000",
        email="annule@exemple.test",
        first_name="Annulant",
        now=now,
    )
    appointment_cancel(appointment=appointment, now=now)
    return appointment.slot


def test_register_and_confirmation_message(mission):
    today = timezone.localdate()
    entry, created = waitlist_register(
        patient=patient(), site=mission.site, start_date=today, end_date=today + timedelta(days=20)
    )
    assert created and entry.status == WaitingStatus.WAITING
    note = Notification.objects.get(kind="booking_waitlist_registered", channel="email")
    assert f"/rendez-vous/liste-attente/{entry.secret}/desinscription/" in note.body


def test_registering_again_keeps_one_entry_and_widens_its_period(mission, client):
    today = timezone.localdate()

    def register(start, end, **who):
        return waitlist_register(
            patient=patient(**who), site=mission.site, start_date=today + timedelta(days=start),
            end_date=today + timedelta(days=end),
        )  # fmt: skip

    entry, created = register(0, 20)
    # The same person, same email, their names written otherwise (case, accent, hyphen).
    again, created_again = register(10, 30, phone="", last_name="FICTÏF ", first_name="camille")
    assert created and not created_again and again.pk == entry.pk
    assert (again.start_date, again.end_date) == (today, today + timedelta(days=30))
    # Only the first registration's email and SMS: nothing sent again.
    assert Notification.objects.filter(kind="booking_waitlist_registered").count() == 2
    # A period far apart, another person or another place: a new entry.
    assert register(60, 70)[1] and register(0, 5, first_name="Dominique")[1]
    assert WaitingListEntry.objects.count() == 3
    url = reverse("booking:waitlist") + f"?site={mission.site.pk}"
    data = patient_data(start_date=str(today), end_date=str(today + timedelta(days=3)))
    response = client.post(url, {**data, "token": str(uuid.uuid4())}, follow=True)
    page = htmllib.unescape(response.text)
    assert "Vous étiez déjà inscrit(e) sur cette liste d'attente" in page
    assert entry.secret not in page  # the existing registration is not shown
    assert WaitingListEntry.objects.count() == 3


@pytest.mark.parametrize(
    ("start", "end", "field"),
    # Too long, backwards, in the past, or too far ahead for the retention purge to apply.
    [(5, 2, "end_date"), (-1, 3, "start_date"), (0, 120, "end_date"), (184, 190, "start_date")],
)
def test_register_refuses_bad_periods(mission, start, end, field):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc_info:
        waitlist_register(
            patient=patient(),
            site=mission.site,
            start_date=today + timedelta(days=start),
            end_date=today + timedelta(days=end),
        )
    assert field in exc_info.value.message_dict


def test_register_needs_a_site_or_zone():
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        waitlist_register(patient=patient(), start_date=today, end_date=today)


def test_freed_slot_is_offered_to_the_next_three_waiting_people(mission):
    entries = [WaitingListEntryFactory(site=mission.site) for _ in range(4)]
    slot = free_up(mission)
    offers = WaitingListOffer.objects.filter(slot=slot)
    assert {o.entry_id for o in offers} == {e.pk for e in entries[:3]}
    offer = offers.first()
    assert offer.expires_at <= timezone.now() + timedelta(hours=2, seconds=5)
    sms = Notification.objects.filter(kind="booking_waitlist_offer", channel="sms")
    assert sms.count() == 3
    assert any(f"/rendez-vous/proposition/{offer.secret}/" in n.body for n in sms)


def test_first_to_confirm_wins(mission):
    first, second = (WaitingListEntryFactory(site=mission.site) for _ in range(2))
    slot = free_up(mission)
    offer_1 = WaitingListOffer.objects.get(entry=first, slot=slot)
    offer_2 = WaitingListOffer.objects.get(entry=second, slot=slot)
    appointment = waitlist_offer_accept(offer=offer_2)
    assert appointment.slot == slot and appointment.last_name == second.last_name
    offer_2.refresh_from_db()
    second.refresh_from_db()
    assert offer_2.status == OfferStatus.ACCEPTED and second.status == WaitingStatus.SERVED
    with pytest.raises(ValidationError) as exc_info:
        waitlist_offer_accept(offer=offer_1)
    assert exc_info.value.code == "slot_taken"
    assert "vous restez sur la liste d'attente" in exc_info.value.messages[0]
    offer_1.refresh_from_db()
    assert offer_1.status == OfferStatus.TAKEN


def test_slot_booked_from_the_search_meanwhile(mission):
    entry = WaitingListEntryFactory(site=mission.site)
    slot = free_up(mission)
    book(slot, phone="+33612000001", email="rapide@exemple.test")
    with pytest.raises(ValidationError) as exc_info:
        waitlist_offer_accept(offer=WaitingListOffer.objects.get(entry=entry))
    assert exc_info.value.code == "slot_taken"
    assert WaitingListOffer.objects.get(entry=entry).status == OfferStatus.TAKEN


def test_an_offer_of_a_slot_the_person_booked_from_the_search_says_so(mission):
    entry = WaitingListEntryFactory(site=mission.site)
    slot = free_up(mission)
    booked = book(
        slot, last_name=entry.last_name, first_name=entry.first_name,
        birth_date=entry.birth_date, phone=entry.phone, email=entry.email,
    )  # fmt: skip
    offer = WaitingListOffer.objects.get(entry=entry)
    with pytest.raises(ValidationError) as exc_info:
        waitlist_offer_accept(offer=offer)
    assert exc_info.value.code == "already_booked"
    assert f"(référence {booked.reference})" in exc_info.value.messages[0]
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert offer.status == OfferStatus.TAKEN and entry.offers_sent == 0  # not counted


def test_expired_offer_is_refused(mission):
    entry = WaitingListEntryFactory(site=mission.site)
    free_up(mission)
    offer = WaitingListOffer.objects.get(entry=entry)
    with pytest.raises(ValidationError) as exc_info:
        waitlist_offer_accept(offer=offer, now=offer.expires_at + timedelta(seconds=1))
    assert exc_info.value.code == "offer_expired"
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED


def test_one_open_offer_per_person_and_three_offers_at_most(mission):
    entry = WaitingListEntryFactory(site=mission.site)
    now = timezone.now()
    slots = slots_of(mission, reserved_for_priority=False)
    for round_ in range(4):
        free_up(mission, now=now, slot=slots[round_])
        expected = min(round_ + 1, 3)
        assert WaitingListOffer.objects.filter(entry=entry).count() == expected
        # The person does not answer; the offer expires before the next slot frees up.
        now = now + timedelta(hours=3)
        waitlist_offers_expire(now=now)
    entry.refresh_from_db()
    assert entry.offers_sent == 3 and entry.status == WaitingStatus.EXHAUSTED


def test_expired_offers_go_to_the_next_people(mission):
    entries = [WaitingListEntryFactory(site=mission.site) for _ in range(4)]
    slot = free_up(mission)
    later = timezone.now() + timedelta(hours=3)
    out = waitlist_offers_expire(now=later)
    assert out == 3
    assert WaitingListOffer.objects.get(slot=slot, entry=entries[3]).status == "pending"


def test_reserved_slot_is_offered_only_to_priority_people_before_release(mission):
    with_mt = WaitingListEntryFactory(site=mission.site, with_medecin_traitant=True)
    without = WaitingListEntryFactory(site=mission.site)
    reserved = free_slot(mission, reserved=True)
    appointment = book(reserved, phone="+33612000002", email="r@exemple.test")
    appointment_cancel(appointment=appointment)
    offered = set(WaitingListOffer.objects.filter(slot=reserved).values_list("entry", flat=True))
    assert offered == {without.pk} and with_mt.pk not in offered


def test_zone_registration_gets_slots_of_every_site_in_the_zone(mission):
    entry = WaitingListEntryFactory(site=None, zone=mission.site.priority_zone)
    slot = free_up(mission)
    assert WaitingListOffer.objects.filter(entry=entry, slot=slot).exists()


def test_period_outside_the_slot_date_gets_nothing(mission):
    WaitingListEntryFactory(
        site=mission.site,
        start_date=mission.date + timedelta(days=1),
        end_date=mission.date + timedelta(days=5),
    )
    free_up(mission)
    assert not WaitingListOffer.objects.exists()


def test_new_mission_slots_are_offered_to_waiting_people():
    entry = WaitingListEntryFactory()
    mission = mission_with_slots(site=entry.site)
    assert WaitingListOffer.objects.filter(entry=entry, slot__mission=mission).count() == 1


def test_leave_the_waiting_list(mission):
    entry = WaitingListEntryFactory(site=mission.site)
    free_up(mission)
    waitlist_leave(entry=entry)
    entry.refresh_from_db()
    assert entry.status == WaitingStatus.CANCELLED
    assert entry.offers.get().status == OfferStatus.EXPIRED
    free_up(mission)
    assert entry.offers.count() == 1


def test_leaving_after_confirming_an_offer_says_the_appointment_was_booked(mission):
    entry = WaitingListEntryFactory(site=mission.site)
    free_up(mission)
    appointment = waitlist_offer_accept(offer=entry.offers.get())
    with pytest.raises(ValidationError) as refused:
        waitlist_leave(entry=entry)
    assert refused.value.code == "served"
    assert f"(référence {appointment.reference})" in refused.value.messages[0]
    entry.refresh_from_db()
    assert entry.status == WaitingStatus.SERVED


def test_confirming_an_offer_after_leaving_says_so_and_the_slot_goes_to_the_next(mission):
    first = WaitingListEntryFactory(site=mission.site)
    free_up(mission)
    offer = first.offers.get()
    second = WaitingListEntryFactory(site=mission.site, phone="+33612000009", email="")
    waitlist_leave(entry=first)
    with pytest.raises(ValidationError) as refused:
        waitlist_offer_accept(offer=offer)
    assert "désinscrit(e)" in refused.value.messages[0]
    # The slot stays free and is offered at once to the next person waiting.
    assert second.offers.get().slot_id == offer.slot_id


def test_process_waiting_list_command(mission, capsys):
    call_command("process_waiting_list")
    assert "Propositions expirées : 0." in capsys.readouterr().out


def test_register_refuses_a_zone_no_longer_in_force(mission):
    zone = mission.site.priority_zone
    zone.removed_at = timezone.now()
    zone.save(update_fields=["removed_at"])
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc_info:
        waitlist_register(patient=patient(), zone=zone, start_date=today, end_date=today)
    assert exc_info.value.message_dict["site"] == [
        "Cette zone prioritaire n'est plus en vigueur : cherchez un lieu de consultation."
    ]


# --- Lost races, people at the appointment limit ------------------------------------------------


def test_a_lost_race_does_not_count_and_the_slot_freed_again_is_offered_again(mission):
    winner, loser, third = (WaitingListEntryFactory(site=mission.site) for _ in range(3))
    slot = free_up(mission)
    won = waitlist_offer_accept(offer=WaitingListOffer.objects.get(entry=winner, slot=slot))
    lost = WaitingListOffer.objects.get(entry=loser, slot=slot)
    loser.refresh_from_db()
    assert lost.status == OfferStatus.TAKEN and loser.offers_sent == 0
    assert loser.status == WaitingStatus.WAITING
    appointment_cancel(appointment=won)  # the winner gives the slot back
    again = WaitingListOffer.objects.get(entry=loser, slot=slot, status=OfferStatus.PENDING)
    assert again.secret != lost.secret
    assert set(
        WaitingListOffer.objects.filter(slot=slot, status="pending").values_list("entry", flat=True)
    ) == {loser.pk, third.pk}
    assert waitlist_offer_accept(offer=again).last_name == loser.last_name


def test_three_lost_races_never_close_the_registration(mission):
    entry = WaitingListEntryFactory(site=mission.site)
    for index, slot in enumerate(slots_of(mission, reserved_for_priority=False)[:4]):
        free_up(mission, slot=slot)
        book(
            slot,
            phone=f"+336399870{index:02d}",
            email=f"rapide{index}@exemple.test",
            first_name=f"Rapide{'x' * index}",
        )
        with pytest.raises(ValidationError) as exc_info:
            waitlist_offer_accept(offer=WaitingListOffer.objects.get(entry=entry, slot=slot))
        assert exc_info.value.code == "slot_taken"
    entry.refresh_from_db()
    assert entry.offers_sent == 0 and entry.status == WaitingStatus.WAITING


def test_an_offer_overdue_on_a_slot_booked_meanwhile_does_not_count(mission):
    entry = WaitingListEntryFactory(site=mission.site)
    slot = free_up(mission)
    book(slot, phone="+33639987100", email="rapide@exemple.test")
    waitlist_offers_expire(now=timezone.now() + timedelta(hours=3))
    entry.refresh_from_db()
    assert entry.offers.get(slot=slot).status == OfferStatus.TAKEN
    # The lost offer did not count; the person, free again, is offered another free slot.
    assert entry.offers_sent == 1
    assert entry.offers.get(status=OfferStatus.PENDING).slot_id != slot.pk


def test_a_slot_freed_while_everyone_waits_on_an_offer_reaches_them_later(mission):
    """Two people waiting; A is freed (both get it), then B (nobody free to get it); the first
    takes A, the second loses A: the next sweep offers B to the second."""
    first, second = (WaitingListEntryFactory(site=mission.site) for _ in range(2))
    slot_a, slot_b = slots_of(mission, reserved_for_priority=False)[:2]
    # Every other slot of the day is taken: A and B are the only ones that can be offered.
    Slot.objects.filter(mission=mission).exclude(pk__in=[slot_a.pk, slot_b.pk]).update(
        status=SlotStatus.BOOKED
    )
    now = timezone.now()
    free_up(mission, now=now, slot=slot_a)
    assert WaitingListOffer.objects.filter(slot=slot_a).count() == 2
    free_up(mission, now=now, slot=slot_b)
    assert not WaitingListOffer.objects.filter(slot=slot_b).exists()
    waitlist_offer_accept(offer=WaitingListOffer.objects.get(entry=first, slot=slot_a), now=now)
    assert WaitingListOffer.objects.get(entry=second, slot=slot_a).status == OfferStatus.TAKEN
    waitlist_offers_expire(now=now + timedelta(minutes=5))
    offer = WaitingListOffer.objects.get(entry=second, status=OfferStatus.PENDING)
    assert offer.slot_id == slot_b.pk
    assert (
        Notification.objects.filter(kind="booking_waitlist_offer", recipient=second.email).count()
        == 2
    )
    # Nothing more for the one already served, and nothing twice on the next sweep.
    waitlist_offers_expire(now=now + timedelta(minutes=10))
    assert WaitingListOffer.objects.filter(entry=second, status=OfferStatus.PENDING).count() == 1
    assert not WaitingListOffer.objects.filter(entry=first, status=OfferStatus.PENDING).exists()


def test_a_slot_still_free_reaches_a_loser_once_their_other_offer_is_over(mission):
    """The loser of slot A was busy with an offer for slot B when A was freed again: A is
    offered to them when B's offer expires, not left to nobody."""
    winner, loser = (WaitingListEntryFactory(site=mission.site) for _ in range(2))
    slot_a, slot_b = slots_of(mission, reserved_for_priority=False)[:2]
    now = timezone.now()
    free_up(mission, now=now, slot=slot_a)
    won = waitlist_offer_accept(
        offer=WaitingListOffer.objects.get(entry=winner, slot=slot_a), now=now
    )
    free_up(mission, now=now, slot=slot_b)  # offered to the loser only (the winner is served)
    assert WaitingListOffer.objects.get(slot=slot_b).entry == loser
    appointment_cancel(appointment=won, now=now)  # A is free, the loser has an open offer
    assert not WaitingListOffer.objects.filter(slot=slot_a, status="pending").exists()
    waitlist_offers_expire(now=now + timedelta(hours=3))  # B's offer expires unanswered
    offer = WaitingListOffer.objects.get(slot=slot_a, status=OfferStatus.PENDING)
    assert offer.entry == loser
    # Run again: the same slot is never offered twice at once to the same person.
    waitlist_offers_expire(now=now + timedelta(hours=3, minutes=5))
    assert WaitingListOffer.objects.filter(slot=slot_a, status="pending").count() == 1


def test_the_same_open_offer_twice_is_refused_by_the_database(mission):
    entry = WaitingListEntryFactory(site=mission.site)
    slot = free_up(mission)
    with pytest.raises(IntegrityError), transaction.atomic():
        WaitingListOffer.objects.create(entry=entry, slot=slot, expires_at=slot.start)


def test_a_person_registered_twice_gets_a_slot_once(mission):
    first = WaitingListEntryFactory(site=mission.site, phone="", email="double@exemple.test")
    WaitingListEntryFactory(site=mission.site, phone="", email="double@exemple.test")
    other = WaitingListEntryFactory(site=mission.site)
    slot = free_up(mission)
    offered = set(WaitingListOffer.objects.filter(slot=slot).values_list("entry", flat=True))
    assert offered == {first.pk, other.pk}


def test_people_at_the_appointment_limit_are_not_offered_a_slot(mission):
    full = WaitingListEntryFactory(site=mission.site, phone="", email="complet@exemple.test")
    free_entry = WaitingListEntryFactory(site=mission.site)
    for slot in slots_of(mission, reserved_for_priority=False)[-2:]:
        book(slot, phone="", email="complet@exemple.test")
    slot = free_up(mission)
    assert list(WaitingListOffer.objects.filter(slot=slot).values_list("entry", flat=True)) == [
        free_entry.pk
    ]
    full.refresh_from_db()
    assert full.offers_sent == 0


def test_an_offer_accepted_at_the_limit_stays_open_until_one_is_cancelled(mission):
    entry = WaitingListEntryFactory(site=mission.site, phone="", email="plein@exemple.test")
    slot = free_up(mission)
    offer = WaitingListOffer.objects.get(entry=entry, slot=slot)
    held = [
        book(s, phone="", email="plein@exemple.test")
        for s in slots_of(mission, status="available", reserved_for_priority=False)[-2:]
    ]
    with pytest.raises(ValidationError) as exc_info:
        waitlist_offer_accept(offer=offer)
    assert exc_info.value.code == "limit"
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert offer.status == OfferStatus.PENDING and entry.offers_sent == 1
    appointment_cancel(appointment=held[0])
    assert waitlist_offer_accept(offer=offer).slot == slot


def test_offer_page_at_the_limit_shows_only_the_limit_message(client, mission):
    entry = WaitingListEntryFactory(site=mission.site, phone="", email="plein@exemple.test")
    slot = free_up(mission)
    offer = WaitingListOffer.objects.get(entry=entry, slot=slot)
    for other in slots_of(mission, status="available", reserved_for_priority=False)[-2:]:
        book(other, phone="", email="plein@exemple.test")
    url = reverse("booking:offer", args=[offer.secret])
    page = htmllib.unescape(client.post(url, follow=True).text)
    assert "Vous avez déjà 2 rendez-vous à venir" in page
    assert "n'est plus valable" not in page and "expirée" not in page
    assert 'id="offer-accept"' in page  # still usable once one appointment is cancelled


def test_the_offer_page_of_a_slot_taken_meanwhile_does_not_invite_to_book_it(client, mission):
    entry = WaitingListEntryFactory(site=mission.site)
    slot = free_up(mission)
    offer = WaitingListOffer.objects.get(entry=entry)
    book(slot, phone="+33612000001", email="rapide@exemple.test")
    page = htmllib.unescape(client.get(reverse("booking:offer", args=[offer.secret])).text)
    assert 'id="offer-accept"' not in page
    assert "une autre personne a confirmé ce créneau avant vous" in page


def test_an_offer_of_a_consultation_cancelled_is_withdrawn_told_and_not_counted(mission, client):
    """A slot never booked, offered to a waiting person, then its mission is cancelled: the
    offer is closed (not deleted), the person told, and it does not count among their 3."""
    from renfort.booking.services.slots import slots_sync_for_mission
    from renfort.booking.services.waitlist import waitlist_offer_slots
    from renfort.planning.models import MissionStatus

    entry = WaitingListEntryFactory(site=mission.site)
    slot = free_slot(mission)
    waitlist_offer_slots(slots=[slot], now=timezone.now())
    offer = WaitingListOffer.objects.get(entry=entry)
    assert WaitingListEntry.objects.get(pk=entry.pk).offers_sent == 1
    sms = Notification.objects.get(kind="booking_waitlist_offer", channel="sms").body
    deadline = timezone.localtime(offer.expires_at)
    assert gsm7(f"confirmez avant le {deadline:%d/%m} à {hour(deadline)}") in sms  # dated
    mission.status = MissionStatus.CANCELLED
    mission.save(update_fields=["status"])
    slots_sync_for_mission(mission=mission)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert Slot.objects.get(pk=slot.pk).status == SlotStatus.CANCELLED  # kept, not deleted
    assert WaitingListEntry.objects.get(pk=entry.pk).offers_sent == 0
    told = Notification.objects.filter(kind="booking_waitlist_offer_withdrawn")
    assert told.count() == 2  # email and SMS
    assert "vous restez inscrit(e) sur la liste d'attente" in told.get(channel="email").body
    page = htmllib.unescape(client.get(reverse("booking:offer", args=[offer.secret])).text)
    assert "la consultation a été annulée" in page and "Je prends ce rendez-vous" not in page
    assert "<h1>Ce créneau ne vous est plus proposé</h1>" in page
    assert "Un créneau est disponible" not in page


PARIS = ZoneInfo("Europe/Paris")
WAKING = override_settings(WAITLIST_WAKING_HOURS=(8, 21))


@WAKING
@pytest.mark.parametrize(
    ("tz", "made", "expires"),
    [
        ("Europe/Paris", (10, 0), (0, 12, 0)),
        ("Europe/Paris", (18, 30), (0, 20, 30)),
        ("Europe/Paris", (19, 30), (1, 8, 30)),
        ("Europe/Paris", (20, 0), (1, 9, 0)),  # 20:00-21:00, then 8:00-9:00
        ("Europe/Paris", (23, 0), (1, 10, 0)),
        ("Europe/Paris", (6, 0), (0, 10, 0)),
        ("America/Guadeloupe", (20, 30), (1, 9, 30)),
    ],
)
def test_offer_hours_run_only_in_the_waking_hours_of_the_site(tz, made, expires):
    zone = ZoneInfo(tz)
    now = datetime(2027, 1, 12, *made, tzinfo=zone)
    days, hour, minute = expires
    assert offer_deadline(now, zone) == datetime(2027, 1, 12 + days, hour, minute, tzinfo=zone)
    assert is_waking(now, zone) == (8 <= made[0] < 21)


@WAKING
def test_no_offer_is_sent_at_night_the_first_morning_run_sends_it(mission):
    """A slot freed at 23:00 is not offered during the night (the offers used to go out at
    23:00, 1:00 and 3:00 and use up the person's three offers by morning)."""
    entry = WaitingListEntryFactory(site=mission.site)
    eve = datetime.combine(mission.date - timedelta(days=2), time(23, 0), tzinfo=PARIS)
    slot = free_up(mission, now=eve)
    for step in range(18):  # process_waiting_list runs all night
        waitlist_offers_expire(now=eve + timedelta(minutes=30 * step))
    assert not WaitingListOffer.objects.filter(entry=entry).exists()
    assert not Notification.objects.filter(kind="waitlist_offer").exists()
    morning = eve + timedelta(hours=9, minutes=5)  # 8:05
    waitlist_offers_expire(now=morning)
    offer = WaitingListOffer.objects.get(entry=entry)
    assert offer.slot == slot and offer.expires_at == morning + timedelta(hours=2)
    entry.refresh_from_db()
    assert entry.offers_sent == 1 and entry.status == WaitingStatus.WAITING


@WAKING
def test_an_evening_offer_stays_open_overnight(mission):
    entry = WaitingListEntryFactory(site=mission.site)
    evening = datetime.combine(mission.date - timedelta(days=2), time(20, 30), tzinfo=PARIS)
    free_up(mission, now=evening)
    offer = WaitingListOffer.objects.get(entry=entry)
    assert offer.expires_at == evening + timedelta(hours=13)  # 21:00, then 8:00-9:30
    waitlist_offers_expire(now=evening + timedelta(hours=10))  # 6:30, still open
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING
    appointment = waitlist_offer_accept(offer=offer, now=evening + timedelta(hours=12))
    assert appointment.slot_id == offer.slot_id


def test_the_waiting_list_page_says_how_offers_work(client, mission):
    with WAKING:
        page = client.get(reverse("booking:waitlist") + f"?site={mission.site.pk}")
    text = htmllib.unescape(page.content.decode())
    assert "un lien valable 2 heures" in text and "au plus 3 propositions" in text
    assert (
        "Rien n'est envoyé la nuit : les propositions partent entre 8\xa0h\xa000 et 21\xa0h\xa000"
        in text
    )


def test_an_offer_message_is_not_sent_after_the_offer_expired(mission):
    WaitingListEntryFactory(site=mission.site)
    free_up(mission)
    offer = WaitingListOffer.objects.get()
    messages = Notification.objects.filter(kind="booking_waitlist_offer")
    assert messages.exists() and {n.valid_until for n in messages} == {offer.expires_at}
