"""The demo doctor's own consultations, relative to the day the demo is generated: a mission
earlier this month, one today and one in the coming days, all confirmed, at the active host
site nearest to the doctor's practice (its manager is a demo account, printed by `make run`).
The booking demo then lays their slots and books fictitious patients. Opening days are
respected: a site closed today (weekend, public holiday, weekly pattern) gets an exceptional
opening through the sites service, as its manager would add it. Idempotent (fixed tokens)."""

import uuid
from datetime import date, timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from renfort.accounts.models import Role, User
from renfort.core.geo import travel_minutes, travel_minutes_many
from renfort.doctors.models import Doctor
from renfort.sites import opening
from renfort.sites.models import OpeningException, Site
from renfort.sites.selectors import site_closed_reason
from renfort.sites.services import opening_exception_add

from .demo import DEMO_DOCTOR_EMAIL
from .models import HOLDING_STATUSES, Mission, MissionHistory, MissionStatus

M = MissionStatus
NAMESPACE = uuid.UUID("3c1f6a2e-8b0d-4f57-a1c4-5e9d2b7f0c31")
# (role, period): the past one and the coming one are half-days, so that with today's full day
# the doctor stays within 2 days a month.
ROLES = [("past", "morning"), ("today", "full"), ("coming", "afternoon")]
SEARCH_DAYS = 21
OPENING_REASON = "Consultation du médecin de démonstration (fictive)."


def mission_token(role: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"demo-doctor-{role}")


def demo_doctor_missions() -> dict[str, Mission]:
    """The demo doctor's missions made here, by role ("past", "today", "coming")."""
    tokens = {mission_token(role): role for role, _ in ROLES}
    missions = Mission.objects.filter(token__in=tokens).select_related("site__manager", "doctor")
    return {tokens[m.token]: m for m in missions}


def demo_doctor_site(doctor: Doctor) -> Site | None:
    """The active site with weekly openings nearest to the doctor's practice."""
    sites = list(
        Site.objects.active()
        .filter(weekly_openings__isnull=False, latitude__isnull=False)
        .select_related("manager")
        .distinct()
        .order_by("pk")
    )
    commune = doctor.practice_commune
    if not sites or commune.latitude is None:
        return None
    minutes = travel_minutes_many(
        commune.latitude,
        commune.longitude,
        np.array([s.latitude for s in sites]),
        np.array([s.longitude for s in sites]),
    )
    return sites[int(np.argmin(minutes))]


def generate(*, rng, stdout, today: date | None = None) -> None:
    """`today`: the day the demo is generated (tests try weekends and public holidays)."""
    doctor = (
        Doctor.objects.select_related("user", "practice_commune").filter(
            user__email=DEMO_DOCTOR_EMAIL
        )
    ).first()
    if doctor is None or demo_doctor_missions():
        return
    site = demo_doctor_site(doctor)
    if site is None:
        return
    today = today or timezone.localdate()
    with transaction.atomic():
        _open_today(site, today)
        days = _days(doctor, site, today)
        _create(doctor, site, days)
    stdout.write(
        f"  médecin de démonstration : missions confirmées à {site.name} le "
        + ", ".join(f"{day:%d/%m}" for day, _ in sorted(days.values()))
    )


def _open_today(site: Site, today: date) -> None:
    if site_closed_reason(site, today, "full"):
        opening_exception_add(
            site=site,
            actor=site.manager,
            kind=OpeningException.Kind.OPEN,
            start_date=today,
            period=opening.WHOLE_DAY,
            reason=OPENING_REASON,
        )


def _free(doctor: Doctor, site: Site, day: date, period: str) -> bool:
    """The site opens for that period, has a room, and the doctor is free that day."""
    if site_closed_reason(site, day, period):
        return False
    if Mission.objects.filter(doctor=doctor, date=day, status__in=HOLDING_STATUSES).exists():
        return False
    taken = Mission.objects.filter(site=site, date=day, status__in=[M.CONFIRMED, M.DONE])
    return taken.count() < site.rooms


def _first(doctor, site, period, days) -> date | None:
    return next((d for d in days if _free(doctor, site, d, period)), None)


def _days(doctor: Doctor, site: Site, today: date) -> dict[str, tuple[date, str]]:
    """The date of each mission: today; the latest open day before it (this month when the
    month has one); the first open day after it (this month first)."""
    periods = dict(ROLES)
    before = [today - timedelta(days=n) for n in range(1, SEARCH_DAYS + 1)]
    after = [today + timedelta(days=n) for n in range(1, SEARCH_DAYS + 1)]
    same_month = [d for d in before if d.month == today.month]
    past = _first(doctor, site, periods["past"], same_month) or _first(
        doctor, site, periods["past"], before
    )
    later = [d for d in after if d.month == today.month] + [
        d for d in after if d.month != today.month
    ]
    coming = _first(doctor, site, periods["coming"], later)
    days = {}
    if _free(doctor, site, today, periods["today"]):
        days["today"] = (today, periods["today"])
    if past:
        days["past"] = (past, periods["past"])
    if coming:
        days["coming"] = (coming, periods["coming"])
    return days


def _create(doctor: Doctor, site: Site, days: dict[str, tuple[date, str]]) -> None:
    ars = (
        User.objects.filter(role=Role.ARS_AGENT, region_id=site.region_id).order_by("pk").first()
        or User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    )
    minutes = round(
        travel_minutes(
            doctor.practice_commune.latitude,
            doctor.practice_commune.longitude,
            site.latitude,
            site.longitude,
        )
    )
    for role, (day, period) in days.items():
        mission = Mission.objects.create(
            doctor=doctor,
            site=site,
            date=day,
            period=period,
            status=M.CONFIRMED,
            travel_minutes=minutes,
            explanation="Mission de démonstration (fictive), au lieu le plus proche du cabinet.",
            token=mission_token(role),
        )
        previous = M.DRAFT
        for step, actor in [
            (M.PROPOSED, ars),
            (M.ACCEPTED, doctor.user),
            (M.CONFIRMED, site.manager),
        ]:
            MissionHistory.objects.create(
                mission=mission,
                from_status=previous,
                to_status=step,
                actor=actor,
                comment="Données de démonstration.",
            )
            previous = step


def logins() -> list[tuple[str, str]]:
    missions = demo_doctor_missions()
    if not missions:
        return []
    site = next(iter(missions.values())).site
    return [
        (site.manager.email, f"Gestionnaire — {site.name} (missions du médecin de démonstration)")
    ]
