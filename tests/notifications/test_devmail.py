"""The development email backend (`make run`): one file per email, one line on the console."""

import io
import os
import subprocess
import sys
import time
from email import message_from_bytes
from email.header import decode_header, make_header

from django.core.mail import EmailMessage, get_connection

SUBJECT = "Renfort : rendez-vous du 08/12/2026 — confirmé à Nérondes"


def test_each_email_goes_to_its_own_file_and_one_readable_line(tmp_path, settings):
    settings.EMAIL_FILE_PATH = tmp_path
    out = io.StringIO()
    connection = get_connection("renfort.notifications.devmail.FileEmailBackend", stream=out)
    messages = [
        EmailMessage(subject=SUBJECT, body=f"Bonjour n° {n},\nà bientôt.", to=[f"p{n}@x.example"])
        for n in range(2)
    ]
    messages[0].attach("rendez-vous.ics", b"BEGIN:VCALENDAR\nEND:VCALENDAR\n", "text/calendar")
    assert connection.send_messages(messages) == 2
    files = sorted(tmp_path.glob("*.eml"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    assert len(files) == 2
    lines = out.getvalue().splitlines()
    assert lines == [f"Courriel à p•••@x.example : « {SUBJECT} » ({files[n]})" for n in range(2)]
    first = message_from_bytes(files[0].read_bytes())
    assert str(make_header(decode_header(first["Subject"]))) == SUBJECT
    assert "Bonjour n° 0,\nà bientôt." in files[0].read_text(encoding="utf-8")  # 8-bit text
    assert [p.get_filename() for p in first.walk() if p.get_filename()] == ["rendez-vous.ics"]


def test_emails_older_than_two_weeks_are_deleted_when_the_next_is_written(tmp_path, settings):
    settings.EMAIL_FILE_PATH = tmp_path
    old, recent = tmp_path / "20261101-000000-1-1.eml", tmp_path / "20261130-000000-1-2.eml"
    for path, days in ((old, 15), (recent, 13)):
        path.write_text("…")
        moment = time.time() - days * 86400
        os.utime(path, (moment, moment))
    connection = get_connection(
        "renfort.notifications.devmail.FileEmailBackend", stream=io.StringIO()
    )
    connection.send_messages([EmailMessage(subject=SUBJECT, body="x", to=["p@x.example"])])
    assert not old.exists() and recent.exists()
    assert len(list(tmp_path.glob("*.eml"))) == 2  # the recent one and the new one


def test_development_settings_write_emails_to_files_unless_smtp_is_set(settings):
    def backend(**env) -> str:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
        environ |= {"DJANGO_SETTINGS_MODULE": "config.settings.dev", **env}
        code = "import django; django.setup(); from django.conf import settings as s; "
        code += "print(s.EMAIL_BACKEND, getattr(s, 'EMAIL_FILE_PATH', ''))"
        done = subprocess.run(
            [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert backend() == (
        f"renfort.notifications.devmail.FileEmailBackend {settings.BASE_DIR / 'var' / 'emails'}"
    )
    assert backend(EMAIL_HOST="smtp.example").startswith("django.core.mail.backends.smtp")
