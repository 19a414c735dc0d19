"""Factories for volunteer doctors. Default: an active general practitioner practising in Albi
(Tarn, outside the priority zones), willing to go anywhere within 120 minutes, 2 days a month."""

import uuid

import factory

from renfort.core.validators import luhn_complete
from renfort.doctors.models import (
    Availability,
    CoverageMode,
    Doctor,
    DoctorHistory,
    DoctorStatus,
    Sector,
)
from tests.factories import UserFactory, commune

ALBI = "81004"


def rpps_with_key(body: str) -> str:
    """Complete 10 digits with the Luhn check digit (valid RPPS number)."""
    return luhn_complete(body)


class DoctorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Doctor
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, doctor=True)
    civility = "mme"
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Fictive{n}")
    phone = "+33612345678"
    rpps = factory.Sequence(lambda n: rpps_with_key(f"1{n:09d}"))
    sector = Sector.SECTOR_1
    practice_address = "3 rue du Cabinet (fictif)"
    practice_commune = factory.LazyFunction(lambda: commune(ALBI))
    departement = factory.LazyAttribute(lambda o: o.practice_commune.departement)
    coverage_mode = CoverageMode.TRAVEL
    max_travel_minutes = 120
    max_days_per_month = 2
    insurance_confirmed = True
    status = DoctorStatus.ACTIVE
    submission_token = factory.LazyFunction(uuid.uuid4)

    class Params:
        draft = factory.Trait(status=DoctorStatus.DRAFT)
        submitted = factory.Trait(status=DoctorStatus.SUBMITTED)
        # Nouvelle-Aquitaine (region 75, the `ars` user trait): Mont-de-Marsan, Landes.
        in_landes = factory.Trait(practice_commune=factory.LazyFunction(lambda: commune("40192")))

    @factory.post_generation
    def available_on(self, create, extracted, **kwargs):
        """`available_on=[date, ...]` (full days) or `[(date, "morning"), ...]`."""
        if not create or not extracted:
            return
        Availability.objects.bulk_create(
            Availability(doctor=self, date=d[0], period=d[1])
            if isinstance(d, tuple)
            else Availability(doctor=self, date=d, period="full")
            for d in extracted
        )

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            DoctorHistory.objects.create(doctor=self, from_status="", to_status=self.status)
