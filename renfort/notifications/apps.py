from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "renfort.notifications"
    label = "notifications"
    verbose_name = "Notifications"
