"""Checks of a volunteer's data (identity, RPPS, sector, coverage, hours, availabilities):
French messages keyed by field. The use cases (services.py) call them before any write; the
forms call them too, to show every error in one round."""

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from renfort.core.text import days_label, hour
from renfort.core.validators import luhn_valid, names_check, normalize_mobile

from .models import (
    NOT_CONTRACTED_RULE,
    AvailabilityPeriod,
    CoverageMode,
    Doctor,
    Sector,
    availability_horizon,
    availability_horizon_text,
)

TRAVEL_MINUTES_RANGE = (15, 240)
SLOT_MINUTES_RANGE = (10, 60)
SLOT_MINUTES_STEP = 5  # 10, 15, 20… as the field offers them
# Consultation hours: from 7 h to 21 h (a host site's staff is there; patients can come).
HOURS_RANGE = (time(7), time(21))
RPPS_LENGTH_ERROR = "Le numéro RPPS comporte 11 chiffres (il figure sur votre carte CPS)."
RPPS_KEY_ERROR = (
    "Ce numéro RPPS n'est pas valide (la clé de contrôle ne correspond pas) : "
    "vérifiez-le sur votre carte CPS."
)
RPPS_DUPLICATE_ERROR = (
    "Un médecin volontaire est déjà inscrit avec ce numéro RPPS : connectez-vous à votre "
    "espace ou contactez l'ARS de votre région."
)

# Fields a sign-up or an edition may set (everything else is derived or workflow).
PROFILE_FIELDS = (
    "civility",
    "first_name",
    "last_name",
    "phone",
    "rpps",
    "specialty",
    "sector",
    "practice_status",
    "practice_address",
)
COVERAGE_FIELDS = ("coverage_mode", "max_travel_minutes")
PREFERENCE_FIELDS = (
    "max_days_per_month",
    "slot_minutes",
    "morning_start",
    "morning_end",
    "afternoon_start",
    "afternoon_end",
    "wants_housing",
    "wants_replacement",
)

# The fields that lay the patients' slots of the doctor's confirmed missions.
HOURS_FIELDS = PREFERENCE_FIELDS[1:6]


@dataclass(frozen=True)
class AvailabilityEntry:
    date: date
    period: str = AvailabilityPeriod.FULL


# --- Checks ---------------------------------------------------------------------------------


def rpps_errors(value: str) -> list[str]:
    if len(value) != 11 or not value.isdigit():
        return [RPPS_LENGTH_ERROR]
    if not luhn_valid(value):
        return [RPPS_KEY_ERROR]
    return []


def doctor_check(
    *,
    data: dict,
    zones: Iterable = (),
    doctor: Doctor | None = None,
    partial: bool = False,
    rpps_holder_said: bool = True,
) -> dict:
    """Validate and normalise a doctor's data; raise ValidationError with field-keyed French
    messages. `partial`: only the keys present are checked (editions from the space).
    `rpps_holder_said=False` (the public sign-up): an RPPS number a volunteer already holds is
    not refused here; the sign-up emails that volunteer instead (RPPS numbers are public: the
    form must not tell who volunteers)."""
    data = dict(data)
    errors: dict[str, list[str]] = {}

    def present(key):
        return not partial or key in data

    if present("last_name") or present("first_name"):
        try:
            data.update(names_check(data))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if present("phone"):
        try:
            data["phone"] = normalize_mobile(data.get("phone") or "")
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if present("rpps"):
        data["rpps"] = "".join((data.get("rpps") or "").split())
        problems = rpps_errors(data["rpps"])
        if not problems and rpps_holder_said:
            # An unconfirmed sign-up does not hold the number (doctor_signup replaces it).
            others = Doctor.objects.confirmed().filter(rpps=data["rpps"])
            if doctor is not None:
                others = others.exclude(pk=doctor.pk)
            if others.exists():
                problems = [RPPS_DUPLICATE_ERROR]
        if problems:
            errors["rpps"] = problems
    if present("sector") and data.get("sector") == Sector.NOT_CONTRACTED:
        errors["sector"] = [NOT_CONTRACTED_RULE]
    if present("max_days_per_month") and data.get("max_days_per_month") not in (1, 2):
        errors["max_days_per_month"] = ["Indiquez 1 ou 2 jours par mois au maximum."]
    elif present("max_days_per_month") and doctor is not None:
        problem = _cap_below_missions(doctor, data["max_days_per_month"])
        if problem:
            errors["max_days_per_month"] = [problem]
    if present("slot_minutes"):
        low, high = SLOT_MINUTES_RANGE
        slot = data.get("slot_minutes")
        if slot is None or not low <= slot <= high:
            errors["slot_minutes"] = [f"La durée d'un créneau va de {low} à {high} minutes."]
        elif slot % SLOT_MINUTES_STEP:
            errors["slot_minutes"] = [
                f"La durée d'un créneau est un multiple de {SLOT_MINUTES_STEP} minutes "
                "(10, 15, 20…)."
            ]
    if present("coverage_mode"):
        mode = data.get("coverage_mode")
        if mode == CoverageMode.TRAVEL:
            low, high = TRAVEL_MINUTES_RANGE
            minutes = data.get("max_travel_minutes")
            if minutes is None:
                errors["max_travel_minutes"] = [
                    "Indiquez le temps de trajet maximal depuis votre cabinet."
                ]
            elif not low <= minutes <= high:
                errors["max_travel_minutes"] = [
                    f"Le temps de trajet maximal va de {low} à {high} minutes."
                ]
        elif mode == CoverageMode.ZONES:
            data["max_travel_minutes"] = None
            if not list(zones):
                errors["zones"] = ["Choisissez au moins une zone prioritaire."]
        else:
            errors["coverage_mode"] = ["Indiquez le territoire que vous pouvez couvrir."]
    if present("morning_start"):
        errors.update(_hours_errors(data, slot_checked="slot_minutes" not in errors))
    if present("insurance_confirmed") and not data.get("insurance_confirmed"):
        errors["insurance_confirmed"] = [
            "Confirmez que votre assurance responsabilité civile professionnelle couvre "
            "cette activité."
        ]
    if errors:
        raise ValidationError(errors)
    return data


def _hours_errors(data: dict, *, slot_checked: bool) -> dict[str, list[str]]:
    """The consultation hours' errors, each under the field to change (the first one wrong)."""
    names = HOURS_FIELDS[1:]  # morning_start, morning_end, afternoon_start, afternoon_end
    hours = [data.get(k) for k in names]
    missing = [name for name, h in zip(names, hours, strict=True) if not isinstance(h, time)]
    if missing:
        return {missing[0]: ["Indiquez vos horaires du matin et de l'après-midi."]}
    low, high = HOURS_RANGE
    outside = f"Les consultations ont lieu entre {hour(low)} et {hour(high)}"
    if hours[0] < low:
        return {names[0]: [f"{outside} : commencez à {hour(low)} au plus tôt."]}
    if hours[3] > high:
        return {names[3]: [f"{outside} : finissez à {hour(high)} au plus tard."]}
    for n, (before, after) in enumerate(itertools.pairwise(hours)):
        if before > after or before == after and n != 1:  # lunch may be skipped, not a period
            return {
                names[n + 1]: [
                    "Les horaires doivent se suivre : début et fin de matinée, puis début et "
                    "fin d'après-midi."
                ]
            }
    slot = data.get("slot_minutes")
    if slot_checked and isinstance(slot, int):
        for label, start, end, field in (
            ("matinée", *hours[:2], names[1]),
            ("après-midi", *hours[2:], names[3]),
        ):
            if _minutes(end) - _minutes(start) < slot:
                return {
                    field: [
                        f"Votre {label} est plus courte qu'un créneau de {slot} minutes : "
                        "allongez-la ou raccourcissez vos créneaux."
                    ]
                }
    return {}


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _cap_below_missions(doctor: Doctor, cap: int) -> str:
    """A monthly cap lowered under the days the doctor already holds in a month to come."""
    from renfort.planning.models import PERIOD_DAYS, Mission, MissionStatus

    held: dict[date, float] = {}
    missions = Mission.objects.filter(
        doctor=doctor,
        date__gte=timezone.localdate().replace(day=1),
        status__in=[MissionStatus.ACCEPTED, MissionStatus.CONFIRMED, MissionStatus.DONE],
    )
    for day, period in missions.values_list("date", "period"):
        month = day.replace(day=1)
        held[month] = held.get(month, 0.0) + PERIOD_DAYS[period]
    for month, days in sorted(held.items()):
        if days > cap:
            return (
                f"Vous avez déjà {days_label(days)} de mission en {date_format(month, 'F Y')} : "
                "déclinez ou faites annuler une mission avant d'abaisser votre plafond."
            )
    return ""


def availabilities_check(
    entries: Iterable[AvailabilityEntry], *, today: date | None = None
) -> list[AvailabilityEntry]:
    """Dates from tomorrow to the horizon; the same date twice is merged (morning + afternoon
    is a full day). Raises ValidationError listing each refused date."""
    today = today or timezone.localdate()
    horizon = availability_horizon(today)
    merged: dict[date, str] = {}
    errors = []
    for entry in entries:
        if entry.date <= today:
            errors.append(
                f"Le {entry.date:%d/%m/%Y} n'est pas une date à venir : "
                "choisissez une date à partir de demain."
            )
            continue
        if entry.date > horizon:
            errors.append(
                f"Le {entry.date:%d/%m/%Y} est trop lointain : indiquez des dates "
                f"{availability_horizon_text(today)}."
            )
            continue
        known = merged.get(entry.date)
        merged[entry.date] = (
            entry.period if known is None or known == entry.period else AvailabilityPeriod.FULL
        )
    if errors:
        raise ValidationError(errors)
    return [AvailabilityEntry(d, p) for d, p in sorted(merged.items())]
