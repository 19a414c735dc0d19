import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_tasks_db.models import DBTaskResult

from renfort.core.demo import demo_logins

from .demo_data import print_logins

QUIET_SECONDS = 2.0  # the queue must stay empty that long (the periodic pass may add tasks)
WAIT_SECONDS = 60.0  # never hold the address back longer


def tasks_waiting() -> int:
    """Background tasks due or running (the worker's first pass on the demo's emails)."""
    close_old_connections()
    return (DBTaskResult.objects.ready() | DBTaskResult.objects.running()).count()


def wait_for_first_pass(*, alive, waiting=tasks_waiting, clock=time.monotonic, sleep=time.sleep):
    """Until the task queue has stayed empty QUIET_SECONDS (at most WAIT_SECONDS), so that the
    address and the accounts printed next are not pushed off screen by the worker's lines."""
    start = quiet_since = clock()
    while alive() and clock() - start < WAIT_SECONDS:
        now = clock()
        if waiting():
            quiet_since = now
        elif now - quiet_since >= QUIET_SECONDS:
            return
        sleep(0.25)


def server_env(addr: str, environ) -> dict:
    """The environment of the server and the worker: links in emails and SMS point to this
    server unless RENFORT_BASE_URL says otherwise."""
    return {"RENFORT_BASE_URL": f"http://{addr}", **environ}


class Command(BaseCommand):
    help = (
        "Démarre le site (runserver), le worker des tâches de fond et les tâches périodiques "
        "(rappels, liste d'attente…) ; Ctrl-C arrête les trois."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="adresse et port servis (hôte:port)"
        )

    def handle(self, *args, addr: str, **options):
        manage = [sys.executable, "manage.py"]
        env = server_env(addr, os.environ)
        processes = [
            subprocess.Popen([*manage, "worker", "--interval", "1"], env=env),
            subprocess.Popen([*manage, "periodic"], env=env),
            subprocess.Popen([*manage, "runserver", addr], env=env),
        ]
        stop = False

        def _stop(signum, frame):
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        try:
            wait_for_first_pass(alive=lambda: not stop and all(p.poll() is None for p in processes))
            self._announce(addr)
            while not stop and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for p in processes:
                if p.poll() is None:
                    p.terminate()
            for p in processes:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        self.stdout.write("Renfort arrêté.")

    def _announce(self, addr: str) -> None:
        """The last lines before the requests: the demo accounts if any, where emails and SMS
        go in development, the address."""
        if demo_logins():
            print_logins(self.stdout)
        if settings.EMAIL_BACKEND == "renfort.notifications.devmail.FileEmailBackend":
            folder = os.path.relpath(settings.EMAIL_FILE_PATH, settings.BASE_DIR)
            self.stdout.write(f"Courriels : {folder}/ (un fichier .eml par courriel)")
        if settings.SMS_BACKEND == "renfort.notifications.channels.ConsoleSmsBackend":
            self.stdout.write("SMS : var/sms.log")
        self.stdout.write("")
        self.stdout.write(f"Renfort : http://{addr}/ (Ctrl-C pour arrêter)")
