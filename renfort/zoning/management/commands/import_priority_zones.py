import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from renfort.core.text import parse_day
from renfort.territories.models import EPCI
from renfort.zoning.services import (
    DEFAULT_FILE,
    DEFAULT_TARGETS,
    DEFAULT_ZONING,
    priority_zones_import,
    zoning_get_or_create,
)


class Command(BaseCommand):
    help = "Importe (ou met à jour) une liste de zones prioritaires (un SIREN d'EPCI par ligne)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
        parser.add_argument("--zoning", default=DEFAULT_ZONING["name"], help="nom du zonage")
        parser.add_argument(
            "--published-on", type=_day, default=None, help="JJ/MM/AAAA ou AAAA-MM-JJ"
        )
        parser.add_argument("--expected-count", type=int, default=None)
        parser.add_argument("--remove-missing", action="store_true")
        parser.add_argument("--no-activate", action="store_true")

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
        zoning = zoning_get_or_create(**params, activate=not opts["no_activate"])
        self.stdout.write(f"Zonage « {zoning.name} » : lecture de {opts['file']}…")
        report = priority_zones_import(
            zoning=zoning,
            path=opts["file"],
            targets_path=DEFAULT_TARGETS if is_default else None,
            remove_missing=opts["remove_missing"],
        )
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
                f"{report.created} créées, {report.updated} mises à jour, "
                f"{report.unchanged} inchangées, {report.kept_removed} laissées retirées, "
                f"{report.removed_missing} retirées. "
                f"Zones connues : {known}" + (f" sur {expected}." if expected else ".")
            )
        )


def _day(text: str):
    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
