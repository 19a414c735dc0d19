"""Periodic jobs: the management commands that cron runs in production (reminders, waiting
list, notification retries, retention), run at their interval by one process
(`manage.py periodic`, started by `manage.py serve` next to the web server and the task worker).

Every job is safe to run twice (see each command), so two runners or a runner plus cron never
send anything twice. A failing job is reported and retried at its next turn; the others go on."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command


@dataclass(frozen=True)
class Job:
    command: str
    every_seconds: int


def configured_jobs() -> list[Job]:
    return [Job(command, seconds) for command, seconds in settings.RENFORT_PERIODIC_JOBS]


def run_job(job: Job) -> tuple[bool, str]:
    """(succeeded, the command's last output line or the error)."""
    out = io.StringIO()
    try:
        call_command(job.command, stdout=out)
    except Exception as exc:  # one job's failure never stops the others
        return False, f"{type(exc).__name__} : {exc}"
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    return True, lines[-1] if lines else "terminé."


def run_due(
    jobs: list[Job],
    due: dict[str, float],
    now: float,
    report: Callable[[Job, bool, str], None],
    run: Callable[[Job], tuple[bool, str]] = run_job,
) -> float:
    """Run the jobs whose time has come (a job never seen is due at once) and schedule their next
    turn in `due` (command → monotonic time). Returns the time of the next turn."""
    for job in jobs:
        if now >= due.get(job.command, now):
            ok, text = run(job)
            report(job, ok, text)
            due[job.command] = now + job.every_seconds
    return min(due[job.command] for job in jobs)
