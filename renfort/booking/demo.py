"""Demo booking data (fictitious): slots of every confirmed future mission (created by the
planning demo), then a handful of appointments of clearly fictitious patients. Deterministic,
idempotent (fixed submission tokens) and fast."""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Slot
from .services import Patient, appointment_book, slots_sync_all

DEMO_NAMESPACE = uuid.UUID("0b7f3c52-6a1e-4d7e-9a5b-2c8f1e4d9a10")
DEMO_APPOINTMENTS = 8
FIRST_NAMES = ["Camille", "Dominique", "Claude", "Alix", "Sacha", "Morgan", "Charlie", "Lou"]


def demo_patient(index: int) -> Patient:
    # 06 39 98 xx xx: range reserved by the ARCEP for fiction (never a real subscriber).
    return Patient(
        last_name="Patient Fictif",
        first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
        birth_date=date(1950 + 5 * index, 1 + index % 12, 1 + index),
        phone=f"+3363998{index:04d}",
        email=f"patient.fictif{index}@demo.renfort.example",
        has_medecin_traitant=index % 2 == 0,
        is_ald=index % 3 == 0,
        reason="Consultation de démonstration (fictive)",
    )


def generate(*, rng, stdout) -> None:
    result = slots_sync_all()
    now = timezone.now()
    booked = 0
    candidates = list(
        Slot.objects.available()
        .filter(start__gt=now, reserved_for_priority=False)
        .order_by("start", "pk")
        .values_list("pk", flat=True)[:200]
    )
    rng.shuffle(candidates)
    for index in range(DEMO_APPOINTMENTS):
        token = uuid.uuid5(DEMO_NAMESPACE, f"demo-appointment-{index}")
        for slot_id in candidates:
            try:
                _, created = appointment_book(
                    slot_id=slot_id, patient=demo_patient(index), submission_token=token, now=now
                )
            except ValidationError:  # slot taken meanwhile or limit reached: try the next one
                continue
            booked += int(created)
            candidates.remove(slot_id)
            break
    stdout.write(
        f"  {result.created} créneaux générés, {booked} rendez-vous fictifs (« Patient Fictif »)"
    )
