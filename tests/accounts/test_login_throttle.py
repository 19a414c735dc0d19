"""Login throttling: too many wrong passwords lock an account's login for a while."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.accounts import services
from renfort.accounts.models import LoginFailure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "cible@test.renfort.example"


def login(client, password, email=EMAIL):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, settings):
    UserFactory(email=EMAIL)
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        assert "mot de passe incorrect" in login(client, "faux").content.decode()
    login(client, "faux")
    response = login(client, "mot-de-passe-test")
    assert response.status_code == 200
    assert "Trop de tentatives de connexion avec cette adresse" in response.content.decode()
    assert not response.context["user"].is_authenticated
    # The table holds a hash, never the address.
    assert not LoginFailure.objects.filter(key__icontains="cible").exists()


@pytest.mark.parametrize("exists", [True, False])
def test_the_last_attempt_before_the_lock_is_announced_whether_or_not_the_account_exists(
    client, settings, exists
):
    if exists:
        UserFactory(email=EMAIL)
    pages = [login(client, "faux").content.decode() for _ in range(settings.LOGIN_MAX_FAILURES)]
    warned = [i for i, page in enumerate(pages) if "encore une erreur et la connexion" in page]
    assert warned == [settings.LOGIN_MAX_FAILURES - 2]  # after the 4th of 5: one left
    assert "bloquée 15 minutes. En cas de doute, choisissez « Mot de passe oublié »." in pages[3]
    assert "mot de passe incorrect" in pages[3]
    assert "Trop de tentatives de connexion avec cette adresse" in pages[4]  # said at once


def test_the_lock_ends_after_the_delay(settings):
    now = timezone.now()
    for minutes in range(settings.LOGIN_MAX_FAILURES):
        services.login_failure_record(email=EMAIL, now=now - timedelta(minutes=20 - minutes))
    assert not services.login_blocked(email=EMAIL, now=now)
    assert services.login_blocked(email=EMAIL, now=now - timedelta(minutes=10))


def test_a_success_clears_the_failures_and_other_accounts_are_not_locked(client, settings):
    UserFactory(email=EMAIL)
    UserFactory(email="autre@test.renfort.example")
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        login(client, "faux")
    assert login(client, "mot-de-passe-test").status_code == 302
    assert not LoginFailure.objects.exists()
    client.logout()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        login(client, "faux", email=EMAIL.upper())  # the address in any case is one account
    assert services.login_blocked(email=EMAIL)
    assert login(client, "mot-de-passe-test", email="autre@test.renfort.example").status_code == 302


def test_admin_login_goes_through_the_throttled_login_page(client, settings):
    UserFactory(email=EMAIL, admin=True)
    response = client.get("/admin/")
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=%2Fadmin%2F"
    # Django's admin login form is gone: posting the right password to it logs nobody in.
    client.post("/admin/login/?next=/admin/", {"username": EMAIL, "password": "mot-de-passe-test"})
    assert client.get("/admin/").status_code == 302
    # Wrong admin passwords lock the admin account like any other.
    url = f"{reverse('accounts:login')}?next=/admin/"
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(url, {"username": EMAIL, "password": "faux", "next": "/admin/"})
    response = client.post(
        url, {"username": EMAIL, "password": "mot-de-passe-test", "next": "/admin/"}
    )
    assert "Trop de tentatives de connexion avec cette adresse" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_admin_login_keeps_a_safe_next_only(client):
    login_url = reverse("accounts:login")
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response["Location"] == f"{login_url}?next=%2Fadmin%2Faccounts%2Fuser%2F"
    for unsafe in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.get("/admin/login/", {"next": unsafe})
        assert response["Location"] == f"{login_url}?next=%2Fadmin%2F"


def test_admin_login_sends_admins_on_and_refuses_other_accounts(client):
    client.force_login(UserFactory(admin=True))
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response["Location"] == "/admin/accounts/user/"
    client.force_login(UserFactory(ars=True))
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    assert "réservée aux administrateurs" in response.content.decode()


def test_a_password_reset_lifts_the_lock(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Anyone can type five wrong passwords: the owner gets back in by « Mot de passe
    oublié », which proves the mailbox."""
    UserFactory(email=EMAIL)
    for _ in range(settings.LOGIN_MAX_FAILURES):
        login(client, "faux")
    assert services.login_blocked(email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": EMAIL})
    link = re.search(r"https?://[^/\s]+(/compte/\S+)", mailoutbox[-1].body).group(1)
    form = client.get(link, follow=True)
    new = "un-nouveau-mot-de-passe-2026"
    done = client.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                       {"new_password1": new, "new_password2": new})  # fmt: skip
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")
    assert not services.login_blocked(email=EMAIL)
    assert login(client, new).status_code == 302
