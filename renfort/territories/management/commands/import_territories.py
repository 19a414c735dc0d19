import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from renfort.core.progress import StepProgress
from renfort.territories.services import DATA_DIR, territories_import

# The files `territories_import` reads (data/reference/SOURCES.md says where they come from).
FILES = (
    "regions.csv",
    "departements.csv",
    "departements.geojson",
    "epci.csv",
    "epci.geojson",
    "communes.csv",
    "communes_coordonnees.csv",
)


class Command(BaseCommand):
    help = (
        "Importe (ou met à jour) régions, départements, EPCI et communes du COG 2026, depuis "
        "les fichiers de data/reference/. Relancer ne crée aucun doublon ; un fichier illisible "
        "n'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help=f"dossier des fichiers ({', '.join(FILES)}) ; par défaut data/reference/",
        )
        parser.add_argument("--no-progress", action="store_true", help="sans barre de progression")

    def handle(self, *args, data_dir: Path, no_progress: bool, **options):
        missing = [name for name in FILES if not (data_dir / name).is_file()]
        if missing:
            raise CommandError(
                f"Fichiers absents de {data_dir} : {', '.join(missing)}. Rien n'a été importé."
            )
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
        except KeyError as exc:
            raise CommandError(
                f"Colonne ou propriété {exc} absente d'un fichier de {data_dir} : ce ne sont pas "
                "les fichiers attendus. Rien n'a été importé."
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
            raise CommandError(
                f"Fichier illisible dans {data_dir} ({exc.__class__.__name__}) : ce ne sont pas "
                "les fichiers attendus, en UTF-8. Rien n'a été importé."
            ) from None
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
    with path.open("rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)
