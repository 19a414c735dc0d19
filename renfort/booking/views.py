"""HTML views of the booking app: parse input, call services/selectors, render French pages."""

from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from renfort.accounts.permissions import role_required
from renfort.core.forms import attach_errors, titled
from renfort.planning.models import Mission
from renfort.sites.models import Site
from renfort.territories.timezones import local_time_of
from renfort.zoning.models import PriorityZone

from . import selectors, services
from .forms import (
    PERIODS,
    BookingForm,
    MarkForm,
    SearchForm,
    TokenForm,
    WaitlistForm,
    WalkInForm,
)
from .ics import appointment_ics
from .models import Slot
from .permissions import (
    DAY_VIEW_ROLES,
    can_manage_appointment,
    can_manage_mission_day,
    can_view_mission_day,
)


def _private(response):
    """Secret-link pages: never cached, never indexed, the token never leaks as a referrer to
    another site (same-origin: a no-referrer policy would make browsers send `Origin: null` and
    fail the CSRF check of the cancel form)."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public search and booking ----------------------------------------------------------------


def search(request):
    form = SearchForm(request.GET or None)
    context = {
        "form": form,
        "searched": False,
        "max_distance_km": selectors.MAX_DISTANCE_KM,
        "periods": PERIODS,
    }
    context["no_origin"] = "q" in request.GET and form.is_valid() and not form.has_origin
    if form.is_bound and form.is_valid() and form.has_origin:
        data = form.cleaned_data
        origin = selectors.origin_resolve(
            query=data["q"],
            commune_code=data["commune"],
            latitude=data["lat"],
            longitude=data["lon"],
        )
        context["searched"] = True
        context["origin"] = origin
        if not data["commune"]:
            context["homonyms"] = selectors.homonyms(origin, data["q"])
            context["homonyms_by_postcode"] = selectors.is_postcode(data["q"].strip())
        if origin is not None:
            context["results"] = selectors.slots_search(
                origin=origin,
                day=data["date"],
                period=data["period"],
                own_zone_first=not data["proximity"],
            )
            context["zone"] = selectors.zone_of(origin.zone_id)
            # The footnote of the « * » only when a slot is still reserved (< 48 h: open to all).
            context["any_reserved"] = any(r.reserved_count for r in context["results"])
            if not context["results"]:
                context["nearest"] = selectors.nearest_sites(origin=origin)
    context["title"] = _search_title(form, context)
    return render(request, "booking/search.html", context)


def _search_title(form, context) -> str:
    """The page title says what the search found (RGAA 8.6), errors first (RGAA 11.10)."""
    if form.is_bound and form.errors:
        return titled("Prendre rendez-vous", form)
    origin = context.get("origin")
    if not context["searched"]:
        return "Prendre rendez-vous"
    if origin is None:
        return "Commune introuvable — Prendre rendez-vous"
    if context.get("results"):
        return f"Rendez-vous près de {origin.label} — Prendre rendez-vous"
    return f"Aucun créneau près de {origin.label} — Prendre rendez-vous"


def site_slots(request, pk: int):
    """All the next free slots of one site (from the search results)."""
    site = get_object_or_404(Site.objects.active().select_related("commune"), pk=pk)
    slots = list(selectors.site_bookable_slots(site=site)[:120])
    now = timezone.now()
    with local_time_of(site.departement_id):  # times as the site lives them (overseas too)
        return render(
            request,
            "booking/site_slots.html",
            {
                "title": f"Rendez-vous — {site.name}",
                "site": site,
                "slots": slots,
                "any_reserved": any(s.is_reserved_now(now) for s in slots),
            },
        )


def _bookable_slot_or_404(pk: int) -> Slot:
    return get_object_or_404(
        Slot.objects.select_related("site__commune", "doctor").filter(
            site__in=Site.objects.active()
        ),
        pk=pk,
    )


def book(request, pk: int):
    """The booking form. A valid POST goes straight to the service (which answers "slot gone"
    for a slot of an inactive site); the slot is read for display only when the form is shown."""
    data = request.POST if request.method == "POST" else None
    form = BookingForm(data)
    token_form = TokenForm(data)
    slot_error = ""  # the slot itself refused (taken meanwhile, past, reserved, limit…)
    token_reused = False  # the form was already used: its booking stands (never shown here)
    if request.method == "POST":
        if form.is_valid() and token_form.is_valid():
            try:
                patient = services.patient_check(
                    data=form.patient_data(), consent=form.cleaned_data["consent"]
                )
                appointment, _ = services.appointment_book(
                    slot_id=pk,
                    patient=patient,
                    submission_token=token_form.cleaned_data["token"],
                    require_active_site=True,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    attach_errors(form, exc)
                else:
                    _bookable_slot_or_404(pk)  # a slot that does not exist (any more): 404
                    slot_error = " ".join(exc.messages)
                    if exc.code == "token_reused":
                        token_reused = True
                        token_form = TokenForm()  # a fresh key for the corrected form
            else:
                messages.success(
                    request,
                    f"Votre rendez-vous est confirmé. Référence : {appointment.reference}. "
                    + sent_to(appointment),
                )
                return redirect("booking:manage", secret=appointment.secret)
        else:
            form.add_rule_errors()
        if token_form.errors:
            messages.error(request, "Le formulaire a expiré : vérifiez les champs et renvoyez-le.")
    slot = _bookable_slot_or_404(pk)
    now = timezone.now()
    with local_time_of(slot.site.departement_id):
        return render(
            request,
            "booking/book.html",
            {
                "title": "Erreur — Réserver ce créneau"
                if slot_error
                else titled("Réserver ce créneau", form),
                "slot_error": slot_error,
                "token_reused": token_reused,
                "slot": slot,
                "available": slot.status == "available" and slot.start > now,
                "reserved_now": slot.is_reserved_now(now),
                "form": form,
                "token_form": token_form if data else TokenForm(),
            },
        )


def sent_to(appointment) -> str:
    """Where the confirmation went, masked (« Confirmation envoyée à c•••@exemple.fr et au
    06 •• •• •• 78 »), so that a typo is seen at once; the page is the secret link's."""
    places = []
    if appointment.email:
        places.append(f"à {appointment.masked_email}")
    if appointment.phone:
        places.append(f"au {appointment.masked_phone}")
    if not places:
        return ""
    return (
        f"Confirmation envoyée {' et '.join(places)}. Si ce n'est pas votre adresse ou votre "
        "numéro, annulez ce rendez-vous ci-dessous et réservez de nouveau avec les bonnes "
        "coordonnées."
    )


def notice(request):
    return render(
        request,
        "booking/notice.html",
        {"title": "Vos données personnelles (prise de rendez-vous)"},
    )


# --- Secret link: see, cancel, move -----------------------------------------------------------


def _appointment_or_404(secret: str):
    appointment = selectors.appointment_by_secret(secret)
    if appointment is None:
        raise Http404("Rendez-vous introuvable.")
    return appointment


@never_cache
def manage(request, secret: str):
    appointment = _appointment_or_404(secret)
    with local_time_of(appointment.site.departement_id):
        return _private(
            render(
                request,
                "booking/manage.html",
                {
                    "title": f"Rendez-vous {appointment.reference}",
                    "appointment": appointment,
                    "can_change": appointment.cancellable_by_patient(),
                    "is_past": appointment.start <= timezone.now(),
                },
            )
        )


@require_POST
def cancel(request, secret: str):
    appointment = _appointment_or_404(secret)
    try:
        services.appointment_cancel(appointment=appointment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Votre rendez-vous est annulé. Le créneau est libéré.")
    return _private(redirect("booking:manage", secret=secret))


@never_cache
def move(request, secret: str):
    appointment = _appointment_or_404(secret)
    if request.method == "POST":
        try:
            slot_id = int(request.POST.get("slot", ""))
            services.appointment_move(appointment=appointment, slot_id=slot_id)
        except (ValueError, ValidationError) as exc:
            text = (
                " ".join(exc.messages)
                if isinstance(exc, ValidationError)
                else "Choisissez un créneau."
            )
            messages.error(request, text)
        else:
            messages.success(request, "Votre rendez-vous a été déplacé.")
            return _private(redirect("booking:manage", secret=secret))
    slots = [
        s
        for s in selectors.site_bookable_slots(site=appointment.site)[:80]
        if not s.is_reserved_now() or appointment.is_priority
    ]
    with local_time_of(appointment.site.departement_id):
        return _private(
            render(
                request,
                "booking/move.html",
                {
                    "title": "Déplacer mon rendez-vous",
                    "appointment": appointment,
                    "slots": slots,
                    "can_change": appointment.cancellable_by_patient(),
                },
            )
        )


def ics(request, secret: str):
    appointment = _appointment_or_404(secret)
    response = HttpResponse(
        appointment_ics(appointment, cancelled=appointment.status == "cancelled"),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="rendez-vous-{appointment.reference}.ics"'
    )
    return _private(response)


# --- Waiting list -----------------------------------------------------------------------------


def waitlist_register(request):
    site = Site.objects.active().filter(pk=_int(request.GET.get("site"))).first()
    zone = (
        PriorityZone.objects.current()
        .select_related("epci")
        .filter(pk=_int(request.GET.get("zone")))
        .first()
    )
    if site is None and zone is None:
        if request.GET.get("site") or request.GET.get("zone"):
            place = (
                "Ce lieu de consultation n'existe pas ou ne reçoit plus de patients"
                if request.GET.get("site")
                else "Cette zone n'est pas une zone prioritaire en vigueur"
            )
            messages.warning(
                request,
                f"{place} : cherchez un lieu près de chez vous, puis inscrivez-vous sur sa liste "
                "d'attente.",
            )
        else:
            messages.info(
                request,
                "Pour vous inscrire sur une liste d'attente, cherchez d'abord un lieu de "
                "consultation près de chez vous.",
            )
        return redirect("booking:search")
    data = request.POST if request.method == "POST" else None
    today = timezone.localdate()
    form = WaitlistForm(data, initial={"start_date": today})
    token_form = TokenForm(data)
    if request.method == "POST":
        if form.is_valid() and token_form.is_valid():
            try:
                patient = services.patient_check(
                    data=form.patient_data(), consent=form.cleaned_data["consent"]
                )
                entry, created = services.waitlist_register(
                    patient=patient,
                    start_date=form.cleaned_data["start_date"],
                    end_date=form.cleaned_data["end_date"],
                    site=site,
                    zone=zone,
                    submission_token=token_form.cleaned_data["token"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:  # Post/Redirect/Get: reloading the page never sends the form again
                url = reverse("booking:waitlist_done", args=[entry.secret])
                return redirect(url + ("?nouvelle=1" if created else ""))
        else:
            form.add_rule_errors()
    return render(
        request,
        "booking/waitlist.html",
        {
            "title": titled("Liste d'attente", form),
            "site": site,
            "zone": zone,
            "form": form,
            "token_form": token_form if data else TokenForm(),
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@never_cache
def waitlist_done(request, secret: str):
    """Where a registration leads (its secret, as the leave link): what was recorded."""
    from .models import WaitingListEntry

    entry = WaitingListEntry.objects.filter(secret=secret).first() if len(secret) <= 64 else None
    if entry is None:
        raise Http404("Inscription introuvable.")
    return _private(
        render(
            request,
            "booking/waitlist_done.html",
            {
                "title": "Inscription enregistrée",
                "entry": entry,
                "created": request.GET.get("nouvelle") == "1",
            },
        )
    )


@never_cache
def waitlist_leave(request, secret: str):
    from .models import WaitingListEntry

    entry = WaitingListEntry.objects.filter(secret=secret).first() if len(secret) <= 64 else None
    if entry is None:
        raise Http404("Inscription introuvable.")
    if request.method == "POST":
        services.waitlist_leave(entry=entry)
        messages.success(request, "Vous êtes désinscrit(e) de la liste d'attente.")
        return _private(redirect("booking:search"))
    return _private(
        render(request, "booking/waitlist_leave.html", {"title": "Se désinscrire", "entry": entry})
    )


@never_cache
def offer(request, secret: str):
    found = services.offer_by_secret(secret)
    if found is None:
        raise Http404("Proposition introuvable.")
    if request.method == "POST":
        try:
            appointment = services.waitlist_offer_accept(offer=found)
        except ValidationError as exc:
            found.refresh_from_db()
            if found.status != "accepted":  # already accepted: the page itself says so
                messages.error(request, " ".join(exc.messages))
            return _private(redirect("booking:offer", secret=secret))
        messages.success(
            request,
            f"Le créneau est à vous. Référence : {appointment.reference}. " + sent_to(appointment),
        )
        return _private(redirect("booking:manage", secret=appointment.secret))
    with local_time_of(found.slot.site.departement_id):
        return _private(
            render(
                request,
                "booking/offer.html",
                {
                    "title": "Un créneau s'est libéré",
                    "offer": found,
                    # Taken meanwhile by someone who confirmed first: no invitation to book it.
                    "slot_taken": found.slot.status != "available",
                    "open": found.is_open() and found.slot.status == "available",
                },
            )
        )


# --- Day view (site managers, doctors, ARS) ---------------------------------------------------


@role_required(*DAY_VIEW_ROLES)
def agenda(request):
    return render(
        request,
        "booking/agenda.html",
        {
            "title": "Consultations et rendez-vous",
            "missions": selectors.agenda_days(user=request.user),
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


def _day_page(request, site, the_day, doctor_days, cancel_error=None):
    """cancel_error: {"pk", "message", "reason"} of a refused cancellation, shown on its row
    with the reason as typed (never lost)."""
    for doctor_day in doctor_days:
        for appointment in doctor_day.appointments:
            appointment.contact = selectors.contact_label(request.user, appointment)
        # One walk-in form per doctor: ids of its own (two doctors the same day, RGAA 8.2).
        doctor_day.walk_in_form = WalkInForm(
            initial={"time": services.walk_in_default_time(doctor_day.mission)},
            auto_id=f"id_walk_in_{doctor_day.mission.pk}_%s",
        )
    return render(
        request,
        "booking/day.html",
        {
            "title": ("Erreur — " if cancel_error else "")
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
            "cancel_error": cancel_error or {},
        },
        status=400 if cancel_error else 200,
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
            )
        except ValidationError as exc:
            message = f"{_who(appointment)} : {' '.join(exc.messages)}"
            if form.cleaned_data["status"] == "cancelled" and exc.code == "reason":
                return _day_again(request, appointment, message, form.cleaned_data["reason"])
            messages.error(request, message)
        else:
            messages.success(request, _marked(appointment, form.cleaned_data["status"]))
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
            cancel_error={"pk": appointment.pk, "message": message, "reason": reason},
        )


def _who(appointment) -> str:
    """« DURAND Marie, 16h40 » (the site's clock), as the day view lists them."""
    at = timezone.localtime(appointment.start, appointment.mission.site.tz)
    return f"{appointment.last_name.upper()} {appointment.first_name}, {at:%Hh%M}"


MARKED = {
    "seen": "marqué(e) vu(e)",
    "excused": "marqué(e) excusé(e)",
    "no_show": "marqué(e) absent(e)",
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
    if not can_manage_mission_day(request.user, mission):
        raise Http404  # another site's mission: not even its date is told
    form = WalkInForm(request.POST)
    if form.is_valid():
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
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{_who(added)} : patient sans rendez-vous ajouté.")
    else:
        messages.error(request, "Indiquez le nom, le prénom et l'heure.")
    return redirect("booking:day", pk=mission.site_id, day=mission.date.isoformat())
