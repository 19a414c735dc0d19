from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class BookingConfig(AppConfig):
    name = "renfort.booking"
    label = "booking"
    verbose_name = "Rendez-vous"

    def ready(self) -> None:
        from renfort.sites.models import Site
        from renfort.territories.models import Commune
        from renfort.zoning.models import PriorityZone, Zoning

        from .selectors import reference_cache_clear

        # The search keeps sites, communes and zones in memory (selectors.ReferenceCache).
        for model in (Site, Commune, PriorityZone, Zoning):
            for signal in (post_save, post_delete):
                signal.connect(reference_cache_clear, sender=model, dispatch_uid=f"booking-{model}")
