from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "renfort.planning"
    label = "planning"
    verbose_name = "Planification"
