"""Use cases that write (see docs/booking.md). Import from here:

from renfort.booking.services import slots_sync_for_mission, appointment_book
"""

from .appointments import (
    CONSENT_REQUIRED,
    REASON_MAX,
    Patient,
    appointment_book,
    patient_check,
    patient_of,
)
from .changes import appointment_cancel, appointment_move, site_place_changed
from .day import SEEN_EARLY, appointment_mark, appointment_walk_in_add, walk_in_default_time
from .links import RESEND_WINDOW, Contact, contact_parse, links_resend
from .offers import offer_by_secret, waitlist_leave, waitlist_offer_accept, waitlist_offers_expire
from .retention import appointment_reminders_send, appointments_purge
from .slots import SyncResult, hours_resync, slot_block, slots_sync_all, slots_sync_for_mission
from .waitlist import offer_terms, waitlist_offer_slots, waitlist_period_errors, waitlist_register

__all__ = [
    "CONSENT_REQUIRED",
    "RESEND_WINDOW",
    "Contact",
    "REASON_MAX",
    "SEEN_EARLY",
    "Patient",
    "SyncResult",
    "appointment_book",
    "appointment_cancel",
    "appointment_mark",
    "appointment_move",
    "appointment_reminders_send",
    "appointment_walk_in_add",
    "appointments_purge",
    "contact_parse",
    "hours_resync",
    "links_resend",
    "offer_by_secret",
    "offer_terms",
    "patient_check",
    "patient_of",
    "slot_block",
    "slots_sync_all",
    "site_place_changed",
    "slots_sync_for_mission",
    "waitlist_leave",
    "waitlist_offer_accept",
    "waitlist_offer_slots",
    "waitlist_offers_expire",
    "waitlist_period_errors",
    "waitlist_register",
    "walk_in_default_time",
]
