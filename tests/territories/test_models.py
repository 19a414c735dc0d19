"""Territories in lists."""

import pytest

from renfort.territories.models import Region

pytestmark = pytest.mark.django_db


def test_regions_are_listed_in_french_alphabetical_order():
    names = [region.name for region in Region.objects.in_programme().by_name()]
    assert names.index("Hauts-de-France") < names.index("Île-de-France") < names.index("La Réunion")
    assert names[-1] != "Île-de-France"
