"""Development email backend (`make run` without EMAIL_HOST): each message is written to its
own file, var/emails/<time>-<n>.eml (open it with a mail client, or read it: the text is kept
readable), and one short French line per message goes to the console instead of the whole MIME
message. Never in production: `check --deploy` warns (renfort.W001), as for the console
backend; the files hold personal data (patients' names, secret links), so those older than
KEEP_DAYS are deleted as new ones are written (at most once an hour)."""

import itertools
import os
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from renfort.core.validators import mask_email

_counter = itertools.count(1)
# Days a development email is kept (the patients' data in them is fictitious, but a test
# address may be real): older files go when the next email is written.
KEEP_DAYS = 14
PURGE_EVERY_SECONDS = 3600  # the folder is listed at most that often, not at every email
_purged_at: dict[Path, float] = {}


def emails_dir() -> Path:
    return Path(getattr(settings, "EMAIL_FILE_PATH", Path(settings.BASE_DIR) / "var" / "emails"))


class FileEmailBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        folder = emails_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        with self._lock:
            now = time.time()
            if now - _purged_at.get(folder, 0.0) >= PURGE_EVERY_SECONDS:
                _purged_at[folder] = now
                purge_old(folder, now)
            for message in email_messages:
                path = self._write(folder, message)
                self.stream.write(line(message, path) + "\n")
                sent += 1
            self.stream.flush()
        return sent

    def _write(self, folder: Path, message) -> Path:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = folder / f"{stamp}-{os.getpid()}-{next(_counter)}.eml"
        # Django writes the text in 8-bit UTF-8: it reads as it is; mail clients open it.
        path.write_bytes(message.message().as_bytes(linesep="\n"))
        return path


def purge_old(folder: Path, now: float | None = None) -> int:
    """Delete the emails written more than KEEP_DAYS ago; returns how many."""
    limit = (now or time.time()) - KEEP_DAYS * 86400
    gone = 0
    for path in folder.glob("*.eml"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                gone += 1
        except FileNotFoundError:  # another process deleted it first
            continue
    return gone


def line(message, path: Path) -> str:
    """« Courriel à p•••@exemple.fr : « sujet » (var/emails/….eml) »: one line, readable. The
    address is masked, as everywhere in lists and logs (a test address may be real); the file
    has it whole."""
    try:
        shown = path.relative_to(Path(settings.BASE_DIR))
    except ValueError:
        shown = path
    to = ", ".join(mask_email(a) or "(adresse masquée)" for a in message.to)
    to = to or "(sans destinataire)"
    subject = " ".join(str(message.subject).split())
    return f"Courriel à {to} : « {subject} » ({shown})"
