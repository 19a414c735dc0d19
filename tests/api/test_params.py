"""Public API parameters a client may write in several ways, and answers it must not misread:
local times with their offset, case-insensitive half-days, days that do not exist, names that
several communes bear, the zones of one region."""

import re

import pytest

from tests.booking.factories import mission_with_slots

pytestmark = pytest.mark.django_db
SLOTS = "/api/slots"


@pytest.fixture
def mission():
    return mission_with_slots()  # Lacaune (81230), in metropolitan France


def test_slot_times_are_the_sites_local_time_with_its_offset(client, mission):
    [result] = client.get(SLOTS, {"commune": "81230"}).json()
    for slot in result["prochains_creneaux"]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00", slot["debut"])
        assert 8 <= int(slot["debut"][11:13]) < 19  # a consultation hour, not UTC's


@pytest.mark.parametrize(
    ("value", "count"), [("Matin", 9), (" MATIN ", 9), ("Après-midi", 12), ("APRES-MIDI", 12)]
)
def test_half_days_are_read_whatever_their_case_and_accent(client, mission, value, count):
    response = client.get(SLOTS, {"commune": "Lacaune", "demi_journee": value})
    assert response.status_code == 200
    assert response.json()[0]["creneaux_disponibles"] == count


def test_a_day_that_does_not_exist_is_said_so(client):
    response = client.get(SLOTS, {"commune": "Lacaune", "date": "2030-02-30"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["champ"] == "date"
    assert error["message"].startswith("Date invalide : ce jour n'existe pas")


def test_a_name_several_communes_bear_asks_which_one(client):
    response = client.get(SLOTS, {"commune": "Saint-Denis"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("Plusieurs communes portent ce nom : précisez le code postal")
    codes = re.findall(r"code_insee=(\w{5})", detail)
    assert {"93066", "97411"} <= set(codes)
    for code in codes[:2]:  # each code given answers
        assert client.get(SLOTS, {"code_insee": code}).status_code == 200
    assert client.get(SLOTS, {"commune": "93200"}).status_code == 200  # a postcode: no doubt


def test_zones_of_one_region(client):
    every = client.get("/api/zones").json()
    occitanie = client.get("/api/zones", {"region": "76"}).json()
    assert 0 < len(occitanie) < len(every)
    assert {z["region"] for z in occitanie} == {"Occitanie"}
    assert [z["siren"] for z in every if z["region"] == "Occitanie"] == [
        z["siren"] for z in occitanie
    ]
    response = client.get("/api/zones", {"region": "99"})
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Région inconnue")
