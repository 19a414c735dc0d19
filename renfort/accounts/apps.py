from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "renfort.accounts"
    label = "accounts"
    verbose_name = "Comptes"
