"""Production-safe settings. Every secret and integration comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("La variable d'environnement SECRET_KEY est obligatoire.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

_database_url = env("DATABASE_URL")
if not _database_url:
    raise ImproperlyConfigured("La variable d'environnement DATABASE_URL est obligatoire.")
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database of `make run`: a write transaction takes the lock when it begins
    # and waits for it (up to 20 s) instead of failing with « database is locked » when two
    # requests write at once; WAL lets pages be read while the worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",
    "django_tasks",
    "renfort.core.apps.TasksDatabaseConfig",  # django_tasks_db, named in French
    "ninja",
    "renfort.core",
    "renfort.accounts",
    "renfort.territories",
    "renfort.zoning",
    "renfort.notifications",
    "renfort.doctors",
    "renfort.sites",
    "renfort.planning",
    "renfort.booking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "renfort.core.middleware.MethodNotAllowedPage",
    "renfort.core.middleware.PrivatePages",
    "renfort.core.middleware.FrenchSpacing",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "renfort" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "renfort.core.context_processors.renfort",
            ],
            # date_fr (« 1er décembre ») and count (« 0 zone ») in every template, emails too.
            "builtins": ["renfort.core.templatetags.french"],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "renfort.accounts.password_validation.SimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Email: console unless an SMTP host is configured. The console writes whole emails (personal
# data, secret links) to the server log: development only, `check --deploy` warns (renfort.W001).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Renfort <ne-pas-repondre@renfort.example>")
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Background work: django-tasks with its database backend (worker: `manage.py db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Periodic jobs (command, every N seconds), run by `manage.py periodic` (started by `serve`) or
# by cron in production. Each command is safe to run twice.
RENFORT_PERIODIC_JOBS = [
    ("send_reminders", 15 * 60),
    ("process_waiting_list", 5 * 60),
    ("retry_notifications", 5 * 60),
    ("purge_appointments", 24 * 3600),
    ("purge_unconfirmed_signups", 24 * 3600),
]

# Public base URL used in emails (links to secret pages, ICS files).
RENFORT_BASE_URL = env("RENFORT_BASE_URL", "http://127.0.0.1:8000")
# Login throttling: after this many wrong passwords for one account within the delay, its
# login is refused for the rest of the delay (accounts.services).
LOGIN_MAX_FAILURES = 5
LOGIN_LOCK_MINUTES = 15
# A demonstration instance (fictitious people, sites and appointments) says so on every page.
RENFORT_DEMO = env_bool("RENFORT_DEMO", False)
# Address the public pages give for questions and accessibility requests.
RENFORT_CONTACT_EMAIL = env("RENFORT_CONTACT_EMAIL", "contact@renfort.example")
# The legal notice and the personal data pages: who publishes and hosts this instance, and the
# data protection officer people write to (set them for an instance in service).
RENFORT_PUBLISHER = env(
    "RENFORT_PUBLISHER", "Ministère chargé de la santé, direction générale de l'offre de soins"
)
RENFORT_HOST = env("RENFORT_HOST", "")
RENFORT_DPO_EMAIL = env("RENFORT_DPO_EMAIL", "dpd@renfort.example")

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# HTTPS. In production (DEBUG off) plain-HTTP requests are redirected to HTTPS and browsers are
# told to use HTTPS only for a year (HSTS); dev.py and test.py turn both off (plain http).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)


def _proxy_ssl_header(value: str | None) -> tuple[str, str] | None:
    """« X-Forwarded-Proto » or « X-Forwarded-Proto=https »: the header by which the reverse
    proxy that terminates TLS says the request came in HTTPS. Never set it without such a
    proxy, which must overwrite the header: clients could otherwise pass for HTTPS."""
    if not value:
        return None
    name, _, expected = value.partition("=")
    meta = "HTTP_" + name.strip().upper().replace("-", "_")
    return (meta, expected.strip() or "https")


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env("SECURE_PROXY_SSL_HEADER"))
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# No secret link in the logs: the access lines of the development server (django.server) and
# every other record go through a filter that hides secret path segments (renfort.core.redact).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "renfort.core.redact.RedactSecretsFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "filters": ["redact"],
            "formatter": "django.server",
        },
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# SMS: written to var/sms.log unless an HTTP provider is configured (development only: personal
# data in a file; `check --deploy` warns, renfort.W002).
SMS_HTTP_URL = env("SMS_HTTP_URL")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", "")
SMS_SENDER = env("SMS_SENDER", "Renfort")
SMS_BACKEND = (
    "renfort.notifications.channels.HttpSmsBackend"
    if SMS_HTTP_URL
    else "renfort.notifications.channels.ConsoleSmsBackend"
)

# --- Patient booking (renfort.booking) — see docs/booking.md ---------------------------------
# Future appointments a patient may hold with the same phone or email.
BOOKING_MAX_FUTURE_APPOINTMENTS = 2
# Appointments (and waiting-list entries, booking notifications) older than this are purged
# (`purge_appointments`, nightly). From the environment: the controller may shorten it.
_retention = env("BOOKING_RETENTION_MONTHS", "12")
if not _retention.isdigit() or int(_retention) < 1:
    raise ImproperlyConfigured(
        f"BOOKING_RETENTION_MONTHS doit être un nombre de mois, au moins 1 (lu : « {_retention} »)."
    )
BOOKING_RETENTION_MONTHS = int(_retention)
# The patient cancels or moves from the secret link until this many hours before.
BOOKING_CANCEL_CUTOFF_HOURS = 1
# Reserved slots open to every patient this many hours before they start.
BOOKING_PRIORITY_RELEASE_HOURS = 48
# A waiting-list offer is valid this many hours; a person gets at most this many offers.
WAITLIST_OFFER_HOURS = 2
WAITLIST_MAX_OFFERS = 3
# Offers are sent, and their hours run, only between these local hours of the site (no SMS at
# night, no offer lost in one's sleep); None: at any hour.
WAITLIST_WAKING_HOURS = (8, 21)
# How many waiting people are offered the same freed slot at once (first to confirm wins).
WAITLIST_OFFERS_PER_SLOT = 3
# --- end of patient booking settings ---------------------------------------------------------
