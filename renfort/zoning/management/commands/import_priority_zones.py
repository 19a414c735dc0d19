import argparse
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from renfort.core.text import count, parse_day
from renfort.territories.models import EPCI
from renfort.zoning.services import (
    DEFAULT_FILE,
    DEFAULT_TARGETS,
    DEFAULT_ZONING,
    FILE_FORMAT,
    priority_zones_import,
    zoning_get_or_create,
)


class Command(BaseCommand):
    help = (
        "Importe (ou met à jour) une liste de zones prioritaires dans un zonage, qui devient "
        f"le zonage en vigueur (sauf --no-activate). Le fichier : {FILE_FORMAT}. Une colonne "
        "absente laisse la valeur des zones existantes. Un fichier illisible n'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_FILE,
            help="fichier CSV de la liste (par défaut, les 64 zones connues de juin 2025)",
        )
        parser.add_argument("--zoning", default=DEFAULT_ZONING["name"], help="nom du zonage")
        parser.add_argument(
            "--published-on",
            type=_day,
            default=None,
            help="date de publication du zonage, JJ/MM/AAAA ou AAAA-MM-JJ (pour un nouveau zonage)",
        )
        parser.add_argument(
            "--expected-count",
            type=int,
            default=None,
            help="nombre de zones annoncé par le texte officiel (affiché « N sur 151 »)",
        )
        parser.add_argument(
            "--remove-missing",
            action="store_true",
            help="retire (avec historique) les zones du zonage absentes du fichier, sauf celles "
            "où des lieux d'accueil sont actifs",
        )
        parser.add_argument(
            "--no-activate",
            action="store_true",
            help="ne pas faire de ce zonage le zonage en vigueur",
        )

    def handle(self, *args, **opts):
        if not EPCI.objects.exists():
            raise CommandError("Importez d'abord les territoires : manage.py import_territories")
        is_default = opts["zoning"] == DEFAULT_ZONING["name"]
        params = dict(DEFAULT_ZONING) if is_default else {"name": opts["zoning"]}
        if opts["published_on"]:
            params["published_on"] = opts["published_on"]
        if "published_on" not in params:
            raise CommandError("Indiquez --published-on JJ/MM/AAAA pour un nouveau zonage.")
        if opts["expected_count"] is not None:
            params["expected_zone_count"] = opts["expected_count"]
        self.stdout.write(f"Zonage « {params['name']} » : lecture de {opts['file']}…")
        try:
            # One transaction: a file refused leaves no new zoning, and no zoning switched.
            with transaction.atomic():
                zoning = zoning_get_or_create(**params, activate=not opts["no_activate"])
                report = priority_zones_import(
                    zoning=zoning,
                    path=opts["file"],
                    targets_path=DEFAULT_TARGETS if is_default else None,
                    remove_missing=opts["remove_missing"],
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " Rien n'a été enregistré.") from None
        if report.unknown_sirens:
            self.stderr.write(
                self.style.WARNING(f"SIREN inconnus ignorés : {', '.join(report.unknown_sirens)}")
            )
        if report.kept_with_sites:
            self.stderr.write(
                self.style.WARNING(
                    "Absentes du fichier mais maintenues, car des lieux d'accueil y sont actifs "
                    f"ou validés : {', '.join(report.kept_with_sites)}"
                )
            )
        known = zoning.zones.filter(removed_at__isnull=True).count()
        expected = zoning.expected_zone_count
        self.stdout.write(
            self.style.SUCCESS(
                f"{count(report.created, 'créée', 'créées')}, "
                f"{count(report.updated, 'mise à jour', 'mises à jour')}, "
                f"{count(report.unchanged, 'inchangée', 'inchangées')}, "
                f"{count(report.kept_removed, 'laissée retirée', 'laissées retirées')}, "
                f"{count(report.removed_missing, 'retirée', 'retirées')}. "
                f"Zones connues : {known}" + (f" sur {expected}." if expected else ".")
            )
        )


def _day(text: str):
    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
