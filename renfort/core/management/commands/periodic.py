import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from renfort.core.periodic import configured_jobs, run_due


def every(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"{seconds // 86400} j"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


class Command(BaseCommand):
    help = (
        "Lance les tâches périodiques (rappels, liste d'attente, relances des envois, "
        "conservation) à leur intervalle (RENFORT_PERIODIC_JOBS). Lancé par `serve` ; en "
        "production, ce processus ou cron. --once : une seule passe puis s'arrête."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="une passe de chaque tâche")

    def handle(self, *args, once: bool, **options):
        jobs = configured_jobs()
        if not jobs:
            self.stdout.write("Aucune tâche périodique configurée.")
            return
        self.stdout.write(
            "Tâches périodiques : "
            + ", ".join(f"{j.command} ({every(j.every_seconds)})" for j in jobs)
        )
        due: dict[str, float] = {}
        while True:
            next_turn = run_due(jobs, due, time.monotonic(), self._report)
            if once:
                return
            close_old_connections()  # a long-lived process: no connection kept between turns
            time.sleep(max(1.0, next_turn - time.monotonic()))

    def _report(self, job, ok: bool, text: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        if ok:
            self.stdout.write(f"{stamp} {job.command} : {text}")
        else:
            self.stderr.write(
                f"{stamp} {job.command} en échec (nouvel essai au prochain tour) : {text}"
            )
