"""Database side of the booking benchmark (bench/booking.py): the bench database and its
data, the bookings reset between rounds, the double-booking check and the raw PostgreSQL rate
(pgbench). Never part of the test run."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import tempfile
import urllib.parse

SITES = 40
MISSIONS_PER_SITE = 8


def say(text: str) -> None:
    print(text, flush=True)


def bench_database_url(base_url: str) -> str:
    parts = urllib.parse.urlsplit(base_url)
    return urllib.parse.urlunsplit(parts._replace(path="/renfort_bench"))


def ensure_database(base_url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(base_url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname='renfort_bench'").fetchone()
        if not exists:
            conn.execute("CREATE DATABASE renfort_bench")


def prepare(seed: int = 2026) -> None:
    """Migrate, load reference data, seed sites and missions once, reset bookings."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from renfort.booking.models import Appointment, Slot, WaitingListEntry
    from renfort.booking.services import slots_sync_all
    from renfort.notifications.models import Notification
    from renfort.planning.models import Mission
    from renfort.sites.models import Site
    from renfort.zoning.selectors import current_zones
    from tests.conftest import load_reference_data

    call_command("migrate", verbosity=0, interactive=False)
    load_reference_data()
    today = timezone.localdate()
    tomorrow = today + timezone.timedelta(days=1)
    if not Mission.objects.confirmed().filter(date__gte=tomorrow).exists():
        seed_missions(seed=seed, zones=list(current_zones().order_by("epci_id")[:SITES]))
    with connection.cursor() as cursor:  # queued email/SMS tasks of the previous run
        for table in connection.introspection.table_names(cursor):
            if table.endswith("dbtaskresult"):
                cursor.execute(f"DELETE FROM {table}")
    Appointment.objects.all().delete()
    WaitingListEntry.objects.all().delete()
    Slot.objects.all().delete()
    Notification.objects.all().delete()
    result = slots_sync_all()
    vacuum()
    say(
        f"data: {Site.objects.active().count()} active sites, "
        f"{Mission.objects.confirmed().count()} confirmed missions, {result.created} slots"
    )


def seed_missions(*, seed: int, zones) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from renfort.planning.models import Mission
    from tests.planning.factories import MissionFactory
    from tests.sites.factories import SiteFactory

    Mission.objects.all().delete()
    rng = random.Random(seed)
    today = timezone.localdate()
    for zone in zones:
        communes = list(zone.epci.communes.exclude(latitude=None).order_by("-population")[:3])
        site = SiteFactory(commune=rng.choice(communes), name=f"Lieu de test (fictif) {zone.pk}")
        for index in range(MISSIONS_PER_SITE):
            MissionFactory(site=site, date=today + timedelta(days=2 + 3 * index))


# --- HTTP clients ------------------------------------------------------------------------------
# A lean load generator: a few processes, each running many asyncio clients on keep-alive
# connections (HTTP/1.1, minimal parsing). Its CPU time is measured and printed: it shares the
# cores with the server.


def pgbench_tps(db_url: str, seconds: int, clients: int) -> float | None:
    if not shutil.which("pgbench"):
        return None
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_raw_booking (slot_id bigint PRIMARY KEY, "
            "last_name text, email text, created_at timestamptz)"
        )
        conn.execute("TRUNCATE bench_raw_booking")
    script = (
        "\\set slot random(1, 1000000000)\n"
        "INSERT INTO bench_raw_booking VALUES (:slot, 'Bench', 'bench@exemple.test', now()) "
        "ON CONFLICT DO NOTHING;\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(script)
    parts = urllib.parse.urlsplit(db_url)
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    result = subprocess.run(
        [
            "pgbench",
            "-n",
            "-h",
            parts.hostname or "127.0.0.1",
            "-p",
            str(parts.port or 5432),
            "-U",
            parts.username or "postgres",
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-f",
            handle.name,
            parts.path.lstrip("/"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    os.unlink(handle.name)
    match = re.search(r"tps = ([\d.]+)", result.stdout)
    return float(match.group(1)) if match else None


def reset_bookings() -> None:
    """Between rounds: every slot free again, no appointment, no queued message."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.endswith("dbtaskresult"):
                cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM booking_appointmenthistory")
        cursor.execute("DELETE FROM booking_appointment")
        cursor.execute("DELETE FROM notifications_notification")
        cursor.execute("UPDATE booking_slot SET status = 'available' WHERE status = 'booked'")
    vacuum()


def vacuum() -> None:
    """Every round starts from the same tables: no dead rows left by the previous one (in
    production, autovacuum does this over time)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "booking_slot",
            "booking_appointment",
            "booking_appointmenthistory",
            "notifications_notification",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def double_bookings() -> tuple[int, int]:
    """(slots held by more than one live appointment, booked slots without exactly one)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT slot_id FROM booking_appointment "
            "WHERE status <> 'cancelled' AND slot_id IS NOT NULL "
            "GROUP BY slot_id HAVING count(*) > 1) AS d"
        )
        doubles = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM booking_slot s WHERE s.status = 'booked' AND "
            "(SELECT count(*) FROM booking_appointment a WHERE a.slot_id = s.id "
            "AND a.status <> 'cancelled') <> 1"
        )
        mismatched = cursor.fetchone()[0]
    return doubles, mismatched
