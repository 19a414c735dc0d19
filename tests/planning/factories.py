"""Factories for missions. Default: a confirmed full-day mission of a fresh active doctor at a
fresh active site in Lacaune open every day (public holidays included, so that any date suits
it), 10 days from today."""

from datetime import timedelta

import factory
from django.utils import timezone

from renfort.planning.models import Mission, MissionHistory, MissionStatus
from tests.doctors.factories import DoctorFactory
from tests.sites.factories import SiteFactory


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        skip_postgeneration_save = True

    doctor = factory.SubFactory(DoctorFactory)
    site = factory.SubFactory(SiteFactory, weekdays=range(7), open_on_public_holidays=True)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    period = "full"
    status = MissionStatus.CONFIRMED

    class Params:
        draft = factory.Trait(status=MissionStatus.DRAFT)
        proposed = factory.Trait(status=MissionStatus.PROPOSED)
        accepted = factory.Trait(status=MissionStatus.ACCEPTED)

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            MissionHistory.objects.create(mission=self, from_status="", to_status=self.status)
