from django.core.management.base import BaseCommand

from renfort.accounts.services import unconfirmed_signups_purge
from renfort.accounts.tokens import confirmation_days
from renfort.core.text import count


class Command(BaseCommand):
    help = (
        "Supprime les inscriptions publiques (médecin, lieu d'accueil) dont l'adresse n'a pas été "
        "confirmée pendant la validité du lien. À lancer chaque nuit."
    )

    def handle(self, *args, **options):
        purged = unconfirmed_signups_purge()
        self.stdout.write(
            f"Inscriptions non confirmées après {confirmation_days()} jours : "
            f"{count(purged, 'supprimée', 'supprimées')}."
        )
