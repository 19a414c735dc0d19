"""Day view of a site or a doctor (site managers, doctors, ARS): the day's appointments per
doctor, marks, cancellations with a reason, walk-in patients. The public pages are in views.py."""

from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renfort.accounts.permissions import role_required
from renfort.core.forms import attach_errors
from renfort.core.text import hour
from renfort.planning.models import Mission
from renfort.planning.permissions import can_act_on_mission
from renfort.sites.models import Site
from renfort.territories.timezones import local_time_of

from . import selectors, services
from .forms import MarkForm, WalkInForm
from .permissions import (
    DAY_VIEW_ROLES,
    can_manage_appointment,
    can_manage_mission_day,
    can_view_mission_day,
)

PAST_DAYS = 30  # the agenda's past consultations: to correct a mark, to see who came


@role_required(*DAY_VIEW_ROLES)
def agenda(request):
    return render(
        request,
        "booking/agenda.html",
        {
            "title": "Agenda des consultations",  # as the menu names it
            "missions": selectors.agenda_days(user=request.user),
            "past_missions": selectors.agenda_days(user=request.user, past_days=PAST_DAYS),
            "past_days": PAST_DAYS,
        },
    )


@role_required(*DAY_VIEW_ROLES)
def day(request, pk: int, day: str):
    site = get_object_or_404(Site.objects.select_related("commune"), pk=pk)
    try:
        the_day = date.fromisoformat(day)
    except ValueError as exc:
        raise Http404("Date invalide.") from exc
    doctor_days = selectors.day_view(user=request.user, site=site, day=the_day)
    if doctor_days is None:
        raise Http404("Journée introuvable.")
    with local_time_of(site.departement_id):  # the site's clock: today, now, the times shown
        return _day_page(request, site, the_day, doctor_days)


def _day_page(request, site, the_day, doctor_days, cancel_error=None, walk_in=None):
    """cancel_error: {"pk", "message", "reason"} of a refused cancellation, shown on its row
    with the reason as typed (never lost). walk_in: (mission id, form) of a refused walk-in,
    shown as typed with its errors."""
    from renfort.planning.selectors import mission_hours  # planning depends on booking

    for doctor_day in doctor_days:
        if walk_in is not None and walk_in[0] == doctor_day.mission.pk:
            doctor_day.walk_in_form = walk_in[1]
        else:
            doctor_day.walk_in_form = WalkInForm(
                initial={"time": services.walk_in_default_time(doctor_day.mission)},
                auto_id=walk_in_auto_id(doctor_day.mission),
            )
        # The doctor's hours within the site's, on the screen and on the printout.
        doctor_day.hours = mission_hours(doctor_day.mission)
    return render(
        request,
        "booking/day.html",
        {
            "title": ("Erreur — " if cancel_error else "")
            + ("Erreur dans le formulaire — " if walk_in else "")
            + f"Rendez-vous du {the_day:%d/%m/%Y} — {site.name}",
            "site": site,
            "day": the_day,
            "doctor_days": doctor_days,
            "marks": [("seen", "Vu"), ("excused", "Excusé"), ("no_show", "Absent")],
            # Marks from the day on, walk-ins on the day only (the services refuse the rest).
            "can_mark": the_day <= timezone.localdate(),
            # Read-only roles (ARS, national) never mark: no « Vous pourrez marquer… » for them.
            "can_act": any(d.can_manage for d in doctor_days),
            "is_today": the_day == timezone.localdate(),
            "now": timezone.now(),
            "seen_until": timezone.now() + services.SEEN_EARLY,
            "cancel_error": cancel_error or {},
        },
        status=400 if cancel_error or walk_in else 200,
    )


@require_POST
@role_required(*DAY_VIEW_ROLES)
def mark(request, pk: int):
    from .models import Appointment

    appointment = get_object_or_404(Appointment.objects.select_related("mission__site"), pk=pk)
    if not can_manage_appointment(request.user, appointment):
        if not can_view_mission_day(request.user, appointment.mission):
            raise Http404  # another site's appointment: not even its existence is told
        raise PermissionDenied("Vous ne pouvez gérer que les rendez-vous de vos consultations.")
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_mark(
                appointment=appointment,
                actor=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                block_slot=form.cleaned_data["block_slot"],
                shown_status=form.cleaned_data["shown"],
            )
        except ValidationError as exc:
            message = f"{_who(appointment)} : {' '.join(exc.messages)}"
            if form.cleaned_data["status"] == "cancelled" and exc.code == "reason":
                return _day_again(request, appointment, message, form.cleaned_data["reason"])
            messages.error(request, message)
        else:
            messages.success(request, _marked(appointment, form.cleaned_data["status"]))
    elif form.has_error("reason") and request.POST.get("status") == "cancelled":
        message = f"{_who(appointment)} : {form.errors['reason'][0]}"
        return _day_again(request, appointment, message, request.POST.get("reason", ""))
    else:
        messages.error(request, "Action inconnue.")
    url = reverse("booking:day", args=[appointment.site_id, appointment.mission.date.isoformat()])
    return redirect(f"{url}#appointment-{appointment.pk}")


def _day_again(request, appointment, message: str, reason: str):
    """The day page again, the refused cancellation's message and typed reason on its row."""
    site, the_day = appointment.mission.site, appointment.mission.date
    doctor_days = selectors.day_view(user=request.user, site=site, day=the_day)
    with local_time_of(site.departement_id):
        return _day_page(
            request,
            site,
            the_day,
            doctor_days,
            cancel_error={
                "pk": appointment.pk,
                "message": message,
                "reason": reason,
                "block": bool(request.POST.get("block_slot")),  # the box as ticked
            },
        )


def _who(appointment) -> str:
    """« DURAND Marie, 16 h 40 » (the site's clock), as the day view lists them."""
    at = timezone.localtime(appointment.start, appointment.mission.site.tz)
    return f"{appointment.last_name.upper()} {appointment.first_name}, {hour(at)}"


MARKED = {
    "seen": "marqué(e) vu(e)",
    "excused": "marqué(e) excusé(e)",
    "no_show": "marqué(e) absent(e)",
    "booked": "marquage effacé, à marquer de nouveau",
}


def _marked(appointment, status: str) -> str:
    if status != "cancelled":
        return f"{_who(appointment)} : {MARKED[status]}."
    if appointment.walk_in:
        return f"{_who(appointment)} : passage sans rendez-vous retiré."
    return (
        f"{_who(appointment)} : rendez-vous annulé. Le patient est prévenu avec le motif et "
        "d'autres créneaux lui sont proposés."
    )


@require_POST
@role_required(*DAY_VIEW_ROLES)
def walk_in(request, pk: int):
    mission = get_object_or_404(Mission.objects.select_related("site", "doctor"), pk=pk)
    if not can_manage_mission_day(request.user, mission) or not can_act_on_mission(
        request.user, mission
    ):
        raise Http404  # another site's mission, or a draft: not even its date is told
    form = WalkInForm(request.POST, auto_id=walk_in_auto_id(mission))
    if not form.is_valid():
        return _walk_in_again(request, mission, form)
    at = datetime.combine(mission.date, form.cleaned_data["time"], tzinfo=mission.site.tz)
    try:
        added = services.appointment_walk_in_add(
            mission=mission,
            actor=request.user,
            last_name=form.cleaned_data["last_name"],
            first_name=form.cleaned_data["first_name"],
            at=at,
            submission_token=form.cleaned_data["token"],
        )
    except ValidationError as exc:
        if getattr(exc, "code", None) in WALK_IN_ERROR_FIELDS:
            form.add_error(WALK_IN_ERROR_FIELDS[exc.code], exc.messages[0])
        else:
            attach_errors(form, exc)
        return _walk_in_again(request, mission, form)
    messages.success(request, f"{_who(added)} : patient sans rendez-vous ajouté.")
    return redirect("booking:day", pk=mission.site_id, day=mission.date.isoformat())


# A refused walk-in's message goes under the field it concerns (the others above the form).
WALK_IN_ERROR_FIELDS = {"walk_in_hours": "time"}


def walk_in_auto_id(mission) -> str:
    """One walk-in form per doctor of the day: ids of its own (RGAA 8.2)."""
    return f"id_walk_in_{mission.pk}_%s"


def _walk_in_again(request, mission, form):
    """The day page again, the refused walk-in form as typed with its errors (never lost), the
    focus on the first field in error (the form is below the day's table: the page would
    otherwise open at its top, the error out of sight)."""
    first = next((name for name in form.fields if name in form.errors), "last_name")
    if first in form.fields:
        form.fields[first].widget.attrs["autofocus"] = True
    site, the_day = mission.site, mission.date
    doctor_days = selectors.day_view(user=request.user, site=site, day=the_day)
    with local_time_of(site.departement_id):
        return _day_page(request, site, the_day, doctor_days, walk_in=(mission.pk, form))
