from django.core.management import call_command
from django.core.management.base import BaseCommand

from renfort.accounts.models import User
from renfort.territories.models import Commune
from renfort.zoning.models import Zoning

from .demo_data import print_logins


class Command(BaseCommand):
    help = (
        "Prépare une base vide : territoires réels, zones prioritaires, données de démonstration. "
        "Ne refait rien de ce qui est déjà chargé."
    )

    def handle(self, *args, **options):
        if not Commune.objects.exists():
            call_command("import_territories", stdout=self.stdout, stderr=self.stderr)
        if not Zoning.objects.exists():
            call_command("import_priority_zones", stdout=self.stdout, stderr=self.stderr)
        if not User.objects.exists():
            call_command("demo_data", stdout=self.stdout, stderr=self.stderr)
        else:
            self.stdout.write("Base déjà initialisée : rien à charger.")
            print_logins(self.stdout)
