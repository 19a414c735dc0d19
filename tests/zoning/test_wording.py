"""What the public and the agents read of a zone: the intercommunality named as such, the
départements by name, the history without internal file names."""

import html as htmllib

import pytest
from django.urls import reverse

from renfort.accounts.models import Role
from renfort.territories.models import Region
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MONTLUCON = "200071082"  # CA Montluçon Communauté, Allier (03)


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def test_the_search_names_the_intercommunality(client):
    page = text(client.get(reverse("zoning:search"), {"q": "Lacaune"}))
    assert "Lacaune fait partie de l'intercommunalité « " in page
    assert "CC du Haut-Languedoc</a> »" in page


def test_the_public_zone_page_speaks_plainly(client):
    page = text(client.get(reverse("zoning:detail", args=[MONTLUCON])))
    assert "Communes de l'intercommunalité « CA Montluçon Communauté »" in page
    assert "<dt>Département</dt><dd>Allier (03)</dd>" in page
    assert "<dt>Catégorie</dt><dd>non publiée</dd>" in page
    assert "Inscrite dans la liste des zones prioritaires de juin 2025" in page
    assert ".csv" not in page and "Importée" not in page
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="84")))
    page = text(client.get(reverse("zoning:detail", args=[MONTLUCON])))
    assert "(import : zones_prioritaires_2025.csv)" in page  # the file, for the agents


def test_the_removal_field_names_the_intercommunality(client):
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="84")))
    page = text(client.get(reverse("zoning:manage")))
    assert 'Motif du retrait<span class="fr-sr-only"> de l\'intercommunalité « ' in page
    assert 'Retirer<span class="fr-sr-only"> la zone « ' in page
