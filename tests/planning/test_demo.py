import io
import random

import pytest

from renfort.planning import demo
from renfort.planning.models import Mission, PlanningRun
from tests.doctors.factories import DoctorFactory
from tests.planning.test_services import open_dates
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_demo_plans_each_region_once():
    site = SiteFactory()
    DoctorFactory(available_on=open_dates(site))
    out = io.StringIO()
    demo.generate(rng=random.Random(1), stdout=out)
    run = PlanningRun.objects.get()
    assert run.region_id == "76" and run.status == PlanningRun.Status.DONE
    missions = list(Mission.objects.all())
    assert sum(m.days for m in missions) == 2  # the doctor's two days a month
    assert all(m.status != "draft" for m in missions)  # published outside region 75
    demo.generate(rng=random.Random(1), stdout=out)
    assert PlanningRun.objects.count() == 1 and Mission.objects.count() == len(missions)
    assert "déjà présente" in out.getvalue()
