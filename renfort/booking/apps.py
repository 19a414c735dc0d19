from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "renfort.booking"
    label = "booking"
    verbose_name = "Rendez-vous"
