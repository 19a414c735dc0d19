"""Booking benchmark (never part of the test run).

    .venv/bin/python bench/booking.py [--seconds 10 --clients 16 --client-processes 2
                                       --workers 2 --threads 4 --runs 3]

1. Prepares a PostgreSQL database `renfort_bench` (same server as DATABASE_URL, default
   postgres://renfort:renfort-ci@127.0.0.1:5432/renfort): migrations, real territories and zones,
   40 active sites with 8 confirmed full-day missions each (6,720 slots), emptied of previous
   bookings at each run.
2. Starts gunicorn (gthread workers: one per core, 4 threads each, keep-alive) on 127.0.0.1 with
   the production settings (persistent database connections, CONN_MAX_AGE).
3. Framework ceiling: the same clients hammer a trivial Django view (/bench/ping) served by the
   same server configuration.
4. Booking run: concurrent clients search by postcode (the public page) then book one of the
   listed slots through the real form (CSRF, idempotency token), for a bounded time.
5. Raw PostgreSQL rate of a comparable insert (pgbench, custom script, same machine).
Steps 3 and 4 are repeated --runs times (bookings reset between rounds); the figures printed are
the medians: bookings/s, p50/p95/p99 of search and booking (median round), double bookings over
all rounds (must be 0), the ceilings and the booking rate as a share of the framework ceiling.
The load generator (asyncio clients on keep-alive connections in a few processes) runs on the
same cores as the server: each phase prints how the busy CPU time was shared (load generator,
gunicorn, PostgreSQL, the rest).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from booking_data import (  # noqa: E402
    bench_database_url,
    double_bookings,
    ensure_database,
    pgbench_tps,
    prepare,
    reset_bookings,
)

DEFAULT_URL = "postgres://renfort:renfort-ci@127.0.0.1:5432/renfort"
PORT = 8765


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def request(method: str, path: str, body: str | None = None, headers: dict | None = None):
    """One request on a fresh connection (start-up checks only)."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - start
    cookies = response.headers.get_all("Set-Cookie") or []
    conn.close()
    return response.status, data, elapsed, cookies


class Connection:
    """A keep-alive HTTP/1.1 connection (Content-Length bodies only, as Django sends them)."""

    def __init__(self):
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: str = ""):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", PORT)
        start = time.perf_counter()
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n{headers}"
        if body:
            head += f"Content-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        if not status_line:  # the server closed the kept-alive connection: reconnect once
            self.writer.close()
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", PORT)
            self.writer.write(head.encode() + b"\r\n" + body)
            status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, cookies, close = 0, [], False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "set-cookie":
                cookies.append(value)
            elif name == "connection" and value.lower() == "close":
                close = True
        data = await self.reader.readexactly(length) if length else b""
        elapsed = time.perf_counter() - start
        if close:
            self.writer.close()
            self.reader = self.writer = None
        return status, data, elapsed, cookies


SLOT_LINK = re.compile(rb"/rendez-vous/creneau/(\d+)/")


async def ping_loop(deadline: float, out: dict) -> None:
    conn = Connection()
    while time.monotonic() < deadline:
        status, _, elapsed, _ = await conn.request("GET", "/bench/ping")
        if status == 200:
            out["count"] += 1
            out["latencies"].append(elapsed)


async def warm_loop(deadline: float, out: dict, postcodes: list[str]) -> None:
    """Load templates, caches and database connections in every worker before measuring."""
    conn = Connection()
    while time.monotonic() < deadline:
        await conn.request("GET", "/rendez-vous/?q=" + random.choice(postcodes))
        await conn.request("GET", "/rendez-vous/donnees-personnelles/")
        out["count"] += 1


def letters(number: int) -> str:
    """A number written in letters (a name field takes no digits): 0 → a, 27 → bb."""
    text = ""
    while True:
        number, rest = divmod(number, 26)
        text = "abcdefghijklmnopqrstuvwxyz"[rest] + text
        if number == 0:
            return text


def birth_date(number: int) -> str:
    """Spread over 70 years, as real patients' are (the index that finds a person's
    appointments by birth date would be useless if every bench patient shared one)."""
    return (date(1940, 1, 1) + timedelta(days=number * 7919 % 25_567)).isoformat()


async def booking_loop(deadline: float, out: dict, client_id: int, postcodes: list[str]) -> None:
    rng = random.Random(client_id)
    conn = Connection()
    csrf_cookie = None  # fetched with the first booking form (a browser keeps it)
    n = 0
    while time.monotonic() < deadline:
        status, page, elapsed, _ = await conn.request(
            "GET", "/rendez-vous/?q=" + rng.choice(postcodes)
        )
        out["search"].append(elapsed)
        slots = SLOT_LINK.findall(page)
        if status != 200 or not slots:
            out["errors"] += status != 200
            continue
        slot_id = rng.choice(slots).decode()
        if csrf_cookie is None:
            _, _, _, cookies = await conn.request("GET", f"/rendez-vous/creneau/{slot_id}/")
            # No cookie when that slot's form was not shown (taken meanwhile): try another one.
            csrf_cookie = next(
                (c.split(";")[0] for c in cookies if c.startswith("csrftoken=")), None
            )
            if csrf_cookie is None:
                continue
        token = csrf_cookie.split("=", 1)[1]
        n += 1
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "token": str(uuid.uuid4()),
                # Another (fictitious) person each time: a person is also their names and
                # birth date, and holds at most two appointments.
                "last_name": "Bench",
                "first_name": "Fictif " + letters(client_id * 100_000 + n),
                "birth_date": birth_date(client_id * 100_000 + n),
                "phone": "",
                "email": f"bench{client_id}.{n}@exemple.test",
                "has_medecin_traitant": "non",
                "reason": "",
                "consent": "on",
            }
        ).encode()
        status, page, elapsed, _ = await conn.request(
            "POST",
            f"/rendez-vous/creneau/{slot_id}/",
            body=body,
            headers=(
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Cookie: {csrf_cookie}\r\n"
                f"Origin: http://127.0.0.1:{PORT}\r\n"
                f"Referer: http://127.0.0.1:{PORT}/rendez-vous/creneau/{slot_id}/\r\n"
            ),
        )
        out["book"].append(elapsed)
        if status == 302:
            out["booked"] += 1
        elif status == 200:
            out["taken"] += 1  # form shown again: the slot was taken meanwhile
        else:
            out["errors"] += 1


def client_process(args) -> dict:
    """One load-generator process: `clients` concurrent connections for `seconds`."""
    kind, seconds, first_id, clients, postcodes = args
    out = {"count": 0, "latencies": [], "booked": 0, "taken": 0, "errors": 0}
    out.update(search=[], book=[])

    async def main() -> None:
        deadline = time.monotonic() + seconds
        if kind == "ping":
            loops = [ping_loop(deadline, out) for _ in range(clients)]
        elif kind == "warm":
            loops = [warm_loop(deadline, out, postcodes) for _ in range(clients)]
        else:
            loops = [booking_loop(deadline, out, first_id + i, postcodes) for i in range(clients)]
        await asyncio.gather(*loops)

    before = resource.getrusage(resource.RUSAGE_SELF)
    asyncio.run(main())
    after = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


def run_clients(kind: str, seconds: float, clients: int, processes: int, postcodes=()):
    """Returns (per-process results, elapsed seconds, CPU seconds by share)."""
    share = [clients // processes + (i < clients % processes) for i in range(processes)]
    payloads, first = [], 0
    for count in share:
        payloads.append((kind, seconds, first, count, list(postcodes)))
        first += count
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        cpu_before = cpu_times()
        start = time.perf_counter()
        results = pool.map(client_process, payloads)
        elapsed = time.perf_counter() - start
        cpu_after = cpu_times()
    cpu = {"busy": cpu_after["busy"] - cpu_before["busy"]}
    for kind in ("gunicorn", "postgres"):
        before = cpu_before[kind]
        cpu[kind] = sum(used - before.get(pid, 0.0) for pid, used in cpu_after[kind].items())
    cpu["clients"] = sum(r["cpu"] for r in results)
    return results, elapsed, cpu


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_times() -> dict:
    """CPU seconds used so far: whole machine (busy), and per process of gunicorn and of
    PostgreSQL (per process, so that a backend ending between two readings is not subtracted)."""
    with open("/proc/stat") as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    busy = (sum(fields) - fields[3] - fields[4]) / TICKS  # minus idle and iowait
    by_name: dict[str, dict[str, float]] = {"gunicorn": {}, "postgres": {}}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2 :].split()
        used = (int(rest[11]) + int(rest[12])) / TICKS  # utime + stime
        if pid in SERVER_PIDS:
            by_name["gunicorn"][pid] = used
        elif name.startswith("postgres"):
            by_name["postgres"][pid] = used
    return {"busy": busy, **by_name}


SERVER_PIDS: set[str] = set()


def cpu_line(cpu: dict, elapsed: float) -> str:
    busy = max(cpu["busy"], 1e-9)
    other = max(0.0, cpu["busy"] - cpu["clients"] - cpu["gunicorn"] - cpu["postgres"])
    return (
        f"CPU {busy / elapsed:.2f} of {os.cpu_count()} cores busy: "
        f"load generator {100 * cpu['clients'] / busy:.0f} %, "
        f"gunicorn {100 * cpu['gunicorn'] / busy:.0f} %, "
        f"PostgreSQL {100 * cpu['postgres'] / busy:.0f} %, "
        f"other processes and kernel {100 * other / busy:.0f} %"
    )


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))] * 1000


# --- Server and pgbench ------------------------------------------------------------------------


def start_server(env: dict, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn with threaded workers (gthread: keep-alive connections, the database waits of
    one request overlapped with the work of another)."""
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or "gunicorn"
    process = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
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
        if process.poll() is not None:
            break
        try:
            if request("GET", "/bench/ping")[0] == 200:
                SERVER_PIDS.update(server_pids(process.pid))
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError("gunicorn did not start")


def server_pids(master: int) -> set[str]:
    """The gunicorn master and its workers."""
    pids = set()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        if int(pid) == master or parent == master:
            pids.add(pid)
    return pids


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3, help="rounds (ceiling + booking phases)")
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
        f"machine: {os.cpu_count()} cores; gunicorn {args.workers} gthread workers × "
        f"{args.threads} threads; {args.clients} keep-alive clients in {args.client_processes} "
        f"load-generator processes; {args.seconds:.0f} s per phase"
    )

    server = start_server(env, args.workers, args.threads)
    pings, rounds = [], []
    try:
        run_clients("warm", 3, args.clients, args.client_processes, postcodes)
        for round_ in range(args.runs):
            results, elapsed, cpu = run_clients(
                "ping", args.seconds, args.clients, args.client_processes
            )
            rate = sum(r["count"] for r in results) / elapsed
            latencies = [x for r in results for x in r["latencies"]]
            pings.append(rate)
            say(
                f"round {round_ + 1}: framework ceiling {rate:.0f} req/s "
                f"(p50 {pct(latencies, 50):.1f} ms); {cpu_line(cpu, elapsed)}"
            )
            results, elapsed, cpu = run_clients(
                "book", args.seconds, args.clients, args.client_processes, postcodes
            )
            doubles, mismatched = double_bookings()
            rounds.append((sum(r["booked"] for r in results) / elapsed, results, elapsed, cpu))
            rounds[-1] += (doubles, mismatched)
            say(
                f"round {round_ + 1}: {rounds[-1][0]:.1f} bookings/s, {doubles} double "
                f"bookings; {cpu_line(cpu, elapsed)}"
            )
            reset_bookings()
    finally:
        stop_server(server)
    ping_rate = statistics.median(pings)
    rate, results, elapsed, cpu, _, _ = sorted(rounds, key=lambda r: r[0])[len(rounds) // 2]
    doubles = sum(r[4] for r in rounds)
    mismatched = sum(r[5] for r in rounds)
    booked = sum(r["booked"] for r in results)
    taken = sum(r["taken"] for r in results)
    errors = sum(r["errors"] for r in results)
    searches = [x for r in results for x in r["search"]]
    bookings = [x for r in results for x in r["book"]]
    say("")
    say(f"median of {args.runs} rounds (latencies and CPU of the median booking round):")
    say(f"framework ceiling req/s: {ping_rate:.0f}")
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
    say("  " + cpu_line(cpu, elapsed))
    say(f"double bookings: {doubles}  (all rounds)")
    if mismatched:
        say(f"WARNING: {mismatched} booked slots without exactly one appointment")
    say(f"booking rate / framework ceiling: {100 * rate / ping_rate:.1f} %")
    tps = pgbench_tps(db_url, int(args.seconds), clients=8)
    say(f"raw pgbench tps: {tps:.0f}" if tps else "raw pgbench tps: n/a (pgbench missing)")


if __name__ == "__main__":
    main()
