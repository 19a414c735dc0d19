"""Races on PostgreSQL: a declaration sent twice at once (double click, two tabs) creates one
account and one site, and never answers with an error page."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from renfort.accounts.models import User
from renfort.notifications.models import Notification
from renfort.sites.models import Site
from tests.concurrency import errors, race
from tests.factories import UserFactory

from .test_services import declare

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
EMAIL = "gest@test.renfort.example"


def test_a_public_declaration_sent_twice_at_once_creates_one_account(on_postgres, reference_data):
    token = uuid.uuid4()
    results = race(lambda: declare(token=token), count=4)
    assert not errors(results), results
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({site.pk for site, _ in results}) == 1
    assert Site.objects.count() == 1 and User.objects.filter(email=EMAIL).count() == 1


@pytest.mark.parametrize("same_token", [True, False])
def test_the_ars_declaring_for_a_new_manager_twice_at_once_creates_one_account(
    on_postgres, reference_data, same_token
):
    agent = UserFactory(role="ars_agent", region_id="76")
    token = uuid.uuid4()
    results = race(lambda: declare(actor=agent, token=token if same_token else None), count=4)
    assert not errors(results), results
    assert User.objects.filter(email=EMAIL).count() == 1
    if same_token:
        assert Site.objects.count() == 1


def test_a_manager_declaring_the_same_site_from_four_tabs_gets_one_site(
    on_postgres, reference_data
):
    manager = UserFactory(role="site_manager", email=EMAIL)
    results = race(lambda: declare(actor=manager), count=4)
    assert not errors(results), results
    assert Site.objects.count() == 1
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 3 and all(r.site == Site.objects.get() for r in refused)


def test_a_public_declaration_sent_from_four_tabs_keeps_one_working_link(
    on_postgres, reference_data
):
    results = race(lambda: declare(), count=4)
    assert not errors(results), results
    site = Site.objects.get()
    assert {s.pk for s, _ in results} == {site.pk}
    sent = Notification.objects.filter(recipient=EMAIL)
    assert sorted(sent.values_list("kind", flat=True)) == ["account_confirmation"] * 2
