import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password_redirects_to_role_space(client):
    UserFactory(email="agent@test.renfort.example", ars=True)
    response = client.post(
        reverse("accounts:login"),
        {"username": "agent@test.renfort.example", "password": "mot-de-passe-test"},
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).url == reverse("planning:todo")


def test_wrong_password_shows_a_french_error(client):
    UserFactory(email="x@test.renfort.example")
    response = client.post(
        reverse("accounts:login"), {"username": "x@test.renfort.example", "password": "faux"}
    )
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


def test_password_reset_sends_a_working_link(client, django_capture_on_commit_callbacks):
    UserFactory(email="oubli@test.renfort.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "oubli@test.renfort.example"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Renfort : choisir un nouveau mot de passe"
    link = re.search(r"https?://[^/\s]+(/compte/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Nouveau-mot-2026!", "new_password2": "Nouveau-mot-2026!"},
    )
    assert response.status_code == 302
    assert client.login(username="oubli@test.renfort.example", password="Nouveau-mot-2026!")


def test_password_reset_link_uses_the_base_url_and_is_sent_by_the_outbox(
    client, settings, django_capture_on_commit_callbacks
):
    """Not the request's Host header (a forged `Host: localhost:6666` would send the owner a
    link to someone else's server), and not sent during the request: queued like every email."""
    from renfort.notifications.models import Notification

    settings.RENFORT_BASE_URL = "https://renfort.sante.example/"
    UserFactory(email="oubli@test.renfort.example")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("accounts:password_reset"),
            {"email": "oubli@test.renfort.example"},
            headers={"host": "localhost:6666"},
        )
    assert response.status_code == 302
    assert mail.outbox == [] and Notification.objects.get().kind == "password_reset"
    for callback in callbacks:
        callback()
    body = mail.outbox[0].body
    assert "https://renfort.sante.example/compte/mot-de-passe/nouveau/" in body
    assert "localhost" not in body and "6666" not in body


def test_password_reset_email_shows_the_address_as_typed(
    client, django_capture_on_commit_callbacks
):
    """A plain-text email: no HTML escaping of the apostrophe or the ampersand."""
    UserFactory(email="o'hara&co@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "o'hara&co@example.org"})
    assert "(o'hara&co@example.org)" in mail.outbox[0].body


def test_password_reset_unknown_email_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["doctor", "site_manager", "ars", "cdom", "cpam", "national"])
def test_admin_is_refused_to_non_admins(client, role):
    client.force_login(UserFactory(**{role: True}))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_is_open_to_admins(client):
    client.force_login(UserFactory(admin=True))
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Administration de Renfort" in page.text and "Django" not in page.text


def test_agent_scope_constraints():
    from django.db import IntegrityError, transaction

    from renfort.accounts.models import Role, User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="a@test.renfort.example", role=Role.ARS_AGENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="b@test.renfort.example", role=Role.CDOM_AGENT)


def test_a_refused_login_says_so_in_the_page_title(client):
    response = client.post(
        reverse("accounts:login"), {"username": "x@test.renfort.example", "password": "faux"}
    )
    assert "<title>Erreur dans le formulaire — Se connecter" in response.content.decode()
    assert "<title>Se connecter" in client.get(reverse("accounts:login")).content.decode()


def test_login_ignores_the_case_of_the_email(client):
    UserFactory(email="dr.test@example.org")
    response = client.post(
        reverse("accounts:login"),
        {"username": " Dr.Test@Example.org ", "password": "mot-de-passe-test"},
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).context["user"].email == "dr.test@example.org"


def test_user_lookup_by_email_ignores_case_and_the_database_refuses_capitals():
    from django.db import IntegrityError, transaction

    from renfort.accounts.models import User

    user = UserFactory(email="dr.test@example.org")
    assert User.objects.get_by_natural_key(" DR.TEST@EXAMPLE.ORG") == user
    # No second account differing only by case: the database refuses an address in capitals.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(email="Dr.Test@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="Dr.Test@Example.org")


def test_an_account_edited_in_the_admin_stores_its_email_in_lower_case(client):
    from renfort.accounts.models import User

    client.force_login(UserFactory(admin=True))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "Nouvel.Agent@Example.org",
            "role": "national",
            "password1": "Un-mot-de-passe-2026",
            "password2": "Un-mot-de-passe-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.filter(email="nouvel.agent@example.org").exists()


def test_logging_out_says_so_and_a_get_offers_the_button(client):
    user = UserFactory(doctor=True)
    client.force_login(user)
    url = reverse("accounts:logout")
    page = html.unescape(client.get(url).content.decode())  # a bookmark, a typed address
    assert client.get(url).status_code == 200 and 'id="logout-submit"' in page
    assert user.email in page and "_auth_user_id" in client.session  # still signed in
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert "Vous êtes déconnecté(e)." in html.unescape(response.content.decode())
    assert "_auth_user_id" not in client.session
    page = html.unescape(client.get(url).content.decode())
    assert "Vous n'êtes pas connecté(e)." in page and 'id="logout-submit"' not in page


def test_the_login_page_sends_a_signed_in_user_to_their_space(client):
    user = UserFactory(doctor=True)
    client.force_login(user)
    assert client.get(reverse("accounts:login")).url == reverse("accounts:home")
    target = reverse("accounts:profile")
    assert client.get(reverse("accounts:login"), {"next": target}).url == target
