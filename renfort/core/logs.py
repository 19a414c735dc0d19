"""Development console: a refused request (403, and any other 4xx Django logs with its
exception) is one line, not a traceback; server errors (5xx) keep theirs."""

import logging


class ClientErrorOneLineFilter(logging.Filter):
    """On django.request records of a 4xx response: the exception's message at the end of the
    line instead of its traceback (« Forbidden (Permission denied): /lieux/3/ — Vous ne… »)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or not 400 <= status < 500 or not record.exc_info:
            return True
        exception = record.exc_info[1]
        message = record.getMessage()
        reason = " ".join(str(exception).split()) if exception is not None else ""
        if reason:
            # A 400 (BadRequest) starts with its reason, escaped by Django (« R\xe9gion… »):
            # said once, readable, at the end.
            escaped = str(exception).encode("unicode_escape").decode("ascii")
            if escaped and message.startswith(f"{escaped}: "):
                message = "Bad Request: " + message[len(escaped) + 2 :]
            message = f"{message} — {reason}"
        record.msg, record.args = message, ()
        record.exc_info, record.exc_text = None, None
        return True
