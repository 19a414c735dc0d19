"""Demo volunteer doctors (fictitious names, emails @demo.renfort.example, phones in the
+33 6 39 98 range, RPPS numbers « 1999… » with a valid Luhn key).

About 300 volunteers practising in real communes outside the priority zones, drawn with a weight
that grows with the commune's population and its closeness to a zone; spread over every onboarding
status (most of them plannable), each with 3 to 8 availabilities on weekdays of the next two
calendar months. Deterministic, idempotent (a re-run creates nothing) and fast: one password hash,
bulk inserts."""

import math
import uuid
from datetime import date, datetime, time, timedelta

import numpy as np
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from renfort.accounts.demo import DEMO_PASSWORD, demo_email
from renfort.accounts.models import Role, User
from renfort.core.geo import DETOUR_FACTOR, EARTH_RADIUS_KM
from renfort.core.validators import luhn_complete
from renfort.sites.models import Site
from renfort.sites.opening import public_holiday_name
from renfort.territories.models import Commune
from renfort.zoning.selectors import current_zones

from .models import (
    ONBOARDING_STEPS,
    Availability,
    AvailabilityPeriod,
    CoverageMode,
    Doctor,
    DoctorHistory,
    DoctorStatus,
    PracticeStatus,
    Sector,
    Specialty,
)
from .selectors import zone_centroids

DEMO_NAMESPACE = uuid.UUID("0b6d1f0e-7c43-4f0a-9d51-4c1e5d0a0d0c")
VOLUNTEER_COUNT = 300
DEMO_DOCTOR_EMAIL = demo_email("medecin")
ALBI = "81004"

S = DoctorStatus
STATUS_WEIGHTS = [
    (S.SUBMITTED, 6),
    (S.CDOM_NOTIFIED, 6),
    (S.ACTIVITY_RECORDED, 14),
    (S.BILLING_NUMBER_RECORDED, 14),
    (S.CPS_ISSUED, 12),
    (S.ACTIVE, 38),
    (S.PAUSED, 4),
    (S.WITHDRAWN, 3),
    (S.REFUSED, 3),
]
SECTOR_WEIGHTS = [
    (Sector.SECTOR_1, 80),
    (Sector.SECTOR_2_OPTAM, 10),
    (Sector.SECTOR_2, 10),  # never NOT_CONTRACTED: not allowed (NOT_CONTRACTED_RULE)
]
FIRST_NAMES = {
    "mme": ["Camille", "Claire", "Sophie", "Nathalie", "Élodie", "Inès", "Hélène", "Amina",
            "Julie", "Anne", "Laure", "Marion", "Chloé", "Fatima", "Isabelle", "Agnès"],
    "m": ["Pierre", "Julien", "Marc", "Karim", "Thomas", "Nicolas", "Jean", "Hugo", "Antoine",
          "Olivier", "Mathieu", "Yann", "Bruno", "Sébastien", "Rémi", "Paul"],
}  # fmt: skip
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Durand", "Lefèvre", "Moreau", "Laurent", "Simon",
              "Michel", "Garcia", "Roux", "Fournier", "Girard", "Bonnet", "Mercier", "Blanc",
              "Guérin", "Muller", "Faure", "Rousseau", "Chevalier", "Perrin", "Morin",
              "Gautier"]  # fmt: skip
SUFFIX = {"mme": "Fictive", "m": "Fictif"}
STREETS = ["rue de la République", "avenue Jean-Jaurès", "place du Marché", "rue Victor-Hugo",
           "boulevard Pasteur", "rue des Écoles"]  # fmt: skip


def _weighted(rng, pairs):
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def rpps_for(index: int) -> str:
    """« 1999 » + 6 digits + the Luhn key: valid, and recognisably fictitious."""
    return luhn_complete(f"1999{index:06d}")


def _haversine_km(lat, lon, lats, lons):
    phi1, phi2 = np.radians(lat), np.radians(lats)
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lons - lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))


def _weekdays(first: date, months: int) -> list[date]:
    days, day = [], first
    end_month = (first.month - 1 + months) % 12 + 1
    while day.month != end_month:
        if day.weekday() < 5 and not public_holiday_name(day):  # no site opens then
            days.append(day)
        day += timedelta(days=1)
    return days


def _next_month(today: date) -> date:
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def _path(status: str, rng) -> list[str]:
    """Statuses the demo doctor went through, from submitted to `status`."""
    if status in ONBOARDING_STEPS:
        return ONBOARDING_STEPS[: ONBOARDING_STEPS.index(status) + 1]
    if status == S.PAUSED:
        return [*ONBOARDING_STEPS, S.PAUSED]
    if status == S.REFUSED:
        return [*ONBOARDING_STEPS[: rng.randint(1, 2)], S.REFUSED]
    return [*ONBOARDING_STEPS[: rng.randint(1, 6)], S.WITHDRAWN]


def _step_dates(spec: dict, today: date, billing_on, cps_on) -> list[date]:
    """The day of each step of `spec["path"]`, in order and never after today: the billing
    number and the CPS card on the days the file records (billing_recorded_on, cps_issued_on),
    the steps before them a few days apart, the later ones after. Drawn from the index, not
    from the random generator (the demo stays the same)."""
    index, path = spec["index"], spec["path"]
    gaps = {  # days since the previous step
        S.CDOM_NOTIFIED: 1 + index % 4,
        S.ACTIVITY_RECORDED: 4 + index % 9,
        S.BILLING_NUMBER_RECORDED: 3 + index % 6,
        S.ACTIVE: 1 + index % 3,
        S.PAUSED: 2 + index % 5,
        S.WITHDRAWN: 2 + index % 7,
        S.REFUSED: 3 + index % 5,
    }
    onboarding = [step for step in path if step in ONBOARDING_STEPS]
    # The anchor: the billing number when reached, otherwise the last onboarding step, set so
    # that the last step of the path falls `billing_days_ago` days ago.
    if billing_on is not None:
        anchor_step, anchor = S.BILLING_NUMBER_RECORDED, billing_on
    else:
        anchor_step = onboarding[-1]
        later = sum(gaps[step] for step in path[len(onboarding) :])
        anchor = today - timedelta(days=spec["billing_days_ago"] + later)
    position = onboarding.index(anchor_step)
    days = {anchor_step: anchor}
    for step, following in zip(
        reversed(onboarding[:position]), reversed(onboarding[1 : position + 1]), strict=True
    ):
        days[step] = days[following] - timedelta(days=gaps[following])
    previous = anchor
    for step in path[path.index(anchor_step) + 1 :]:
        if step == S.CPS_ISSUED and cps_on is not None:
            previous = cps_on
        else:
            previous = min(today, previous + timedelta(days=gaps[step]))
        days[step] = previous
    return [days[step] for step in path]


def _history_times(days: list[date], index: int) -> list:
    """Office hours on those days, increasing, never in the future."""
    stamps = [
        timezone.make_aware(
            datetime.combine(day, time(9)) + timedelta(minutes=37 * rank + index % 240)
        )
        for rank, day in enumerate(days)
    ]
    limit = timezone.now()
    for rank in reversed(range(len(stamps))):
        stamps[rank] = min(stamps[rank], limit)
        limit = stamps[rank] - timedelta(seconds=1)
    return stamps


def _candidates():
    zone_epcis = set(current_zones().values_list("epci_id", flat=True))
    return list(
        Commune.objects.in_programme()
        .filter(population__gte=3000, latitude__isnull=False)
        .exclude(epci_id__in=zone_epcis)
        .order_by("code_insee")
        .values_list("code_insee", "departement_id", "latitude", "longitude", "population")
    )


def _specs(rng, today: date) -> list[dict]:
    """Every demo volunteer as a dict (drawn before checking what exists: deterministic)."""
    centroids = zone_centroids()
    zone_ids = sorted(centroids)
    zlats = np.array([centroids[z][0] for z in zone_ids])
    zlons = np.array([centroids[z][1] for z in zone_ids])
    candidates = _candidates()
    nearest, weights = [], []
    for _code, _dep, lat, lon, population in candidates:
        km = _haversine_km(lat, lon, zlats, zlons)
        order = np.argsort(km)[:5]
        nearest.append([(zone_ids[i], float(km[i])) for i in order])
        weights.append(math.sqrt(population) * (1 + 6 * math.exp(-float(km[order[0]]) / 40)))
    picks = rng.choices(range(len(candidates)), weights=weights, k=VOLUNTEER_COUNT)
    weekdays = _weekdays(_next_month(today), 2)
    specs = []
    for index, pick in enumerate(picks):
        code, dep, *_ = candidates[pick]
        civility = rng.choice(["mme", "m"])
        status = _weighted(rng, STATUS_WEIGHTS)
        draw = rng.random()
        zones, minutes = [], None
        # Zones within about 150 km by road; a volunteer with none that close covers a travel
        # time instead (nobody signs up for a zone a day's drive away without housing).
        close = [z for z, km in nearest[pick] if km * DETOUR_FACTOR <= 150]
        # Housing is asked by those far from the zones (more than about 1 h 30 by road).
        far = all(km * DETOUR_FACTOR > 90 for _, km in nearest[pick])
        if draw < 0.55 and close:
            mode = CoverageMode.ZONES
            zones = rng.sample(close, min(len(close), rng.randint(1, 3)))
        elif draw < 0.9:
            mode, minutes = CoverageMode.TRAVEL, rng.choice(range(45, 151, 15))
        else:
            mode = CoverageMode.ZONES  # imported without any territory named
        dates = sorted(rng.sample(weekdays, rng.randint(3, 8)))
        specs.append(
            {
                "index": index,
                "email": demo_email(f"medecin.{index:03d}"),
                "civility": civility,
                "first_name": rng.choice(FIRST_NAMES[civility]),
                "last_name": f"{rng.choice(LAST_NAMES)}-{SUFFIX[civility]}",
                "commune": code,
                "departement": dep,
                "status": status,
                "path": _path(status, rng),
                "sector": _weighted(rng, SECTOR_WEIGHTS),
                "specialty": Specialty.GENERAL if rng.random() < 0.92 else Specialty.GERIATRICS,
                "retired": rng.random() < 0.2,
                "mode": mode,
                "zones": zones,
                "minutes": minutes,
                "housing": rng.random() < (0.5 if far else 0.03),
                "replacement": rng.random() < 0.2,
                "max_days": 2 if rng.random() < 0.7 else 1,
                "address": f"{rng.randint(1, 80)} {rng.choice(STREETS)}",
                "availabilities": [
                    (d, "full" if rng.random() < 0.7 else rng.choice(["morning", "afternoon"]))
                    for d in dates
                ],
                "billing_days_ago": rng.randint(0, 20),
            }
        )  # fmt: skip
    specs.append(
        {
            "index": 999,
            "email": DEMO_DOCTOR_EMAIL,
            "civility": "m",
            "first_name": "Dominique",
            "last_name": "Exemple-Fictif",
            "commune": ALBI,
            "departement": "81",
            "status": S.ACTIVE,
            "path": list(ONBOARDING_STEPS),
            "sector": Sector.SECTOR_1,
            "specialty": Specialty.GENERAL,
            "retired": False,
            "mode": CoverageMode.TRAVEL,
            "zones": [],
            "minutes": 120,
            "housing": True,
            "replacement": False,
            "max_days": 2,
            "address": "12 rue de la République",
            "availabilities": [(d, AvailabilityPeriod.FULL) for d in weekdays[2:40:6]],
            "billing_days_ago": 10,
        }
    )
    return specs


def generate(*, rng, stdout) -> None:
    today = timezone.localdate()
    specs = _specs(rng, today)
    existing = set(
        User.objects.filter(email__in=[s["email"] for s in specs]).values_list("email", flat=True)
    )
    specs = [s for s in specs if s["email"] not in existing]
    if not specs:
        stdout.write("  0 médecins volontaires de démonstration créés")
        return
    password = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        User(
            email=s["email"],
            username=s["email"],
            first_name=s["first_name"],
            last_name=s["last_name"],
            role=Role.DOCTOR,
            password=password,
            phone=f"+3363998{s['index']:04d}",
        )
        for s in specs
    )
    users = dict(
        User.objects.filter(email__in=[s["email"] for s in specs]).values_list("email", "pk")
    )
    doctors = []
    for s in specs:
        reached = set(s["path"])
        billing_on = cps_on = None
        if S.BILLING_NUMBER_RECORDED in reached:
            days_ago = s["billing_days_ago"] + (
                0 if s["status"] == S.BILLING_NUMBER_RECORDED else 25
            )
            billing_on = today - timedelta(days=days_ago)
        if S.CPS_ISSUED in reached:
            cps_on = billing_on + timedelta(days=18 + s["index"] % 8)
        doctors.append(
            Doctor(
                user_id=users[s["email"]],
                civility=s["civility"],
                first_name=s["first_name"],
                last_name=s["last_name"],
                phone=f"+3363998{s['index']:04d}",
                rpps=rpps_for(s["index"]),
                specialty=s["specialty"],
                sector=s["sector"],
                practice_status=PracticeStatus.RETIRED if s["retired"] else PracticeStatus.ACTIVE,
                practice_address=s["address"],
                practice_commune_id=s["commune"],
                departement_id=s["departement"],
                coverage_mode=s["mode"],
                max_travel_minutes=s["minutes"],
                max_days_per_month=s["max_days"],
                wants_housing=s["housing"],
                wants_replacement=s["replacement"],
                insurance_confirmed=True,
                status=s["status"],
                status_reason="Dossier incomplet (fictif)." if s["status"] == S.REFUSED else "",
                billing_number=f"DEMO{s['index']:06d}" if billing_on else "",
                billing_recorded_on=billing_on,
                cps_issued_on=cps_on,
                submission_token=uuid.uuid5(DEMO_NAMESPACE, s["email"]),
            )
        )  # fmt: skip
    Doctor.objects.bulk_create(doctors)
    ids = dict(
        Doctor.objects.filter(user__email__in=[s["email"] for s in specs]).values_list(
            "user__email", "pk"
        )
    )
    sites_by_zone = {}
    for site_id, zone_id in (
        Site.objects.active().exclude(priority_zone=None).values_list("pk", "priority_zone_id")
    ):
        sites_by_zone.setdefault(zone_id, []).append(site_id)
    zone_links, site_links, availabilities, history = [], [], [], []
    stamps: dict[int, list] = {}  # doctor pk → when each history row happened
    for s, doctor in zip(specs, doctors, strict=True):
        pk = ids[s["email"]]
        stamps[pk] = _history_times(
            _step_dates(s, today, doctor.billing_recorded_on, doctor.cps_issued_on), s["index"]
        )
        for zone_id in s["zones"]:
            zone_links.append(Doctor.zones.through(doctor_id=pk, priorityzone_id=zone_id))
            if sites_by_zone.get(zone_id) and s["index"] % 5 == 0:
                site_links.append(
                    Doctor.preferred_sites.through(doctor_id=pk, site_id=sites_by_zone[zone_id][0])
                )
        availabilities += [
            Availability(doctor_id=pk, date=d, period=p) for d, p in s["availabilities"]
        ]
        previous = S.DRAFT
        for step in s["path"]:
            history.append(
                DoctorHistory(
                    doctor_id=pk,
                    from_status=previous,
                    to_status=step,
                    actor_id=users[s["email"]]
                    if step in (S.SUBMITTED, S.PAUSED, S.WITHDRAWN)
                    else None,
                    comment="Données de démonstration.",
                )
            )
            previous = step
    Doctor.zones.through.objects.bulk_create(zone_links)
    Doctor.preferred_sites.through.objects.bulk_create(site_links, ignore_conflicts=True)
    Availability.objects.bulk_create(availabilities)
    DoctorHistory.objects.bulk_create(history)
    _date_history(stamps)
    stdout.write(f"  {len(specs)} médecins volontaires de démonstration créés")


def _date_history(stamps: dict[int, list]) -> None:
    """The history rows and the sign-up dates on the days of the steps they record (the
    creation dates are set to now on insert)."""
    rows = list(
        DoctorHistory.objects.filter(doctor_id__in=list(stamps)).order_by("doctor_id", "id")
    )
    seen: dict[int, int] = {}
    for row in rows:
        rank = seen.get(row.doctor_id, 0)
        row.created_at = stamps[row.doctor_id][rank]
        seen[row.doctor_id] = rank + 1
    DoctorHistory.objects.bulk_update(rows, ["created_at"], batch_size=500)
    doctors = list(Doctor.objects.filter(pk__in=list(stamps)).only("pk"))
    for doctor in doctors:
        doctor.created_at = stamps[doctor.pk][0]
    Doctor.objects.bulk_update(doctors, ["created_at"], batch_size=500)


def logins() -> list[tuple[str, str]]:
    if not User.objects.filter(email=DEMO_DOCTOR_EMAIL).exists():
        return []
    return [(DEMO_DOCTOR_EMAIL, "Médecin volontaire actif — Albi (Tarn, Occitanie)")]
