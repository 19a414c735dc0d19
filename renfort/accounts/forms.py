from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from renfort.core.forms import RenfortForm

from . import services


class LoginForm(RenfortForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Adresse électronique"
        self.fields["username"].widget.attrs.update({"autocomplete": "email"})

    def clean_username(self):
        """Accounts are stored with their email in lower case: « Dr.Test@Example.org » is the
        account of dr.test@example.org."""
        return (self.cleaned_data.get("username") or "").strip().lower()

    def clean(self):
        """Password guessing is slowed down: too many failures lock the account's login for a
        while (accounts.services)."""
        email = self.cleaned_data.get("username") or ""
        if email and services.login_blocked(email=email):
            raise self._locked()
        try:
            data = super().clean()
        except ValidationError as exc:
            if email and exc.code == "invalid_login":
                services.login_failure_record(email=email)
                password = self.cleaned_data.get("password") or ""
                if services.awaiting_confirmation(email=email, password=password):
                    raise ValidationError(
                        "Votre adresse n'est pas encore confirmée : suivez le lien reçu par "
                        "courriel, ou demandez-en un nouveau avec « Renvoyer le lien ».",
                        code="unconfirmed",
                    ) from exc
                left = services.login_attempts_left(email=email)  # the same for any address
                if left == 0:
                    raise self._locked() from exc
                if left == 1:
                    raise ValidationError(
                        f"{self.error_messages['invalid_login']} Attention : encore une erreur "
                        "et la connexion avec cette adresse sera bloquée "
                        f"{settings.LOGIN_LOCK_MINUTES} minutes. En cas de doute, choisissez "
                        "« Mot de passe oublié ».",
                        code="invalid_login",
                    ) from exc
            raise
        services.login_failures_clear(email=email)
        return data

    @staticmethod
    def _locked() -> ValidationError:
        return ValidationError(
            "Trop de tentatives de connexion avec cette adresse : réessayez dans "
            f"{settings.LOGIN_LOCK_MINUTES} minutes, ou choisissez « Mot de passe oublié ».",
            code="locked",
        )


class ResetForm(RenfortForm, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse électronique"  # as on every other form

    def get_users(self, email):
        """Active accounts with this email, including those created on someone's behalf that
        have no password yet (Django skips them: their owner could never choose one)."""
        return (
            user
            for user in get_user_model()._default_manager.filter(
                email__iexact=email, is_active=True
            )
            if user.email.lower() == email.lower()
        )

    def save(self, **kwargs):
        """One email per account found, queued by the accounts service (the view's domain,
        templates and request are not used: see password_reset_email_enqueue)."""
        for user in self.get_users(self.cleaned_data["email"]):
            services.password_reset_email_enqueue(user=user)


class ResendForm(RenfortForm):
    """« Renvoyer le lien » of an email confirmation."""

    email = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


PASSWORD_HELP = (
    "Au moins 8 caractères, pas uniquement des chiffres, ni un mot de passe courant, ni un mot "
    "de passe proche de votre nom ou de votre adresse électronique."
)
PASSWORD_MISMATCH = "Les deux mots de passe ne sont pas identiques."


class PasswordOnlySave:
    """Save the password column only: the form holds the account read at the start of the
    request, and a full save would undo what another request saved meanwhile (the mobile number
    from « Mes préférences », the activation of the account…)."""

    def set_password_and_save(self, user, password_field_name="new_password1", commit=True):
        user.set_password(self.cleaned_data[password_field_name])
        if commit:
            user.save(update_fields=["password"])
        return user


class NewPasswordForm(RenfortForm, PasswordOnlySave, SetPasswordForm):
    """The new password of « Mot de passe oublié », said as on the sign-up pages."""

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Plain text, as on the sign-up pages (Django's list of rules is a <ul> in the label).
        self.fields["new_password1"].help_text = PASSWORD_HELP
        self.fields["new_password2"].label = "Confirmation du nouveau mot de passe"

    def validate_password_for_user(self, user, password_field_name="new_password1"):
        """The rules (too short, too common…) are said under the new password itself, where
        they were typed, not under its confirmation (Django's choice); and only when the two
        match, as on the sign-up pages."""
        if "new_password2" in self.cleaned_data:
            super().validate_password_for_user(user, "new_password1")


class ChangePasswordForm(NewPasswordForm, PasswordChangeForm):
    """The logged-in user's new password, checked by the project's password validators."""

    error_messages = {
        "password_incorrect": "Votre mot de passe actuel est incorrect.",
        "password_mismatch": PASSWORD_MISMATCH,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Mot de passe actuel"


def new_password_fields() -> tuple[forms.CharField, forms.CharField]:
    """The password and its confirmation of an account created by a public form:
    `password1, password2 = new_password_fields()` in the form, `new_password_check` in clean()."""
    return (
        forms.CharField(
            label="Mot de passe",
            help_text=PASSWORD_HELP,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
        forms.CharField(
            label="Confirmation du mot de passe",
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


def new_password_check(form, data: dict, *, account_fields: tuple[str, str, str]) -> None:
    """The two passwords match and pass the validators, measured against the account about to
    be created: `account_fields` names the form's email, first name and last name fields, so
    that the password may not look like them either (an unsaved user without username: the
    similarity message names the email, the login people know)."""
    p1, p2 = data.get("password1"), data.get("password2")
    if p1 and p2 and p1 != p2:
        form.add_error("password2", PASSWORD_MISMATCH)
    elif p1:
        email, first_name, last_name = (data.get(name) or "" for name in account_fields)
        future = get_user_model()(email=email, first_name=first_name, last_name=last_name)
        try:
            validate_password(p1, user=future)
        except ValidationError as exc:
            form.add_error("password1", exc)
