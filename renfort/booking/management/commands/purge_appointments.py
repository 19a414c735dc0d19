from django.conf import settings
from django.core.management.base import BaseCommand

from renfort.booking.services import appointments_purge
from renfort.core.text import count


class Command(BaseCommand):
    help = (
        "Supprime les rendez-vous, inscriptions sur liste d'attente et messages de rendez-vous "
        "plus anciens que la durée de conservation (BOOKING_RETENTION_MONTHS). "
        "À lancer chaque nuit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="compte ce qui serait supprimé, sans rien supprimer",
        )

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        counts = appointments_purge(dry_run=dry_run)
        self.stdout.write(
            f"Conservation {settings.BOOKING_RETENTION_MONTHS} mois : "
            f"{counts['appointments']} rendez-vous, "
            f"{count(counts['entries'], 'inscription', 'inscriptions')}, "
            f"{count(counts['notifications'], 'message', 'messages')} "
            + ("à supprimer (essai : rien n'a été supprimé)." if dry_run else "supprimés.")
        )
