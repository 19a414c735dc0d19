"""Patients of the demo doctor's consultations (see renfort/planning/demo_doctor.py): the real
services lay the slots of each confirmed mission and book clearly fictitious patients, as if
they had booked a couple of days before (`now` moved back); the past consultation's patients
are marked seen, absent or excused by the site's manager, a walk-in patient is added and
seen, and the mission marked done. Runs
before the general booking demo. Idempotent: a mission that has appointments is left alone."""

import uuid
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from renfort.planning.demo_doctor import demo_doctor_missions
from renfort.planning.models import Mission, MissionStatus
from renfort.planning.services import mission_transition

from .models import AppointmentStatus, Slot, SlotStatus
from .services import (
    Patient,
    appointment_book,
    appointment_mark,
    appointment_walk_in_add,
    slots_sync_for_mission,
)

A = AppointmentStatus
NAMESPACE = uuid.UUID("9d2e4b61-0f3a-4c8e-b7d5-1a6c3e9f2b48")
# (first name, last name): recognisably fictitious, like the demo doctors' names.
PATIENTS = [
    ("Lucie", "Morel-Fictive"), ("Gérard", "Petit-Fictif"), ("Yasmine", "Leroy-Fictive"),
    ("Bernard", "Colin-Fictif"), ("Maëlle", "Roche-Fictive"), ("Joseph", "Vidal-Fictif"),
    ("Odile", "Carré-Fictive"), ("Théo", "Masson-Fictif"), ("Agathe", "Brunet-Fictive"),
    ("Henri", "Lemaire-Fictif"), ("Rose", "Fabre-Fictive"), ("Nathan", "Picard-Fictif"),
    ("Simone", "Hamon-Fictive"), ("Victor", "Renard-Fictif"), ("Léonie", "Aubert-Fictive"),
    ("Marcel", "Giraud-Fictif"),
]  # fmt: skip
# Which slots are booked (indices in the mission's slots, by time) and, for the past
# consultation, how each patient ended up.
BOOKED = {"past": [0, 1, 3, 5, 7], "today": [0, 2, 3, 6, 9, 11, 14], "coming": [0, 2, 4, 5]}
PAST_MARKS = [A.SEEN, A.SEEN, A.NO_SHOW, A.SEEN, A.EXCUSED]
MARK_REASONS = {A.EXCUSED: "A prévenu le matin même (fictif).", A.NO_SHOW: ""}
WALK_IN = ("Armand", "Baron-Fictif")  # came without an appointment to the past consultation


def demo_patient(index: int) -> Patient:
    first, last = PATIENTS[index % len(PATIENTS)]
    # 06 39 98 xx xx: range reserved by the ARCEP for fiction (never a real subscriber).
    return Patient(
        last_name=last,
        first_name=first,
        birth_date=date(1940 + 4 * index, 1 + index % 12, 1 + index % 28),
        phone=f"+3363998{5000 + index:04d}",
        email=f"patient.fictif.{100 + index}@demo.renfort.example",
        has_medecin_traitant=False,  # the patients the scheme is for
        is_ald=index % 3 == 0,
        reason="Consultation de démonstration (fictive)",
    )


def _booked_before(mission: Mission) -> datetime:
    """When the demo patients booked: two days before the consultation, at 18:00."""
    day = mission.date - timedelta(days=2)
    return datetime.combine(day, time(18), tzinfo=mission.site.tz)


def generate(*, rng, stdout) -> None:
    missions = demo_doctor_missions()
    first_patient, booked = 0, 0
    for role in ("past", "today", "coming"):
        mission = missions.get(role)
        count = len(BOOKED[role])
        if mission is not None and not mission.appointments.exists():
            with transaction.atomic():
                booked += _consultation(mission, role, first_patient)
        first_patient += count
    if booked:
        stdout.write(
            f"  {booked} rendez-vous fictifs aux consultations du médecin de démonstration"
        )


def _consultation(mission: Mission, role: str, first_patient: int) -> int:
    now = _booked_before(mission)
    slots_sync_for_mission(mission=mission, now=now)
    slots = list(
        Slot.objects.filter(mission=mission, status=SlotStatus.AVAILABLE).order_by("start")
    )
    appointments = []
    for offset, position in enumerate(BOOKED[role]):
        if position >= len(slots):
            break
        index = first_patient + offset
        token = uuid.uuid5(NAMESPACE, f"{role}-{index}")
        try:
            appointment, _ = appointment_book(
                slot_id=slots[position].pk,
                patient=demo_patient(index),
                submission_token=token,
                now=now,
            )
        except ValidationError:  # a rule of the booking said no: fewer patients, that is all
            continue
        appointments.append(appointment)
    if role == "past":
        _close(mission, appointments)
    return len(appointments)


def _close(mission: Mission, appointments) -> None:
    """The day of the past consultation: patients marked by the site, mission done."""
    manager = mission.site.manager
    evening = datetime.combine(mission.date, time(19), tzinfo=mission.site.tz)
    # A patient who came without an appointment, added by the site at the last slot's time
    # (the walk-in takes that slot's length: it ends with the consultation).
    at = Slot.objects.filter(mission=mission).order_by("-start").first().start
    walk_in_first, walk_in_last = WALK_IN
    walk_in = appointment_walk_in_add(
        mission=mission,
        actor=manager,
        last_name=walk_in_last,
        first_name=walk_in_first,
        at=at,
        now=at,
        submission_token=uuid.uuid5(NAMESPACE, f"walk-in-{mission.pk}"),
    )
    marks = [*zip(appointments, PAST_MARKS, strict=False), (walk_in, A.SEEN)]
    for appointment, status in marks:
        appointment_mark(
            appointment=appointment,
            actor=manager,
            status=status,
            reason=MARK_REASONS.get(status, ""),
            now=evening,
        )
    mission_transition(
        mission=mission,
        actor=manager,
        to_status=MissionStatus.DONE,
        from_status=MissionStatus.CONFIRMED,
    )
