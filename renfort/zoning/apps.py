from django.apps import AppConfig


class ZoningConfig(AppConfig):
    name = "renfort.zoning"
    label = "zoning"
    verbose_name = "Zonage"
