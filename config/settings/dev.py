"""Local development and `make run`: SQLite in var/, emails written to var/emails/ (one line
each on the console). Debug pages are off by
default so that the demo shows the French error pages (DJANGO_DEBUG=1 to turn them on)."""

import os
from pathlib import Path

_base_dir = Path(__file__).resolve().parent.parent.parent
os.environ.setdefault("SECRET_KEY", "dev-insecure-secret-key-do-not-use-in-production")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_base_dir / 'var' / 'renfort.sqlite3'}")
os.environ.setdefault("DJANGO_DEBUG", "0")  # DJANGO_DEBUG=1: Django's debug pages
os.environ.setdefault("RENFORT_DEMO", "1")  # `make run` loads fictitious demo data

from .base import *  # noqa: E402,F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# `make run` serves plain http on 127.0.0.1: no redirect to HTTPS, no HSTS, and cookies sent
# over http (Secure cookies on http://127.0.0.1 are kept by Chromium only: Safari, curl or a
# script would lose the session and the CSRF cookie, and every form would fail).
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Without SMTP, each email is written to var/emails/<time>-<n>.eml and announced by one short
# line on the console (the whole MIME message would bury the server's address).
if not EMAIL_HOST:  # noqa: F405
    EMAIL_BACKEND = "renfort.notifications.devmail.FileEmailBackend"
    EMAIL_FILE_PATH = _base_dir / "var" / "emails"

# Serve static files from the apps directly (no collectstatic needed).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A refused request (403…) is one line on the console, not a traceback; a 500 keeps its own.
LOGGING["filters"]["client_error_one_line"] = {  # noqa: F405
    "()": "renfort.core.logs.ClientErrorOneLineFilter"
}
LOGGING["handlers"]["console"]["filters"] = ["client_error_one_line", "redact"]  # noqa: F405
