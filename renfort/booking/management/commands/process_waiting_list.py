from django.core.management.base import BaseCommand

from renfort.booking.services import waitlist_offers_expire


class Command(BaseCommand):
    help = (
        "Clôt les propositions de la liste d'attente arrivées à échéance et propose les créneaux "
        "encore libres aux personnes suivantes. À lancer toutes les 5 minutes."
    )

    def handle(self, *args, **options):
        expired = waitlist_offers_expire()
        self.stdout.write(f"Propositions expirées : {expired}.")
