"""Public API: /api/slots (search, refusals with French reasons), OpenAPI schema, docs page."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from renfort.api.errors import FALLBACK, french_message
from tests.booking.factories import mission_with_slots

pytestmark = pytest.mark.django_db
SLOTS = "/api/slots"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def mission():
    """Lacaune (81230, INSEE 81124), 10 days ahead: 9 morning and 12 afternoon slots."""
    return mission_with_slots()


def local_hours(site_result) -> set[int]:
    return {
        parse_datetime(s["debut"]).astimezone(PARIS).hour for s in site_result["prochains_creneaux"]
    }


# --- Successful searches ----------------------------------------------------------------------


def test_search_by_postcode_lists_the_site_and_its_slots(client, mission):
    response = client.get(SLOTS, {"commune": "81230"})
    assert response.status_code == 200
    [result] = response.json()
    assert result["lieu_id"] == mission.site.pk
    assert result["creneaux_disponibles"] == 21 and len(result["prochains_creneaux"]) == 8
    assert result["prochains_creneaux"][0]["lien_reservation"].startswith("http://testserver/")


def test_search_by_insee_code_on_the_mission_day(client, mission):
    response = client.get(SLOTS, {"code_insee": "81124", "date": mission.date.isoformat()})
    assert response.status_code == 200
    assert [r["lieu_id"] for r in response.json()] == [mission.site.pk]


def test_morning_filter_in_french(client, mission):
    response = client.get(SLOTS, {"commune": "Lacaune", "demi_journee": "matin"})
    assert response.status_code == 200
    [result] = response.json()
    assert result["creneaux_disponibles"] == 9
    assert max(local_hours(result)) < 13


def test_afternoon_filter_in_french(client, mission):
    response = client.get(SLOTS, {"commune": "Lacaune", "demi_journee": "apres-midi"})
    assert response.status_code == 200
    [result] = response.json()
    assert result["creneaux_disponibles"] == 12
    assert min(local_hours(result)) >= 13


@pytest.mark.parametrize(("value", "count"), [("morning", 9), ("afternoon", 12), ("", 21)])
def test_english_and_blank_periods_still_accepted(client, mission, value, count):
    response = client.get(SLOTS, {"commune": "Lacaune", "demi_journee": value, "date": ""})
    assert response.status_code == 200
    assert response.json()[0]["creneaux_disponibles"] == count


def test_today_is_accepted(client, mission):
    response = client.get(SLOTS, {"commune": "Lacaune", "date": timezone.localdate()})
    assert response.status_code == 200
    assert response.json() == []


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"commune": "  "}, {"commune": "", "code_insee": ""}])
def test_no_commune_is_a_bad_request(client, params):
    response = client.get(SLOTS, params)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Indiquez une commune : paramètre commune (nom ou code postal) ou code_insee."
    }


@pytest.mark.parametrize("params", [{"commune": "Zzyzx-sur-Rien"}, {"code_insee": "00000"}])
def test_unknown_commune_is_not_found(client, params):
    response = client.get(SLOTS, params)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Commune introuvable")


def test_past_date_is_a_bad_request(client, mission):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.get(SLOTS, {"commune": "Lacaune", "date": yesterday.isoformat()})
    assert response.status_code == 400
    assert response.json() == {"detail": "La date doit être aujourd'hui ou une date à venir."}


@pytest.mark.parametrize("value", ["9999-12-31", "2100-01-01"])
def test_a_date_beyond_the_horizon_is_a_bad_request(client, value):
    response = client.get(SLOTS, {"commune": "Lacaune", "date": value})
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "Les créneaux sont ouverts sur les 60 prochains jours : choisissez une date jusqu'au "
    )


@pytest.mark.parametrize(
    "value",
    ["14/07/2030", "2030-02-30", "demain", "0", "1893456000", "2030-07-14T00:00", "20300714"],
)
def test_invalid_date_is_refused_in_french(client, value):
    response = client.get(SLOTS, {"commune": "Lacaune", "date": value})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["champ"] == "date"
    assert error["message"].startswith("Date invalide")
    if "par exemple" in error["message"]:  # an example the API accepts: next week, not past
        from datetime import date, timedelta

        from django.utils import timezone

        example = error["message"].split("par exemple ")[1].rstrip(").")
        assert date.fromisoformat(example) == timezone.localdate() + timedelta(days=7)


def test_unknown_period_is_refused_with_the_allowed_values(client):
    response = client.get(SLOTS, {"commune": "Lacaune", "demi_journee": "soir"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "champ": "demi_journee",
                "message": "Valeur non autorisée. Valeurs possibles : 'matin' ou 'apres-midi'.",
            }
        ]
    }


def test_every_invalid_parameter_is_listed(client):
    response = client.get(SLOTS, {"commune": "Lacaune", "date": "x", "demi_journee": "soir"})
    assert response.status_code == 422
    assert {e["champ"] for e in response.json()["detail"]} == {"date", "demi_journee"}
    assert "Input should" not in response.text


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "missing", "loc": ("query", "x")}, "Ce paramètre est obligatoire."),
        ({"type": "int_parsing", "loc": ("query", "x")}, "Nombre entier attendu."),
        (
            {"type": "string_too_long", "ctx": {"max_length": 5}},
            "Texte trop long (longueur maximale : 5).",
        ),
        ({"type": "string_too_long", "ctx": {}}, FALLBACK),
        ({"type": "url_parsing"}, FALLBACK),
    ],
)
def test_french_messages_of_common_and_unknown_errors(error, message):
    assert french_message(error) == message


# --- OpenAPI schema and docs page -------------------------------------------------------------


def test_openapi_documents_the_errors_and_french_periods(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/slots"]["get"]
    responses = operation["responses"]
    assert {"200", "400", "404", "422"} <= set(responses)
    components = schema["components"]["schemas"]
    for status in ("400", "404", "422"):
        ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
        assert "detail" in components[ref.rsplit("/", 1)[1]]["properties"]
    [period] = [p for p in operation["parameters"] if p["name"] == "demi_journee"]
    enums = [s.get("enum") for s in period["schema"]["anyOf"] if "enum" in s]
    assert enums == [["matin", "apres-midi"]]


def test_docs_page_loads_only_local_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="fr">' in html
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    assert "cdn." not in html and "https://" not in html and "http://" not in html
    for asset in assets:
        assert asset.startswith("/static/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        served.close()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_wrong_method_gets_a_french_json_error(client, method):
    response = getattr(client, method)(SLOTS)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {
        "detail": f"Méthode {method.upper()} non autorisée ici : utilisez GET ou HEAD."
    }


@pytest.mark.parametrize("path", [SLOTS, "/api/zones", "/api/openapi.json"])
def test_head_is_allowed_wherever_get_is(client, path):
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code != 405
    assert head["Content-Type"] == get["Content-Type"] and head.content == b""


def test_a_disallowed_host_gets_a_french_json_400(client):
    response = client.get(SLOTS, {"commune": "81230"}, headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("Requête invalide : vérifiez l'adresse")
    page = client.get("/", headers={"host": "evil.example"})  # the site's pages: HTML
    assert page.status_code == 400 and "Requête invalide" in page.text


@pytest.mark.parametrize("path", ["/api/nope", "/api/slots/", "/api/zones/"])
def test_an_unknown_api_address_gets_a_french_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Adresse inconnue de l'API")


@pytest.mark.parametrize("value", ["8", "81", "812", "a"])
def test_a_partial_postcode_or_a_single_letter_is_an_unknown_commune(client, mission, value):
    response = client.get(SLOTS, {"commune": value})
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Commune introuvable : vérifiez le nom, le code postal ou le code INSEE."
    }


def test_an_insee_code_in_the_commune_field_is_understood(client, mission):
    by_insee = client.get(SLOTS, {"commune": "81124"})  # Lacaune's INSEE code
    assert by_insee.status_code == 200
    assert by_insee.json() == client.get(SLOTS, {"code_insee": "81124"}).json()


def test_the_openapi_schema_is_in_french(client):
    response = client.get("/api/openapi.json")
    text, schema = response.content.decode(), response.json()
    for english in ('"OK"', "Bad Request", "Not Found", "Unprocessable Entity", '"Response"'):
        assert english not in text
    for generated in ("Lieu Id", "Demi Journee", "Code Insee", "Creneaux Disponibles"):
        assert generated not in text
    for path, operation in ((p, o["get"]) for p, o in schema["paths"].items()):
        assert operation["summary"] and operation["description"], path
        for status, answer in operation["responses"].items():
            assert answer["description"] in (
                "Succès",
                "Requête incomplète ou hors des limites (message dans `detail`)",
                "Introuvable (message dans `detail`)",
                "Paramètre invalide (une erreur par paramètre dans `detail`)",
            ), (path, status)
        for parameter in operation.get("parameters", []):
            assert parameter["description"] and parameter["schema"]["title"], parameter
    assert schema["paths"]["/api/zones"]["get"]["description"].startswith("Les zones prioritaires")
    for name, component in schema["components"]["schemas"].items():
        assert not component["title"].endswith("Out"), name
        for field, details in component["properties"].items():
            assert details.get("title") and details.get("description"), (name, field)
    fields = schema["components"]["schemas"]["SiteSlotsOut"]["properties"]
    assert fields["lieu_id"]["title"] == "Identifiant du lieu"
    assert fields["creneaux_disponibles"]["title"] == "Créneaux disponibles"
