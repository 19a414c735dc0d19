"""« Changer mon mot de passe » for logged-in users."""

import html as htmllib

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/compte/mot-de-passe/changer/"
NEW = "Nouveau-mot-2026!"


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def change(client, old="mot-de-passe-test", new1=NEW, new2=NEW):
    return client.post(
        URL, {"old_password": old, "new_password1": new1, "new_password2": new2}, follow=True
    )


def test_the_page_is_linked_from_the_account_page_and_the_header(client):
    client.force_login(UserFactory())
    page = text(client.get(reverse("accounts:profile")))
    assert f'href="{URL}"' in page and "Changer mon mot de passe" in page
    assert f'href="{reverse("accounts:profile")}">Mon compte</a>' in page
    page = text(client.get(URL))
    assert "<h1>Changer mon mot de passe</h1>" in page
    assert "Mot de passe actuel" in page and "Confirmation du nouveau mot de passe" in page
    assert (
        "Au moins 8 caractères, pas uniquement des chiffres, ni un mot de passe courant" in page
        and "<ul><li>" not in page
    )


def test_a_user_changes_their_password_and_stays_logged_in(client):
    user = UserFactory(email="change@test.renfort.example")
    client.force_login(user)
    response = change(client)
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "Votre mot de passe a été modifié." in text(response)
    assert response.context["user"].is_authenticated
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_a_wrong_current_password_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    page = text(change(client, old="faux"))
    assert "Votre mot de passe actuel est incorrect." in page
    assert "<title>Erreur dans le formulaire — Changer mon mot de passe" in page
    user.refresh_from_db()
    assert user.check_password("mot-de-passe-test")


def test_a_mismatched_confirmation_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    assert "Les deux mots de passe ne sont pas identiques." in text(
        change(client, new2="Autre-mot-2026!")
    )
    user.refresh_from_db()
    assert user.check_password("mot-de-passe-test")


def test_the_password_validators_apply(client):
    client.force_login(UserFactory())
    page = text(change(client, new1="12345678", new2="12345678"))
    assert "Ce mot de passe est entièrement numérique." in page


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"
    assert client.post(URL, {"old_password": "x"}).status_code == 302


def test_changing_the_password_keeps_what_another_tab_saved_meanwhile():
    """The form holds the account read at the start of the request: saving the password writes
    the password only (the mobile number saved meanwhile from « Mes préférences » stays)."""
    from renfort.accounts.forms import ChangePasswordForm, NewPasswordForm
    from renfort.accounts.models import User

    user = UserFactory(phone="+33612345678")
    for form_class, data in (
        (ChangePasswordForm, {"old_password": "mot-de-passe-test"}),
        (NewPasswordForm, {}),
    ):
        read = User.objects.get(pk=user.pk)
        User.objects.filter(pk=user.pk).update(phone="+33781234568", first_name="Dominique")
        data = {**data, "new_password1": NEW, "new_password2": NEW}
        form = form_class(read, data)
        assert form.is_valid(), form.errors
        form.save()
        user.refresh_from_db()
        assert (user.phone, user.first_name) == ("+33781234568", "Dominique")
        assert user.check_password(NEW)
        user.set_password("mot-de-passe-test")
        user.save(update_fields=["password"])


def test_the_owner_is_told_by_email_after_a_change(client, django_capture_on_commit_callbacks):
    from renfort.notifications.models import Notification

    user = UserFactory(email="change@test.renfort.example")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        page = text(change(client))
    assert "Un courriel vous le confirme." in page
    sent = Notification.objects.get(kind="password_changed")
    assert sent.recipient == user.email
    assert sent.subject == "Renfort : votre mot de passe a été modifié"
    assert "Si ce n'est pas vous" in sent.body and "/compte/mot-de-passe/oubli/" in sent.body
    change(client, old="faux")  # refused: nothing more is sent
    assert Notification.objects.filter(kind="password_changed").count() == 1


def test_the_rules_are_said_under_the_new_password_not_its_confirmation(client):
    client.force_login(UserFactory())
    page = text(change(client, new1="court", new2="court"))
    field = page.split('id="id_new_password1"')[1].split('id="id_new_password2"')[0]
    assert "trop court" in field
    confirmation = page.split('id="id_new_password2"')[1].split("</form>")[0]
    assert "trop court" not in confirmation
