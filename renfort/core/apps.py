from django.apps import AppConfig
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    name = "renfort.core"
    label = "core"
    verbose_name = "Socle"


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks' database backend, named in French in the administration (the package has
    no French translation)."""

    verbose_name = "Tâches en arrière-plan"

    def ready(self) -> None:
        super().ready()
        from django_tasks_db.models import DBTaskResult

        DBTaskResult._meta.verbose_name = "résultat de tâche"
        DBTaskResult._meta.verbose_name_plural = "résultats de tâches"
