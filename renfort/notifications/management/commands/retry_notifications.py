from django.core.management.base import BaseCommand

from renfort.core.text import count
from renfort.notifications.services import notifications_retry_failed


class Command(BaseCommand):
    help = "Réessaie l'envoi des notifications en échec (à lancer par cron toutes les 5 minutes)."

    def handle(self, *args, **options):
        retried = notifications_retry_failed()
        self.stdout.write(
            count(retried, "notification remise", "notifications remises") + " en file d'envoi."
        )
