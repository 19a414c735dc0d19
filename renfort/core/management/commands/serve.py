import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


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
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr: str, **options):
        manage = [sys.executable, "manage.py"]
        env = server_env(addr, os.environ)
        processes = [
            subprocess.Popen([*manage, "db_worker", "--interval", "1"], env=env),
            subprocess.Popen([*manage, "periodic"], env=env),
            subprocess.Popen([*manage, "runserver", addr], env=env),
        ]
        self.stdout.write(f"Renfort : http://{addr}/ (Ctrl-C pour arrêter)")
        stop = False

        def _stop(signum, frame):
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        try:
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
