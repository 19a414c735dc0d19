from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from renfort.core.forms import RenfortForm


class LoginForm(RenfortForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Adresse électronique"
        self.fields["username"].widget.attrs.update({"autocomplete": "email"})


class ResetForm(RenfortForm, PasswordResetForm):
    pass


class NewPasswordForm(RenfortForm, SetPasswordForm):
    pass
