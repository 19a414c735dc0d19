"""The doctor's space and sign-up: one availability horizon, said and applied the same way."""

import html as htmllib
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renfort.doctors import services
from renfort.doctors.models import availability_horizon
from renfort.doctors.services import AvailabilityEntry

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "today, horizon",
    [
        (date(2026, 12, 7), date(2027, 4, 7)),
        (date(2026, 10, 31), date(2027, 2, 28)),
        (date(2027, 10, 31), date(2028, 2, 29)),
    ],
)
def test_the_horizon_is_the_same_day_four_months_on(today, horizon):
    assert availability_horizon(today) == horizon


def test_the_rule_and_its_wording_agree():
    today = date(2026, 12, 7)
    assert services.availabilities_check([AvailabilityEntry(date(2027, 4, 7))], today=today)
    with pytest.raises(ValidationError) as info:
        services.availabilities_check([AvailabilityEntry(date(2027, 4, 8))], today=today)
    assert info.value.messages == [
        "Le 08/04/2027 est trop lointain : indiquez des dates dans les 4 prochains mois, "
        "d'ici le 07/04/2027."
    ]


def test_the_signup_and_the_space_say_the_horizon_the_service_applies(client):
    limit = availability_horizon(timezone.localdate())
    said = f"dans les 4 prochains mois, d'ici le {limit:%d/%m/%Y}"
    signup = htmllib.unescape(client.get(reverse("doctors:signup")).content.decode())
    assert said in signup
    doctor = DoctorFactory()
    client.force_login(doctor.user)
    space = htmllib.unescape(client.get(reverse("doctors:space")).content.decode())
    assert said in space and f'max="{limit:%Y-%m-%d}"' in space
    add = reverse("doctors:availability_add")
    client.post(add, {"date": limit.isoformat(), "period": "full"})
    assert doctor.availabilities.filter(date=limit).exists()
    refused = client.post(add, {"date": (limit + timedelta(days=1)).isoformat(), "period": "full"})
    assert said in htmllib.unescape(refused.content.decode())
    assert not doctor.availabilities.filter(date=limit + timedelta(days=1)).exists()


def test_the_withdrawal_page_counts_the_patients_it_will_tell(client):
    from tests.booking.factories import book, free_slot, mission_with_slots

    mission = mission_with_slots()
    for n in range(2):
        book(free_slot(mission), first_name=f"Personne{'ab'[n]}", email=f"p{n}@exemple.test")
    client.force_login(mission.doctor.user)
    page = htmllib.unescape(client.get(reverse("doctors:withdraw")).content.decode())
    assert "2 rendez-vous de patients" in page and "(2 en tout)" in page
