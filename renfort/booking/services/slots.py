"""Slots of confirmed missions: generation, safe regeneration, blocking."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from renfort.core.text import count, hour
from renfort.notifications.services import email_enqueue
from renfort.planning.models import Mission, MissionStatus
from renfort.sites.selectors import site_hours_on

from .. import messages
from ..models import (
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Slot,
    SlotStatus,
    WaitingListOffer,
)
from ..permissions import can_manage_mission_day
from ..selectors import reserved_share_for
from ..slots import Hours, doctor_hours, fits, overlaps, slot_grid, windows, within_site
from .changes import _cancel

A = AppointmentStatus
LISTED = 5  # appointments named in a refusal; the others are counted


# --- Slots -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncResult:
    created: int = 0
    removed: int = 0
    cancelled_appointments: int = 0

    def __add__(self, other: "SyncResult") -> "SyncResult":
        return SyncResult(
            self.created + other.created,
            self.removed + other.removed,
            self.cancelled_appointments + other.cancelled_appointments,
        )


def mission_hours(mission: Mission) -> Hours:
    """The consultation hours of the mission: the doctor's, within the site's opening hours
    of that date (a half-day outside them has no slot)."""
    return within_site(doctor_hours(mission.doctor), site_hours_on(mission.site, mission.date))


@transaction.atomic
def slots_sync_for_mission(*, mission: Mission, now: datetime | None = None) -> SyncResult:
    """Make the mission's future slots match its status, the doctor's hours and slot length.

    The hours are the doctor's within the site's opening hours of that date (`mission_hours`).
    Idempotent. Called by the planning whenever a mission is confirmed, cancelled or changed.
    A booked slot is never deleted: if it still fits the new hours it is kept (and the new grid
    is laid around it); otherwise its appointment is cancelled, the patient notified with
    alternatives. Blocked slots are kept the same way; free slots are simply replaced."""
    now = now or timezone.now()
    # The mission's row, locked before its slots (doctor, site, mission, slots: the order of
    # every writer of missions, planning/services.py; NO KEY, so a booking referring to it is
    # not held up), and read once locked: a cancellation and a change of hours laying the slots
    # again wait for each other, and the second one sees the status and the slots the first
    # one left. Before, the status was read unlocked: a change of hours racing a cancellation
    # could lay new slots on the mission just cancelled (or the cancellation miss the new
    # ones), leaving them bookable.
    mission = (
        Mission.objects.select_for_update(of=("self",), no_key=True)
        .select_related("doctor", "site")
        .get(pk=mission.pk)
    )
    if mission.status == MissionStatus.DONE:
        return SyncResult()
    live = list(
        Slot.objects.select_for_update()
        .filter(mission=mission, start__gt=now)
        .exclude(status=SlotStatus.CANCELLED)
        .order_by("start")
    )
    if mission.status == MissionStatus.CONFIRMED:
        hours = mission_hours(mission)
        spans = windows(mission.date, mission.period, hours, mission.site.tz)
        grid = [
            g
            for g in slot_grid(
                day=mission.date,
                period=mission.period,
                hours=hours,
                reserved_share=reserved_share_for(mission.site),
                tz=mission.site.tz,
            )
            if g.start > now
        ]
    else:
        spans, grid = [], []

    held = [s for s in live if s.status in (SlotStatus.BOOKED, SlotStatus.BLOCKED)]
    kept = [s for s in held if fits(s.start, s.end, spans) and s.site_id == mission.site_id]
    lost = [s for s in held if s not in kept]
    kept_spans = [(s.start, s.end) for s in kept]
    wanted = [g for g in grid if not overlaps(g.start, g.end, kept_spans)]
    wanted_by_bounds = {(g.start, g.end): g for g in wanted}

    free = [s for s in live if s.status == SlotStatus.AVAILABLE]
    reused, obsolete = [], []
    for slot in free:
        target = wanted_by_bounds.pop((slot.start, slot.end), None)
        if target is None or slot.site_id != mission.site_id:
            obsolete.append(slot)
        else:
            if slot.reserved_for_priority != target.reserved:
                slot.reserved_for_priority = target.reserved
                slot.save(update_fields=["reserved_for_priority", "updated_at"])
            reused.append(slot)

    # Lost slots leave the pool first (their patients are told once the new grid exists, so
    # that the message can suggest the new slots of the same day).
    Slot.objects.filter(pk__in=[s.pk for s in lost]).update(
        status=SlotStatus.CANCELLED, updated_at=now
    )
    obsolete_ids = [s.pk for s in obsolete]
    # A free slot that an appointment or a waiting-list offer refers to is kept, cancelled:
    # its offers are closed and their patients told (never a dead link without a word).
    referenced = Exists(Appointment.objects.filter(slot=OuterRef("pk"))) | Exists(
        WaitingListOffer.objects.filter(slot=OuterRef("pk"))
    )
    Slot.objects.filter(pk__in=obsolete_ids).filter(referenced).update(
        status=SlotStatus.CANCELLED, updated_at=now
    )
    Slot.objects.filter(pk__in=obsolete_ids, status=SlotStatus.AVAILABLE).delete()
    from .waitlist import waitlist_offers_withdraw

    waitlist_offers_withdraw(slot_ids=obsolete_ids + [s.pk for s in lost], now=now)
    new = Slot.objects.bulk_create(
        Slot(
            mission=mission,
            site_id=mission.site_id,
            doctor_id=mission.doctor_id,
            start=g.start,
            end=g.end,
            reserved_for_priority=g.reserved,
            half=g.half,
        )
        for g in wanted_by_bounds.values()
    )
    reason = (
        messages.REASON_NO_CONSULTATION
        if mission.status != MissionStatus.CONFIRMED
        else messages.REASON_NEW_HOURS
    )
    cancelled = 0
    lost_appointments = Q(slot__in=[s.pk for s in lost])
    if mission.status != MissionStatus.CONFIRMED:  # walk-ins too (no slot) when cancelled
        lost_appointments |= Q(mission=mission, slot__isnull=True)
    offered: set[int] = set()  # each patient of the day is offered other slots, while any
    for appointment in (
        Appointment.objects.select_for_update()
        .filter(lost_appointments, status=A.BOOKED)
        .order_by("start", "pk")
    ):
        _cancel(
            appointment, by=CancelledBy.SYSTEM, actor=None, reason=reason, now=now, offered=offered
        )
        cancelled += 1
    if new:
        from .waitlist import waitlist_offer_slots

        waitlist_offer_slots(slots=new, now=now)
    return SyncResult(
        created=len(new), removed=len(obsolete) + len(lost), cancelled_appointments=cancelled
    )


def slots_sync_all(*, now: datetime | None = None, progress=None) -> SyncResult:
    """Sync every confirmed mission from today on (used by `generate_slots` and the demo).
    `progress(label, done)`, if given, is told the missions done (core.progress.StepProgress)."""
    now = now or timezone.now()
    total = SyncResult()
    missions = Mission.objects.confirmed().filter(date__gte=timezone.localdate(now))
    for done, mission in enumerate(missions.order_by("date", "pk"), start=1):
        total += slots_sync_for_mission(mission=mission, now=now)
        if progress is not None:
            progress(PROGRESS_LABEL, done)
    return total


PROGRESS_LABEL = "missions confirmées"


def confirmed_to_sync(now: datetime | None = None) -> int:
    """How many missions slots_sync_all goes through (the progress bar's total)."""
    now = now or timezone.now()
    return Mission.objects.confirmed().filter(date__gte=timezone.localdate(now)).count()


def hours_resync(*, missions: QuerySet, who: str, now: datetime | None = None) -> SyncResult:
    """After a change of the doctor's hours or slot length, or of the site's opening hours
    (saved in the current transaction): lay the slots of these missions (a Mission queryset;
    its coming confirmed ones) again on the hours as they now stand.

    A booked appointment is never cancelled as a side effect of a settings form: when the new
    hours would leave some out, raises ValidationError listing them (the caller's transaction,
    the new hours included, is rolled back) and says how to cancel them first (the day view
    tells each patient and offers other slots). `who`: "doctor" or "site", for the wording."""
    now = now or timezone.now()
    missions = list(
        missions.confirmed()
        .filter(date__gte=timezone.localdate(now))
        .select_related("doctor", "site")
        .order_by("date", "pk")
    )
    left_out = []
    for mission in missions:
        spans = windows(mission.date, mission.period, mission_hours(mission), mission.site.tz)
        booked = Appointment.objects.filter(
            mission=mission, status=A.BOOKED, start__gt=now
        ).select_related("site", "doctor")
        left_out += [a for a in booked.order_by("start") if not fits(a.start, a.end, spans)]
    if left_out:
        raise ValidationError(_left_out_message(left_out, who=who), code="appointments_left_out")
    total = SyncResult()
    for mission in missions:
        result = slots_sync_for_mission(mission=mission, now=now)
        total += result
        if who == "site" and (result.created or result.removed):
            _tell_doctor_new_hours(mission, now)
    return total


def _tell_doctor_new_hours(mission: Mission, now: datetime) -> None:
    """The site changed its opening hours and a confirmed mission's consultation changed with
    them: its doctor is told the new hours (their mission page and calendar file follow)."""
    tz = mission.site.tz
    spans = windows(mission.date, mission.period, mission_hours(mission), tz)
    hours = " et ".join(
        f"de {hour(timezone.localtime(start, tz))} à {hour(timezone.localtime(end, tz))}"
        for start, end in spans
    )
    key = "-".join(f"{start:%H%M}{end:%H%M}" for start, end in spans)
    email_enqueue(
        kind="mission_hours_changed",
        recipient=mission.doctor.user.email,
        subject=f"Renfort : nouveaux horaires de votre mission du {mission.date:%d/%m/%Y}",
        template="booking/emails/hours_changed_doctor.txt",
        context={"mission": mission, "hours": hours},
        # One email per change, even back to hours told before.
        dedup_key=f"mission-{mission.pk}-hours-{key}-{now:%Y%m%d%H%M%S%f}",
    )


def _left_out_message(appointments: list[Appointment], *, who: str) -> str:
    listed = " ; ".join(
        f"le {timezone.localtime(a.start, a.site.tz):%d/%m/%Y} à "
        + hour(timezone.localtime(a.start, a.site.tz))
        + (f" ({a.doctor})" if who == "site" else "")
        for a in appointments[:LISTED]
    )
    more = f" et {len(appointments) - LISTED} autres" if len(appointments) > LISTED else ""
    hours = "Vos nouveaux horaires" if who == "doctor" else "Ces horaires d'ouverture"
    one = len(appointments) == 1
    return (
        f"{hours} laisseraient en dehors "
        + count(len(appointments), "rendez-vous déjà pris", "rendez-vous déjà pris")
        + f" : {listed}{more}. Gardez des horaires qui "
        + (
            "le contiennent, ou annulez d'abord ce rendez-vous"
            if one
            else "les contiennent, ou annulez d'abord ces rendez-vous"
        )
        + " depuis la journée de consultation (« Agenda » : "
        + ("le patient est prévenu et reçoit" if one else "les patients sont prévenus et reçoivent")
        + " d'autres créneaux), puis enregistrez à nouveau."
    )


@transaction.atomic
def slot_block(*, slot: Slot, actor, blocked: bool = True) -> Slot:
    """Take a free slot out of the booking pool (or put it back)."""
    # The slot's row only (not its mission nor its site, which come first in the lock order).
    slot = (
        Slot.objects.select_for_update(of=("self",)).select_related("mission__site").get(pk=slot.pk)
    )
    if not can_manage_mission_day(actor, slot.mission):
        raise PermissionDenied("Vous ne pouvez gérer que les créneaux de vos consultations.")
    source, target = (
        (SlotStatus.AVAILABLE, SlotStatus.BLOCKED)
        if blocked
        else (SlotStatus.BLOCKED, SlotStatus.AVAILABLE)
    )
    if slot.status != source:
        raise ValidationError("Ce créneau ne peut pas changer d'état.", code="slot_state")
    slot.status = target
    slot.save(update_fields=["status", "updated_at"])
    return slot
