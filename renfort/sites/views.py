"""HTML views of the sites app: they parse input, call services/selectors, render French pages."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
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
from renfort.accounts.views import confirmation_pending
from renfort.core.exports import export_name, export_response
from renfort.core.forms import attach_errors, titled
from renfort.core.pagination import paginate
from renfort.planning.selectors import site_upcoming_missions
from renfort.territories.models import Departement, Region

from . import selectors, services
from .forms import (
    COMMENT_LIMIT,
    AccountForm,
    ManagerForm,
    MessageForm,
    OpeningExceptionForm,
    SiteForm,
    TokenForm,
    TransitionForm,
    WeeklyPatternForm,
)
from .models import (
    ACTION_LABELS,
    REASON_REQUIRED,
    SITE_WORKFLOW,
    OpeningException,
    Site,
    SiteKind,
    SiteStatus,
)
from .permissions import (
    AGENT_LIST_ROLES,
    can_act_on_site,
    can_edit_site,
    can_read_site_correspondence,
    can_view_site,
)

# The commune is typed in `commune_label` (autocomplete) on the site forms.
COMMUNE_ALIAS = {"commune": "commune_label"}
# Messages to the ARS a manager sees again on their space.
MANAGER_MESSAGES = 5


def _actions(user, site, refused: dict | None = None) -> list[dict]:
    """The workflow buttons of the site; `refused`: an action just refused ({"site", "to",
    "comment", "error"}), shown again with its reason as typed and the error at the field."""
    if not can_act_on_site(user, site):
        return []
    actions = []
    for target in SITE_WORKFLOW.targets(site.status, user.role):
        again = refused if refused and (refused["site"], refused["to"]) == (site.pk, target) else {}
        actions.append(
            {
                "to": target,
                "label": ACTION_LABELS[target],
                "reason_required": target in REASON_REQUIRED,
                "comment_limit": COMMENT_LIMIT,
                "typed": again.get("comment", ""),
                "error": again.get("error", ""),
            }
        )
    return actions


def _refused_shown(actions: list[dict]) -> bool:
    return any(action["error"] for action in actions)


# --- Declaration ----------------------------------------------------------------------------


def declare(request):
    """Public declaration by a (future) site manager (a new account confirms its address first:
    accounts.views.confirm); ARS agents declare for a manager."""
    user = request.user
    if user.is_authenticated and not has_role(user, Role.SITE_MANAGER, Role.ARS_AGENT, Role.ADMIN):
        raise PermissionDenied("Seuls les gestionnaires de lieu et l'ARS déclarent des lieux.")
    by_ars = has_role(user, Role.ARS_AGENT, Role.ADMIN)
    with_account = not user.is_authenticated
    PersonForm = ManagerForm if by_ars else AccountForm
    data = request.POST if request.method == "POST" else None
    site_form = SiteForm(data, allow_outside_zone=by_ars)
    pattern_form = WeeklyPatternForm(data, prefix="horaires")
    person_form = PersonForm(data) if (with_account or by_ars) else None
    token_form = TokenForm(data)
    duplicate = None  # a site already declared: the page links to it
    if request.method == "POST":
        forms_ok = all(
            [
                site_form.is_valid(),
                pattern_form.is_valid(),
                person_form.is_valid() if person_form else True,
                token_form.is_valid(),
            ]
        )
        if forms_ok:
            person = person_form.cleaned_data if person_form else {}
            try:
                site, _ = services.site_declare(
                    data=site_form.site_data(),
                    commune=site_form.cleaned_data["commune"],
                    slots=pattern_form.cleaned_data["slots"],
                    token=token_form.cleaned_data["token"],
                    actor=user if user.is_authenticated else None,
                    manager_email=person.get(
                        "manager_email", user.email if user.is_authenticated else ""
                    ),
                    manager_password=person.get("password1"),
                    manager_first_name=person.get("manager_first_name", ""),
                    manager_last_name=person.get("manager_last_name", ""),
                )
            except ValidationError as exc:
                attach_errors(
                    person_form if _is_person_error(exc) else site_form, exc, aliases=COMMUNE_ALIAS
                )
                duplicate = getattr(exc, "site", None)
            else:
                if with_account and (site is None or site.status == SiteStatus.UNCONFIRMED):
                    # New account, or the address already has one: the same answer (its owner
                    # is emailed; nothing is told here about accounts).
                    return confirmation_pending(
                        request, email=person["manager_email"], role=Role.SITE_MANAGER
                    )
                # The form sent again after the address was confirmed: it logs in only with the
                # password of the account (a form resent from a shared browser's history never
                # opens someone else's space).
                if with_account and site.manager.check_password(person.get("password1") or ""):
                    login(
                        request, site.manager, backend="django.contrib.auth.backends.ModelBackend"
                    )
                if by_ars:
                    messages.success(request, f"Le lieu « {site.name} » a été déclaré (validé).")
                    return redirect("sites:detail", pk=site.pk)
                return redirect("sites:declared", pk=site.pk)
        else:
            site_form.add_rule_errors()
    return render(
        request,
        "sites/declare.html",
        {
            "title": titled("Déclarer un lieu d'accueil", site_form, pattern_form, person_form),
            "site_form": site_form,
            "pattern_form": pattern_form,
            "person_form": person_form,
            "token_form": token_form if request.method == "POST" else TokenForm(),
            "by_ars": by_ars,
            "duplicate": duplicate,
        },
    )


def _is_person_error(exc: ValidationError) -> bool:
    return hasattr(exc, "error_dict") and bool(
        {"manager_email", "manager_first_name", "manager_last_name"} & exc.error_dict.keys()
    )


@role_required(Role.SITE_MANAGER)
def declared(request, pk: int):
    site = get_object_or_404(Site.objects.managed_by(request.user), pk=pk)
    return render(
        request, "sites/declared.html", {"title": "Déclaration enregistrée", "site": site}
    )


# --- Site manager space ---------------------------------------------------------------------


@role_required(Role.SITE_MANAGER)
def manager_space(
    request,
    sent_form: MessageForm | None = None,
    sent_site: int | None = None,
    refused: dict | None = None,
):
    """The manager's sites; `sent_form`: a message to the ARS refused, shown again as typed;
    `refused`: a status change refused, its reason shown again as typed (_actions)."""
    # A closed site last: it receives no one any more (its card says so, and how to reopen).
    sites = sorted(selectors.manager_sites(request.user), key=lambda s: s.status == "closed")
    today = timezone.localdate()
    missions = list(site_upcoming_missions(request.user))
    cards = [
        {
            "site": site,
            "actions": _actions(request.user, site, refused),
            "open_days": selectors.site_open_days(site, today, today + timedelta(days=13))
            if site.status != "closed"
            else {},
            "message_form": sent_form
            if sent_site == site.pk
            else MessageForm(prefix=f"m{site.pk}"),
            "sent_messages": list(selectors.site_messages(site, limit=MANAGER_MESSAGES)),
            "missions": [m for m in missions if m.site_id == site.pk],
            "to_confirm": sum(
                1 for m in missions if m.site_id == site.pk and m.status == "accepted"
            ),
        }
        for site in sites
    ]
    return render(
        request,
        "sites/manager_space.html",
        {
            "title": titled(
                "Mon lieu d'accueil",
                sent_form,
                error=any(_refused_shown(card["actions"]) for card in cards),
            ),
            "cards": cards,
            "sent_form": sent_form,
        },
    )


def _editable_site(request, pk: int) -> Site:
    site = get_object_or_404(Site.objects.select_related("commune__departement"), pk=pk)
    if not can_edit_site(request.user, site):
        # A manager never learns whether someone else's site exists.
        raise Http404("Lieu introuvable.")
    return site


@role_required(Role.SITE_MANAGER, Role.ARS_AGENT, Role.ADMIN)
def edit(request, pk: int):
    site = _editable_site(request, pk)
    by_ars = has_role(request.user, Role.ARS_AGENT, Role.ADMIN)
    form = SiteForm(request.POST or None, instance=site, allow_outside_zone=by_ars)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.site_update(
                    site=Site.objects.get(pk=site.pk),
                    actor=request.user,
                    data=form.site_data(),
                    commune=form.cleaned_data["commune"],
                )
            except ValidationError as exc:
                attach_errors(form, exc, aliases=COMMUNE_ALIAS)
            else:
                messages.success(request, "Les informations du lieu ont été enregistrées.")
                return redirect(_home_of(request.user, site))
        else:
            form.add_rule_errors()
    return render(
        request,
        "sites/edit.html",
        {"title": titled(f"Modifier « {site.name} »", form), "site": site, "form": form},
    )


def _home_of(user, site):
    if has_role(user, Role.SITE_MANAGER):
        return "sites:manager_space"
    return redirect("sites:detail", pk=site.pk).url


@role_required(Role.SITE_MANAGER, Role.ARS_AGENT, Role.ADMIN)
def opening_days(request, pk: int):
    site = _editable_site(request, pk)
    pattern_form = _pattern_form(site, request.POST or None)
    if request.method == "POST":
        if pattern_form.is_valid():
            try:
                services.site_opening_update(
                    site=site,
                    actor=request.user,
                    slots=pattern_form.cleaned_data["slots"],
                    open_on_public_holidays=pattern_form.cleaned_data["open_on_public_holidays"],
                )
            except ValidationError as exc:
                attach_errors(pattern_form, exc, aliases=COMMUNE_ALIAS)
                if exc.code == "missions_planned":  # the hours are right: missions stand there
                    messages.error(request, "Les jours d'ouverture n'ont pas été enregistrés.")
                    return _opening_page(request, site, pattern_form, OpeningExceptionForm())
            else:
                messages.success(request, "Les jours d'ouverture ont été enregistrés.")
                return redirect("sites:opening_days", pk=site.pk)
    return _opening_page(request, site, pattern_form, OpeningExceptionForm())


def _pattern_form(site, data=None) -> WeeklyPatternForm:
    """The weekly hours form, filled with what the site has saved."""
    return WeeklyPatternForm(
        data,
        prefix="horaires",
        slots=[w.as_slot() for w in site.weekly_openings.all()],
        initial={"open_on_public_holidays": site.open_on_public_holidays},
    )


def _opening_page(request, site, pattern_form, exception_form):
    today = timezone.localdate()
    return render(
        request,
        "sites/opening_days.html",
        {
            "title": titled(f"Jours d'ouverture — {site.name}", pattern_form, exception_form),
            "site": site,
            "pattern_form": pattern_form,
            "exception_form": exception_form,
            "exceptions": site.opening_exceptions.filter(end_date__gte=today),
            "open_days": selectors.site_open_days(site, today, today + timedelta(days=30)),
        },
    )


@require_POST
@role_required(Role.SITE_MANAGER, Role.ARS_AGENT, Role.ADMIN)
def exception_add(request, pk: int):
    site = _editable_site(request, pk)
    form = OpeningExceptionForm(request.POST)
    if form.is_valid():
        try:
            services.opening_exception_add(site=site, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc, aliases=COMMUNE_ALIAS)
        else:
            messages.success(request, "L'exception a été enregistrée.")
            return redirect("sites:opening_days", pk=site.pk)
    return _opening_page(request, site, _pattern_form(site), form)


@require_POST
@role_required(Role.SITE_MANAGER, Role.ARS_AGENT, Role.ADMIN)
def exception_delete(request, pk: int, exception_pk: int):
    site = _editable_site(request, pk)
    exception = get_object_or_404(OpeningException, pk=exception_pk, site=site)
    try:
        services.opening_exception_delete(exception=exception, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "L'exception a été supprimée.")
    return redirect("sites:opening_days", pk=site.pk)


@require_POST
@role_required(Role.SITE_MANAGER)
def message(request, pk: int):
    site = get_object_or_404(Site.objects.managed_by(request.user), pk=pk)
    form = MessageForm(request.POST, prefix=f"m{site.pk}")
    if form.is_valid():
        try:
            sent = services.site_message_send(site=site, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if selectors.ars_agents(site.region_id).exists():
                messages.success(request, "Votre message a été envoyé à l'ARS de votre région.")
            else:
                messages.warning(
                    request,
                    f"Votre message du {sent.created_at:%d/%m/%Y} est enregistré, mais l'ARS de "
                    "votre région n'a pas encore de compte Renfort : il lui sera présenté dès "
                    "son arrivée. Pour une urgence, appelez-la directement.",
                )
            return redirect("sites:manager_space")
    # What was typed stays, with the error summary at the top of the page.
    return manager_space(request, sent_form=form, sent_site=site.pk)


@require_POST
@role_required(Role.SITE_MANAGER, Role.ARS_AGENT, Role.ADMIN)
def transition(request, pk: int):
    site = get_object_or_404(Site, pk=pk)
    if not can_view_site(request.user, site):
        raise Http404("Lieu introuvable.")
    form = TransitionForm(request.POST)
    if form.has_error("comment", "max_length"):
        error = f"Motif : {form.errors['comment'][0]}"
    elif not form.is_valid():
        messages.error(request, "Action inconnue.")
        return redirect(_home_of(request.user, site))
    else:
        try:
            site = services.site_transition(
                site=site,
                actor=request.user,
                to_status=form.cleaned_data["to_status"],
                comment=form.cleaned_data["comment"],
                from_status=form.cleaned_data["from_status"] or None,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, f"« {site.name} » est maintenant : {site.get_status_display()}."
            )
            return redirect(_home_of(request.user, site))
    # Refused: the page again, the reason as typed under the error (nothing was saved).
    messages.error(request, error)
    site.refresh_from_db()
    refused = {
        "site": site.pk,
        "to": request.POST.get("to_status", ""),
        "comment": request.POST.get("comment", ""),
        "error": error,
    }
    if has_role(request.user, Role.SITE_MANAGER):
        return manager_space(request, refused=refused)
    return detail(request, site.pk, refused=refused)


# --- Agents ---------------------------------------------------------------------------------


def _agent_filters(request) -> dict:
    filters = {
        "status": request.GET.get("status", "")[:20],
        "kind": request.GET.get("kind", "")[:20],
        "region": request.GET.get("region", "")[:3],
        "departement": request.GET.get("departement", "")[:3],
        "epci": request.GET.get("epci", "")[:9],
    }
    territory_filter_check(
        request.user, region=filters["region"], departement=filters["departement"]
    )
    listed_filter_check(
        filters["status"], SiteStatus.values, "Statut inconnu : choisissez-le dans la liste."
    )
    listed_filter_check(
        filters["kind"], SiteKind.values, "Type de lieu inconnu : choisissez-le dans la liste."
    )
    return filters


@role_required(*AGENT_LIST_ROLES)
def agent_list(request):
    user = request.user
    filters = _agent_filters(request)
    scoped = selectors.agent_sites(user)
    sites = selectors.agent_sites(user, **filters)
    region, departement, scope_label = agent_territory(user)
    departements = Departement.objects.in_programme().only("code", "name").order_by("code")
    if filters["region"] and not region and not departement:  # national: one region chosen
        departements = departements.filter(region_id=filters["region"])
    scope_label = shown_territory_label(
        user, region=filters["region"], departement=filters["departement"]
    )
    if region:
        departements = departements.filter(region=region)
    elif departement:
        departements = departements.filter(pk=departement.pk)
    page, query = paginate(request, selectors.for_table(sites))
    return render(
        request,
        "sites/agent_list.html",
        {
            "title": "Lieux d'accueil — "
            + scope_label
            + (
                f" — {SiteStatus(filters['status']).label}"
                if filters["status"] in SiteStatus
                else ""
            )
            + (f" — page {page.number} sur {page.paginator.num_pages}" if page.number > 1 else ""),
            "scope_label": scope_label,
            "page": page,
            "count": page.paginator.count,
            "rows": list(
                zip(page.object_list, selectors.site_table_rows(page.object_list), strict=True)
            ),
            "headers": selectors.EXPORT_HEADERS,
            "kind_summary": selectors.kind_summary(scoped.filter(status=SiteStatus.ACTIVE)),
            "kind_summary_all": selectors.kind_summary(scoped),
            "zones_uncovered": selectors.zones_without_active_site(
                region=region.code if region else None,
                departement=departement.code if departement else None,
            ),
            "filters": filters,
            "statuses": [c for c in SiteStatus.choices if c[0] != SiteStatus.UNCONFIRMED],
            "kinds": SiteKind.choices,
            "departements": departements,
            "query": query,
            "can_declare": has_role(user, Role.ARS_AGENT, Role.ADMIN),
            "read_only": not has_role(user, Role.ARS_AGENT, Role.ADMIN),
            "national": is_national(user),
            "regions": Region.objects.in_programme().by_name() if is_national(user) else [],
        },
    )


@role_required(*AGENT_LIST_ROLES)
def export(request):
    fmt = request.GET.get("format", "csv")
    filters = _agent_filters(request)
    sites = selectors.agent_sites(request.user, **filters)
    scope = shown_territory_label(
        request.user, region=filters["region"], departement=filters["departement"]
    )
    return export_response(
        request,
        headers=selectors.EXPORT_HEADERS,
        rows=selectors.site_table_rows(selectors.for_table(sites)),
        filename=export_name("lieux-d-accueil", scope),
        fmt=fmt,
        title="Lieux d'accueil",
    )


@role_required(*AGENT_LIST_ROLES, Role.SITE_MANAGER)
def detail(request, pk: int, refused: dict | None = None):
    site = get_object_or_404(
        Site.objects.select_related("commune", "departement", "region", "priority_zone__epci"),
        pk=pk,
    )
    if not can_view_site(request.user, site):
        raise Http404("Lieu introuvable.")
    today = timezone.localdate()
    correspondence = can_read_site_correspondence(request.user, site)
    actions = _actions(request.user, site, refused)
    return render(
        request,
        "sites/detail.html",
        {
            "title": titled(f"{site.name} — suivi du lieu", error=_refused_shown(actions)),
            "site": site,
            "history": site.history.select_related("actor"),
            "correspondence": correspondence,
            "site_messages": selectors.site_messages(site) if correspondence else [],
            "actions": actions,
            "can_edit": can_edit_site(request.user, site),
            "open_days": selectors.site_open_days(site, today, today + timedelta(days=13))
            if site.status != "closed"
            else {},
        },
    )
