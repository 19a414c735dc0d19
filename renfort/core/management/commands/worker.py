"""`manage.py worker`: django-tasks-db's `db_worker`, quiet when things go well. At the default
verbosity `db_worker` writes two lines per task (« Task id=… state=RUNNING », then
SUCCESSFUL), which bury the one line per email of `make run`; here a task shows only when it
fails (with its trace) or the worker warns. `-v 2` brings every line back."""

import logging

from django_tasks_db.management.commands.db_worker import Command as DbWorker

TASK_LOGGERS = ("django_tasks", "django_tasks_db")


class Command(DbWorker):
    help = (
        "Exécute les tâches de fond (comme db_worker) en n'affichant que les échecs et les "
        "avertissements ; -v 2 pour tout afficher."
    )

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        if verbosity == 1:
            for name in TASK_LOGGERS:
                logging.getLogger(name).setLevel(logging.WARNING)
