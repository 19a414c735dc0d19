from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "renfort.core"
    label = "core"
    verbose_name = "Socle"
