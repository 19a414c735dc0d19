"""Shared fixtures. The real territories and priority zones are loaded once per test database."""

import os
import shutil

import pytest
from django.db import connection
from django.test import Client

from renfort.core.middleware import GUILLEMET_SPACES
from renfort.territories.models import Commune
from renfort.territories.services import territories_import
from renfort.zoning.services import (
    DEFAULT_FILE,
    DEFAULT_TARGETS,
    DEFAULT_ZONING,
    priority_zones_import,
    zoning_get_or_create,
)

CHROMIUM = "/usr/bin/chromium"


def load_reference_data() -> None:
    """Real territories + June 2025 priority zones (idempotent)."""
    if not Commune.objects.exists():
        territories_import()
    zoning = zoning_get_or_create(**DEFAULT_ZONING)
    priority_zones_import(zoning=zoning, path=DEFAULT_FILE, targets_path=DEFAULT_TARGETS)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests (live server, concurrency): the flush between tests empties the
    database, so the reference data is loaded again when missing."""
    load_reference_data()


class ReadingClient(Client):
    """The test client, reading HTML pages as a person does: the no-break spaces inside « »
    (`FrenchSpacing`) read as spaces, so that tests write « Actif » plainly.
    tests/core/test_french_spacing.py checks the bytes actually sent."""

    def request(self, **request):
        response = super().request(**request)
        if not response.streaming and response.get("Content-Type", "").startswith("text/html"):
            for plain, unbreakable in GUILLEMET_SPACES:
                response.content = response.content.replace(unbreakable, plain)
        return response


@pytest.fixture
def client():
    return ReadingClient()


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, reference_data):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
