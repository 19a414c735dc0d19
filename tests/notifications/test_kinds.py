"""Notifications are named in French in the administration, not by their internal codes."""

import re
from pathlib import Path

import pytest

import renfort
from renfort.booking.messages import SUBJECTS
from renfort.notifications.models import Kind, Notification
from renfort.planning.models import MissionStatus

pytestmark = pytest.mark.django_db


def test_a_notification_reads_in_french():
    sms = Notification(kind="booking_confirmation", channel="sms", status="sent")
    assert str(sms) == "SMS — confirmation de rendez-vous (envoyée)"
    email = Notification(kind="mission_declined_ars", channel="email", status="failed")
    assert str(email) == "Courriel — mission déclinée (à l'ARS) (échec, sera réessayée)"
    # A kind without a label (a test, an old row) keeps its code.
    assert str(Notification(kind="test", channel="sms", status="pending")) == (
        "SMS — test (en attente)"
    )


def kinds_in_the_code() -> set[str]:
    root = Path(renfort.__file__).parent
    found = set()
    for path in root.rglob("*.py"):
        if "migrations" in path.parts or path.parent.name == "notifications":
            continue
        source = path.read_text()
        if "notification_enqueue" in source or "email_enqueue" in source or "notify" in source:
            found |= set(re.findall(r'\bkind="([a-z_]+)"', source))
    # booking.messages prefixes the kinds of its messages to patients.
    found = {kind for kind in found if kind not in SUBJECTS}
    found |= {"booking_" + kind for kind in SUBJECTS}
    # planning.services: mission_<status> to the doctor, _site and _ars to the others.
    statuses = {MissionStatus.CONFIRMED, MissionStatus.CANCELLED}
    answers = statuses | {MissionStatus.ACCEPTED, MissionStatus.DECLINED}
    found |= {f"mission_{status}" for status in statuses}
    found |= {f"mission_{status}_{to}" for status in answers for to in ("site", "ars")}
    return found


def test_every_kind_the_apps_send_has_a_french_label():
    kinds = kinds_in_the_code()
    assert {"booking_reminder", "site_message", "password_reset", "doctor_submitted"} <= kinds
    assert kinds <= set(Kind.values), kinds - set(Kind.values)
