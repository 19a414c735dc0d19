"""Settings of the booking benchmark server (bench/booking.py): production settings on the
bench PostgreSQL database, plus a trivial view (/bench/ping) to measure the framework ceiling."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

from config.settings.base import *  # noqa: E402,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "booking_urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The bench server speaks plain http.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Fictitious accounts are created by the seed: a fast hasher keeps the seeding short.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "renfort.notifications.channels.LocmemSmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# Static files are not collected for the bench (no page asks for them): an empty directory keeps
# WhiteNoise from warning at start-up.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
