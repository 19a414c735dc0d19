"""The password forms say the same thing everywhere: the same hint and mismatch message at the
sign-up and the reset, the email address named as such, a note when passwords must be typed
again."""

import html as htmllib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from renfort.accounts.password_validation import SimilarityValidator
from renfort.core.links import set_password_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def reset_page(client, user):
    url = set_password_url(user).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + url, follow=True)
    return response.redirect_chain[-1][0]


def test_the_reset_form_speaks_as_the_sign_up(client):
    user = UserFactory(email="paul.martin@test.renfort.example", last_name="Martin")
    url = reset_page(client, user)
    page = text(client.get(url))
    assert "Au moins 8 caractères, pas uniquement des chiffres, ni un mot de passe courant" in page
    assert "<li>" not in page.split('id="id_new_password1"')[0].rsplit("<label", 1)[1]
    page = text(client.post(url, {"new_password1": "Abc-12345-xyz", "new_password2": "autre"}))
    assert "Les deux mots de passe ne sont pas identiques." in page
    assert "ne correspondent pas" not in page
    page = text(client.post(url, {"new_password1": "paul.martin", "new_password2": "paul.martin"}))
    assert "Le mot de passe est trop semblable à votre adresse électronique." in page
    assert "nom d'utilisateur" not in page


def test_the_similarity_names_the_person_s_details():
    user = UserFactory.build(
        email="a.b@test.renfort.example", first_name="Marguerite", last_name="Durand-Fictif"
    )
    for password, words in (("Marguerite!", "votre prénom"), ("durand-fictif", "votre nom")):
        with pytest.raises(ValidationError) as exc:
            SimilarityValidator().validate(password, user)
        assert exc.value.messages == [f"Le mot de passe est trop semblable à {words}."]
    SimilarityValidator().validate("Un-mot-de-passe-solide-42", user)


def test_the_forgotten_password_form_names_the_email_address(client):
    page = text(client.get(reverse("accounts:password_reset")))
    assert "Adresse électronique" in page and "Courriel" not in page
    page = text(client.post(reverse("accounts:password_reset"), {"email": "pas-une-adresse"}))
    assert "Adresse électronique invalide, par exemple nom@exemple.fr." in page
    assert "Saisissez une adresse" not in page


def test_a_refused_page_says_why_once_and_leads_to_the_user_s_space(client):
    client.force_login(UserFactory(doctor=True))
    response = client.get(reverse("planning:index"))
    page = text(response)
    assert response.status_code == 403
    assert "Votre rôle ne donne pas accès à cette page." in page
    assert "Votre compte ne permet pas" not in page
    assert f'href="{reverse("accounts:home")}">Aller à mon espace</a>' in page


def test_every_page_title_ends_the_same_way(client):
    suffix = " — Renfort · Un médecin près de chez vous</title>"
    assert f"<title>Page introuvable{suffix}" in text(client.get("/pas-de-page-ici/"))
    client.force_login(UserFactory(doctor=True))
    assert f"<title>Accès refusé{suffix}" in text(client.get(reverse("planning:index")))
    assert f"<title>Mon compte{suffix}" in text(client.get(reverse("accounts:profile")))


def test_the_reset_link_s_validity_is_said_on_the_page_and_in_the_email(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_TIMEOUT = 2 * 86400
    UserFactory(email="oubli@test.renfort.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "oubli@test.renfort.example"}, follow=True
        )
    assert "Le lien est valable 2 jours." in text(response) and "quelques" not in text(response)
    assert "Ce lien est valable 2 jours." in mail.outbox[0].body


def test_my_account_shows_a_scope_only_when_it_says_more(client):
    client.force_login(UserFactory(doctor=True))
    page = text(client.get(reverse("accounts:profile")))
    assert "<dt>Rôle</dt><dd>Médecin volontaire</dd>" in page and "Périmètre" not in page
    client.force_login(UserFactory(cdom=True))
    page = text(client.get(reverse("accounts:profile")))
    assert "<dt>Périmètre</dt><dd>CDOM Landes (40)</dd>" in page


def test_a_reset_tells_the_owner_and_a_used_link_is_titled_as_such(
    client, django_capture_on_commit_callbacks
):
    from renfort.notifications.models import Notification

    user = UserFactory(email="oubli@test.renfort.example")
    url = reset_page(client, user)
    new = "Nouveau-mot-2026!"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"new_password1": new, "new_password2": new})
    assert Notification.objects.get(kind="password_changed").recipient == user.email
    page = text(client.get(url, follow=True))
    assert "<h1>Lien plus valable</h1>" in page and "<title>Lien plus valable —" in page
    assert "Nouveau mot de passe</h1>" not in page
