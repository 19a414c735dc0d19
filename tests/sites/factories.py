"""Factories for host sites. Default: an active MSP in Lacaune (Tarn, CC du Haut-Languedoc,
a current priority zone, Occitanie), open Monday–Friday."""

import uuid
from datetime import time

import factory

from renfort.sites.models import Site, SiteHistory, SiteKind, SiteStatus, WeeklyOpening
from renfort.sites.services import site_locate
from tests.factories import UserFactory, commune

LACAUNE = "81124"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Maison de santé (fictive) n° {n}")
    kind = SiteKind.MSP
    address = "1 place de la Mairie"
    commune = factory.LazyFunction(lambda: commune(LACAUNE))
    departement = factory.LazyAttribute(lambda o: o.commune.departement)
    region = factory.LazyAttribute(lambda o: o.commune.departement.region)
    epci = factory.LazyAttribute(lambda o: o.commune.epci)
    priority_zone = factory.LazyAttribute(lambda o: site_locate(commune=o.commune).priority_zone)
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)
    contact_name = "Dominique Exemple"
    phone = "+33563000000"
    email = "contact@lieu.test.renfort.example"
    rooms = 1
    status = SiteStatus.ACTIVE
    manager = factory.SubFactory(UserFactory, site_manager=True)
    submission_token = factory.LazyFunction(uuid.uuid4)

    class Params:
        proposed = factory.Trait(status=SiteStatus.PROPOSED)
        validated = factory.Trait(status=SiteStatus.VALIDATED)
        suspended = factory.Trait(status=SiteStatus.SUSPENDED)
        # Nouvelle-Aquitaine (region 75, the `ars` user trait): Labouheyre, CC Coeur Haute Lande.
        in_landes = factory.Trait(commune=factory.LazyFunction(lambda: commune("40134")))

    @factory.post_generation
    def weekdays(self, create, extracted, **kwargs):
        """Weekly pattern: `weekdays=[0, 2]` (mornings + afternoons); default Monday–Friday."""
        if not create:
            return
        days = range(5) if extracted is None else extracted
        WeeklyOpening.objects.bulk_create(
            WeeklyOpening(site=self, weekday=d, period=p, start_time=s, end_time=e)
            for d in days
            for p, s, e in (
                ("morning", time(9), time(12, 30)),
                ("afternoon", time(14), time(18)),
            )
        )
        SiteHistory.objects.create(site=self, from_status="", to_status=self.status)


def open_every_day_site(**kwargs) -> Site:
    """A site open every day, public holidays included: any date suits a mission there."""
    return SiteFactory(weekdays=range(7), open_on_public_holidays=True, **kwargs)
