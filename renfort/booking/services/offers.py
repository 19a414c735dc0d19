"""Answers to waiting-list offers (services): confirm an offer, let it expire (the periodic
sweep of `process_waiting_list`), leave the list. Offers are made in waitlist.py."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from renfort.core.text import hour

from ..models import (
    AppointmentStatus,
    OfferStatus,
    Slot,
    SlotStatus,
    WaitingListEntry,
    WaitingListOffer,
    WaitingStatus,
)
from .appointments import Patient, _lock_contacts, appointment_book
from .waitlist import _give_back, entries_update, waitlist_offer_slots


def offer_by_secret(secret: str) -> WaitingListOffer | None:
    if not secret or len(secret) > 64:
        return None
    return (
        WaitingListOffer.objects.select_related("entry", "slot__site__commune", "slot__doctor")
        .filter(secret=secret)
        .first()
    )


def _close_entry_if_exhausted(entry: WaitingListEntry) -> None:
    entry.refresh_from_db()
    has_open = entry.offers.filter(status=OfferStatus.PENDING).exists()
    if (
        entry.status == WaitingStatus.WAITING
        and entry.offers_sent >= settings.WAITLIST_MAX_OFFERS
        and not has_open
    ):
        entry.status = WaitingStatus.EXHAUSTED
        entry.save(update_fields=["status"])


def waitlist_offer_accept(*, offer: WaitingListOffer, now: datetime | None = None):
    """Confirm an offer: book the slot for the waiting person (first to confirm wins).
    Returns the appointment; raises ValidationError (codes offer_closed, offer_expired,
    slot_taken…) after recording (committing) why the offer is closed."""
    appointment, error = _offer_accept(offer=offer, now=now or timezone.now())
    if error is not None:
        raise error
    return appointment


# Said to a person whose offer was lost to someone else (it does not count against them).
OFFER_TAKEN = (
    "Ce créneau vient d'être pris par une autre personne : vous restez sur la liste d'attente et "
    "recevrez les prochains créneaux libérés."
)


# Said to a person who confirms an offer after leaving the waiting list.
OFFER_AFTER_LEAVING = (
    "Vous vous êtes désinscrit(e) de la liste d'attente : cette proposition n'est plus "
    "valable. Pour un rendez-vous, cherchez un créneau libre."
)


def _patient_of(entry: WaitingListEntry) -> Patient:
    """The person of a waiting-list entry (names, birth date and contacts never change)."""
    return Patient(
        last_name=entry.last_name,
        first_name=entry.first_name,
        birth_date=entry.birth_date,
        phone=entry.phone,
        email=entry.email,
        has_medecin_traitant=entry.has_medecin_traitant,
        is_ald=entry.is_ald,
    )


def _lock_slots(slot_ids) -> dict[int, str]:
    """Lock these slot rows (by id, NO KEY: an appointment or an offer referring to one is not
    held up); their statuses as they stand once locked."""
    return dict(
        Slot.objects.select_for_update(no_key=True)
        .filter(pk__in=sorted(set(slot_ids)))
        .order_by("pk")
        .values_list("pk", "status")
    )


@transaction.atomic
def _offer_accept(*, offer: WaitingListOffer, now: datetime):
    """Locks in the order of appointment_book (the person, then the slot) and only then the
    offer row (not its entry): the people confirming the same slot queue on the slot holding
    nothing the winner updates (their offers and entries, closed as lost), so that they never
    deadlock; each then reads its offer as the winner left it."""
    patient = _patient_of(offer.entry)
    _lock_contacts(patient)
    _lock_slots([offer.slot_id])
    offer = (
        WaitingListOffer.objects.select_for_update(of=("self",), no_key=True)
        .select_related("entry")
        .get(pk=offer.pk)
    )
    entry = offer.entry
    if offer.status == OfferStatus.TAKEN:
        return None, ValidationError(OFFER_TAKEN, code="slot_taken")
    if entry.status == WaitingStatus.CANCELLED:  # left the list (before or while confirming)
        if offer.status == OfferStatus.PENDING:
            offer.status = OfferStatus.EXPIRED
            offer.save(update_fields=["status"])
        return None, ValidationError(OFFER_AFTER_LEAVING, code="offer_closed")
    if offer.status != OfferStatus.PENDING:
        return None, ValidationError(
            "Cette proposition n'est plus valable : " + offer.get_status_display().lower() + ".",
            code="offer_closed",
        )
    if now >= offer.expires_at:
        offer.status = OfferStatus.EXPIRED
        offer.save(update_fields=["status"])
        _close_entry_if_exhausted(entry)
        return None, ValidationError("Cette proposition a expiré.", code="offer_expired")
    try:
        with transaction.atomic():
            appointment, _ = appointment_book(slot_id=offer.slot_id, patient=patient, now=now)
    except ValidationError as exc:
        if exc.code in ("limit", "overlap"):
            # Already 2 appointments, or one at that time: the offer stays open until it
            # expires, so that the person can cancel one and come back (only the message is
            # shown).
            return None, exc
        if exc.code in ("slot_taken", "already_booked"):  # booked from the search meanwhile
            offer.status = OfferStatus.TAKEN
            offer.save(update_fields=["status"])
            _give_back([entry.pk])
            if exc.code == "already_booked":  # by the person: « vous avez déjà réservé… »
                return None, exc
            return None, ValidationError(OFFER_TAKEN, code="slot_taken")
        else:
            offer.status = OfferStatus.EXPIRED
            offer.save(update_fields=["status"])
            _close_entry_if_exhausted(entry)
        return None, exc
    offer.status = OfferStatus.ACCEPTED
    offer.appointment = appointment
    offer.save(update_fields=["status", "appointment"])
    losers = WaitingListOffer.objects.filter(slot_id=offer.slot_id, status=OfferStatus.PENDING)
    _give_back(losers.values_list("entry_id", flat=True))
    losers.update(status=OfferStatus.TAKEN)
    entry.status = WaitingStatus.SERVED
    entry.save(update_fields=["status"])
    return appointment, None


@transaction.atomic
def waitlist_offers_expire(*, now: datetime | None = None) -> int:
    """Close overdue offers, close exhausted entries and offer the still free slots to the next
    people (run every few minutes by `process_waiting_list`)."""
    now = now or timezone.now()
    # Locks in the order of offer confirmation (_offer_accept): the slots of the overdue offers
    # (by id), then those offers (not their entries), then the entries as they are updated. An
    # offer being confirmed holds its slot: the sweep waits, then no longer finds it pending
    # (accepted, or lost to the winner); an offer confirmed once the sweep holds its slot
    # waits, then reads it expired. Before, the sweep locked the offers with their entries
    # first and could deadlock with a confirmation giving a lost offer back to its entry.
    due = WaitingListOffer.objects.filter(status=OfferStatus.PENDING, expires_at__lte=now)
    slots = _lock_slots(due.values_list("slot_id", flat=True))
    overdue = list(
        due.filter(slot_id__in=list(slots))
        .select_for_update(of=("self",), no_key=True)
        .select_related("entry")
        .order_by("pk")
    )
    # Overdue offers of a slot booked meanwhile (from the search) were lost to someone else:
    # they do not count. The others expired unanswered.
    booked = {pk for pk, status in slots.items() if status == SlotStatus.BOOKED}
    lost = [o for o in overdue if o.slot_id in booked]
    WaitingListOffer.objects.filter(pk__in=[o.pk for o in lost]).update(status=OfferStatus.TAKEN)
    _give_back(o.entry_id for o in lost)
    WaitingListOffer.objects.filter(
        pk__in=[o.pk for o in overdue if o.slot_id not in booked]
    ).update(status=OfferStatus.EXPIRED)
    for _, entry in sorted({o.entry_id: o.entry for o in overdue}.items()):
        _close_entry_if_exhausted(entry)
    entries_update(
        WaitingListEntry.objects.filter(
            status=WaitingStatus.WAITING, end_date__lt=timezone.localdate(now)
        ),
        status=WaitingStatus.CANCELLED,
    )
    # Free slots of the overdue offers, free slots offered before that nobody holds an offer
    # for any more (a person who lost one may be free to take it now), and free slots that
    # people waiting without an open offer could take (freed while everyone waiting was busy
    # with another offer).
    offered = WaitingListOffer.objects.filter(slot=OuterRef("pk"))
    freed = Slot.objects.filter(status=SlotStatus.AVAILABLE, start__gt=now).filter(
        Q(pk__in={o.slot_id for o in overdue} | _slots_for_idle_entries(now))
        | (Exists(offered) & ~Exists(offered.filter(status=OfferStatus.PENDING)))
    )
    waitlist_offer_slots(slots=list(freed), now=now)
    return len(overdue)


IDLE_SLOTS_PER_ENTRY = 3


def _slots_for_idle_entries(now: datetime) -> set[int]:
    """Free future slots, with no open offer, at the place and in the period of people waiting
    without an open offer (a few per person: waitlist_offer_slots then picks who gets which,
    in order of registration, with every rule of _candidates). Three queries whatever the
    number of people: the people, the free slots of their places and periods, their offers."""
    open_offer = WaitingListOffer.objects.filter(
        entry=OuterRef("pk"), status=OfferStatus.PENDING, expires_at__gt=now
    )
    idle = list(
        WaitingListEntry.objects.filter(
            status=WaitingStatus.WAITING,
            offers_sent__lt=settings.WAITLIST_MAX_OFFERS,
            end_date__gte=timezone.localdate(now) - timedelta(days=1),
        )
        .exclude(Exists(open_offer))
        .order_by("created_at", "pk")
        .values_list("pk", "site_id", "zone_id", "start_date", "end_date")
    )
    if not idle:
        return set()
    # A day of margin on both sides: the site's own date is checked by _candidates.
    margin = timedelta(days=1)
    pending = WaitingListOffer.objects.filter(slot=OuterRef("pk"), status=OfferStatus.PENDING)
    free = (
        Slot.objects.filter(status=SlotStatus.AVAILABLE, start__gt=now)
        .filter(
            Q(site_id__in={row[1] for row in idle if row[1]})
            | Q(site__priority_zone_id__in={row[2] for row in idle if not row[1]})
        )
        .filter(
            start__date__gte=min(row[3] for row in idle) - margin,
            start__date__lte=max(row[4] for row in idle) + margin,
        )
        .exclude(Exists(pending))
        .order_by("start", "pk")
        .values_list("pk", "site_id", "site__priority_zone_id", "start")
    )
    by_site, by_zone = defaultdict(list), defaultdict(list)
    for pk, site_id, zone_id, start in free:
        day = timezone.localtime(start).date()
        by_site[site_id].append((pk, day))
        by_zone[zone_id].append((pk, day))
    # Offered to the person before and not lost to someone else (as in _candidates).
    offered = set(
        WaitingListOffer.objects.filter(entry_id__in=[row[0] for row in idle])
        .exclude(status=OfferStatus.TAKEN)
        .values_list("entry_id", "slot_id")
    )
    found: set[int] = set()
    for entry_id, site_id, zone_id, first, last in idle:
        place = by_site[site_id] if site_id else by_zone[zone_id]
        chosen = [
            pk
            for pk, day in place
            if first - margin <= day <= last + margin and (entry_id, pk) not in offered
        ][:IDLE_SLOTS_PER_ENTRY]
        found.update(chosen)
    return found


@transaction.atomic
def waitlist_leave(*, entry: WaitingListEntry, now: datetime | None = None) -> WaitingListEntry:
    """Leave the waiting list: the open offer is void and its slot, still free, goes to the next
    people. Locks in the order of offer confirmation (_offer_accept): the person, the slots of
    the open offers, those offers, then the entry. Leaving while the same person confirms an
    offer waits for the confirmation; if it booked, raises ValidationError (code served) saying
    so: the person is not told « désinscrit(e) » while holding the appointment."""
    now = now or timezone.now()
    _lock_contacts(_patient_of(entry))
    pending = WaitingListOffer.objects.filter(entry_id=entry.pk, status=OfferStatus.PENDING)
    slot_ids = list(pending.values_list("slot_id", flat=True))
    _lock_slots(slot_ids)
    offers = list(
        pending.filter(slot_id__in=slot_ids)
        .select_for_update(of=("self",), no_key=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    entry = WaitingListEntry.objects.select_for_update(no_key=True).get(pk=entry.pk)
    if entry.status == WaitingStatus.SERVED:
        raise ValidationError(_served_message(entry), code="served")
    if entry.status == WaitingStatus.WAITING:
        entry.status = WaitingStatus.CANCELLED
        entry.save(update_fields=["status"])
        WaitingListOffer.objects.filter(pk__in=offers).update(status=OfferStatus.EXPIRED)
        waitlist_offer_slots(slots=Slot.objects.filter(pk__in=slot_ids), now=now)
    return entry


def _served_message(entry: WaitingListEntry) -> str:
    """Why a person who got an appointment through an offer is no longer on the list."""
    accepted = (
        entry.offers.filter(
            status=OfferStatus.ACCEPTED, appointment__status=AppointmentStatus.BOOKED
        )
        .select_related("appointment__site")
        .order_by("-pk")
        .first()
    )
    if accepted is None:
        return (
            "Cette inscription n'est plus active : vous avez obtenu un rendez-vous en "
            "confirmant une proposition de la liste d'attente."
        )
    appointment = accepted.appointment
    at = timezone.localtime(appointment.start, appointment.site.tz)
    return (
        "Vous n'êtes plus sur la liste d'attente : un rendez-vous vous a été réservé le "
        f"{at:%d/%m/%Y} à {hour(at)} (référence {appointment.reference}), quand vous avez "
        "confirmé une proposition. Sa confirmation a été envoyée au téléphone ou à l'adresse "
        "indiqués ; pour l'annuler, utilisez le lien de cette confirmation."
    )
