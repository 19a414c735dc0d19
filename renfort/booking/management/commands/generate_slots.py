from django.core.management.base import BaseCommand

from renfort.booking.services import slots_sync_all


class Command(BaseCommand):
    help = (
        "Génère (ou met à jour) les créneaux de toutes les missions confirmées à venir. "
        "Sans effet si tout est déjà à jour ; ne supprime jamais un créneau réservé."
    )

    def handle(self, *args, **options):
        result = slots_sync_all()
        self.stdout.write(
            f"Créneaux : {result.created} créé(s), {result.removed} retiré(s), "
            f"{result.cancelled_appointments} rendez-vous annulé(s)."
        )
