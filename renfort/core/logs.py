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
            message = f"{message} — {reason}"
        record.msg, record.args = message, ()
        record.exc_info, record.exc_text = None, None
        return True
