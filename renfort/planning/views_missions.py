"""Mission pages: one mission (detail, status changes) for the doctor, the site and the ARS;
the doctor's missions and calendar file; the site's coming missions. The ARS's planning screen
is in views.py."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.views.decorators.http import require_POST, require_safe

from renfort.accounts.models import Role
from renfort.accounts.permissions import has_role, role_required
from renfort.core.ics import CalendarEvent, ics_calendar
from renfort.core.links import absolute_url

from . import selectors, services
from .models import MISSION_REASON_LIMIT, Mission, MissionHistory, MissionStatus
from .permissions import PLANNER_ROLES, can_act_on_mission
from .views import _actions, _error_text, actions_summary

M = MissionStatus


def _back_link(user, mission) -> tuple[str, str]:
    """Where the mission page leads back to, for its reader."""
    if has_role(user, Role.DOCTOR):
        return reverse("planning:doctor_missions"), "Retour à mes missions"
    if has_role(user, Role.SITE_MANAGER):
        return reverse("planning:site_missions"), "Retour aux missions du lieu"
    url = f"{reverse('planning:index')}?mois={mission.date:%Y-%m}&region={mission.site.region_id}"
    return url + f"#mission-{mission.pk}", "Retour à la planification"


def _local_next(request, value: str) -> str:
    """A page of this site to go back to (never another site)."""
    safe = value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if safe else ""


# Who is emailed when a confirmed mission is cancelled, said to the one cancelling it.
CANCEL_INFORMED = {
    Role.DOCTOR: "au lieu d'accueil et à l'ARS",
    Role.SITE_MANAGER: "au médecin et à l'ARS",
    None: "au médecin et au lieu d'accueil",  # the ARS
}


@require_POST
@role_required(Role.DOCTOR, Role.SITE_MANAGER, *PLANNER_ROLES)
def mission_transition(request, pk: int):
    mission = get_object_or_404(Mission.objects.select_related("site", "doctor"), pk=pk)
    if not can_act_on_mission(request.user, mission):
        raise Http404
    to_status = request.POST.get("to_status", "")
    comment = request.POST.get("comment", "")
    # The status the page showed: the action is refused if it changed meanwhile.
    from_status = request.POST.get("from_status", "")[:30] or None
    nxt = _local_next(request, request.POST.get("next", ""))
    if (
        to_status == M.CANCELLED
        and request.POST.get("confirme") != "1"
        and any(a["to"] == to_status for a in _actions(request.user, mission))
    ):
        booked = selectors.mission_booked_appointments(mission)
        if booked:  # patients would lose their appointments: ask first
            return render(
                request,
                "planning/mission_cancel.html",
                {
                    "title": f"Annuler la mission du {mission.date:%d/%m/%Y}",
                    "mission": mission,
                    "booked": booked,
                    # Who hears of it (services._after_transition): the others.
                    "informed": CANCEL_INFORMED.get(request.user.role, CANCEL_INFORMED[None]),
                    "comment": comment,
                    "comment_limit": MISSION_REASON_LIMIT,
                    "release_date": request.POST.get("liberer_date") == "1",
                    "from_status": from_status or mission.status,
                    "next": nxt,
                    "back": nxt or reverse("planning:mission_detail", args=[pk]),
                },
            )
    try:
        services.mission_transition(
            mission=mission,
            actor=request.user,
            to_status=to_status,
            comment=comment,
            from_status=from_status,
            release_date=request.POST.get("liberer_date") == "1",
        )
        mission.refresh_from_db()
        done = _done_message(request.user, mission)
        if request.POST.get("liberer_date") == "1" and has_role(request.user, Role.DOCTOR):
            done += " Cette date n'est plus dans vos disponibilités."
        messages.success(request, done)
    except (ValidationError, PermissionDenied) as exc:
        if getattr(exc, "code", None) == "reason":  # the reason typed: shown again with it
            typed = {"to": to_status, "comment": comment[:2000], "error": _error_text(exc)}
            return _detail(request, mission, typed=typed, next_page=nxt)
        messages.error(request, _error_text(exc))
    if nxt:
        return redirect(nxt)
    return redirect("planning:mission_detail", pk=pk)


# What the doctor reads after acting on their own mission (in the first person).
DOCTOR_DONE = {
    M.ACCEPTED: (
        "Vous avez accepté la mission du {day} : le lieu d'accueil (ou l'ARS) va la confirmer."
    ),
    M.DECLINED: "Vous avez décliné la mission du {day}. L'ARS en est informée.",
    M.CANCELLED: "Vous avez annulé la mission du {day}. L'ARS en est informée.",
}


def _done_message(user, mission: Mission) -> str:
    day = f"{mission.date:%d/%m/%Y}"
    if has_role(user, Role.DOCTOR) and mission.status in DOCTOR_DONE:
        return DOCTOR_DONE[mission.status].format(day=day)
    return f"Mission du {day} : {mission.get_status_display().lower()}."


def _explanation_for(user, mission: Mission) -> str:
    """Why this mission. « … (conservée) » is the planning's word for a mission a new
    calculation kept: the ARS's, not the doctor's or the site's."""
    if has_role(user, *PLANNER_ROLES):
        return mission.explanation
    parts = [p for p in mission.explanation.split(", ") if not p.endswith("(conservée)")]
    return capfirst(", ".join(parts))


def _history_for(user, mission: Mission) -> list:
    """The ARS reads the whole history. The doctor and the site read it from the publication
    on, with the reasons of refusals and cancellations only (the tool's drafts and the ARS's
    notes are its working papers)."""
    history = list(mission.history.select_related("actor"))
    if has_role(user, *PLANNER_ROLES):
        return history
    shown = [h for h in history if h.to_status != M.DRAFT]
    for h in shown:
        if h.to_status not in (M.CANCELLED, M.DECLINED):
            h.comment = ""
        h.hide_from = h.from_status == M.DRAFT  # « Proposition de l'outil » is internal
    return shown


@require_safe
@role_required(Role.DOCTOR, Role.SITE_MANAGER, *PLANNER_ROLES)
def mission_detail(request, pk: int):
    mission = get_object_or_404(
        Mission.objects.select_related("site__commune", "site__manager", "doctor__user"), pk=pk
    )
    if not can_act_on_mission(request.user, mission):
        raise Http404  # outside the user's missions, or never published to them
    return _detail(request, mission)


def _detail(request, mission: Mission, typed: dict | None = None, next_page: str = ""):
    """The mission's page; `typed`: an action refused for its reason, shown again with the
    text and the error (400), then back to `next_page` once done."""
    actions = [
        {**a, "typed": typed if typed and typed["to"] == a["to"] else {}}
        for a in _actions(request.user, mission)
    ]
    return render(
        request,
        "planning/mission_detail.html",
        {
            # Unique among the missions of a day (RGAA 8.6): the doctor and the site too.
            "title": ("Erreur — " if typed else "")
            + f"Mission du {mission.date:%d/%m/%Y} — Dr {mission.doctor.full_name}, "
            f"{mission.site.name}",
            "mission": mission,
            "site": mission.site,
            "history": _history_for(request.user, mission),
            "explanation": _explanation_for(request.user, mission),
            "actions": actions,
            "next": next_page,
            "booked": selectors.mission_booked_appointments(mission),
            "hours": selectors.mission_hours(mission)
            if mission.status in (M.PROPOSED, M.ACCEPTED, M.CONFIRMED, M.DONE)
            else [],
            "back": _back_link(request.user, mission),
            "show_lock": has_role(request.user, *PLANNER_ROLES),  # locking is the ARS's tool
            "for_doctor": has_role(request.user, Role.DOCTOR),  # their own mission
            "today": timezone.localdate(),
        },
        status=400 if typed else 200,
    )


@require_safe
@role_required(Role.DOCTOR)
def doctor_missions(request):
    doctor = getattr(request.user, "doctor", None)
    if doctor is None:
        raise Http404
    missions = list(selectors.doctor_missions(doctor))
    today = timezone.localdate()
    upcoming = [m for m in missions if m.date >= today]
    return render(
        request,
        "planning/doctor_missions.html",
        {
            "title": "Mes missions",
            "doctor": doctor,
            "to_answer": [m for m in upcoming if m.status == M.PROPOSED][::-1],
            "hours": {m.pk: selectors.mission_hours(m) for m in upcoming if m.status == M.PROPOSED},
            "upcoming": [m for m in upcoming if m.status in (M.ACCEPTED, M.CONFIRMED)][::-1],
            "dropped": [m for m in upcoming if m.status in (M.DECLINED, M.CANCELLED)][::-1],
            "past": [m for m in missions if m.date < today],
            "actions": {m.pk: _actions(request.user, m) for m in upcoming},
        },
    )


def _mission_description(mission: Mission) -> str:
    """Period, contact on site, practical information and the mission's page."""
    site = mission.site
    lines = [f"{mission.get_period_display()}."]
    if site.contact_name or site.phone:
        contact = " ".join(filter(None, [site.contact_name, site.phone_display]))
        lines.append(f"Contact sur place : {contact}.")
    if site.practical_info:
        lines.append(site.practical_info)
    lines.append("La mission : " + absolute_url("planning:mission_detail", mission.pk))
    return "\n".join(lines)


def _mission_event(mission: Mission) -> CalendarEvent:
    """The doctor's hours within the site's opening hours (as the patients' slots); the
    doctor's own hours when they do not meet the site's (the mission page says so)."""
    halves = selectors.mission_hours(mission)
    windows = [h.window for h in halves if h.window] or [h.doctor for h in halves]
    start, end = windows[0][0], windows[-1][1]
    site = mission.site
    tz = site.tz  # the site's local time (overseas sites have their own)
    return CalendarEvent(
        uid=f"mission-{mission.token}@renfort",
        start=timezone.make_aware(datetime.combine(mission.date, start), tz),
        end=timezone.make_aware(datetime.combine(mission.date, end), tz),
        summary=f"Mission Renfort — {site.name}",
        location=f"{site.address}, {site.commune.main_postcode} {site.commune.name}",
        description=_mission_description(mission),
        cancelled=mission.status in (M.CANCELLED, M.DECLINED),
        tentative=mission.status in (M.PROPOSED, M.ACCEPTED),
        sequence=mission.history_count,
    )


@require_safe
@role_required(Role.DOCTOR)
def doctor_ics(request):
    doctor = getattr(request.user, "doctor", None)
    if doctor is None:
        raise Http404
    # A cancelled mission stays, so that a calendar which had it removes it; one never
    # accepted was never in it (a proposal withdrawn by a pause).
    once_accepted = MissionHistory.objects.filter(
        mission=OuterRef("pk"), to_status__in=[M.ACCEPTED, M.CONFIRMED]
    )
    missions = (
        selectors.doctor_missions(doctor)
        .alias(once_accepted=Exists(once_accepted))
        .filter(
            Q(status__in=[M.ACCEPTED, M.CONFIRMED, M.DONE])
            | Q(status=M.CANCELLED, once_accepted=True)
        )
        .annotate(history_count=Count("history"))
        .prefetch_related("site__weekly_openings", "site__opening_exceptions")
    )
    response = HttpResponse(
        ics_calendar((_mission_event(m) for m in missions), name="Mes missions Renfort"),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="missions-renfort.ics"'
    return response


# Who cancelled a mission, said to its site.
CANCELLED_BY_LABEL = {Role.DOCTOR: "le médecin", Role.SITE_MANAGER: "votre lieu d'accueil"}


@require_safe
@role_required(Role.SITE_MANAGER)
def site_missions(request):
    missions = list(selectors.site_upcoming_missions(request.user))
    actions = {m.pk: _actions(request.user, m) for m in missions}
    cancelled = selectors.site_cancelled_missions(request.user)
    for mission in cancelled:
        mission.cancelled_by_label = CANCELLED_BY_LABEL.get(mission.cancelled_by_role, "l'ARS")
    return render(
        request,
        "planning/site_missions.html",
        {
            "title": "Missions à venir dans mon lieu",
            "missions": missions,
            "cancelled": cancelled,
            "actions": actions,
            "summaries": {pk: actions_summary(offered) for pk, offered in actions.items()},
            # The « Lieu » column only for a manager of several sites.
            "several_sites": request.user.managed_sites.count() > 1,
        },
    )
