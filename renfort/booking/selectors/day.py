"""Day views of sites and doctors: the missions of a day, their appointments, what each user
may see of them (contacts, health information) and the agenda of coming days."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.accounts.permissions import has_role
from renfort.planning.models import Mission, MissionStatus

from ..models import Appointment, Slot, SlotStatus
from ..permissions import (
    can_manage_mission_day,
    can_view_site_day,
    doctor_of,
    sees_patients,
)


@dataclass
class DoctorDay:
    mission: Mission
    appointments: list[Appointment]
    free_slots: int
    can_manage: bool
    # Names, contacts, reason and priority badge (permissions.sees_patients); without them
    # (ARS, national steering) only each appointment's time and status.
    sees_patients: bool = False
    # The free slots' start times (where a walk-in fits: the page shows those still to come)
    # and the slots closed to patients (« Ne plus proposer ce créneau »): appointments + free
    # + closed make the day's slots.
    free_times: list = field(default_factory=list)
    blocked_slots: int = 0

    @property
    def cancelled_count(self) -> int:
        return sum(1 for a in self.appointments if a.status == "cancelled")

    @property
    def holding_count(self) -> int:
        """Appointments that still hold the patient (as the agenda list counts them)."""
        return len(self.appointments) - self.cancelled_count

    @property
    def walk_in_count(self) -> int:
        """Patients added without an appointment (and not removed)."""
        return sum(1 for a in self.appointments if a.walk_in and a.status != "cancelled")

    @property
    def booked_count(self) -> int:
        """Appointments booked by patients that still hold (walk-ins apart)."""
        return self.holding_count - self.walk_in_count


def day_missions(*, user, site, day: date) -> list[Mission] | None:
    """Missions of the day at the site visible to the user; None when the user may not see
    this site at all (the view answers 404)."""
    if not can_view_site_day(user, site):
        return None
    missions = Mission.objects.filter(
        site=site, date=day, status__in=[MissionStatus.CONFIRMED, MissionStatus.DONE]
    ).select_related("doctor", "site")
    doctor = doctor_of(user)
    if doctor is not None:
        missions = missions.filter(doctor=doctor)
        if not missions.exists():
            return None
    return list(missions)


def day_view(*, user, site, day: date) -> list[DoctorDay] | None:
    missions = day_missions(user=user, site=site, day=day)
    if missions is None:
        return None
    appointments = Appointment.objects.filter(mission__in=missions).order_by("start", "id")
    grouped: dict[int, list[Appointment]] = {m.pk: [] for m in missions}
    for appointment in appointments:
        if appointment.site_id == site.pk:
            appointment.site = site  # the page's site, read once
        grouped[appointment.mission_id].append(appointment)
    free: dict[int, list] = {m.pk: [] for m in missions}
    blocked: dict[int, int] = {m.pk: 0 for m in missions}
    slots = (
        Slot.objects.filter(
            mission__in=missions, status__in=[SlotStatus.AVAILABLE, SlotStatus.BLOCKED]
        )
        .order_by("start")
        .values_list("mission_id", "status", "start")
    )
    for mission_id, status, start in slots:
        if status == SlotStatus.AVAILABLE:
            free[mission_id].append(start)
        else:
            blocked[mission_id] += 1
    return [
        DoctorDay(
            mission=m,
            appointments=grouped[m.pk],
            free_slots=len(free[m.pk]),
            can_manage=can_manage_mission_day(user, m),
            sees_patients=sees_patients(user, m),
            free_times=free[m.pk],
            blocked_slots=blocked[m.pk],
        )
        for m in missions
    ]


def agenda_days(
    *, user, today: date | None = None, horizon_days: int = 60, past_days: int = 0
) -> list[Mission]:
    """Confirmed missions whose day view the user may open, with appointment counts: the
    coming `horizon_days`, or with `past_days` the days before today (most recent first: to
    correct a mark, to see who came)."""
    today = today or timezone.localdate()
    if past_days:
        span = {"date__gte": today - timedelta(days=past_days), "date__lt": today}
    else:
        span = {"date__gte": today, "date__lte": today + timedelta(days=horizon_days)}
    missions = Mission.objects.filter(
        status__in=[MissionStatus.CONFIRMED, MissionStatus.DONE], **span
    ).select_related("site", "doctor")
    doctor = doctor_of(user)
    if doctor is not None:
        missions = missions.filter(doctor=doctor)
    elif has_role(user, Role.SITE_MANAGER):
        missions = missions.filter(site__manager=user)
    elif has_role(user, Role.ARS_AGENT):
        missions = missions.filter(site__region_id=user.region_id)
    elif not has_role(user, Role.NATIONAL, Role.ADMIN):
        return []
    order = ("-date", "site__name") if past_days else ("date", "site__name")
    result = list(missions.order_by(*order)[:200])
    counts = dict(
        Appointment.objects.holding()
        .filter(mission__in=[m.pk for m in result])
        .values_list("mission_id")
        .annotate(n=Count("id"))
    )
    for mission in result:
        mission.appointment_count = counts.get(mission.pk, 0)
    return result
