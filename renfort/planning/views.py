"""The ARS's planning pages: the month's screen (run, review, lock, remove, publish, confirm,
export) and the « À traiter » landing page. A mission's own pages, the doctor's and the site's
are in views_missions.py."""

from collections import Counter
from datetime import date, timedelta
from functools import wraps

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from renfort.accounts.models import Role
from renfort.accounts.permissions import has_role, is_national, role_required
from renfort.core.exports import export_name, export_response
from renfort.core.pagination import paginate
from renfort.core.text import count
from renfort.doctors.models import availability_horizon
from renfort.territories.models import Region

from . import selectors, services, views_national
from .checks import draft_issues
from .models import (
    MISSION_REASON_LIMIT,
    MISSION_WORKFLOW,
    REASON_REQUIRED,
    Mission,
    MissionStatus,
    PlanningRun,
)
from .months import month_bounds, parse_month, plannable_months, shown_month, shown_months
from .permissions import PLANNER_ROLES, can_act_on_mission, can_plan_region

M = MissionStatus
ALL_REGIONS = "tout"
ACTION_LABELS = {
    M.ACCEPTED: "Accepter",
    M.DECLINED: "Décliner",
    M.CONFIRMED: "Confirmer",
    M.DONE: "Marquer comme réalisée",
    M.CANCELLED: "Annuler la mission",
}


# The actions offered on a mission, as the title of their group (« Confirmer ou annuler »).
ACTION_VERBS = {
    M.ACCEPTED: "accepter",
    M.DECLINED: "décliner",
    M.CONFIRMED: "confirmer",
    M.DONE: "marquer comme réalisée",
    M.CANCELLED: "annuler",
}


def actions_summary(actions: list[dict]) -> str:
    """« Confirmer ou annuler », « Marquer comme réalisée ou annuler », « Annuler »."""
    verbs = [ACTION_VERBS[a["to"]] for a in actions if a["to"] in ACTION_VERBS]
    if not verbs:
        return ""
    text = verbs[-1] if len(verbs) == 1 else f"{', '.join(verbs[:-1])} ou {verbs[-1]}"
    return text[0].upper() + text[1:]


def _next_month(today: date) -> date:
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def _scope(request) -> tuple[date, str | None, str]:
    """Month and region of the planning screen, from the query or form (ARS: own region).

    A page or an action naming another region than the ARS agent's own is refused (403): it
    never silently shows or acts on the agent's region instead."""
    data = request.POST if request.method == "POST" else request.GET
    asked_month = data.get("mois", "")
    # A page shows only the programme's months; an action on another month gets the service's
    # own refusal (« On ne planifie que … »).
    month = (
        parse_month(asked_month)
        if request.method == "POST"
        else shown_month(asked_month, timezone.localdate())
    )
    if month is None:
        if request.method == "POST" and (asked_month or request.resolver_match.url_name == "run"):
            # An action never falls back on another month than the one it was asked for.
            raise BadRequest(
                "Mois invalide : revenez à la planification et choisissez un mois dans la liste."
            )
        if asked_month:
            messages.warning(
                request,
                f"Mois « {asked_month[:20]} » invalide ou hors de la période du dispositif "
                "(de {} à {}) : le mois prochain est affiché.".format(
                    *(date_format(m, "F Y") for m in shown_months(timezone.localdate()))
                ),
            )
        month = _next_month(timezone.localdate())
    user = request.user
    if has_role(user, Role.ARS_AGENT):
        asked = data.get("region", "")
        if asked == ALL_REGIONS:  # a link shared by national steering
            raise PermissionDenied(NATIONAL_ONLY + " Choisissez votre région.")
        if asked and asked != user.region_id:
            if not Region.objects.filter(pk=asked[:3]).exists():
                raise BadRequest("Région inconnue : choisissez-la dans la liste.")
            raise PermissionDenied("Vous ne pouvez planifier que votre région.")
        region = user.region_id
    else:
        region = data.get("region", "") or ALL_REGIONS
        if region != ALL_REGIONS and not Region.objects.in_programme().filter(pk=region).exists():
            raise BadRequest("Région inconnue : choisissez-la dans la liste.")  # as the lists
    region_code = None if region == ALL_REGIONS else region
    if not can_plan_region(user, region_code):
        raise PermissionDenied("Vous ne pouvez planifier que votre région.")
    return month, region_code, region


TABLE_PAGE_SIZE = 100  # missions per page of the planning table


def _error_text(exc: Exception) -> str:
    """The French message of a refused action (validation error or permission denied)."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "Cette action ne vous est pas permise."


def _back(month: date, region: str, anchor: str = "", keep=None) -> HttpResponse:
    """To the planning page; `keep` (a form's data) may carry the table's filter and page."""
    url = f"{reverse('planning:index')}?mois={month:%Y-%m}&region={region}"
    for name in ("statut", "page"):
        value = (keep or {}).get(name, "")
        if value.isalnum():
            url += f"&{name}={value}"
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _actions(user, mission) -> list[dict]:
    """What the user may do on the mission, as the services accept it."""
    if not can_act_on_mission(user, mission):
        return []
    today = timezone.localdate()
    # A consultation under way or over is not cancelled (services.mission_cancellable).
    started = mission.date <= today and not services.mission_cancellable(mission)
    return [
        {
            "to": t,
            "label": ACTION_LABELS[t],
            "reason_required": t in REASON_REQUIRED,
            "comment_limit": MISSION_REASON_LIMIT,
        }
        for t in MISSION_WORKFLOW.targets(mission.status, user.role)
        if t in ACTION_LABELS
        and not (t == M.DONE and mission.date > today)
        and not (t == M.CANCELLED and started)
    ]


NATIONAL_ONLY = "La vue France entière est réservée au pilotage national."


def _national_link_for_ars(request) -> HttpResponse | None:
    """An ARS agent opening a national link (« region=tout », shared by national steering) is
    taken to the same page for their own region, and told why."""
    if not (has_role(request.user, Role.ARS_AGENT) and request.GET.get("region") == ALL_REGIONS):
        return None
    messages.info(request, NATIONAL_ONLY + " Voici la même page pour votre région.")
    query = request.GET.copy()
    query["region"] = request.user.region_id
    return redirect(f"{request.path}?{query.urlencode()}")


@require_safe
@role_required(*PLANNER_ROLES)
def index(request):
    if national_link := _national_link_for_ars(request):
        return national_link
    month, region_code, region = _scope(request)
    missions = list(selectors.month_missions(month, region_code))
    drafts = [m for m in missions if m.status == M.DRAFT]
    issues = draft_issues(month, region_code, drafts)
    coverage = selectors.zone_coverage(month, region_code)
    run = selectors.latest_run(month, region_code)
    figures = selectors.run_figures(run, region_code)
    # The table can show one status only (« Déclinées (8) »); the rest of the page, all.
    for m in missions:  # « Retirée de la proposition », as the summary and the exports
        m.table_status = selectors.table_status(m)
        m.table_label = selectors.STATUS_LABELS[m.table_status]
    labels = selectors.STATUS_LABELS
    present = Counter(m.table_status for m in missions)
    status_filters = [(v, label, present[v]) for v, label in labels.items() if present[v]]
    shown = request.GET.get("statut", "")
    shown = shown if shown in present else ""
    # The table is paged (a national month holds thousands of missions); the summary, the
    # calendar and the map show them all.
    table, query = paginate(
        request,
        [m for m in missions if m.table_status == shown] if shown else missions,
        TABLE_PAGE_SIZE,
    )
    today = timezone.localdate()
    # From two months back (missions done) to the last one a run accepts (twelve months on);
    # a month named in the address outside that range is listed too, so the list shows it.
    months = [_next_month(today.replace(day=1) - timedelta(days=70))]
    while len(months) < 15:
        months.append(_next_month(months[-1]))
    months = sorted(set(months) | {month})
    region_name = Region.objects.get(pk=region_code).name if region_code else "France entière"
    first_plannable, last_plannable = plannable_months(today)
    availability_limit = availability_horizon(today)
    return render(
        request,
        "planning/index.html",
        {
            "title": f"Planification {date_format(month, 'F Y')} — {region_name}"
            + (f" — {labels[shown].lower()}" if shown else ""),
            "month": month,
            "months": months,
            "region": region,
            "region_name": region_name,
            "regions": Region.objects.in_programme().by_name() if is_national(request.user) else [],
            "run": run,
            "figures": figures,
            "uncovered_now": selectors.uncovered_now(coverage, figures),
            "missions": missions,
            "drafts": len(drafts) - len(issues),  # the publishable ones
            "to_review": len(issues),
            "issues": issues,
            "accepted": sum(1 for m in missions if m.status == M.ACCEPTED),
            "counts": selectors.status_counts(missions),
            "status_filters": status_filters,
            "shown_status": shown,
            "shown_label": labels.get(shown, ""),
            "table_missions": table.object_list,
            "page": table,
            "query": query,
            "coverage": coverage,
            "covered": sum(1 for c in coverage if c.days > 0),
            # France entière: one line per site of the country is not a calendar one reads.
            "calendar": selectors.site_calendar(missions, month) if region_code else None,
            "national_calendar_hidden": 0 if region_code else len({m.site_id for m in missions}),
            "map_data": selectors.map_features(missions, coverage),
            "past_month": month_bounds(month)[1] < today,
            "plannable": first_plannable <= month <= last_plannable,
            "last_plannable": last_plannable,
            # Doctors give dates up to availability_horizon(today): beyond, no one yet (the
            # whole month, or its end).
            "availability_limit": availability_limit
            if month_bounds(month)[1] > availability_limit
            else None,
            "availability_partial": month <= availability_limit,
            "run_in_progress": run is not None and not run.is_finished,
            "changed_since_run": selectors.changed_since(run, month, region_code),
            # A calculation of the other scope (the country for a region, a region for the
            # country) refuses this launch until its end: say so before the click.
            "other_run": services.overlapping_refusal(month, region_code),
        },
    )


@require_safe
@role_required(*PLANNER_ROLES)
def todo(request):
    """The ARS agent's landing page: what waits for them, each count linking to its list."""
    if national_link := _national_link_for_ars(request):
        return national_link
    _, region_code, region = _scope(request)
    region_name = Region.objects.get(pk=region_code).name if region_code else "France entière"
    return render(
        request,
        "planning/todo.html",
        {
            "title": f"À traiter — {region_name}",
            "region": region,
            "region_code": region_code,
            "region_name": region_name,
            "regions": Region.objects.in_programme().by_name() if is_national(request.user) else [],
            "todo": selectors.agent_todo(request.user, region_code),
        },
    )


@require_safe
@role_required(*PLANNER_ROLES)
def export(request):
    """The month's missions of the region (or the country) as CSV or XLSX: the rows of the
    planning table, whatever their status."""
    if shown_month(request.GET.get("mois", ""), timezone.localdate()) is None:
        raise BadRequest("Mois invalide : exportez depuis l'écran de planification.")
    month, region_code, _ = _scope(request)
    scope = f"Région {Region.objects.get(pk=region_code).name}" if region_code else "France entière"
    return export_response(
        request,
        headers=selectors.EXPORT_HEADERS,
        rows=selectors.export_rows(selectors.month_missions(month, region_code)),
        filename=export_name(f"missions-{month:%Y-%m}", scope),
        fmt=request.GET.get("format", "csv"),
        title=f"Missions {month:%m-%Y}",
    )


@require_POST
@role_required(*PLANNER_ROLES)
def run(request):
    month, region_code, region = _scope(request)
    replaced = None  # a national calculation: the regions whose proposals it replaces
    if region_code is None and (replaced := views_national.confirmed(request, month)) is None:
        return views_national.confirmation(request, month, region)
    try:
        limit = int(request.POST.get("time_limit", "20"))
        asked_at = timezone.now()
        run = services.planning_run_create(
            month=month, region_code=region_code, actor=request.user, time_limit_seconds=limit
        )
        if run.created_at < asked_at:  # the calculation already running goes on
            messages.info(
                request,
                "Un calcul de ce mois est déjà en cours : la proposition s'affiche dès qu'il "
                "est terminé.",
            )
        else:
            messages.info(request, "Calcul lancé : la proposition s'affiche dès qu'il est terminé.")
            if replaced:
                views_national.announce(run, replaced)
    except ValueError:
        messages.error(request, "La durée de calcul doit être un nombre de secondes.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return _back(month, region, "run-status")


def _json_errors(view):
    """For an address polled by a script: an expired session (401), a refusal (403) or an
    unknown object (404) answer JSON with a French `detail`, never the login page or an HTML
    error page that the script could not read."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse(
                {"detail": "Votre session a expiré : reconnectez-vous."}, status=401
            )
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return JsonResponse({"detail": str(exc)}, status=403)
        except Http404:
            return JsonResponse({"detail": "Calcul introuvable."}, status=404)

    return wrapper


@require_safe
@_json_errors
@role_required(*PLANNER_ROLES)
def run_status(request, pk: int):
    planning_run = get_object_or_404(PlanningRun, pk=pk)
    national = planning_run.region_id is None  # shown on every region's page
    if not national and not can_plan_region(request.user, planning_run.region_id):
        raise Http404
    return JsonResponse(
        {
            "status": planning_run.status,
            "status_label": planning_run.get_status_display(),
            "progress": round(planning_run.progress_now(), 3),
            "message": planning_run.progress_message,
            "finished": planning_run.is_finished,
        }
    )


def _planner_mission(request, pk: int) -> Mission:
    mission = get_object_or_404(Mission.objects.select_related("site"), pk=pk)
    if not can_plan_region(request.user, mission.site.region_id):
        raise Http404
    return mission


def _seen(request) -> str | None:
    """The status the table showed (the row's hidden `from_status`): refused if it changed."""
    return request.POST.get("from_status", "")[:30] or None


@require_POST
@role_required(*PLANNER_ROLES)
def mission_lock(request, pk: int):
    month, _, region = _scope(request)
    mission = _planner_mission(request, pk)
    locked = request.POST.get("locked") == "1"
    try:
        services.mission_lock(
            mission=mission, actor=request.user, locked=locked, from_status=_seen(request)
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            "Mission "
            + ("verrouillée : un nouveau calcul la conservera" if locked else "déverrouillée")
            + f" ({mission}).",
        )
    return _back(month, region, f"mission-{pk}", keep=request.POST)


@require_POST
@role_required(*PLANNER_ROLES)
def mission_remove(request, pk: int):
    month, _, region = _scope(request)
    mission = _planner_mission(request, pk)
    try:
        services.mission_remove(mission=mission, actor=request.user, from_status=_seen(request))
        messages.success(
            request,
            f"Mission retirée : {mission}. Ce médecin ne sera plus proposé ce jour-là dans les "
            "prochains calculs du mois.",
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return _back(month, region, "missions", keep=request.POST)


# The bulk actions of the planning page, each asked for on a page of its own before it runs:
# the status of the missions it acts on, and its URL name.
BULK_ACTIONS = {
    "publish": (M.DRAFT, "planning:publish"),
    "confirm": (M.ACCEPTED, "planning:confirm_accepted"),
}


def _scope_query(month: date, region: str) -> str:
    return f"?mois={month:%Y-%m}&region={region}"


def _bulk_confirmation(request, kind: str, month: date, region_code: str | None, region: str):
    """The page that says what a bulk action will do and asks for it. Its form posts the number
    of missions shown, so that missions changed meanwhile are shown again before acting."""
    status, url_name = BULK_ACTIONS[kind]
    region_name = Region.objects.get(pk=region_code).name if region_code else "France entière"
    figures = selectors.bulk_action_counts(month, region_code, status)
    expected, to_review = figures["missions"], []
    if kind == "publish" and expected:
        drafts = list(selectors.month_missions(month, region_code).filter(status=status))
        issues = draft_issues(month, region_code, drafts)
        to_review = [(m, issues[m.pk]) for m in drafts if m.pk in issues]
        figures = selectors.bulk_action_counts(month, region_code, status, exclude=set(issues))
    return render(
        request,
        "planning/confirm.html",
        {
            "title": "Publier la proposition aux médecins"
            if kind == "publish"
            else "Confirmer les missions acceptées",
            "kind": kind,
            "month": month,
            "region": region,
            "region_name": region_name,
            "figures": figures,
            "expected": expected,  # every mission in the status: the changes check counts them
            "to_review": to_review,
            # Publishing waits for a running calculation (the service refuses it too).
            "calculation_running": kind == "publish"
            and services.calculation_running(month, region_code),
            "action": reverse(url_name),
            "back": reverse("planning:index") + _scope_query(month, region),
        },
    )


def _bulk_confirmed(request, kind: str, month: date, region_code: str | None) -> bool:
    """Whether the POST comes from the confirmation page, for the missions it showed."""
    if request.POST.get("confirme") != "1":
        return False
    status, _ = BULK_ACTIONS[kind]
    current = selectors.bulk_action_counts(month, region_code, status)["missions"]
    # None left (a second click, say): the service says why there is nothing to do.
    if current and request.POST.get("attendu", "") != str(current):
        messages.warning(
            request,
            "Les missions ont changé depuis votre demande (nouveau calcul ou action d'une autre "
            "personne) : vérifiez les chiffres avant de confirmer.",
        )
        return False
    return True


@require_http_methods(["GET", "POST"])
@role_required(*PLANNER_ROLES)
def publish(request):
    """GET: what publishing will send, and the button that does it. POST from that page:
    publish. A POST without the confirmation leads to the page."""
    month, region_code, region = _scope(request)
    if request.method == "GET":
        return _bulk_confirmation(request, "publish", month, region_code, region)
    if not _bulk_confirmed(request, "publish", month, region_code):
        return redirect(reverse("planning:publish") + _scope_query(month, region))
    try:
        published, left_out = services.planning_publish(
            month=month, region_code=region_code, actor=request.user
        )
        doctors = len({m.doctor_id for m in published})
        sites = len({m.site_id for m in published})
        messages.success(
            request,
            f"{count(len(published), 'mission proposée', 'missions proposées')} à "
            f"{count(doctors, 'médecin', 'médecins')} ; "
            + (
                "le lieu d'accueil est informé."
                if sites < 2
                else "les lieux d'accueil sont informés."
            ),
        )
        if left_out:
            messages.warning(
                request,
                count(
                    len(left_out),
                    "mission à revoir n'a pas été publiée",
                    "missions à revoir n'ont pas été publiées",
                )
                + " (« À revoir » dans le tableau) : "
                + ("retirez-la" if len(left_out) == 1 else "retirez-les")
                + " ou relancez le calcul.",
            )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return _back(month, region)


@require_http_methods(["GET", "POST"])
@role_required(*PLANNER_ROLES)
def confirm_accepted(request):
    """GET: what confirming the accepted missions will do, and the button that does it. POST
    from that page: confirm them. A POST without the confirmation leads to the page."""
    month, region_code, region = _scope(request)
    if request.method == "GET":
        return _bulk_confirmation(request, "confirm", month, region_code, region)
    if not _bulk_confirmed(request, "confirm", month, region_code):
        return redirect(reverse("planning:confirm_accepted") + _scope_query(month, region))
    try:
        confirmed, skipped = services.missions_confirm_accepted(
            month=month, region_code=region_code, actor=request.user
        )
    except PermissionDenied as exc:
        messages.error(request, _error_text(exc))
        return _back(month, region)
    if confirmed:
        messages.success(
            request, count(confirmed, "mission confirmée", "missions confirmées") + "."
        )
    elif not skipped:  # a second click, another tab: the first one did it
        messages.info(
            request,
            "C'est déjà fait : aucune mission acceptée n'attend de confirmation ce mois-là.",
        )
    if skipped:
        messages.warning(
            request,
            count(len(skipped), "mission reste acceptée", "missions restent acceptées")
            + " sans confirmation : "
            + " ; ".join(skipped),
        )
    return _back(month, region)
