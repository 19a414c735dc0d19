"""Booking benchmark (never part of the test run).

    .venv/bin/python bench/booking.py [--seconds 10 --clients 16 --workers 5]

1. Prepares a PostgreSQL database `renfort_bench` (same server as DATABASE_URL, default
   postgres://renfort:renfort-ci@127.0.0.1:5432/renfort): migrations, real territories and zones,
   40 active sites with 8 confirmed full-day missions each (6,720 slots), emptied of previous
   bookings at each run.
2. Starts gunicorn (sync workers) on 127.0.0.1 with the production settings.
3. Framework ceiling: concurrent clients hammer a trivial Django view (/bench/ping) served by the
   same server configuration.
4. Booking run: concurrent clients search by postcode (the public page) then book one of the
   listed slots through the real form (CSRF, idempotency token), for a bounded time.
5. Raw PostgreSQL rate of a comparable insert (pgbench, custom script, same machine).
Prints bookings/s, p50/p95/p99 of search and booking, double bookings (must be 0), the ceilings
and the booking rate as a share of the framework ceiling. The load generator runs on the same
cores as the server: the figures are a floor.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

DEFAULT_URL = "postgres://renfort:renfort-ci@127.0.0.1:5432/renfort"
SITES = 40
MISSIONS_PER_SITE = 8
PORT = 8765


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


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


def request(method: str, path: str, body: str | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - start
    cookies = response.headers.get_all("Set-Cookie") or []
    conn.close()
    return response.status, data, elapsed, cookies


SLOT_LINK = re.compile(rb"/rendez-vous/creneau/(\d+)/")
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def ping_client(args) -> tuple[int, list[float]]:
    seconds, _ = args
    deadline = time.monotonic() + seconds
    count, latencies = 0, []
    while time.monotonic() < deadline:
        status, _, elapsed, _ = request("GET", "/bench/ping")
        if status == 200:
            count += 1
            latencies.append(elapsed)
    return count, latencies


def warm_client(args) -> int:
    """Load templates and open database connections in every worker before measuring."""
    seconds, postcodes = args
    deadline, count = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        request("GET", "/rendez-vous/?q=" + random.choice(postcodes))
        request("GET", "/rendez-vous/donnees-personnelles/")
        count += 1
    return count


def booking_client(args) -> dict:
    seconds, (client_id, postcodes) = args
    rng = random.Random(client_id)
    deadline = time.monotonic() + seconds
    out = {"booked": 0, "taken": 0, "errors": 0, "search": [], "book": []}
    csrf_cookie = None  # fetched with the first booking form (a browser keeps it)
    n = 0
    while time.monotonic() < deadline:
        status, page, elapsed, _ = request("GET", "/rendez-vous/?q=" + rng.choice(postcodes))
        out["search"].append(elapsed)
        slots = SLOT_LINK.findall(page)
        if status != 200 or not slots:
            out["errors"] += status != 200
            continue
        slot_id = rng.choice(slots).decode()
        if csrf_cookie is None:
            _, form, _, cookies = request("GET", f"/rendez-vous/creneau/{slot_id}/")
            csrf_cookie = next(c.split(";")[0] for c in cookies if c.startswith("csrftoken="))
        token = csrf_cookie.split("=", 1)[1]
        n += 1
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "token": str(uuid.uuid4()),
                "last_name": "Bench",
                "first_name": "Fictif",
                "birth_date": "1980-01-01",
                "phone": "",
                "email": f"bench{client_id}.{n}@exemple.test",
                "has_medecin_traitant": "non",
                "reason": "",
                "consent": "on",
            }
        )
        status, page, elapsed, _ = request(
            "POST",
            f"/rendez-vous/creneau/{slot_id}/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": csrf_cookie,
                "Origin": f"http://127.0.0.1:{PORT}",
                "Referer": f"http://127.0.0.1:{PORT}/rendez-vous/creneau/{slot_id}/",
            },
        )
        out["book"].append(elapsed)
        if status == 302:
            out["booked"] += 1
        elif status == 200:
            out["taken"] += 1  # form shown again: the slot was taken meanwhile
        else:
            out["errors"] += 1
    return out


def run_clients(target, seconds: float, payloads: list) -> tuple[list, float]:
    with multiprocessing.get_context("fork").Pool(len(payloads)) as pool:
        start = time.perf_counter()
        results = pool.map(target, [(seconds, p) for p in payloads])
        return results, time.perf_counter() - start


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))] * 1000


# --- Server and pgbench ------------------------------------------------------------------------


def start_server(env: dict, workers: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or "gunicorn"
    process = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--pythonpath",
            f"{ROOT},{BENCH}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            if request("GET", "/bench/ping")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError("gunicorn did not start")


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not base_url.startswith("postgres"):
        raise SystemExit("bench/booking.py needs PostgreSQL (DATABASE_URL=postgres://…)")
    db_url = bench_database_url(base_url)
    ensure_database(base_url)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "booking_settings",
        "PYTHONPATH": f"{ROOT}:{BENCH}",
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")})
    prepare()
    from django.db import connection

    from renfort.sites.models import Site

    postcodes = sorted({s.commune.main_postcode for s in Site.objects.select_related("commune")})
    connection.close()
    say(
        f"machine: {os.cpu_count()} cores; gunicorn {args.workers} sync workers; "
        f"{args.clients} client processes; {args.seconds:.0f} s per phase"
    )

    server = start_server(env, args.workers)
    try:
        run_clients(warm_client, 3, [postcodes] * args.clients)
        results, elapsed = run_clients(ping_client, args.seconds, [None] * args.clients)
        ping_rate = sum(r[0] for r in results) / elapsed
        ping_lat = [x for r in results for x in r[1]]
        say(f"framework ceiling req/s: {ping_rate:.0f}  (p50 {pct(ping_lat, 50):.1f} ms)")

        payloads = [(i, postcodes) for i in range(args.clients)]
        results, elapsed = run_clients(booking_client, args.seconds, payloads)
    finally:
        stop_server(server)
    booked = sum(r["booked"] for r in results)
    taken = sum(r["taken"] for r in results)
    errors = sum(r["errors"] for r in results)
    searches = [x for r in results for x in r["search"]]
    bookings = [x for r in results for x in r["book"]]
    rate = booked / elapsed
    say(
        f"searches: {len(searches)}  p50 {pct(searches, 50):.1f} ms  p95 {pct(searches, 95):.1f} ms"
        f"  p99 {pct(searches, 99):.1f} ms"
    )
    say(
        f"booking requests: {len(bookings)}  p50 {pct(bookings, 50):.1f} ms  "
        f"p95 {pct(bookings, 95):.1f} ms  p99 {pct(bookings, 99):.1f} ms"
    )
    say(f"bookings/s: {rate:.1f}  ({booked} booked, {taken} slot taken meanwhile, {errors} errors)")
    say(f"search+booking requests/s: {(len(searches) + len(bookings)) / elapsed:.1f}")
    doubles, mismatched = double_bookings()
    say(f"double bookings: {doubles}")
    if mismatched:
        say(f"WARNING: {mismatched} booked slots without exactly one appointment")
    say(f"booking rate / framework ceiling: {100 * rate / ping_rate:.1f} %")
    tps = pgbench_tps(db_url, int(args.seconds), clients=8)
    say(f"raw pgbench tps: {tps:.0f}" if tps else "raw pgbench tps: n/a (pgbench missing)")


if __name__ == "__main__":
    main()
