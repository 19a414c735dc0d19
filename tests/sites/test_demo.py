import io
import random

import pytest

from renfort.sites import demo
from renfort.sites.models import Site, SiteStatus
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
