"""HTML views of the booking app: parse input, call services/selectors, render French pages."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from renfort.core.forms import attach_errors, parse_id, titled
from renfort.core.templatetags.french import first_day_format
from renfort.core.text import hour
from renfort.core.validators import format_phone
from renfort.sites.models import Site
from renfort.territories.timezones import local_time_of

from . import selectors, services
from .forms import (
    PERIODS,
    BookingForm,
    LostLinkForm,
    SearchForm,
    TokenForm,
)
from .ics import appointment_ics
from .models import (
    AppointmentStatus,
    CancelledBy,
    Slot,
    change_cutoff_label,
    past_change_cutoff,
)
from .templatetags.booking_tags import near


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
        if origin is None:
            context["uncovered"] = uncovered_territory(data["q"])
        if not data["commune"]:
            typed = data["q"].strip()
            by_postcode = selectors.is_postcode(typed)
            # Named with the postcode typed: Osmery (18130) also has 18350.
            context["homonyms"] = [
                (c, f"{c.name} ({typed})" if by_postcode else c.label)
                for c in selectors.homonyms(origin, data["q"])
            ]
            context["homonyms_by_postcode"] = by_postcode
            if origin is not None and origin.commune is not None:
                context["origin_label"] = (
                    f"{origin.commune.name} ({typed})" if by_postcode else origin.commune.label
                )
        if origin is not None:
            context["results"] = selectors.slots_search(
                origin=origin,
                day=data["date"],
                period=data["period"],
                own_zone_first=not data["proximity"],
            )
            context["zone"] = selectors.zone_of(origin.zone_id)
            if context["zone"] is not None:  # what the sentence about the zone may say
                results = context["results"]
                context["zone_served"] = any(r.in_own_zone for r in results) or (
                    # by distance, a full page may leave out the zone's sites: not said empty
                    data["proximity"] and len(results) >= selectors.MAX_SITES
                )
                context["zone_sites"] = selectors.zone_site_count(origin.zone_id)
            context["listed"] = _listed(
                context["results"],
                # Unfiltered only: a site with no slot on a date may have some on others.
                []
                if data["date"] or data["period"] or not context["results"]
                else selectors.sites_without_slots(origin=origin, results=context["results"]),
                own_zone_first=not data["proximity"],
            )
            # The footnote of the « * » only when a slot is still reserved (< 48 h: open to all).
            context["any_reserved"] = any(r.reserved_count for r in context["results"])
            if not context["results"] and (data["date"] or data["period"]):
                # Nothing on this date or half-day: the next slots on other ones (one query,
                # only on this path), and the same search without the filters.
                context["no_slot_label"] = _no_slot_label(data["date"], data["period"], origin)
                context["unfiltered"] = selectors.next_slots(
                    origin=origin, own_zone_first=not data["proximity"]
                )
                unfiltered_query = request.GET.copy()
                for name in ("date", "period"):
                    unfiltered_query.pop(name, None)
                context["all_dates_url"] = (
                    f"{reverse('booking:search')}?{unfiltered_query.urlencode()}"
                )
            if not context["results"] and not context.get("unfiltered"):
                context["nearest"] = selectors.nearest_sites(origin=origin)
    context["title"] = _search_title(form, context)
    return render(request, "booking/search.html", context)


# Postcodes of territories outside the programme (its reference data hold none of their
# communes): said as such, not as a misspelt commune.
UNCOVERED_POSTCODES = {
    "975": "Saint-Pierre-et-Miquelon",
    "980": "Monaco",
    "986": "Wallis-et-Futuna",
    "987": "la Polynésie française",
    "988": "la Nouvelle-Calédonie",
}


def uncovered_territory(typed: str) -> str:
    typed = "".join((typed or "").split())
    place = UNCOVERED_POSTCODES.get(typed[:3]) if selectors.is_postcode(typed) else None
    if place is None:
        return ""
    return (
        f"Ce code postal est celui de {place}, où le dispositif « Un médecin près de chez vous » "
        "ne s'applique pas. Pour trouver un médecin, contactez votre caisse de sécurité "
        "sociale ; en cas d'urgence, appelez le 15 ou le 112."
    )


def _listed(results, without_slots, *, own_zone_first: bool) -> list:
    """The results as listed: the patient's own sites without a free slot (their waiting list
    offered) after the zone's sites with slots, or among the others by distance."""
    if own_zone_first:
        own = [r for r in results if r.in_own_zone]
        return own + without_slots + [r for r in results if not r.in_own_zone]
    return sorted([*results, *without_slots], key=lambda r: r.distance_km)


def _search_title(form, context) -> str:
    """The page title says what the search found (RGAA 8.6), errors first (RGAA 11.10)."""
    if (form.is_bound and form.errors) or context["no_origin"]:
        return titled("Prendre rendez-vous", error=True)
    origin = context.get("origin")
    if not context["searched"]:
        return "Prendre rendez-vous"
    if origin is None:
        return "Erreur : commune introuvable — Prendre rendez-vous"
    if context.get("results"):
        return f"Rendez-vous {near(origin.label)} — Prendre rendez-vous"
    if context.get("no_slot_label"):
        return f"{context['no_slot_label']} — Prendre rendez-vous"
    return f"Aucun créneau {near(origin.label)} — Prendre rendez-vous"


PERIOD_PHRASES = {"morning": ("le matin", "au matin"), "afternoon": ("l'après-midi",) * 2}


def _no_slot_label(day, period: str, origin) -> str:
    """« Aucun créneau le lundi 4 janvier au matin près de Lacaune » (a filtered search that
    found nothing says what it looked for)."""
    words = []
    if day:
        words.append("le " + date_format(day, first_day_format(day, "l j F")))
    if period in PERIOD_PHRASES:
        words.append(PERIOD_PHRASES[period][bool(day)])
    return " ".join(["Aucun créneau", *words, near(origin.label)])


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


class SlotGone(Http404):
    """A slot that no longer exists (consultation cancelled or re-timed, site closed)."""


def _bookable_slot_or_404(pk: int) -> Slot:
    slot = (
        Slot.objects.select_related("site__commune", "doctor")
        .filter(site__in=Site.objects.active(), pk=pk)
        .exclude(status__in=("cancelled", "blocked"))  # no longer offered to patients
        .first()
    )
    if slot is None:
        raise SlotGone("Créneau introuvable.")
    return slot


def _slot_gone(request) -> HttpResponse:
    """The page of a slot that no longer exists: says why it may be and where to go (404)."""
    return render(request, "booking/slot_gone.html", {"title": "Créneau supprimé"}, status=404)


def book(request, pk: int):
    """The booking form. A valid POST goes straight to the service (which answers "slot gone"
    for a slot of an inactive site); the slot is read for display only when the form is shown."""
    try:
        return _book_page(request, pk)
    except SlotGone:
        return _slot_gone(request)


def _book_page(request, pk: int):
    data = request.POST if request.method == "POST" else None
    form = BookingForm(data)
    token_form = TokenForm(data)
    slot_error = ""  # the slot itself refused (taken meanwhile, past, reserved, limit…)
    reserved_refused = False  # reserved for priority patients: another slot is offered
    token_reused = False  # the form was already used: its booking stands (never shown here)
    already_booked = False  # the same person booked this slot from another tab
    patient = None
    other_slots = None  # taken meanwhile: the site's other slots, to book with the same details
    if request.method == "POST":
        if form.is_valid() and token_form.is_valid():
            try:
                patient = services.patient_check(
                    data=form.patient_data(), consent=form.cleaned_data["consent"]
                )
                appointment, created = services.appointment_book(
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
                    reserved_refused = exc.code == "reserved"
                    already_booked = exc.code == "already_booked"
                    if exc.code in ("slot_taken", "slot_past") and patient is not None:
                        other_slots = []  # read below, once the slot is known to exist
                        token_form = TokenForm()  # a fresh key for the next choice
                    if exc.code == "token_reused":
                        token_reused = True
                        token_form = TokenForm()  # a fresh key for the corrected form
            else:
                if created:  # the same form sent again: its page, without a second banner
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
    if other_slots is not None:  # one query, only after that refusal
        other_slots = selectors.other_open_slots(
            slot=slot, is_priority=patient.is_priority, now=now
        )
    with local_time_of(slot.site.departement_id):
        # A title of its own per slot (RGAA 8.6): its time and its site.
        start = timezone.localtime(slot.start)
        what = f"Réserver le créneau du {start:%d/%m/%Y} à {hour(start)} — {slot.site.name}"
        return render(
            request,
            "booking/book.html",
            {
                "title": f"Erreur — {what}" if slot_error else titled(what, form),
                "slot_error": slot_error,
                "token_reused": token_reused,
                "already_booked": already_booked,
                "reserved_refused": reserved_refused,
                # Only after that refusal (the patient has a médecin traitant, not in ALD).
                "next_slot": selectors.next_open_slot(slot=slot, is_priority=False, now=now)
                if reserved_refused
                else None,
                "slot": slot,
                # Taken meanwhile: the form again as typed, each other slot a button of it.
                "other_slots": other_slots,
                "available": slot.status == "available" and slot.start > now,
                "reserved_now": slot.is_reserved_now(now),
                # Booked now, it could no longer be cancelled or moved online: said before.
                "late": past_change_cutoff(slot.start, now),
                "cutoff": change_cutoff_label(within=True),
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
        places.append(f"au {appointment.masked_phone}".replace(" ", "\u00a0"))  # one line
    if not places:
        return ""
    yours = {
        (True, True): "votre adresse ou votre numéro",
        (True, False): "votre adresse",
        (False, True): "votre numéro",
    }[bool(appointment.email), bool(appointment.phone)]
    sent = f"Confirmation envoyée {' et '.join(places)}."
    if appointment.cancellable_by_patient():
        return (
            f"{sent} Si ce n'est pas {yours}, annulez ce rendez-vous ci-dessous et réservez de "
            "nouveau avec les bonnes coordonnées."
        )
    # Too close to its start to be cancelled online: no cancel button below.
    phone = f" au {appointment.site.phone_display}" if appointment.site.phone else ""
    return f"{sent} Si ce n'est pas {yours}, appelez le lieu de consultation{phone}."


def notice(request):
    return render(
        request,
        "booking/notice.html",
        {
            "title": "Vos données personnelles (prise de rendez-vous)",
            "dpo_email": settings.RENFORT_DPO_EMAIL,
        },
    )


# --- Secret link: see, cancel, move -----------------------------------------------------------


def _link_unknown(request):
    """A link mistyped, cut by a mail reader, or purged (the appointment's page, and its
    cancel, move and calendar pages): 404, with the way to get the links again."""
    return _private(
        render(
            request,
            "booking/link_unknown.html",
            {"title": "Lien de rendez-vous introuvable"},
            status=404,
        )
    )


def _manage_title(appointment, is_past: bool) -> str:
    """The page title says the state first (RGAA 8.6): « Rendez-vous confirmé (T64MCR) »."""
    state = {
        AppointmentStatus.BOOKED: None if is_past else "confirmé",
        AppointmentStatus.CANCELLED: "annulé",
    }.get(appointment.status)
    if state is None:
        return f"Rendez-vous {appointment.reference}"
    return f"Rendez-vous {state} ({appointment.reference})"


@never_cache
def manage(request, secret: str):
    appointment = selectors.appointment_by_secret(secret)
    if appointment is None:
        return _link_unknown(request)
    is_past = appointment.start <= timezone.now()
    with local_time_of(appointment.site.departement_id):
        return _private(
            render(
                request,
                "booking/manage.html",
                {
                    "title": _manage_title(appointment, is_past),
                    "appointment": appointment,
                    "can_change": appointment.cancellable_by_patient(),
                    "cutoff": change_cutoff_label(),
                    "cutoff_within": change_cutoff_label(within=True),
                    "is_past": is_past,
                    "alternatives": _alternatives(appointment, is_past),
                    "waitlist_url": reverse("booking:waitlist")
                    + "?"
                    + urlencode({"site": appointment.site_id}),
                },
            )
        )


@never_cache
def lost_link(request):
    """« Retrouver mon rendez-vous »: the links are sent again to the phone or the email given
    when booking. The page says the same whether or not anyone booked with it."""
    form = LostLinkForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        contact = form.cleaned_data["contact"]
        services.links_resend(contact=contact)
        if contact.phone:
            where = f"le {format_phone(contact.phone)}, un SMS"
        else:
            where = f"l'adresse {contact.email}, un courriel"
        wait = int(services.RESEND_WINDOW.total_seconds() // 60)
        messages.success(
            request,
            f"Si un rendez-vous à venir a été pris avec {where} lui est envoyé avec le lien "
            "de chaque rendez-vous. Il arrive en général en quelques minutes. Un seul message "
            f"part par période de {wait} minutes. Rien reçu ? Vérifiez que c'est bien le "
            "contact donné lors de la réservation, ou appelez le lieu de consultation.",
        )
        return redirect("booking:lost_link")
    title = titled("Retrouver mon rendez-vous", form)
    return render(request, "booking/lost_link.html", {"title": title, "form": form})


def _alternatives(appointment, is_past: bool) -> list:
    """An appointment the site, the doctor or Renfort cancelled: free slots near its date, read
    now, spread over the patients of a cancelled day as their emails were (the n-th patient is
    offered what the n − 1 before were not, while there is any)."""
    if appointment.status != AppointmentStatus.CANCELLED or is_past:
        return []
    if appointment.cancelled_by in ("", CancelledBy.PATIENT):
        return []
    return selectors.alternative_slots(
        site=appointment.site,
        limit=3,
        is_priority=appointment.is_priority,
        around=appointment.start,
        exclude_ids=[appointment.slot_id] if appointment.slot_id else (),  # never offered back
        rounds=selectors.rank_in_cancelled_day(appointment) + 1,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, secret: str):
    appointment = selectors.appointment_by_secret(secret)
    if appointment is None:  # a wrong link is a 404, whatever the method
        return _link_unknown(request)
    if request.method != "POST":  # a reload or a bookmark: the page with the cancel button
        return _private(redirect("booking:manage", secret=secret))
    try:
        services.appointment_cancel(appointment=appointment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Votre rendez-vous est annulé. Le créneau est libéré.")
    return _private(redirect("booking:manage", secret=secret))


MOVE_TITLE = "Déplacer mon rendez-vous"


@never_cache
def move(request, secret: str):
    appointment = selectors.appointment_by_secret(secret)
    if appointment is None:
        return _link_unknown(request)
    error = ""
    if request.method == "POST":
        try:
            slot_id = parse_id(request.POST.get("slot"))
            if slot_id is None:
                raise ValueError("no slot chosen")
            services.appointment_move(appointment=appointment, slot_id=slot_id)
        except ValidationError as exc:
            if exc.code == "same_slot":  # the form sent again after its move (a double click)
                messages.info(request, "Votre rendez-vous est déjà à ce créneau.")
                return _private(redirect("booking:manage", secret=secret))
            error = " ".join(exc.messages)
        except ValueError:
            error = "Choisissez un nouveau créneau."
        else:
            messages.success(request, "Votre rendez-vous a été déplacé.")
            return _private(redirect("booking:manage", secret=secret))
    if not appointment.cancellable_by_patient():
        error = ""  # the page says why it cannot move (cancelled, past, too late) instead
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
                    "title": titled(MOVE_TITLE, error=bool(error)),
                    "appointment": appointment,
                    "slots": slots,
                    "can_change": appointment.cancellable_by_patient(),
                    "cutoff": change_cutoff_label(),
                    "cutoff_within": change_cutoff_label(within=True),
                    "error": error,
                    # The error summary links to the first slot offered (RGAA 11.10).
                    "errors": [(f"slot-{slots[0].pk}" if slots else "", "Nouveau créneau", error)]
                    if error
                    else [],
                },
            )
        )


def ics(request, secret: str):
    appointment = selectors.appointment_by_secret(secret)
    if appointment is None:
        return _link_unknown(request)
    response = HttpResponse(
        appointment_ics(appointment, cancelled=appointment.status == "cancelled"),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="rendez-vous-{appointment.reference}.ics"'
    )
    return _private(response)
