"""Factories shared by every app's tests (users and territories). App-specific factories live in
tests/<app>/factories.py and may import these."""

import factory

from renfort.accounts.models import Role, User
from renfort.territories.models import Commune, Departement, Region


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"personne{n}@test.renfort.example")
    username = factory.SelfAttribute("email")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Testeur{n}")
    role = Role.DOCTOR
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-test")

    class Params:
        doctor = factory.Trait(role=Role.DOCTOR)
        site_manager = factory.Trait(role=Role.SITE_MANAGER)
        ars = factory.Trait(
            role=Role.ARS_AGENT, region=factory.LazyFunction(lambda: Region.objects.get(code="75"))
        )
        cdom = factory.Trait(
            role=Role.CDOM_AGENT,
            departement=factory.LazyFunction(lambda: Departement.objects.get(code="40")),
        )
        cpam = factory.Trait(
            role=Role.CPAM_AGENT,
            departement=factory.LazyFunction(lambda: Departement.objects.get(code="40")),
        )
        national = factory.Trait(role=Role.NATIONAL)
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create and results:
            instance.save()


def commune(code_insee: str) -> Commune:
    return Commune.objects.select_related("epci", "departement").get(code_insee=code_insee)
