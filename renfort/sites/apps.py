from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "renfort.sites"
    label = "sites"
    verbose_name = "Lieux d'accueil"
