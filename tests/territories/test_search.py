"""Commune search as people type it: name, postcode, both, or the autocomplete label."""

import pytest

from renfort.territories.models import Commune

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed", ["Lacaune", "81230", "Lacaune 81230", "81230 Lacaune", "Lacaune (81230) — Tarn"]
)
def test_lacaune_is_found_however_it_is_typed(typed):
    assert Commune.objects.search(typed).first().name == "Lacaune"


def test_a_postcode_with_an_unknown_name_still_finds_the_postcode():
    assert Commune.objects.search("Zzz 81230").first().postcodes.startswith("81230")


@pytest.mark.parametrize(
    "typed", ["Mazeyrat d'Allier", "Mazeyrat d’Allier", "Mazeyrat d‘Allier", "Mazeyrat dʼAllier"]
)
def test_typographic_apostrophes_are_read_as_the_straight_one(typed):
    assert Commune.objects.search(typed).first().name == "Mazeyrat-d'Allier"


@pytest.mark.parametrize("typed", ["l'isle sur tarn", "L'Isle-sur-Tarn", "Lisle sur Tarn"])
def test_an_elided_article_typed_apart_finds_the_commune_that_glues_it(typed):
    """Lisle-sur-Tarn is often written « L'Isle-sur-Tarn »."""
    assert Commune.objects.search(typed).first().name == "Lisle-sur-Tarn"


@pytest.mark.parametrize("typed", ["le", "de", "a b", "\u202eiblA", "ibla"])
def test_a_typed_name_names_no_commune_by_a_fragment(typed):
    """Sent as the search (words=True), two letters or a piece inside a word are not a
    commune: they landed on Le Havre, Décines-Charpieu, Deuil-la-Barre, Piblange."""
    assert not Commune.objects.search(typed, words=True).exists()


@pytest.mark.parametrize(
    ("typed", "found"),
    [("Lacaune", "Lacaune"), ("lacau", "Lacaune"), ("l'isle sur tarn", "Lisle-sur-Tarn")],
)
def test_a_typed_name_finds_its_commune_by_the_start_of_a_word(typed, found):
    assert Commune.objects.search(typed, words=True).first().name == found
