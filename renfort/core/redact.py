"""Secrets out of logs and screens: the patients' secret links (token_urlsafe(24), 32
characters) and the password-reset tokens are path segments of 24 or more URL-safe
characters. Access logs and the administration show them as « … »."""

import logging
import re

# Whatever follows the run: a link pasted with « . », « %00 » or « %2F.. » after it still
# carries the whole secret.
SECRET_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{24,}")
HIDDEN = "…"


def redact_secrets(text: str) -> str:
    return SECRET_SEGMENT.sub(HIDDEN, text)


class RedactSecretsFilter(logging.Filter):
    """Logging filter: the record's message with its secret path segments hidden (the
    development server's access lines name every page, secret links included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
