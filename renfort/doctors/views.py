"""HTML views of the doctors app: they parse input, call services/selectors, render French
pages."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from renfort.accounts.models import Role
from renfort.accounts.permissions import (
    has_role,
    role_required,
)
from renfort.accounts.views import confirmation_pending
from renfort.core.forms import attach_errors, titled
from renfort.core.text import count, lower_first
from renfort.core.workflow import COMMENT_LIMIT
from renfort.planning.models import MISSION_REASON_LIMIT
from renfort.planning.selectors import mission_booked_appointments
from renfort.planning.services import mission_cancellable
from renfort.sites.opening import public_holiday_name

from . import completion, selectors, services
from .forms import (
    AvailabilityAddForm,
    AvailabilityFormSet,
    CoverageForm,
    PreferencesForm,
    ProfileForm,
    SignupForm,
    TokenForm,
)
from .models import (
    ACTION_LABELS,
    ONBOARDING_WORKFLOW,
    ROLE_ACTION_LABELS,
    Availability,
    CoverageMode,
    Doctor,
    DoctorStatus,
    availability_horizon_text,
)
from .permissions import can_act_on_doctor

# Actions the doctor makes from the space (withdraw has its own confirmation page).
SPACE_ACTIONS = (DoctorStatus.PAUSED, DoctorStatus.ACTIVE, DoctorStatus.SUBMITTED)


def _actions(user, doctor) -> list[dict]:
    if not can_act_on_doctor(user, doctor):
        return []
    return [
        {
            "to": target,
            "label": ROLE_ACTION_LABELS.get((target, user.role), ACTION_LABELS[target]),
            "reason_required": services.reason_required(target, user, doctor),
            "comment_limit": COMMENT_LIMIT,
            "billing_number": target == DoctorStatus.BILLING_NUMBER_RECORDED,
        }
        for target in ONBOARDING_WORKFLOW.targets(doctor.status, user.role)
    ]


# --- Sign-up --------------------------------------------------------------------------------


def signup(request):
    """Public sign-up of a volunteer doctor: the account waits for the confirmation of its
    email address (accounts.views.confirm), which submits the file."""
    user = request.user
    if user.is_authenticated:
        if has_role(user, Role.DOCTOR) and Doctor.objects.filter(user=user).exists():
            return redirect("doctors:space")
        raise PermissionDenied(
            "Vous êtes connecté(e) avec un autre compte : déconnectez-vous pour inscrire un "
            "médecin volontaire."
        )
    data = request.POST if request.method == "POST" else None
    form = SignupForm(data)
    formset = AvailabilityFormSet(data, prefix="dispo")
    token_form = TokenForm(data)
    if request.method == "POST":
        forms_valid = all([form.is_valid(), formset.is_valid(), token_form.is_valid()])
        # The date rules run on every row whatever the rest: every error in one round.
        if form.check_availabilities(formset) and forms_valid:
            try:
                doctor, _ = services.doctor_signup(
                    token=token_form.cleaned_data["token"],
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                    data=form.doctor_data(),
                    practice_commune=form.cleaned_data["practice_commune"],
                    zones=form.cleaned_data["zones"],
                    preferred_sites=form.cleaned_data["preferred_sites"],
                    availabilities=formset.entries(),
                )
            except ValidationError as exc:
                attach_errors(form, exc)  # `availabilities` is a (hidden) field of the form
            else:
                if doctor is None or not doctor.user.is_active:
                    # New, or the address already has an account: the same answer (the
                    # address's owner is emailed; nothing is told here about accounts).
                    return confirmation_pending(
                        request, email=form.cleaned_data["email"], role=Role.DOCTOR
                    )
                # The form sent again after the address was confirmed (back button): it logs
                # in only with the password of the account.
                if doctor.user.check_password(form.cleaned_data["password1"]):
                    login(request, doctor.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.info(
                    request,
                    "Ce formulaire avait déjà été envoyé : votre candidature est enregistrée "
                    "telle qu'envoyée la première fois. Votre territoire, votre téléphone et "
                    "vos horaires se modifient depuis votre espace ; pour corriger une autre "
                    "information (nom, RPPS, secteur, cabinet), écrivez à l'ARS de votre région.",
                )
                return redirect("doctors:space")
        else:
            form.add_rule_errors()
    return render(
        request,
        "doctors/signup.html",
        {
            "title": titled("Devenir médecin volontaire", form),
            "form": form,
            "formset": formset,
            "token_form": token_form if request.method == "POST" else TokenForm(),
            "availability_horizon": availability_horizon_text(timezone.localdate()),
        },
    )


# --- Doctor space ---------------------------------------------------------------------------


def _own_doctor(request) -> Doctor:
    doctor = (
        Doctor.objects.select_related("practice_commune", "departement__region", "user")
        .filter(user=request.user)
        .first()
    )
    if doctor is None:
        raise Http404("Aucun dossier de médecin volontaire pour ce compte.")
    return doctor


def _space_page(request, doctor: Doctor, add_form=None):
    """The doctor's space; `add_form` is the availability form sent with an error."""
    zones_reachable = (
        selectors.zones_within(doctor, doctor.max_travel_minutes)
        if doctor.coverage_mode == CoverageMode.TRAVEL and doctor.max_travel_minutes
        else []
    )
    paused_by_agent = doctor.paused_by_agent  # one history query for the page
    return render(
        request,
        "doctors/space.html",
        {
            "title": titled("Mon espace médecin", add_form),
            "doctor": doctor,
            "timeline": selectors.onboarding_timeline(doctor),
            "history": doctor.history.select_related("actor"),
            "availabilities": selectors.upcoming_availabilities(doctor),
            "add_form": add_form or AvailabilityAddForm(),
            "missions": selectors.coming_missions(doctor),
            "zones": doctor.zones.select_related("epci"),
            "zones_reachable": zones_reachable,
            "preferred_sites": doctor.preferred_sites.select_related("commune"),
            "actions": [
                a
                for a in _actions(request.user, doctor)
                if a["to"] in SPACE_ACTIONS
                and not (a["to"] == DoctorStatus.ACTIVE and paused_by_agent)
            ],
            "paused_by_agent": services.PAUSED_BY_AGENT if paused_by_agent else "",
            "can_withdraw": DoctorStatus.WITHDRAWN
            in ONBOARDING_WORKFLOW.targets(doctor.status, Role.DOCTOR),
        },
    )


@role_required(Role.DOCTOR)
def space(request):
    return _space_page(request, _own_doctor(request))


@require_POST
@role_required(Role.DOCTOR)
def availability_add(request):
    """A refused date is shown on the field, with the page's error summary (no redirect)."""
    doctor = _own_doctor(request)
    form = AvailabilityAddForm(request.POST)
    if form.is_valid():
        try:
            availability, outcome = services.availability_add(
                doctor=doctor,
                actor=request.user,
                day=form.cleaned_data["date"],
                period=form.cleaned_data["period"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            day, period = f"{availability.date:%d/%m/%Y}", availability.get_period_display()
            if outcome == "added":
                messages.success(
                    request,
                    f"Disponibilité du {day} enregistrée ({period.lower()})."
                    + _rest_day_note(availability.date),
                )
            elif outcome == "widened":
                messages.success(request, f"Le {day} devient une journée entière.")
            else:
                held = selectors.blocking_missions_on(doctor, availability.date).exists()
                messages.info(
                    request,
                    f"Le {day} est déjà dans vos disponibilités ({period.lower()}) : rien n'a "
                    "changé. "
                    + (
                        "Cette date est retenue pour une mission."
                        if held
                        else "Pour ne garder qu'une demi-journée, retirez la date puis "
                        "ajoutez-la de nouveau."
                    ),
                )
            return redirect("doctors:space")
    return _space_page(request, doctor, add_form=form)


def _rest_day_note(day) -> str:
    """A Saturday, a Sunday or a public holiday is kept (a site may open then), with a word
    that few sites do: the date would otherwise wait for a proposal that rarely comes."""
    holiday = public_holiday_name(day)
    if holiday:
        return f" C'est un jour férié ({holiday}) : peu de lieux d'accueil ouvrent ce jour-là."
    if day.weekday() >= 5:
        return " C'est un week-end : peu de lieux d'accueil ouvrent ce jour-là."
    return ""


@require_POST
@role_required(Role.DOCTOR)
def availability_remove(request, pk: int):
    doctor = _own_doctor(request)
    availability = Availability.objects.filter(pk=pk, doctor=doctor).first()
    if availability is None:
        if Availability.objects.filter(pk=pk).exists():  # another doctor's
            raise Http404("Disponibilité introuvable.")
        messages.info(request, "Cette disponibilité est déjà retirée.")  # a second click
        return redirect("doctors:space")
    try:
        services.availability_remove(availability=availability, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Disponibilité du {availability.date:%d/%m/%Y} retirée.")
    return redirect("doctors:space")


def _closed(request, doctor: Doctor):
    """A closed file's edit pages say at once that it can no longer change (back to the
    space), instead of a form refused only once filled in."""
    if doctor.is_closed:
        messages.error(request, services.CLOSED_FILE)
        return redirect("doctors:space")
    return None


@role_required(Role.DOCTOR)
def coverage(request):
    doctor = _own_doctor(request)
    if closed := _closed(request, doctor):
        return closed
    form = CoverageForm(request.POST or None, instance=doctor)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.doctor_coverage_update(
                    doctor=Doctor.objects.get(pk=doctor.pk),
                    actor=request.user,
                    coverage_mode=form.cleaned_data["coverage_mode"],
                    max_travel_minutes=form.cleaned_data["max_travel_minutes"],
                    zones=form.cleaned_data["zones"],
                    preferred_sites=form.cleaned_data["preferred_sites"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, "Votre territoire a été enregistré.")
                return redirect("doctors:space")
    return render(
        request,
        "doctors/coverage.html",
        {"title": titled("Mon territoire", form), "doctor": doctor, "form": form},
    )


@role_required(Role.DOCTOR)
def preferences(request):
    doctor = _own_doctor(request)
    if closed := _closed(request, doctor):
        return closed
    form = PreferencesForm(request.POST or None, instance=doctor)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.doctor_preferences_update(
                    doctor=Doctor.objects.get(pk=doctor.pk),
                    actor=request.user,
                    data=form.cleaned_data,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, "Vos préférences ont été enregistrées.")
                return redirect("doctors:space")
    return render(
        request,
        "doctors/preferences.html",
        {
            "title": titled("Mes horaires, créneaux et préférences", form),
            "doctor": doctor,
            "form": form,
        },
    )


@role_required(Role.DOCTOR)
def profile(request):
    """Identity and practice; the answer to a « demande de complément »."""
    doctor = _own_doctor(request)
    if closed := _closed(request, doctor):
        return closed
    form = ProfileForm(request.POST or None, instance=doctor)
    if request.method == "POST" and form.is_valid():
        pending = doctor.completion_pending
        try:
            changed = completion.doctor_profile_update(
                doctor=Doctor.objects.get(pk=doctor.pk),
                actor=request.user,
                data=form.profile_data(),
                message=form.cleaned_data.get("message", ""),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if pending:
                messages.success(request, "Votre réponse a été envoyée à l'agent : merci.")
            elif changed:
                messages.success(request, "Votre dossier a été mis à jour.")
            else:
                messages.info(request, "Rien n'a changé dans votre dossier.")
            return redirect("doctors:space")
    return render(
        request,
        "doctors/profile.html",
        {
            "title": titled(
                "Compléter mon dossier"
                if doctor.completion_pending
                else "Mon identité et mon lieu d'exercice",
                form,
            ),
            "doctor": doctor,
            "form": form,
            "identity_locked": completion.IDENTITY_LOCKED if not doctor.identity_editable else "",
        },
    )


@role_required(Role.DOCTOR)
def withdraw(request):
    """Confirmation page (it lists the coming missions), then the withdrawal: the service
    cancels the future missions (sites, ARS and booked patients are told)."""
    doctor = _own_doctor(request)
    if DoctorStatus.WITHDRAWN not in ONBOARDING_WORKFLOW.targets(doctor.status, Role.DOCTOR):
        messages.error(request, "Votre dossier est déjà clos.")
        return redirect("doctors:space")
    comment, error = request.POST.get("comment", ""), ""
    if request.method == "POST":
        try:
            services.doctor_transition(
                doctor=doctor,
                actor=request.user,
                to_status=DoctorStatus.WITHDRAWN,
                comment=comment,
                from_status=request.POST.get("from_status", "")[:30] or None,
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) != "reason":
                messages.error(request, " ".join(exc.messages))
                return redirect("doctors:space")
            error = " ".join(exc.messages)  # the reason too long: shown again with its text
        else:
            withdrawn = lower_first(doctor.status_label_of(DoctorStatus.WITHDRAWN))
            messages.success(request, f"Vous vous êtes {withdrawn} du dispositif.")
            return redirect("doctors:space")
    # Those the withdrawal cancels (not today's once over or under way), with their patients.
    missions = [m for m in selectors.coming_missions(doctor) if mission_cancellable(m)]
    for mission in missions:
        mission.booked = mission_booked_appointments(mission)
    return render(
        request,
        "doctors/withdraw.html",
        {
            "title": ("Erreur — " if error else "") + "Me retirer du dispositif",
            "doctor": doctor,
            "missions": missions,
            "booked": sum(m.booked for m in missions),
            "comment": comment[:2000],
            "error": error,
            "reason_limit": MISSION_REASON_LIMIT,
            # « Mettre en pause » is suggested only to whom the space offers it (an active
            # volunteer), not to a candidate.
            "can_pause": DoctorStatus.PAUSED
            in ONBOARDING_WORKFLOW.targets(doctor.status, Role.DOCTOR),
        },
        status=400 if error else 200,
    )


def _pause_confirmation(request, doctor: Doctor, proposals, changed: bool):
    return render(
        request,
        "doctors/pause.html",
        {
            "title": "Mettre en pause ma participation",
            "doctor": doctor,
            # The status of the space page the pause was asked from, carried to the final POST.
            "from_status": request.POST.get("from_status", "")[:30] or doctor.status,
            "proposals": proposals,
            "proposals_title": "Vous avez "
            + count(
                len(proposals),
                "proposition de mission en attente de réponse",
                "propositions de mission en attente de réponse",
            ),
            "committed": selectors.committed_future_missions(doctor),
            "changed": changed,
        },
    )


@require_POST
@role_required(Role.DOCTOR)
def space_transition(request):
    """Pause, resume or (re)submit from the space. A pause withdraws the pending proposals:
    when there are some, a confirmation page lists them first, and only the POST confirming
    that very list pauses."""
    doctor = _own_doctor(request)
    to_status = request.POST.get("to_status", "")
    if to_status not in SPACE_ACTIONS:
        messages.error(request, "Action inconnue.")
        return redirect("doctors:space")
    pending: set[int] = set()
    if to_status == DoctorStatus.PAUSED and to_status in ONBOARDING_WORKFLOW.targets(
        doctor.status, Role.DOCTOR
    ):
        proposals = selectors.pending_proposals(doctor)
        pending = {m.pk for m in proposals}
        announced = {int(v) for v in request.POST.getlist("proposals") if v.isdigit()}
        confirmed = request.POST.get("confirmed") == "1"
        if pending and not (confirmed and announced == pending):
            return _pause_confirmation(request, doctor, proposals, changed=confirmed)
    try:
        doctor = services.doctor_transition(
            doctor=doctor,
            actor=request.user,
            to_status=to_status,
            from_status=request.POST.get("from_status", "")[:30] or None,
        )
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        if to_status == DoctorStatus.PAUSED:
            withdrawn = selectors.withdrawn_count(doctor, pending)
            done = (
                "Votre participation est en pause : "
                + count(
                    withdrawn, "proposition de mission retirée", "propositions de mission retirées"
                )
                if withdrawn
                else "Votre participation est en pause"
            )
            messages.success(
                request, done + ". Les missions acceptées ou confirmées restent prévues."
            )
        else:
            messages.success(
                request, f"Votre dossier est maintenant : {lower_first(doctor.status_label)}."
            )
    return redirect("doctors:space")
