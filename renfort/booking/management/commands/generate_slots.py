from django.core.management.base import BaseCommand

from renfort.booking.services import slots_sync_all
from renfort.core.text import count


class Command(BaseCommand):
    help = (
        "Génère (ou met à jour) les créneaux de toutes les missions confirmées à venir. "
        "Sans effet si tout est déjà à jour ; ne supprime jamais un créneau réservé."
    )

    def handle(self, *args, **options):
        result = slots_sync_all()
        self.stdout.write(
            f"Créneaux : {count(result.created, 'créé', 'créés')}, "
            f"{count(result.removed, 'retiré', 'retirés')}, "
            f"{count(result.cancelled_appointments, 'rendez-vous annulé', 'rendez-vous annulés')}."
        )
