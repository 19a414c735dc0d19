"""Page timings on a national instance (never part of the test run).

    .venv/bin/python bench/pages.py [--database /tmp/renfort-pages.sqlite3 --runs 3]

Builds once (kept between runs) a SQLite database with the real territories and zones and a
national-scale load: 5,000 volunteer doctors, 453 sites (400 in the 64 known zones, 53 outside),
5,600 confirmed missions over the coming 30 days and 3,600 appointments (180 missions of 20).
Then it opens the pages the performance review named with Django's test client (anonymous,
national steering, admin) and prints, per page, the number of SQL queries, the median time over
--runs runs (after one warm-up request) and the size of the body. Migrations are applied first,
so the same database measures the code before and after a change of schema.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DOCTORS = 5000
SITES_IN_ZONES = 400
SITES_OUTSIDE = 53
MISSIONS = 5600
BOOKED_MISSIONS = 180
APPOINTMENTS_PER_MISSION = 20


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def seed() -> None:
    import random

    from django.core.management import call_command
    from django.utils import timezone

    from renfort.accounts.models import Role, User
    from renfort.booking.models import Appointment, Slot
    from renfort.booking.services import slots_sync_for_mission
    from renfort.doctors.models import Doctor, DoctorStatus, Sector
    from renfort.planning.models import Mission
    from renfort.sites.models import Site, SiteKind, SiteStatus, WeeklyOpening
    from renfort.territories.models import Commune
    from renfort.zoning.models import PriorityZone

    rng = random.Random(2026)
    say("Territoires et zones…")
    call_command("import_territories", "--no-progress", stdout=open(os.devnull, "w"))
    call_command("import_priority_zones", stdout=open(os.devnull, "w"))
    User.objects.create_superuser(email="admin@bench.example", password="x")
    User.objects.create_user(email="national@bench.example", password="x", role=Role.NATIONAL)

    say("Lieux…")
    zones = list(PriorityZone.objects.current().select_related("epci"))
    zone_communes = []
    for index in range(SITES_IN_ZONES):
        zone = zones[index % len(zones)]
        communes = list(
            Commune.objects.filter(epci_id=zone.epci_id, latitude__isnull=False).order_by(
                "-population"
            )[:8]
        )
        zone_communes.append((zone, communes[(index // len(zones)) % len(communes)]))
    outside = list(
        Commune.objects.in_programme()
        .filter(latitude__isnull=False, epci__zones__isnull=True)
        .order_by("-population")[:SITES_OUTSIDE]
    )
    rows = [(zone, commune) for zone, commune in zone_communes] + [(None, c) for c in outside]
    managers = User.objects.bulk_create(
        User(
            email=f"gestion{i}@bench.example",
            username=f"gestion{i}@bench.example",
            role=Role.SITE_MANAGER,
        )
        for i in range(len(rows))
    )
    sites = []
    for i, ((zone, commune), manager) in enumerate(zip(rows, managers, strict=True)):
        sites.append(
            Site(
                name=f"Maison de santé (fictive) n° {i}",
                kind=SiteKind.MSP,
                address="1 place de la Mairie",
                commune=commune,
                departement_id=commune.departement_id,
                region_id=Commune.objects.get(pk=commune.pk).departement.region_id,
                epci_id=commune.epci_id,
                priority_zone=zone,
                outside_zone_justification="" if zone else "Lieu limitrophe (fictif)",
                latitude=commune.latitude,
                longitude=commune.longitude,
                contact_name="Dominique Exemple",
                phone="+33563000000",
                email="contact@lieu.bench.example",
                rooms=2,
                status=SiteStatus.ACTIVE,
                manager=manager,
                submission_token=uuid.uuid4(),
            )
        )
    sites = Site.objects.bulk_create(sites)
    WeeklyOpening.objects.bulk_create(
        WeeklyOpening(site=s, weekday=d, period=p, start_time=a, end_time=b)
        for s in sites
        for d in range(5)
        for p, a, b in (("morning", clock(9), clock(12)), ("afternoon", clock(14), clock(18)))
    )

    say("Médecins…")
    practice = list(
        Commune.objects.in_programme().filter(population__gt=20000).values_list("pk", "departement")
    )
    users = User.objects.bulk_create(
        User(
            email=f"medecin{i}@bench.example",
            username=f"medecin{i}@bench.example",
            role=Role.DOCTOR,
        )
        for i in range(DOCTORS)
    )
    statuses = [DoctorStatus.ACTIVE] * 6 + [DoctorStatus.SUBMITTED, DoctorStatus.PAUSED]
    doctors = []
    for i, user in enumerate(users):
        commune_id, departement_id = rng.choice(practice)
        doctors.append(
            Doctor(
                user=user,
                civility="mme",
                first_name="Camille",
                last_name=f"Fictive{i}",
                phone="+33612345678",
                rpps=f"1{i:010d}",
                sector=Sector.SECTOR_1,
                practice_address="3 rue du Cabinet (fictif)",
                practice_commune_id=commune_id,
                departement_id=departement_id,
                coverage_mode="travel",
                max_travel_minutes=120,
                max_days_per_month=2,
                insurance_confirmed=True,
                status=rng.choice(statuses),
                submission_token=uuid.uuid4(),
            )
        )
    doctors = Doctor.objects.bulk_create(doctors)

    say("Missions, créneaux et rendez-vous…")
    today = timezone.localdate()
    days = [d for d in (today + timedelta(days=n) for n in range(1, 43)) if d.weekday() < 5][:30]
    missions = Mission.objects.bulk_create(
        Mission(
            doctor=doctors[i % DOCTORS],
            site=sites[i % len(sites)],
            date=days[i // DOCTORS + (i % 7) % len(days)],
            period="full",
            status="confirmed",
        )
        for i in range(MISSIONS)
    )
    for mission in missions[:BOOKED_MISSIONS]:
        slots_sync_for_mission(mission=mission)
        slots = list(Slot.objects.filter(mission=mission).order_by("start")[:20])
        Appointment.objects.bulk_create(
            Appointment(
                slot=slot,
                mission=mission,
                site_id=mission.site_id,
                doctor_id=mission.doctor_id,
                start=slot.start,
                end=slot.end,
                last_name="Patient Fictif",
                first_name=f"N{n}",
                phone=f"+3363998{n:04d}",
            )
            for n, slot in enumerate(slots)
        )
        Slot.objects.filter(pk__in=[s.pk for s in slots]).update(status="booked")


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from renfort.accounts.models import User
    from renfort.booking.models import Appointment

    admin = User.objects.get(email="admin@bench.example")
    national = User.objects.get(email="national@bench.example")
    busy = Appointment.objects.order_by("mission_id").first().mission
    day = f"/rendez-vous/agenda/{busy.site_id}/{busy.date.isoformat()}/"
    pages = [
        ("anonyme", "/lieux/", {}),
        ("anonyme", "/lieux/lieux.geojson", {}),
        ("anonyme", "/territoires/departements.geojson", {}),
        ("anonyme", "/territoires/departements.geojson", {"HTTP_ACCEPT_ENCODING": "gzip"}),
        ("anonyme", "/zones/carte/zones.geojson", {}),
        ("national", "/medecins/agents/", {}),
        ("national", "/medecins/agents/export/?format=csv", {}),
        ("national", "/medecins/agents/export/?format=xlsx", {}),
        ("national", "/lieux/region/", {}),
        ("national", "/lieux/region/export/?format=csv", {}),
        ("admin", "/admin/booking/slot/", {}),
        ("admin", "/admin/booking/appointment/", {}),
        ("admin", "/admin/accounts/user/", {}),
        ("admin", "/admin/zoning/priorityzone/", {}),
        ("admin", day, {}),
    ]
    clients = {"anonyme": Client(), "national": Client(), "admin": Client()}
    clients["national"].force_login(national)
    clients["admin"].force_login(admin)
    say(f"{'qui':<9} {'page':<52} {'requêtes':>8} {'médiane':>9} {'octets':>10}")
    for who, url, headers in pages:
        client = clients[who]
        response = client.get(url, **headers)  # warm-up (and in-process caches)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url, **headers)
                body = b"".join(response) if response.streaming else response.content
                times.append(time.perf_counter() - start)
        label = url + (" (gzip)" if headers else "")
        say(
            f"{who:<9} {label:<52} {len(queries):>8} "
            f"{statistics.median(times) * 1000:>7.0f} ms {len(body):>10}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="/tmp/renfort-pages.sqlite3")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    from renfort.doctors.models import Doctor

    if not Doctor.objects.exists():
        seed()
    measure(args.runs)


if __name__ == "__main__":
    main()
