"""Development console: one line for a refused request, the traceback for a server error."""

import logging
import os
import subprocess
import sys

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.urls import path

from config import urls as project_urls
from renfort.core.logs import ClientErrorOneLineFilter


def refused(request):
    raise PermissionDenied("Vous ne pouvez modifier que votre lieu d'accueil.")


def bad(request):
    raise BadRequest("Région inconnue : choisissez-la dans la liste.")


def broken(request):
    raise RuntimeError("boom")


# The project's addresses too: the French error pages link to them.
urlpatterns = [
    path("refuse/", refused),
    path("mauvais/", bad),
    path("casse/", broken),
    *project_urls.urlpatterns,
]


@pytest.fixture
def records(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    kept = []

    class Keep(logging.Handler):
        def emit(self, record):
            if ClientErrorOneLineFilter().filter(record):
                kept.append((record.levelname, self.format(record), record.exc_info))

    handler = Keep()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield kept
    logger.removeHandler(handler)


def test_a_refused_request_is_one_line(client, records):
    assert client.get("/refuse/").status_code == 403
    [(level, text, exc_info)] = records
    assert level == "WARNING" and exc_info is None
    assert text == (
        "Forbidden (Permission denied): /refuse/ — Vous ne pouvez modifier que votre lieu "
        "d'accueil."
    )


def test_a_bad_request_says_its_reason_once_and_readable(client, records):
    assert client.get("/mauvais/").status_code == 400
    [(level, text, exc_info)] = records
    assert exc_info is None
    assert text == "Bad Request: /mauvais/ — Région inconnue : choisissez-la dans la liste."


def test_a_server_error_keeps_its_traceback(client, records):
    client.raise_request_exception = False
    assert client.get("/casse/").status_code == 500
    [(level, text, exc_info)] = records
    assert level == "ERROR" and exc_info is not None
    assert "Traceback" in text and "RuntimeError: boom" in text


def test_production_logging_is_unchanged_and_a_record_without_exception_untouched():
    from config.settings import base

    assert "client_error_one_line" not in base.LOGGING["filters"]  # production unchanged
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "x %s", ("y",), None)
    record.status_code = 403
    assert ClientErrorOneLineFilter().filter(record) and record.getMessage() == "x y"


def test_the_development_console_filters_refusals():
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LOGGING['handlers']['console']['filters'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['client_error_one_line', 'redact']"
