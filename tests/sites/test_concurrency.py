"""Races on PostgreSQL: a declaration sent twice at once (double click, two tabs) creates one
account and one site, and never answers with an error page."""

import uuid

import pytest

from renfort.accounts.models import User
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
