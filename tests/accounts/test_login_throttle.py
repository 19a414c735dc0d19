"""Login throttling: too many wrong passwords lock an account's login for a while."""

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
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert "mot de passe incorrect" in login(client, "faux").content.decode()
    response = login(client, "mot-de-passe-test")
    assert response.status_code == 200
    assert "Trop de tentatives de connexion avec cette adresse" in response.content.decode()
    assert not response.context["user"].is_authenticated
    # The table holds a hash, never the address.
    assert not LoginFailure.objects.filter(key__icontains="cible").exists()


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
