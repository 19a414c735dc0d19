from django.core.management.base import BaseCommand

from renfort.booking.services.slots import PROGRESS_LABEL, confirmed_to_sync, slots_sync_all
from renfort.core.progress import StepProgress
from renfort.core.text import count


class Command(BaseCommand):
    help = (
        "Génère (ou met à jour) les créneaux de toutes les missions confirmées à venir. "
        "Sans effet si tout est déjà à jour ; ne supprime jamais un créneau réservé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="sans barre de progression")

    def handle(self, *args, no_progress: bool, **options):
        progress = StepProgress(
            self.stderr._out,
            totals={PROGRESS_LABEL: confirmed_to_sync()},
            disable=no_progress,
            unit=" missions",
        )
        try:
            result = slots_sync_all(progress=progress)
        finally:
            progress.close()
        self.stdout.write(
            f"Créneaux : {count(result.created, 'créé', 'créés')}, "
            f"{count(result.removed, 'retiré', 'retirés')}, "
            f"{count(result.cancelled_appointments, 'rendez-vous annulé', 'rendez-vous annulés')}."
        )
