"""The production-safe base settings: HTTPS from the environment, plain http for dev and tests."""

import os
import runpy
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

BASE = Path(__file__).resolve().parents[2] / "config" / "settings" / "base.py"
HTTPS_VARIABLES = (
    "DJANGO_DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
)


@pytest.fixture
def base_settings(monkeypatch):
    """Loads base.py with the given environment (production: DEBUG off unless said)."""
    for name in HTTPS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DATABASE_URL", "sqlite://:memory:")

    def load(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(BASE))

    return load


def test_production_defaults_redirect_to_https_and_send_hsts(base_settings):
    values = base_settings()
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_https_settings_come_from_the_environment(base_settings):
    values = base_settings(
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_PRELOAD="1",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    header = base_settings(SECURE_PROXY_SSL_HEADER="X-Forwarded-Ssl=on")["SECURE_PROXY_SSL_HEADER"]
    assert header == ("HTTP_X_FORWARDED_SSL", "on")


def test_debug_mode_neither_redirects_nor_sends_hsts(base_settings):
    values = base_settings(DJANGO_DEBUG="1")
    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 0


def test_dev_settings_serve_plain_http():
    with mock.patch.dict(os.environ):  # dev.py sets defaults in the environment
        os.environ.pop("SECURE_SSL_REDIRECT", None)
        os.environ.pop("SECURE_HSTS_SECONDS", None)
        values = runpy.run_path(str(BASE.with_name("dev.py")), run_name="config.settings.dev")
    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 0
    # Cookies go over plain http too (a Secure cookie is dropped there by Safari, curl…).
    assert values["SESSION_COOKIE_SECURE"] is False and values["CSRF_COOKIE_SECURE"] is False


@pytest.mark.django_db
def test_the_tests_speak_plain_http(client):
    assert not settings.SECURE_SSL_REDIRECT
    assert client.get("/").status_code == 200
