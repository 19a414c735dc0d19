from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("profil/", views.profile, name="profile"),
    path("mot-de-passe/changer/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("confirmation/envoyee/", views.confirmation_sent, name="confirmation_sent"),
    path("confirmation/renvoyer/", views.confirmation_resend, name="confirmation_resend"),
    path("confirmation/<uidb64>/<token>/", views.confirm, name="confirm"),
    path(
        "mot-de-passe/modifie/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
