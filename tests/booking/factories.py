"""Factories and helpers for booking tests. Slots come from the real generation service
(`slots_sync_for_mission`) on a MissionFactory mission: a confirmed full day 10 days ahead at an
active MSP in Lacaune (9:00–12:00 and 14:00–18:00, 20 minutes: 21 slots, 10 reserved)."""

import uuid
from datetime import date, timedelta

import factory
from django.utils import timezone

from renfort.booking.models import Slot, WaitingListEntry
from renfort.booking.services import Patient, appointment_book, slots_sync_for_mission
from tests.planning.factories import MissionFactory
from tests.sites.factories import SiteFactory

FICTIONAL_MOBILE = "+33639980001"  # ARCEP range reserved for fiction


def patient(**overrides) -> Patient:
    values = {
        "last_name": "Fictif",
        "first_name": "Camille",
        "birth_date": date(1970, 5, 17),
        "phone": FICTIONAL_MOBILE,
        "email": "camille.fictif@exemple.test",
        "has_medecin_traitant": False,
        "is_ald": False,
        "reason": "",
    }
    values.update(overrides)
    return Patient(**values)


def patient_data(**overrides) -> dict:
    """What the booking form posts (before normalisation)."""
    values = {
        "last_name": "Fictif",
        "first_name": "Camille",
        "birth_date": "1970-05-17",
        "phone": "06 12 34 56 78",
        "email": "camille.fictif@exemple.test",
        "has_medecin_traitant": "non",
        "reason": "Renouvellement d'ordonnance",
        "consent": "on",
    }
    values.update(overrides)
    return values


def mission_with_slots(**kwargs):
    mission = MissionFactory(**kwargs)
    slots_sync_for_mission(mission=mission)
    return mission


def slots_of(mission, **filters) -> list[Slot]:
    return list(Slot.objects.filter(mission=mission, **filters).order_by("start"))


def free_slot(mission, *, reserved: bool = False) -> Slot:
    return Slot.objects.filter(
        mission=mission, status="available", reserved_for_priority=reserved
    ).order_by("start")[0]


def book(slot: Slot, now=None, token=None, **patient_overrides):
    appointment, _ = appointment_book(
        slot_id=slot.pk, patient=patient(**patient_overrides), submission_token=token, now=now
    )
    return appointment


def before(slot: Slot, **delta) -> object:
    """A moment before the slot starts (timedelta keywords)."""
    return slot.start - timedelta(**delta)


class WaitingListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitingListEntry

    site = factory.SubFactory(SiteFactory)
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    last_name = "Attente"
    first_name = factory.Sequence(lambda n: f"Personne{n}")
    birth_date = date(1960, 1, 1)
    phone = factory.Sequence(lambda n: f"+3363998{n % 10000:04d}")
    email = factory.Sequence(lambda n: f"attente{n}@exemple.test")
    has_medecin_traitant = False
    submission_token = factory.LazyFunction(uuid.uuid4)

    class Params:
        with_medecin_traitant = factory.Trait(has_medecin_traitant=True)
