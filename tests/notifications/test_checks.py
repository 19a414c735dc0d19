"""`manage.py check --deploy` warns when emails or SMS would be written to logs or files."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

SMTP = "django.core.mail.backends.smtp.EmailBackend"
HTTP_SMS = "renfort.notifications.channels.HttpSmsBackend"


def deploy_warnings() -> dict[str, str]:
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    return {m.id: m.msg for m in found if m.id.startswith("renfort.")}


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "renfort.notifications.devmail.FileEmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ],
)
def test_a_development_email_backend_is_reported(settings, backend):
    settings.DEBUG, settings.EMAIL_BACKEND, settings.SMS_BACKEND = False, backend, HTTP_SMS
    found = deploy_warnings()
    assert list(found) == ["renfort.W001"]
    assert "données personnelles" in found["renfort.W001"]


def test_the_console_email_backend_is_said_to_write_to_the_server_log(settings):
    settings.DEBUG, settings.SMS_BACKEND = False, HTTP_SMS
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert "journal du serveur" in deploy_warnings()["renfort.W001"]


def test_the_file_sms_backend_is_reported(settings):
    settings.DEBUG, settings.EMAIL_BACKEND = False, SMTP
    settings.SMS_BACKEND = "renfort.notifications.channels.ConsoleSmsBackend"
    found = deploy_warnings()
    assert list(found) == ["renfort.W002"]
    assert (
        "var/sms.log" in found["renfort.W002"] and "données personnelles" in found["renfort.W002"]
    )


def test_real_providers_raise_no_warning(settings):
    settings.DEBUG, settings.EMAIL_BACKEND, settings.SMS_BACKEND = False, SMTP, HTTP_SMS
    assert deploy_warnings() == {}


def test_debug_mode_is_not_reported(settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.SMS_BACKEND = "renfort.notifications.channels.ConsoleSmsBackend"
    assert deploy_warnings() == {}


def test_the_checks_run_only_with_deploy(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    call_command("check")  # no deployment check, no warning
    with pytest.raises(SystemCheckError, match="renfort.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING")
