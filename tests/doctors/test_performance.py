"""Round trips and loads of the agents' list and exports at national scale (5,000 doctors)."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renfort.doctors import selectors
from renfort.doctors.models import CoverageMode
from tests.factories import UserFactory

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db


def doctors(count: int, zone) -> None:
    today = timezone.localdate()
    for _ in range(count):
        doctor = DoctorFactory(
            coverage_mode=CoverageMode.ZONES,
            available_on=[today - timedelta(days=3), today + timedelta(days=3), today],
        )
        doctor.zones.add(zone)


def export(client) -> tuple[list[list[str]], list[dict]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("doctors:export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return rows, queries.captured_queries


def test_the_export_takes_as_many_queries_for_10_doctors_as_for_2(client, lacaune_zone):
    client.force_login(UserFactory(national=True))
    doctors(2, lacaune_zone)
    rows, few = export(client)
    assert len(rows) == 3
    doctors(8, lacaune_zone)
    rows, many = export(client)
    assert len(rows) == 11 and len(many) == len(few)
    # Zones by their EPCI name, coming availabilities counted (today's included).
    assert rows[1][9] == lacaune_zone.epci.name and rows[1][12] == "2"


def test_the_table_reads_only_what_it_shows():
    DoctorFactory()
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.doctor_table_rows(
            selectors.for_table(selectors.agent_doctors(UserFactory.build(national=True)))
        )
    assert len(rows) == 1 and rows[0][5] == "Albi"
    columns = queries.captured_queries[0]["sql"].split(" FROM ")[0]
    # Neither the account, nor the région, nor the département's row, nor unused columns.
    for unused in ('"accounts_user".', '"territories_region".', '"territories_departement".'):
        assert unused not in columns
    assert '"phone"' not in columns and '"practice_address"' not in columns


def test_the_departement_dropdown_reads_codes_and_names_only(client):
    client.force_login(UserFactory(national=True))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("doctors:agent_list"))
    assert len(response.context["departements"]) == 101
    dropdown = [
        columns
        for columns, _, table in (q["sql"].partition(" FROM ") for q in queries.captured_queries)
        if table.startswith('"territories_departement"')
    ]
    assert dropdown == ['SELECT "territories_departement"."code", "territories_departement"."name"']


def test_the_list_pages_keep_the_filters(client, monkeypatch):
    monkeypatch.setattr("renfort.core.pagination.PAGE_SIZE", 2)
    for _ in range(3):
        DoctorFactory()
    client.force_login(UserFactory(national=True))
    response = client.get(reverse("doctors:agent_list"), {"status": "active"})
    page = response.content.decode()
    assert len(response.context["rows"]) == 2 and "3 volontaires — page 1 sur 2" in page
    assert 'href="?status=active&amp;page=2">Page suivante' in page
    last = client.get(reverse("doctors:agent_list"), {"status": "active", "page": "2"})
    assert len(last.context["rows"]) == 1 and "Page précédente" in last.content.decode()
