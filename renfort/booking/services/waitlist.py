"""Waiting list use cases (services): register, offer freed slots (confirming an offer, letting
it expire and leaving the list are in offers.py).

A freed or new slot is offered to the next waiting people (WAITLIST_OFFERS_PER_SLOT at once,
in order of registration) by email/SMS with a secret link valid WAITLIST_OFFER_HOURS hours; the
hours run, and offers go out, only within WAITLIST_WAKING_HOURS of the site (a slot freed at
night is offered by the first run of `process_waiting_list` in the morning); the first to
confirm gets it, the others are told it is taken. A person has one open offer at a time
and gets at most WAITLIST_MAX_OFFERS offers; an offer lost because someone else confirmed first
does not count, and the slot is offered to that person again when it is free again. People who
already hold BOOKING_MAX_FUTURE_APPOINTMENTS appointments are not offered anything: they could
not accept."""

import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from renfort.core.text import hour
from renfort.zoning.models import PriorityZone

from .. import messages
from ..models import (
    Appointment,
    AppointmentStatus,
    OfferStatus,
    Slot,
    SlotStatus,
    WaitingListEntry,
    WaitingListOffer,
    WaitingStatus,
    contact_filter,
    person_identity,
)
from .appointments import Patient, _lock_contacts, held_appointments, limit_message

MAX_PERIOD_DAYS = 92
# A period starts at most this far ahead (slots open 60 days ahead, plans up to a year): so
# that every entry ends within a year and the retention purge applies to it.
MAX_START_DAYS = 183
WAITLIST_TOKEN_REUSED = (
    "Ce formulaire a déjà servi à une inscription. Pour une nouvelle inscription, rechargez "
    "la page de la liste d'attente."
)


def waitlist_period_errors(*, start_date: date, end_date: date, today: date | None = None) -> dict:
    """The rules of a registration's period, field by field (empty when it is fine): also
    shown by the form next to the other fields' errors, every error in one round."""
    today = today or timezone.localdate()
    if end_date < start_date:
        return {"end_date": ["La date de fin doit être le même jour ou après la date de début."]}
    if start_date < today:
        return {"start_date": ["La période doit commencer aujourd'hui ou plus tard."]}
    if start_date > today + timedelta(days=MAX_START_DAYS):
        return {
            "start_date": [
                "La période doit commencer dans les six prochains mois : les consultations ne "
                "sont pas encore planifiées au-delà."
            ]
        }
    if (end_date - start_date).days > MAX_PERIOD_DAYS:
        return {"end_date": ["La période ne peut pas dépasser trois mois."]}
    return {}


@transaction.atomic
def waitlist_register(
    *,
    patient: Patient,
    start_date: date,
    end_date: date,
    site=None,
    zone=None,
    submission_token: uuid.UUID | None = None,
    today: date | None = None,
) -> tuple[WaitingListEntry, bool]:
    """Register a patient for a site (or a whole priority zone) over a period of dates."""
    today = today or timezone.localdate()
    # The person's lock (as for a booking) before any read: the same person registering from
    # two tabs at once (a token each) is serialised, and the second finds the first's entry
    # (row locks cannot serialise on an entry that does not exist yet).
    _lock_contacts(patient)
    if submission_token:
        existing = WaitingListEntry.objects.filter(submission_token=submission_token).first()
        if existing:
            return _twin(existing, patient=patient, site=site, zone=zone), False
    errors = {}
    if site is None and zone is None:
        errors["site"] = ["Choisissez un lieu de consultation ou une zone."]
    elif site is None and not PriorityZone.objects.current().filter(pk=zone.pk).exists():
        errors["site"] = [
            "Cette zone prioritaire n'est plus en vigueur : cherchez un lieu de consultation."
        ]
    errors.update(waitlist_period_errors(start_date=start_date, end_date=end_date, today=today))
    if (
        held_appointments(patient, timezone.now()).count()
        >= settings.BOOKING_MAX_FUTURE_APPOINTMENTS
    ):
        # Nothing could be offered: an offer would be refused at its confirmation.
        errors[NON_FIELD_ERRORS] = [
            limit_message(
                "avant de vous inscrire sur la liste d'attente (elle ne pourrait rien vous "
                "proposer)"
            )
        ]
    if errors:
        raise ValidationError(errors)
    known = _already_waiting(patient, site=site, zone=zone, start=start_date, end=end_date)
    if known is not None:
        return known, False
    entry = WaitingListEntry(
        site=site,
        zone=zone if site is None else None,
        start_date=start_date,
        end_date=end_date,
        last_name=patient.last_name,
        first_name=patient.first_name,
        birth_date=patient.birth_date,
        phone=patient.phone,
        email=patient.email,
        has_medecin_traitant=patient.has_medecin_traitant,
        is_ald=patient.is_ald,
        submission_token=submission_token,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        existing = WaitingListEntry.objects.filter(submission_token=submission_token).first()
        if existing:
            return _twin(existing, patient=patient, site=site, zone=zone), False
        raise
    place = site.name if site else f"zone {zone.epci.name}"
    messages.notify_waitlist(
        entry,
        kind="waitlist_registered",
        key=f"waitlist-{entry.pk}-registered",
        place=place,
        leave_url=messages.absolute(reverse("booking:waitlist_leave", args=[entry.secret])),
        offer_terms=offer_terms(),
    )
    return entry, True


def _twin(existing: WaitingListEntry, *, patient: Patient, site, zone) -> WaitingListEntry:
    """The registration of a form sent twice: same token, same place, same person. A token
    replayed with another person or place (a form kept in a shared browser's history) is
    refused and never leads to the first registration."""
    same_place = existing.site_id == (site.pk if site else None) and (
        site is not None or existing.zone_id == zone.pk
    )
    fields = ("last_name", "first_name", "birth_date", "phone", "email")
    if not same_place or any(getattr(existing, f) != getattr(patient, f) for f in fields):
        raise ValidationError(WAITLIST_TOKEN_REUSED, code="token_reused")
    return existing


def _already_waiting(patient: Patient, *, site, zone, start: date, end: date):
    """The same person (names as `person_identity` compares them, birth date, and phone or
    email) already waiting for the same place over an overlapping or adjacent period: that
    entry, its period widened to cover the new one (when it stays within MAX_PERIOD_DAYS),
    instead of a second entry and a second series of offers. None otherwise. Called under the
    person's lock (_lock_contacts)."""
    contact = contact_filter(phone=patient.phone, email=patient.email)
    place = Q(site=site) if site is not None else Q(site__isnull=True, zone=zone)
    entries = WaitingListEntry.objects.select_for_update().filter(
        place,
        contact,
        status=WaitingStatus.WAITING,
        birth_date=patient.birth_date,
        start_date__lte=end + timedelta(days=1),
        end_date__gte=start - timedelta(days=1),
    )
    identity = person_identity(patient.last_name, patient.first_name)
    for entry in entries.order_by("created_at", "pk"):
        if person_identity(entry.last_name, entry.first_name) != identity:
            continue
        wider = min(entry.start_date, start), max(entry.end_date, end)
        if (wider[1] - wider[0]).days > MAX_PERIOD_DAYS:
            continue
        if wider != (entry.start_date, entry.end_date):
            entry.start_date, entry.end_date = wider
            entry.save(update_fields=["start_date", "end_date"])
        return entry
    return None


def _same_contact(prefix: str = "") -> Q:
    """The same phone or email as the outer waiting-list entry (blank contacts never match)."""
    return (Q(**{f"{prefix}phone": OuterRef("phone")}) & ~Q(**{f"{prefix}phone": ""})) | (
        Q(**{f"{prefix}email": OuterRef("email")}) & ~Q(**{f"{prefix}email": ""})
    )


def _candidates(slot: Slot, now: datetime) -> list[WaitingListEntry]:
    """The next WAITLIST_OFFERS_PER_SLOT waiting people for the slot, in order of registration:
    at the place and on the date, with no open offer, never offered this slot before unless
    they lost it to someone else, not at the appointment limit, and at most one entry per
    phone or email (a person registered twice gets the slot once)."""
    day = timezone.localtime(slot.start, slot.site.tz).date()  # the site's date
    open_offer = WaitingListOffer.objects.filter(
        entry=OuterRef("pk"), status=OfferStatus.PENDING, expires_at__gt=now
    )
    # Offered this slot and not lost to someone else: pending, accepted, or let expire.
    already = WaitingListOffer.objects.filter(entry=OuterRef("pk"), slot=slot).exclude(
        status=OfferStatus.TAKEN
    )
    offered_same_contact = WaitingListOffer.objects.filter(
        _same_contact("entry__"), slot=slot, status=OfferStatus.PENDING
    )
    held = (
        Appointment.objects.filter(_same_contact(), status=AppointmentStatus.BOOKED, start__gt=now)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    place = Q(site_id=slot.site_id)
    if slot.site.priority_zone_id:
        place |= Q(site__isnull=True, zone_id=slot.site.priority_zone_id)
    entries = (
        WaitingListEntry.objects.filter(place, status=WaitingStatus.WAITING)
        .filter(start_date__lte=day, end_date__gte=day)
        .filter(offers_sent__lt=settings.WAITLIST_MAX_OFFERS)
        .exclude(Exists(open_offer))
        .exclude(Exists(already))
        .exclude(Exists(offered_same_contact))
        .annotate(held=Coalesce(Subquery(held), Value(0)))
        .filter(held__lt=settings.BOOKING_MAX_FUTURE_APPOINTMENTS)
    )
    if slot.is_reserved_now(now):
        entries = entries.filter(Q(has_medecin_traitant=False) | Q(is_ald=True))
    chosen, contacts = [], set()
    for entry in entries.order_by("created_at", "pk").iterator(chunk_size=50):
        mine = {c for c in (entry.phone, entry.email) if c}
        if mine & contacts:
            continue
        chosen.append(entry)
        contacts |= mine
        if len(chosen) == settings.WAITLIST_OFFERS_PER_SLOT:
            break
    return chosen


def waitlist_offers_withdraw(*, slot_ids, now: datetime) -> int:
    """The open offers of slots that no longer exist (their consultation was cancelled or its
    hours changed): closed as « consultation annulée », not counted against the person, who is
    told and stays on the list. Returns the number of offers withdrawn."""
    # The offers' rows only (NO KEY, not their entries nor slots): the caller holds the slots,
    # and the entries come after the offers (the order of offer confirmation, offers.py).
    offers = list(
        WaitingListOffer.objects.select_for_update(of=("self",), no_key=True)
        .filter(slot_id__in=list(slot_ids), status=OfferStatus.PENDING)
        .select_related("entry", "slot__site__commune")
    )
    if not offers:
        return 0
    WaitingListOffer.objects.filter(pk__in=[o.pk for o in offers]).update(
        status=OfferStatus.WITHDRAWN
    )
    _give_back(o.entry_id for o in offers)
    for offer in offers:
        messages.notify_waitlist(
            offer.entry,
            kind="waitlist_offer_withdrawn",
            key=f"offer-{offer.pk}-withdrawn",
            slot=offer.slot,
        )
    return len(offers)


def entries_update(entries, **changes) -> int:
    """Update waiting-list entries, locked by id first: a bare UPDATE locks its rows in the
    order it meets them, and two over the same entries (two sweeps, a sweep and a
    confirmation giving several lost offers back) could deadlock."""
    ids = list(entries.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
    return WaitingListEntry.objects.filter(pk__in=ids).update(**changes)


def _give_back(entry_ids) -> None:
    """Offers lost because someone else confirmed first do not count against the person."""
    entries_update(
        WaitingListEntry.objects.filter(pk__in=list(entry_ids), offers_sent__gt=0),
        offers_sent=F("offers_sent") - 1,
    )


@transaction.atomic
def waitlist_offer_slots(*, slots, now: datetime | None = None) -> list[WaitingListOffer]:
    """Offer each available future slot to the next waiting people (one open offer per person)."""
    now = now or timezone.now()
    offers = []
    ids = [s.pk for s in slots]
    for slot in (
        Slot.objects.filter(pk__in=ids, status=SlotStatus.AVAILABLE, start__gt=now)
        .select_related("site__commune")
        .order_by("start")
    ):
        tz = slot.site.tz
        if not is_waking(now, tz):
            continue  # offered by the first run of process_waiting_list in the morning
        expires_at = min(offer_deadline(now, tz), slot.start)
        for entry in _candidates(slot, now):
            # The entry's row first, still waiting (read unlocked above: the person may have
            # left the list meanwhile; then nothing is offered).
            counted = WaitingListEntry.objects.filter(
                pk=entry.pk,
                status=WaitingStatus.WAITING,
                offers_sent__lt=settings.WAITLIST_MAX_OFFERS,
            ).update(offers_sent=F("offers_sent") + 1)
            if not counted:
                continue
            offer = WaitingListOffer.objects.create(
                entry=entry, slot=slot, expires_at=expires_at, created_at=now
            )
            messages.notify_waitlist(
                entry,
                kind="waitlist_offer",
                key=f"waitlist-offer-{offer.pk}",
                slot=slot,
                offer=offer,
                offer_url=messages.absolute(reverse("booking:offer", args=[offer.secret])),
            )
            offers.append(offer)
    return offers


def offer_terms() -> str:
    """How offers work, in French, for the waiting-list page and its confirmation message."""
    hours = settings.WAITLIST_WAKING_HOURS
    text = (
        f"un lien valable {settings.WAITLIST_OFFER_HOURS} heures : la première personne qui "
        f"confirme obtient le rendez-vous. Vous recevrez au plus {settings.WAITLIST_MAX_OFFERS} "
        "propositions."
    )
    if hours is not None:
        text += (
            " Rien n'est envoyé la nuit : les propositions partent entre "
            f"{hour(time(hours[0]))} et {hour(time(hours[1]))} (heure du lieu), et le délai pour "
            "confirmer ne court que dans ces heures-là."
        )
    return text


def is_waking(now: datetime, tz) -> bool:
    """Whether offers may go out now at a site of this time zone (WAITLIST_WAKING_HOURS)."""
    hours = settings.WAITLIST_WAKING_HOURS
    return hours is None or hours[0] <= timezone.localtime(now, tz).hour < hours[1]


def offer_deadline(now: datetime, tz) -> datetime:
    """When an offer made now expires: WAITLIST_OFFER_HOURS counted within the waking hours of
    the site's time zone (an offer made at 20:00 runs until 21:00, then from 8:00 to 9:00)."""
    left = timedelta(hours=settings.WAITLIST_OFFER_HOURS)
    hours = settings.WAITLIST_WAKING_HOURS
    if hours is None:
        return now + left
    at = timezone.localtime(now, tz)
    while True:
        opens = at.replace(hour=hours[0], minute=0, second=0, microsecond=0)
        closes = at.replace(hour=hours[1], minute=0, second=0, microsecond=0)
        if at >= closes:  # evening: the next morning
            at = (opens + timedelta(days=1)).replace(hour=hours[0])
            continue
        at = max(at, opens)
        if at + left <= closes:
            return at + left
        left -= closes - at
        at = closes
