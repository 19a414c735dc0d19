"""Concurrent writes (PostgreSQL only): a publication and a change of one of its sites are
serialised, so the publication never proposes a mission on a day the site has just closed."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from renfort.accounts.models import Role
from renfort.planning import services
from renfort.planning.models import MissionStatus
from renfort.sites.models import OpeningException, Site
from renfort.territories.models import Region
from tests.factories import UserFactory

from .factories import MissionFactory
from .test_services import next_month

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_publication_waits_for_a_change_of_the_site_then_sees_it(on_postgres, reference_data):
    agent = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))
    day = next_month() + timedelta(days=3)
    kept = MissionFactory(status=MissionStatus.DRAFT, date=day + timedelta(days=1))
    closed = MissionFactory(status=MissionStatus.DRAFT, date=day)
    site_locked, outcome = threading.Event(), {}

    def site_change():  # what sites.services does: the site row locked, then the change
        try:
            with transaction.atomic():
                Site.objects.select_for_update().get(pk=closed.site_id)
                site_locked.set()
                time.sleep(0.5)  # the publication starts meanwhile
                OpeningException.objects.create(
                    site_id=closed.site_id,
                    kind=OpeningException.Kind.CLOSED,
                    start_date=day,
                    end_date=day,
                )
        finally:
            connection.close()

    def publish():
        site_locked.wait()
        try:
            with transaction.atomic():
                outcome["result"] = services.planning_publish(
                    month=next_month(), region_code="76", actor=agent
                )
        finally:
            connection.close()

    threads = [threading.Thread(target=site_change), threading.Thread(target=publish)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    published, left_out = outcome["result"]
    assert [m.pk for m in published] == [kept.pk]
    assert "fermeture exceptionnelle" in left_out[closed.pk]
    closed.refresh_from_db()
    assert closed.status == MissionStatus.DRAFT
