"""The doctor's dates: a day a mission already holds is not added again (it could not be
removed), a weekend or a public holiday is kept with a word that few sites open then, and a
second click on « Retirer » says the date is already removed."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.doctors.models import availability_horizon
from renfort.sites.opening import public_holiday_name
from tests.planning.factories import MissionFactory

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db
ADD = "doctors:availability_add"


def text(response) -> str:
    return html.unescape(response.content.decode())


def next_day(test, start=None):
    day = start or timezone.localdate() + timedelta(days=3)
    while not test(day):
        day += timedelta(days=1)
    return day


def test_a_day_a_mission_holds_is_not_added_again(client):
    day = next_day(lambda d: d.weekday() < 5 and not public_holiday_name(d))
    doctor = DoctorFactory()
    mission = MissionFactory(doctor=doctor, date=day, status="confirmed")
    client.force_login(doctor.user)
    page = text(client.post(reverse(ADD), {"date": day.isoformat(), "period": "full"}))
    assert f"Vous avez déjà une mission le {day:%d/%m/%Y} à {mission.site.name}" in page
    assert "ce jour est déjà pris." in page and not doctor.availabilities.exists()


def test_a_weekend_or_a_holiday_is_kept_with_a_word(client):
    doctor = DoctorFactory()
    client.force_login(doctor.user)
    saturday = next_day(lambda d: d.weekday() == 5)
    page = text(
        client.post(reverse(ADD), {"date": saturday.isoformat(), "period": "full"}, follow=True)
    )
    assert "C'est un week-end : peu de lieux d'accueil ouvrent ce jour-là." in page
    holiday = next_day(lambda d: bool(public_holiday_name(d)))
    assert holiday <= availability_horizon(timezone.localdate())
    page = text(
        client.post(reverse(ADD), {"date": holiday.isoformat(), "period": "full"}, follow=True)
    )
    assert f"C'est un jour férié ({public_holiday_name(holiday)})" in page
    assert doctor.availabilities.count() == 2
    weekday = next_day(lambda d: d.weekday() < 5 and not public_holiday_name(d))
    page = text(
        client.post(reverse(ADD), {"date": weekday.isoformat(), "period": "full"}, follow=True)
    )
    assert "peu de lieux d'accueil" not in page


def test_a_second_click_on_remove_says_it_is_done(client):
    day = next_day(lambda d: d.weekday() < 5)
    doctor = DoctorFactory(available_on=[day])
    client.force_login(doctor.user)
    url = reverse("doctors:availability_remove", args=[doctor.availabilities.get().pk])
    assert "retirée." in text(client.post(url, follow=True))
    again = client.post(url, follow=True)
    assert again.status_code == 200 and "Cette disponibilité est déjà retirée." in text(again)
