"""The outlines of départements and EPCI live apart (DepartementShape, EPCIShape): no page
that joins a territory reads them; the maps' GeoJSON is built once per version of the data,
compressed, and revalidated with an ETag."""

import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renfort.core.cached_json import json_documents_clear
from renfort.doctors.models import Doctor
from renfort.sites.models import Site
from renfort.territories.models import DepartementShape
from renfort.zoning import selectors as zoning_selectors
from renfort.zoning.services import priority_zone_remove
from tests.factories import UserFactory
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_documents():
    json_documents_clear()
    yield
    json_documents_clear()


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


def test_departements_geojson_is_compressed_when_accepted(client):
    url = reverse("territories:departements_geojson")
    plain = client.get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    assert len(plain.json()["features"]) == 101
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"]
        assert response["Cache-Control"] == "public, max-age=86400"
        assert response["ETag"] == plain["ETag"]


def test_departements_geojson_is_built_once_and_answers_304(client, django_assert_num_queries):
    url = reverse("territories:departements_geojson")
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):  # the version only: the body is kept in memory
        again = client.get(url)
    assert again.status_code == 200 and again["ETag"] == etag
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag


def test_departements_geojson_follows_a_new_import(client):
    url = reverse("territories:departements_geojson")
    etag = client.get(url)["ETag"]
    square = {"type": "Polygon", "coordinates": [[[2, 43], [3, 43], [3, 44], [2, 43]]]}
    # What the import does (renfort.territories.services._shapes_save).
    DepartementShape.objects.filter(pk="81").update(geometry=square, updated_at=timezone.now())
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    tarn = next(f for f in response.json()["features"] if f["properties"]["code"] == "81")
    assert tarn["geometry"] == square


def test_zones_geojson_follows_a_removed_zone(client):
    url = reverse("zoning:geojson")
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip" and first["Cache-Control"] == "public, no-cache"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    zone = zoning_selectors.current_zones().filter(epci__region_id="75").first()
    priority_zone_remove(actor=UserFactory(ars=True), zone=zone, reason="Erreur de saisie")
    response = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    sirens = {f["properties"]["siren"] for f in response.json()["features"]}
    assert len(sirens) == 63 and zone.epci_id not in sirens


def test_public_sites_geojson_is_compressed_and_revalidated(client):
    SiteFactory()
    url = reverse("sites:public_geojson")
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert "Accept-Encoding" in packed["Vary"] and "no-cache" in packed["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
