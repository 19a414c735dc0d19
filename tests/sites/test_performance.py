"""Loads of the public map and of the agents' list at national scale (453 sites)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renfort.sites import selectors
from renfort.sites.models import OpeningException
from tests.factories import UserFactory

from .factories import SiteFactory

pytestmark = pytest.mark.django_db


def site_query_columns(queries) -> str:
    (columns,) = [
        q["sql"].partition(" FROM ")[0]
        for q in queries
        if q["sql"].partition(" FROM ")[2].startswith('"sites_site"')
        and '"sites_site"."name"' in q["sql"].partition(" FROM ")[0]
    ]
    return columns


@pytest.mark.parametrize("url_name", ["sites:public_map", "sites:public_geojson"])
def test_the_public_map_reads_what_it_shows(client, url_name):
    SiteFactory(volunteers_needed=False)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(url_name)).status_code == 200
    columns = site_query_columns(queries.captured_queries)
    assert '"territories_commune"."name"' in columns and '"territories_epci"."name"' in columns
    for unused in ('"territories_departement".', '"territories_region".', "practical_info"):
        assert unused not in columns


@pytest.mark.parametrize("url_name", ["sites:public_map", "sites:public_geojson"])
def test_the_public_map_takes_as_many_queries_for_10_sites_as_for_2(client, url_name):
    def queries_with(count: int) -> int:
        for _ in range(count):
            SiteFactory()
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(url_name))
        return len(queries)

    assert queries_with(2) == queries_with(8)


def exception(site, kind: str, start: date, end: date | None = None, **fields):
    OpeningException.objects.create(
        site=site, kind=kind, start_date=start, end_date=end or start, **fields
    )


def test_needing_volunteers_follows_the_opening_rules_of_the_30_days():
    today = date(2026, 3, 2)  # a Monday
    weekly = SiteFactory()
    extra_only = SiteFactory(weekdays=[])
    exception(extra_only, "open", today + timedelta(days=29))
    too_late = SiteFactory(weekdays=[])
    exception(too_late, "open", today + timedelta(days=31))
    closed_but_one_morning = SiteFactory()
    exception(closed_but_one_morning, "closed", today, date(2026, 4, 30))
    exception(closed_but_one_morning, "open", date(2026, 3, 10), period="morning")
    not_asking = SiteFactory(volunteers_needed=False)
    sites = [weekly, extra_only, too_late, closed_but_one_morning, not_asking]
    expected = {weekly.pk, extra_only.pk, closed_but_one_morning.pk}
    assert selectors.needing_volunteers_ids(sites, today=today) == expected
    assert {s.pk for s in selectors.sites_needing_volunteers(today=today)} == expected


def test_the_public_map_badge_is_live(client):
    site = SiteFactory()
    url = reverse("sites:public_map")
    assert client.get(url).context["needing"] == {site.pk}
    exception(site, "closed", timezone.localdate(), timezone.localdate() + timedelta(days=40))
    assert client.get(url).context["needing"] == set()


def test_the_agents_list_is_paginated_with_its_filters_and_the_export_is_complete(
    client, monkeypatch
):
    monkeypatch.setattr("renfort.core.pagination.PAGE_SIZE", 2)
    for _ in range(5):
        SiteFactory(in_landes=True)
    client.force_login(UserFactory(ars=True))
    url = reverse("sites:agent_list")
    response = client.get(url, {"status": "active"})
    assert len(response.context["rows"]) == 2 and response.context["count"] == 5
    page = response.content.decode()
    assert "5 lieux — page 1 sur 3" in page
    assert 'href="?status=active&amp;page=2">Page suivante' in page
    last = client.get(url, {"status": "active", "page": "3"})
    assert len(last.context["rows"]) == 1 and "— page 3 sur 3" in last.context["title"]
    assert "status=active&amp;format=csv" in last.content.decode()  # no page in the exports
    export = client.get(reverse("sites:export"), {"status": "active", "format": "csv"})
    assert len(export.content.decode("utf-8-sig").splitlines()) == 6


def test_the_agents_list_reads_what_it_shows_in_as_many_queries_for_10_sites_as_for_2(client):
    client.force_login(UserFactory(national=True))

    def queries_with(count: int) -> tuple[int, str, list[str]]:
        for _ in range(count):
            SiteFactory()
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("sites:agent_list"))
        dropdown = [
            columns
            for columns, _, table in (q["sql"].partition(" FROM ") for q in queries)
            if table.startswith('"territories_departement"')
        ]
        return len(queries), site_query_columns(queries.captured_queries), dropdown

    few, columns, dropdown = queries_with(2)
    assert queries_with(8)[0] == few
    for unused in ('"territories_departement".', '"territories_region".', '"accounts_user".'):
        assert unused not in columns
    assert "practical_info" not in columns
    assert dropdown == ['SELECT "territories_departement"."code", "territories_departement"."name"']
