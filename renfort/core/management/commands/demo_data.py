from django.core.management.base import BaseCommand
from django.db import transaction

from renfort.accounts.demo import DEMO_PASSWORD
from renfort.core.demo import demo_generate, demo_logins


class Command(BaseCommand):
    help = "Charge les données de démonstration (fictives, déterministes)."

    def handle(self, *args, **options):
        self.stdout.write("Données de démonstration (fictives) :")
        with transaction.atomic():
            demo_generate(stdout=self.stdout)
        print_logins(self.stdout)


def print_logins(stdout) -> None:
    stdout.write("")
    stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
    for email, description in demo_logins():
        stdout.write(f"  {email:<52} {description}")
