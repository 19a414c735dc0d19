"""Deployment checks (`manage.py check --deploy`): in production, emails and SMS must leave
through a real provider. The development backends write them, personal data included (patients'
names, secret links to appointments, phone numbers), to the server's log or to a file."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Email backends that write or keep messages instead of sending them: what they do with them.
EMAIL_DEV_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": (
        "les courriels sont écrits dans la sortie standard (le journal du serveur)"
    ),
    "django.core.mail.backends.filebased.EmailBackend": (
        "les courriels sont écrits dans des fichiers (EMAIL_FILE_PATH)"
    ),
    "renfort.notifications.devmail.FileEmailBackend": (
        "les courriels sont écrits dans des fichiers (var/emails/) et annoncés dans la sortie "
        "standard"
    ),
    "django.core.mail.backends.locmem.EmailBackend": (
        "les courriels sont gardés en mémoire, jamais envoyés"
    ),
}
SMS_DEV_BACKENDS = {
    "renfort.notifications.channels.ConsoleSmsBackend": (
        "les SMS sont écrits dans un fichier (var/sms.log)"
    ),
    "renfort.notifications.channels.LocmemSmsBackend": (
        "les SMS sont gardés en mémoire, jamais envoyés"
    ),
}


@register(Tags.security, deploy=True)
def notification_backends_check(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    warnings = []
    email = EMAIL_DEV_BACKENDS.get(settings.EMAIL_BACKEND)
    if email:
        warnings.append(
            Warning(
                f"Moteur de courriel de développement ({settings.EMAIL_BACKEND}) : {email}, "
                "avec les données personnelles qu'ils contiennent (noms des patients, liens "
                "secrets des rendez-vous).",
                hint="En production, définissez EMAIL_HOST (et EMAIL_PORT, EMAIL_HOST_USER, "
                "EMAIL_HOST_PASSWORD) pour envoyer les courriels par SMTP.",
                id="renfort.W001",
            )
        )
    sms = SMS_DEV_BACKENDS.get(settings.SMS_BACKEND)
    if sms:
        warnings.append(
            Warning(
                f"Moteur de SMS de développement ({settings.SMS_BACKEND}) : {sms}, avec les "
                "données personnelles qu'ils contiennent (numéros de téléphone, liens secrets "
                "des rendez-vous).",
                hint="En production, définissez SMS_HTTP_URL (et SMS_HTTP_TOKEN) pour envoyer "
                "les SMS par le fournisseur.",
                id="renfort.W002",
            )
        )
    return warnings
