"""SMS to patients: who writes, the commune only, GSM-7 characters only and at most two SMS
(306 characters) in the worst realistic case: the longest commune name of France, a long
public address, a long reason typed by the site, the longest priority-zone name."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

import renfort
from renfort.booking.models import CancelledBy, WaitingListOffer
from renfort.booking.services import (
    Contact,
    appointment_cancel,
    appointment_move,
    appointment_reminders_send,
    links_resend,
    site_place_changed,
    slots_sync_for_mission,
    waitlist_offer_slots,
    waitlist_register,
)
from renfort.booking.services.waitlist import waitlist_offers_withdraw
from renfort.notifications.models import Notification
from renfort.notifications.sms import gsm7, is_gsm7, sms_segments
from renfort.planning.models import MissionStatus
from renfort.sites.models import Site
from renfort.territories.models import EPCI, Commune

from .factories import before, book, free_slot, mission_with_slots, patient, slots_of

pytestmark = pytest.mark.django_db

SENDER = "Un médecin près de chez vous : "
# The longest commune name (data/reference/communes.csv), with its accent; the longest EPCI
# name, with a « î » outside GSM-7; a public address longer than the ones in use.
LONG_COMMUNE = "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson"
LONG_EPCI = "CA de la Presqu'île de Guérande Atlantique (Cap Atlantique)"
LONG_BASE_URL = "https://unmedecinpresdechezvous.sante.gouv.fr"
LONG_REASON = (
    "Le médecin a dû s’absenter — « urgence familiale » : nous sommes désolés… "
    "Le lieu vous rappellera pour convenir d'un autre rendez-vous. " * 4
)[:300]
ALL_KINDS = {
    "booking_links",
    "booking_place_changed",
    "booking_confirmation",
    "booking_reminder",
    "booking_moved",
    "booking_cancelled_by_patient",
    "booking_cancelled_by_staff",
    "booking_waitlist_registered",
    "booking_waitlist_offer",
    "booking_waitlist_offer_withdrawn",
}


def test_gsm7_keeps_the_accents_gsm_has_and_replaces_the_others():
    assert gsm7("é è à ù ì ò É Ç") == "é è à ù ì ò É Ç"
    assert gsm7("Fête à Châtel-Montagne, Saint-Hippolyte-du-Fort") == (
        "Fete à Chatel-Montagne, Saint-Hippolyte-du-Fort"
    )
    assert gsm7("ç ê â ô î û ë ï œ À Ê Ô") == "c e a o i u e i oe A E O"
    assert gsm7("«\u00a0urgence\u00a0» — l’heure… 9\u00a0h\u202f40") == (
        '"urgence" - l\'heure... 9 h 40'
    )
    assert gsm7("雪 ✓") == "? ?"
    assert gsm7(gsm7("Châtel « ç »")) == gsm7("Châtel « ç »")


def test_segments_count_gsm7_septets_or_ucs2_characters():
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3
    assert sms_segments("€" * 80) == 1 and sms_segments("€" * 81) == 2  # two septets each
    assert sms_segments("ê" * 70) == 1 and sms_segments("ê" * 71) == 2  # UCS-2
    assert sms_segments("ê" + "a" * 139) == 3  # one « ê » and 140 characters: 3 SMS


def test_sms_templates_are_written_in_gsm7():
    """The words of the templates need no replacement (« etes » for « êtes » would read
    badly): only the data (commune, reason) may."""
    folder = Path(renfort.__file__).parent / "booking/templates/booking/messages"
    for path in [*folder.glob("*_sms.txt"), folder / "_sms_sender.txt"]:
        words = re.sub(r"\{[{%#].*?[}%#]\}", "", path.read_text())
        assert is_gsm7(words), path.name


@override_settings(RENFORT_BASE_URL=LONG_BASE_URL)
def test_every_patient_sms_fits_in_two_gsm7_sms_in_the_worst_case():
    mission = mission_with_slots()
    site = mission.site
    Commune.objects.filter(pk=site.commune_id).update(name=LONG_COMMUNE)
    EPCI.objects.filter(pk=site.priority_zone.epci_id).update(name=LONG_EPCI)
    Site.objects.filter(pk=site.pk).update(
        name="Maison de santé pluriprofessionnelle des Côteaux de l'Être et de la Forêt",
        address="Résidence « Les Châtaigniers », bâtiment B, 1234 avenue du Général-de-Gaulle",
    )
    site.refresh_from_db()
    slots = slots_of(mission, reserved_for_priority=False)
    last = slots[-1]  # the latest time of the day: « 17 h 40 »

    # Booked, reminded, moved, cancelled by the patient.
    moved = book(slots[0])
    appointment_reminders_send(now=before(slots[0], hours=47))
    appointment_move(appointment=moved, slot_id=last.pk, now=before(last, days=2))
    appointment_cancel(appointment=moved, now=before(last, days=1))
    # Cancelled by the site with a long reason, then by Renfort (the mission is cancelled).
    by_site = book(slots[1], phone="+33639980002", email="b@exemple.test", first_name="B")
    appointment_cancel(
        appointment=by_site, by=CancelledBy.SITE, actor=site.manager, reason=LONG_REASON
    )
    # The waiting list of the site and of the zone, a slot offered, then withdrawn.
    today = timezone.localdate()
    for where in ({"site": site}, {"zone": site.priority_zone}):
        waitlist_register(
            patient=patient(phone="+33639980003", email="", first_name=str(where)),
            start_date=today,
            end_date=today + timedelta(days=90),
            **where,
        )
    waitlist_offer_slots(slots=[free_slot(mission)], now=timezone.now())
    by_system = book(slots[2], phone="+33639980004", email="c@exemple.test", first_name="C")
    assert by_system.status == "booked"
    # « Retrouver mon rendez-vous » for a phone two people booked with (two links: the most).
    book(slots[3], phone="+33639980005", email="", first_name="Dominique-Marie")
    book(slots[4], phone="+33639980005", email="", first_name="Jean-Christophe")
    links_resend(contact=Contact(phone="+33639980005"))
    site_place_changed(site=site, old_place="1 rue Ancienne, 81230 Lacaune")
    mission.status = MissionStatus.CANCELLED
    mission.save(update_fields=["status"])
    slots_sync_for_mission(mission=mission)
    waitlist_offers_withdraw(
        slot_ids=WaitingListOffer.objects.values_list("slot_id", flat=True),
        now=timezone.now(),
    )

    messages = Notification.objects.filter(channel="sms", kind__startswith="booking_")
    assert {m.kind for m in messages} == ALL_KINDS
    assert messages.filter(kind="booking_cancelled_by_staff").count() == 4  # B, C and the two
    for message in messages:
        body = message.body
        assert body.startswith(SENDER), body
        assert is_gsm7(body), body
        assert len(body) <= 306 and sms_segments(body) <= 2, (len(body), body)
        assert "Châtaigniers" not in body and "Chataigniers" not in body  # no street
        assert "Maison de santé" not in body  # nor the site's name: the commune
        if message.kind not in ("booking_waitlist_registered", "booking_links"):
            assert LONG_COMMUNE in body
        assert LONG_BASE_URL in body or "liste d'attente" in body  # a link, but when withdrawn
    zone_entry = messages.filter(kind="booking_waitlist_registered", body__contains="zone")
    assert gsm7(LONG_EPCI) in zone_entry.get().body
    staff = messages.filter(kind="booking_cancelled_by_staff")
    assert any(
        ': le médecin a du s\'absenter - "urgence familiale" : nous... Autres' in m.body
        for m in staff
    )
    assert any(
        "est annulé : la consultation n'aura pas lieu. Autres créneaux : " in m.body for m in staff
    )
    link = f"/rendez-vous/mon-rendez-vous/{moved.secret}/"  # the secret link, kept
    assert messages.filter(kind="booking_confirmation", body__endswith=link).exists()


def test_the_waiting_list_sms_writes_both_dates_alike(settings):
    """« du 07/12 au 31/01 », not « du 07/12 au 31/01/2027 »."""
    mission = mission_with_slots()
    today = timezone.localdate()
    end = today + timedelta(days=60)
    waitlist_register(patient=patient(email=""), start_date=today, end_date=end, site=mission.site)
    body = Notification.objects.get(kind="booking_waitlist_registered", channel="sms").body
    assert f" du {today:%d/%m} au {end:%d/%m} enregistrée." in body
    assert body.startswith(SENDER + "inscription sur la liste d'attente (Lacaune)")
