from django.core.management.base import BaseCommand

from renfort.booking.services import appointment_reminders_send


class Command(BaseCommand):
    help = (
        "Envoie les rappels de rendez-vous dus (48 h avant ; la veille pour les rendez-vous pris "
        "moins de 48 h avant). À lancer toutes les 15 minutes ; sans doublon si relancé."
    )

    def handle(self, *args, **options):
        sent = appointment_reminders_send()
        self.stdout.write(f"Rappels enregistrés : {sent}.")
