"""A doctor who declines or cancels a mission because they are no longer free that day can
take the date out of their availabilities in the same step: their space then stops offering
it, and the ARS's next calculation no longer sees it."""

import html

import pytest
from django.urls import reverse

from renfort.planning.models import MissionStatus as M
from tests.booking.factories import book, free_slot, mission_with_slots
from tests.doctors.factories import DoctorFactory
from tests.planning.factories import MissionFactory
from tests.planning.test_services import next_month

pytestmark = pytest.mark.django_db


def proposed_mission():
    day = next_month().replace(day=12)
    doctor = DoctorFactory(available_on=[day, day.replace(day=13)])
    return MissionFactory(doctor=doctor, proposed=True, date=day)


def post(client, mission, to_status, **extra):
    data = {"to_status": to_status, "from_status": mission.status, **extra}
    return client.post(reverse("planning:mission_transition", args=[mission.pk]), data)


@pytest.mark.parametrize(("ticked", "left"), [(True, 1), (False, 2)])
def test_declining_may_take_the_date_out_of_the_availabilities(client, ticked, left):
    mission = proposed_mission()
    client.force_login(mission.doctor.user)
    page = html.unescape(client.get(reverse("planning:doctor_missions")).content.decode())
    label = f"Je ne suis plus disponible ce jour-là : retirer le {mission.date:%d/%m/%Y}"
    assert label in page
    extra = {"liberer_date": "1"} if ticked else {}
    response = post(client, mission, M.DECLINED, comment="Pas libre", **extra)
    assert response.status_code == 302
    said = html.unescape(client.get(response.url).content.decode())
    assert ("Cette date n'est plus dans vos disponibilités." in said) is ticked
    mission.refresh_from_db()
    assert mission.status == M.DECLINED
    dates = set(mission.doctor.availabilities.values_list("date", flat=True))
    assert len(dates) == left and (mission.date in dates) is not ticked


def test_only_the_doctor_takes_their_own_date_out(client):
    mission = mission_with_slots()
    mission.doctor.availabilities.create(date=mission.date, period="full")
    client.force_login(mission.site.manager)
    page = client.get(reverse("planning:mission_detail", args=[mission.pk])).content.decode()
    assert 'name="liberer_date"' not in page
    post(client, mission, M.CANCELLED, comment="Dégât des eaux", liberer_date="1", confirme="1")
    mission.refresh_from_db()
    assert mission.status == M.CANCELLED
    assert mission.doctor.availabilities.filter(date=mission.date).exists()


def test_the_choice_survives_the_page_that_warns_of_booked_patients(client):
    mission = mission_with_slots()
    mission.doctor.availabilities.create(date=mission.date, period="full")
    book(free_slot(mission))
    client.force_login(mission.doctor.user)
    first = post(client, mission, M.CANCELLED, comment="Empêchement familial", liberer_date="1")
    page = first.content.decode()
    assert 'id="cancel-confirm-form"' in page and 'name="liberer_date" value="1"' in page
    post(
        client, mission, M.CANCELLED, comment="Empêchement familial", liberer_date="1", confirme="1"
    )
    mission.refresh_from_db()
    assert mission.status == M.CANCELLED
    assert not mission.doctor.availabilities.filter(date=mission.date).exists()
