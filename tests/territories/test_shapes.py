"""The outlines of départements and EPCI live apart (DepartementShape, EPCIShape): no page
that joins a territory reads them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renfort.doctors.models import Doctor
from renfort.sites.models import Site
from renfort.zoning import selectors as zoning_selectors

pytestmark = pytest.mark.django_db


def test_queries_joining_territories_never_read_an_outline():
    queries = [
        Site.objects.select_related(
            "commune__departement__region", "departement__region", "epci", "priority_zone__epci"
        ),
        Doctor.objects.select_related("departement__region", "practice_commune__epci"),
        zoning_selectors.current_zones(),
    ]
    with CaptureQueriesContext(connection) as captured:
        for queryset in queries:
            list(queryset)
    assert len(captured) == len(queries)
    assert not [q["sql"] for q in captured if "geometry" in q["sql"]]
