from django.core.management.base import BaseCommand

from renfort.notifications.services import notifications_retry_failed


class Command(BaseCommand):
    help = "Réessaie l'envoi des notifications en échec (à lancer par cron toutes les 5 minutes)."

    def handle(self, *args, **options):
        count = notifications_retry_failed()
        self.stdout.write(f"{count} notification(s) remise(s) en file d'envoi.")
