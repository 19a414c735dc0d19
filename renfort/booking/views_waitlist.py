"""Public waiting-list pages of the booking app: register, the registration's page, leave,
and the offer of a freed slot (its secret link)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from renfort.core.forms import attach_errors, parse_id, titled
from renfort.core.text import parse_day
from renfort.sites.models import Site
from renfort.territories.timezones import local_time_of
from renfort.zoning.models import PriorityZone

from . import services
from .forms import TokenForm, WaitlistForm
from .models import WaitingStatus
from .views import _private, sent_to

# --- Waiting list -----------------------------------------------------------------------------


def waitlist_register(request):
    site = Site.objects.active().filter(pk=parse_id(request.GET.get("site"))).first()
    zone = (
        PriorityZone.objects.current()
        .select_related("epci")
        .filter(pk=parse_id(request.GET.get("zone")))
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
    # From the date a search asked for (?date=, a search that found nothing then), else today.
    try:
        asked = parse_day(request.GET.get("date", "")[:10])
    except ValueError:  # none, or not a date: today
        asked = today
    start = max(asked, today)
    form = WaitlistForm(data, initial={"start_date": start})
    token_form = TokenForm(data)
    if request.method == "POST":
        if form.is_valid() and token_form.is_valid():
            try:
                patient = services.patient_check(
                    data=form.patient_data(),
                    consent=form.cleaned_data["consent"],
                    contact_for=form.contact_for,
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
                form.add_period_errors()  # refused for the person's details: the dates too
            else:  # Post/Redirect/Get: reloading the page never sends the form again
                if not created:
                    # An existing registration is never shown here: whoever typed these
                    # details may not be its owner, and its page is also its leave link.
                    return redirect("booking:waitlist_known")
                url = reverse("booking:waitlist_done", args=[entry.secret])
                return redirect(url + "?nouvelle=1")
        else:
            form.add_rule_errors()
    return render(
        request,
        "booking/waitlist.html",
        {
            "title": titled(
                "Liste d'attente — " + (site.name if site else f"zone {zone.epci.name}"), form
            ),
            "site": site,
            "zone": zone,
            "form": form,
            "token_form": token_form if data else TokenForm(),
            "offer_terms": services.offer_terms(),
        },
    )


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
                "title": "Inscription enregistrée"
                if entry.status == WaitingStatus.WAITING
                else "Inscription close",
                "entry": entry,
                "created": request.GET.get("nouvelle") == "1",
            },
        )
    )


def waitlist_known(request):
    """After registering details already waiting for the same place and period: says so
    without showing that registration."""
    return render(request, "booking/waitlist_known.html", {"title": "Déjà inscrit(e)"})


@never_cache
def waitlist_leave(request, secret: str):
    from .models import WaitingListEntry

    entry = WaitingListEntry.objects.filter(secret=secret).first() if len(secret) <= 64 else None
    if entry is None:
        raise Http404("Inscription introuvable.")
    if request.method == "POST":
        try:
            services.waitlist_leave(entry=entry)
        except ValidationError as exc:  # an offer confirmed meanwhile: the appointment stands
            messages.warning(request, exc.messages[0])
            return _private(redirect("booking:waitlist_leave", secret=secret))
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
            if found.status == "accepted":  # a second click, a reload: the page says the rest
                messages.info(
                    request,
                    "Vous avez déjà accepté cette proposition : elle ne peut servir qu'une fois.",
                )
            else:
                messages.error(request, " ".join(exc.messages))
            return _private(redirect("booking:offer", secret=secret))
        messages.success(
            request,
            f"Le créneau est à vous. Référence : {appointment.reference}. " + sent_to(appointment),
        )
        return _private(redirect("booking:manage", secret=appointment.secret))
    # Accepted, then cancelled from the appointment's own link (or by the site).
    appointment_cancelled = (
        found.status == "accepted"
        and found.appointment is not None
        and found.appointment.status == "cancelled"
    )
    if found.status == "withdrawn":
        title = "Proposition annulée"
    elif appointment_cancelled:
        title = "Rendez-vous annulé"
    elif found.status == "accepted":
        title = "Proposition acceptée"
    elif found.is_open() and found.slot.status == "available":
        title = "Un créneau est disponible"
    else:
        title = "Proposition plus valable"
    with local_time_of(found.slot.site.departement_id):
        return _private(
            render(
                request,
                "booking/offer.html",
                {
                    "title": title,
                    "offer": found,
                    "appointment_cancelled": appointment_cancelled,
                    # Taken meanwhile by someone who confirmed first: no invitation to book it.
                    "slot_taken": found.slot.status != "available",
                    "open": found.is_open() and found.slot.status == "available",
                },
            )
        )
