from django.apps import AppConfig


class DoctorsConfig(AppConfig):
    name = "renfort.doctors"
    label = "doctors"
    verbose_name = "Médecins volontaires"
