from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from renfort.core.forms import titled

from . import services
from .forms import ChangePasswordForm, LoginForm, NewPasswordForm, ResendForm, ResetForm
from .models import Role
from .tokens import confirmation_days

# Where each role lands after login; apps that are not installed yet fall back to the profile.
ROLE_HOME = {
    Role.DOCTOR: "doctors:space",
    Role.SITE_MANAGER: "sites:manager_space",
    Role.ARS_AGENT: "planning:todo",
    Role.CDOM_AGENT: "doctors:agent_list",
    Role.CPAM_AGENT: "doctors:agent_list",
    Role.NATIONAL: "zoning:list",
    Role.ADMIN: "admin:index",
}


class TitledForm:
    """A form page whose title says first that the form has errors (RGAA 11.10)."""

    page_title = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = titled(self.page_title, context.get("form"))
        return context


class LoginView(TitledForm, auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    page_title = "Se connecter"
    # Signed in already (a bookmark, the back button): to their space, or to `next`, not the
    # form again. A signed-in user without the right is answered 403 by the page itself, so
    # this never loops.
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST (the header's button), then the home page says it is done. A GET
    (a bookmark, a typed address) shows a page with that button instead of an error."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "accounts/logout.html", {"title": "Se déconnecter"})

    def post(self, request, *args, **kwargs):
        signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if signed_in:
            messages.success(request, "Vous êtes déconnecté(e).")
        return response


def admin_login(request):
    """`/admin/login/`: the administration is reached through the site's login page, whose
    failures are counted and lock the account (accounts.services), never through Django's own
    admin login form. `next` is kept when it stays on this site, otherwise the admin's index."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        raise PermissionDenied("L'administration est réservée aux administrateurs.")
    query = urlencode({REDIRECT_FIELD_NAME: next_url})
    return redirect(f"{reverse('accounts:login')}?{query}")


class PasswordChangeView(TitledForm, auth_views.PasswordChangeView):
    """« Changer mon mot de passe » (login required by Django's view, which keeps the session
    open after the change)."""

    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:profile")
    page_title = "Changer mon mot de passe"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed_notify(user=form.user)
        messages.success(
            self.request,
            "Votre mot de passe a été modifié. Un courriel vous le confirme.",
        )
        return response


class PasswordResetView(TitledForm, auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    page_title = "Mot de passe oublié"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"title": "Courriel envoyé"}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "days": confirmation_days()}


class PasswordResetConfirmView(TitledForm, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    page_title = "Nouveau mot de passe"

    def form_valid(self, form):
        """The link proves the mailbox: the wrong passwords typed by anyone before no longer
        keep the account locked."""
        response = super().form_valid(form)
        services.login_failures_clear(email=form.user.email)
        services.password_changed_notify(user=form.user)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context.get("validlink"):
            context["title"] = "Lien plus valable"
        return context


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    extra_context = {"title": "Mot de passe modifié"}


@login_required
def home(request):
    """Send each user to the home of their space."""
    url_name = ROLE_HOME.get(request.user.role)
    if url_name:
        try:
            return redirect(reverse(url_name))
        except NoReverseMatch:
            pass
    return render(request, "accounts/profile.html", {"title": "Mon compte"})


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"title": "Mon compte"})


# --- Email confirmation of public sign-ups (services.SIGNUP_STEPS) ---------------------------

SENT_KEY = "confirmation_sent"


def confirmation_pending(request, *, email: str, role: str):
    """The answer to a public sign-up, whatever the address (new, unconfirmed, or with an
    account): « Consultez votre messagerie » (post/redirect/get)."""
    request.session[SENT_KEY] = {"email": email, "what": services.SIGNUP_STEPS[role].what}
    return redirect("accounts:confirmation_sent")


def confirmation_sent(request):
    sent = request.session.get(SENT_KEY)
    if not sent:
        return redirect("accounts:confirmation_resend")
    return render(
        request,
        "accounts/confirmation_sent.html",
        {"title": "Consultez votre messagerie", "days": confirmation_days(), **sent},
    )


def _link_invalid(request, error: ValidationError):
    return render(
        request,
        "accounts/confirmation_resend.html",
        {
            "title": "Lien de confirmation non valable",
            "invalid": error.messages[0],
            "form": ResendForm(),
        },
        status=400,
    )


def confirm(request, uidb64: str, token: str):
    """The link of the confirmation email. Opening it only shows a button (mail scanners open
    links); the button activates the account, logs its owner in and sends what they declared."""
    if request.method == "POST":
        try:
            user, message = services.account_confirm(uidb64=uidb64, token=token)
        except ValidationError as exc:
            return _link_invalid(request, exc)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.pop(SENT_KEY, None)
        messages.success(request, message)
        return redirect("accounts:home")
    try:
        user = services.confirmation_link_check(uidb64=uidb64, token=token)
    except ValidationError as exc:
        return _link_invalid(request, exc)
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": "Confirmer votre adresse électronique",
            "email": user.email,
            "what": services.SIGNUP_STEPS[user.role].what,
        },
    )


def confirmation_resend(request):
    """« Renvoyer le lien »: the same neutral answer whatever the address."""
    form = ResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.confirmation_resend(email=form.cleaned_data["email"])
        return render(
            request,
            "accounts/confirmation_resend.html",
            {"title": "Consultez votre messagerie", "resent": True},
        )
    return render(
        request,
        "accounts/confirmation_resend.html",
        {"title": titled("Renvoyer le lien de confirmation", form), "form": form},
    )
