import io
import random

import pytest

from renfort.sites import demo
from renfort.sites.models import Site, SiteStatus
from renfort.sites.names import commune_of
from renfort.zoning.selectors import current_zones

pytestmark = pytest.mark.django_db


def test_demo_is_deterministic_idempotent_and_covers_every_zone():
    demo.generate(rng=random.Random("x"), stdout=io.StringIO())
    first = list(Site.objects.order_by("submission_token").values_list("name", "status"))
    zones = current_zones().count()
    assert zones <= len(first) <= 3 * zones
    assert set(Site.objects.values_list("priority_zone", flat=True)) == set(
        current_zones().values_list("pk", flat=True)
    )
    assert all("(fictif)" in name or "(fictive)" in name for name, _ in first)
    statuses = [s for _, s in first]
    assert statuses.count(SiteStatus.ACTIVE) > len(first) / 2
    assert {SiteStatus.PROPOSED, SiteStatus.VALIDATED} & set(statuses)
    assert all(s.manager.email.endswith("@demo.renfort.example") for s in Site.objects.all())
    out = io.StringIO()
    demo.generate(rng=random.Random("x"), stdout=out)
    assert Site.objects.count() == len(first) and "0 lieux" in out.getvalue()
    assert 1 <= len(demo.logins()) <= 2


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Lacaune", "de Lacaune"),
        ("Albi", "d'Albi"),
        ("Île-Tudy", "d'Île-Tudy"),
        ("Le Châtelet", "du Châtelet"),
        ("Les Salles", "des Salles"),
        ("La Souterraine", "de La Souterraine"),
        ("L'Isle-Jourdain", "de L'Isle-Jourdain"),
        ("Lesparre-Médoc", "de Lesparre-Médoc"),
        ("Leucate", "de Leucate"),
    ],
)
def test_commune_of(name, expected):
    assert commune_of(name) == expected


def test_demo_names_contract_the_article_of_the_commune():
    demo.generate(rng=random.Random("x"), stdout=io.StringIO())
    names = list(Site.objects.values_list("name", flat=True))
    assert not [n for n in names if " de Le " in n or " de Les " in n]
    assert any(" du " in n or " des " in n for n in names)
    nights = set(Site.objects.exclude(housing_nights="").values_list("housing_nights", flat=True))
    assert nights == {"la veille de chaque jour de consultation"}  # the night before, as planned
