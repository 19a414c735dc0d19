"""Back-office views of the doctors app: the agents' list of volunteers (with its
exports), a volunteer's file and its status changes (ARS, CDOM, CPAM, national)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from renfort.accounts.models import Role
from renfort.accounts.permissions import (
    agent_territory,
    has_role,
    is_national,
    listed_filter_check,
    role_required,
    shown_territory_label,
    territory_filter_check,
)
from renfort.core.exports import export_name, export_response
from renfort.core.pagination import paginate
from renfort.core.text import lower_first
from renfort.territories.models import Departement, Region
from renfort.zoning.selectors import current_zones

from . import completion, selectors, services
from .forms import (
    CompletionForm,
    TransitionForm,
)
from .models import (
    Doctor,
    DoctorStatus,
    Sector,
)
from .permissions import AGENT_LIST_ROLES, can_act_on_doctor, can_view_doctor
from .views import _actions

# --- Agents ---------------------------------------------------------------------------------


# Not filters: the page number and the export's format keep the landing's list.
NOT_FILTERS = {"page", "format"}


def _agent_filters(request) -> dict:
    """The list's filters; the CDOM and the CPAM land on the files waiting for them (also on
    that list's page 2 and in its export). An unknown value, or a département outside the
    region chosen, is a bad request said in French rather than an empty list."""
    landing = not (set(request.GET) - NOT_FILTERS) and has_role(
        request.user, Role.CDOM_AGENT, Role.CPAM_AGENT
    )
    filters = {
        "region": request.GET.get("region", "")[:3],
        "departement": request.GET.get("departement", "")[:3],
        "status": selectors.TO_DO if landing else request.GET.get("status", "")[:30],
        "zone": request.GET.get("zone", "")[:10],
        "sector": request.GET.get("sector", "")[:20],
        "q": " ".join(request.GET.get("q", "").split())[:100],
    }
    territory_filter_check(
        request.user, region=filters["region"], departement=filters["departement"]
    )
    listed_filter_check(
        filters["status"],
        {selectors.TO_DO, selectors.COMPLETION, *DoctorStatus.values},
        "Statut inconnu : choisissez-le dans la liste.",
    )
    listed_filter_check(
        filters["sector"], Sector.values, "Secteur inconnu : choisissez-le dans la liste."
    )
    if filters["zone"] and not filters["zone"].isdigit():
        raise BadRequest("Zone inconnue : choisissez-la dans la liste.")
    return filters


def _status_label(status: str, role: str) -> str:
    if status == selectors.TO_DO:
        return selectors.to_do_label(role)
    if status == selectors.COMPLETION:
        return lower_first(selectors.COMPLETION_LABEL)
    return lower_first(dict(DoctorStatus.choices).get(status, ""))


@role_required(*AGENT_LIST_ROLES)
def agent_list(request):
    user = request.user
    filters = _agent_filters(request)
    doctors = selectors.agent_doctors(user, **filters)
    page, query = paginate(request, selectors.for_table(doctors))
    territory = selectors.agent_doctors(
        user, region=filters["region"], departement=filters["departement"]
    )
    table, total = selectors.departement_table(territory)
    # Files the table does not count (refused, withdrawn…), said under it so that its total
    # and the list's agree.
    not_counted = territory.exclude(status__in=selectors.VOLUNTEER_STATUSES).count()
    region, departement, _ = agent_territory(user)
    scope_label = shown_territory_label(
        user, region=filters["region"], departement=filters["departement"]
    )
    departements = Departement.objects.in_programme().only("code", "name").order_by("code")
    zones = current_zones()
    if region:
        departements = departements.filter(region=region)
        zones = zones.filter(epci__region=region)
    elif departement:
        departements = departements.filter(pk=departement.pk)
        zones = zones.filter(epci__departement_codes__contains=departement.code)
    return render(
        request,
        "doctors/agent_list.html",
        {
            "title": "Médecins volontaires — "
            + scope_label
            + (f" — {_status_label(filters['status'], user.role)}" if filters["status"] else "")
            + (f" — page {page.number} sur {page.paginator.num_pages}" if page.number > 1 else ""),
            "scope_label": scope_label,
            "page": page,
            "count": page.paginator.count,
            "rows": list(
                zip(page.object_list, selectors.doctor_table_rows(page.object_list), strict=True)
            ),
            "headers": selectors.EXPORT_HEADERS,
            "table": table,
            "total": total,
            "not_counted": not_counted,
            "filters": filters,
            # A draft is a sign-up not confirmed yet: agents never see one.
            "statuses": [
                *(c for c in DoctorStatus.choices if c[0] != DoctorStatus.DRAFT),
                (selectors.COMPLETION, selectors.COMPLETION_LABEL),
            ],
            "to_do": selectors.TO_DO if selectors.to_do_statuses(user.role) else "",
            "to_do_label": selectors.to_do_label(user.role),
            "sectors": Sector.choices,
            "regions": Region.objects.in_programme().by_name() if is_national(user) else [],
            "departements": departements,
            "zones": zones.by_name(),
            "query": query,
            # The filters in force, the landing's default included: the export is the screen.
            "export_query": urlencode({k: v for k, v in filters.items() if v}),
            "visiting": selectors.visiting_doctors(region.pk) if region else [],
        },
    )


@role_required(*AGENT_LIST_ROLES)
def export(request):
    filters = _agent_filters(request)
    doctors = selectors.agent_doctors(request.user, **filters)
    scope = shown_territory_label(
        request.user, region=filters["region"], departement=filters["departement"]
    )
    return export_response(
        request,
        headers=selectors.EXPORT_HEADERS,
        rows=selectors.doctor_table_rows(selectors.for_table(doctors)),
        filename=export_name("medecins-volontaires", scope),
        fmt=request.GET.get("format", "csv"),
        title="Médecins volontaires",
    )


def _visible_doctor(request, pk: int) -> Doctor:
    doctor = get_object_or_404(
        Doctor.objects.select_related("practice_commune", "departement__region", "user"), pk=pk
    )
    if not can_view_doctor(request.user, doctor):
        # An agent never learns whether a volunteer outside their territory exists.
        raise Http404("Volontaire introuvable.")
    return doctor


@role_required(*AGENT_LIST_ROLES)
def agent_detail(request, pk: int, typed: dict | None = None):
    """`typed`: an action refused for what was typed (shown again, error and text, 400)."""
    doctor = _visible_doctor(request, pk)
    return render(
        request,
        "doctors/agent_detail.html",
        {
            "title": ("Erreur — " if typed else "") + f"Dr {doctor.full_name}",
            "doctor": doctor,
            "timeline": selectors.onboarding_timeline(doctor),
            "history": doctor.history.select_related("actor"),
            "availabilities": selectors.upcoming_availabilities(doctor),
            "missions": selectors.agent_doctor_missions(request.user, doctor),
            "zones": doctor.zones.select_related("epci"),
            "preferred_sites": doctor.preferred_sites.select_related("commune"),
            "actions": [
                {**a, "typed": typed if typed and typed["to"] == a["to"] else {}}
                for a in _actions(request.user, doctor)
            ],
            "can_ask_completion": completion.completion_allowed(request.user, doctor),
            "completion_typed": typed if typed and typed["to"] == "completion" else {},
            # An ARS agent following a volunteer of another region planned in its own.
            "other_region": has_role(request.user, Role.ARS_AGENT)
            and not can_act_on_doctor(request.user, doctor),
            # The phone and email: to the agents of the practice's territory only, not to
            # national steering nor to another region's ARS following a visiting volunteer.
            "show_contact": can_act_on_doctor(request.user, doctor),
        },
        status=400 if typed else 200,
    )


TYPED_ERROR_FIELDS = {"billing": "billing_number", "reason": "comment"}  # the service's codes


def _typed(form: TransitionForm, field: str, message: str) -> dict:
    typed = {name: form.data.get(name, "")[:2000] for name in TransitionForm.TYPED}
    return {"to": form.data.get("to_status", ""), "field": field, "error": message, **typed}


@require_POST
@role_required(*AGENT_LIST_ROLES)
def agent_completion(request, pk: int):
    """A « demande de complément »: the doctor is emailed, the file waits for their answer."""
    doctor = _visible_doctor(request, pk)
    form = CompletionForm(request.POST)
    if not form.is_valid():
        message = form.errors.get("message", ["Demande incomplète."])[0]
        return agent_detail(request, pk, typed=_completion_typed(form, message))
    try:
        sent = completion.completion_request(
            doctor=doctor,
            actor=request.user,
            message=form.cleaned_data["message"],
            from_status=form.cleaned_data["from_status"] or None,
        )
    except ValidationError as exc:
        if getattr(exc, "code", None) == "reason":
            return agent_detail(request, pk, typed=_completion_typed(form, " ".join(exc.messages)))
        messages.error(request, " ".join(exc.messages))
    else:
        if sent:
            messages.success(
                request,
                f"Complément demandé à Dr {doctor.full_name} : un courriel lui a été envoyé.",
            )
        else:
            messages.info(request, "Cette demande de complément est déjà envoyée.")
    return redirect("doctors:agent_detail", pk=doctor.pk)


def _completion_typed(form: CompletionForm, message: str) -> dict:
    return {
        "to": "completion",
        "field": "message",
        "error": message,
        "message": form.data.get("message", "")[:2000],
    }


@require_POST
@role_required(*AGENT_LIST_ROLES)
def agent_transition(request, pk: int):
    doctor = _visible_doctor(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for field in TransitionForm.TYPED:
            if field in form.errors:  # too long: the field's own message, the text kept
                return agent_detail(request, pk, typed=_typed(form, field, form.errors[field][0]))
        messages.error(request, "Action inconnue.")  # hidden fields forged or missing
    else:
        try:
            doctor = services.doctor_transition(
                doctor=doctor,
                actor=request.user,
                to_status=form.cleaned_data["to_status"],
                comment=form.cleaned_data["comment"],
                billing_number=form.cleaned_data["billing_number"],
                from_status=form.cleaned_data["from_status"] or None,
            )
        except ValidationError as exc:
            field = TYPED_ERROR_FIELDS.get(getattr(exc, "code", None))
            if field:
                return agent_detail(request, pk, typed=_typed(form, field, " ".join(exc.messages)))
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Dr {doctor.full_name} : {lower_first(doctor.status_label)}."
            )
    return redirect("doctors:agent_detail", pk=doctor.pk)
