from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "renfort.territories"
    label = "territories"
    verbose_name = "Territoires"
