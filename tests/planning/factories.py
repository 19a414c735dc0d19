"""Factories for missions. Default: a confirmed full-day mission of a fresh active doctor at a
fresh active site in Lacaune open every day (public holidays included, so that any date suits
it), 10 days from today. A draft comes, like the solver's, with the doctor's availability on
its date and its site open that weekday (`available=False` to leave both out)."""

from datetime import time, timedelta

import factory
from django.utils import timezone

from renfort.doctors.models import Availability
from renfort.planning.models import Mission, MissionHistory, MissionStatus
from renfort.sites.models import WeeklyOpening
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
    def available(self, create, extracted, **kwargs):
        if create and self.status == MissionStatus.DRAFT and extracted is not False:
            Availability.objects.get_or_create(
                doctor=self.doctor, date=self.date, defaults={"period": self.period}
            )
            for period, start, end in (
                ("morning", time(9), time(12)),
                ("afternoon", time(14), time(18)),
            ):
                WeeklyOpening.objects.get_or_create(
                    site=self.site,
                    weekday=self.date.weekday(),
                    period=period,
                    defaults={"start_time": start, "end_time": end},
                )

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            MissionHistory.objects.create(mission=self, from_status="", to_status=self.status)
