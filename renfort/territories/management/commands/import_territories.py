from pathlib import Path

from django.core.management.base import BaseCommand

from renfort.core.progress import StepProgress
from renfort.territories.services import DATA_DIR, territories_import


class Command(BaseCommand):
    help = "Importe (ou met à jour) régions, départements, EPCI et communes du COG 2026."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, data_dir: Path, no_progress: bool, **options):
        totals = {
            label: _count_rows(data_dir / name)
            for label, name in [
                ("régions", "regions.csv"),
                ("départements", "departements.csv"),
                ("EPCI", "epci.csv"),
                ("communes", "communes.csv"),
            ]
        }
        progress = StepProgress(self.stderr._out, totals=totals, disable=no_progress)
        try:
            counts = territories_import(data_dir=data_dir, progress=progress)
        finally:
            progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Territoires : {counts.regions} régions et collectivités, "
                f"{counts.departements} départements, {counts.epcis} EPCI, "
                f"{counts.communes} communes dont {counts.communes_with_coordinates} localisées."
            )
        )


def _count_rows(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return max(0, sum(1 for _ in handle) - 1)
