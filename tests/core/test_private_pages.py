"""Signed-in pages and files are never kept in a cache (a shared computer at a host site);
public pages are, as before."""

import pytest
from django.urls import reverse

from tests.booking.factories import book, free_slot, mission_with_slots

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "private" in response.get(
        "Cache-Control", ""
    )


def test_the_day_view_the_export_and_the_calendar_are_not_cached(client):
    mission = mission_with_slots()
    book(free_slot(mission))
    client.force_login(mission.site.manager)
    day = client.get(reverse("booking:day", args=[mission.site_id, mission.date.isoformat()]))
    assert day.status_code == 200 and no_store(day)
    client.force_login(mission.doctor.user)
    for url in (reverse("doctors:space"), reverse("planning:doctor_ics")):
        response = client.get(url)
        assert response.status_code == 200 and no_store(response), url


def test_public_pages_stay_cacheable_and_a_views_own_header_is_kept(client):
    home = client.get("/")
    assert home.status_code == 200 and "Cache-Control" not in home
    mission = mission_with_slots()
    appointment = book(free_slot(mission))
    manage = client.get(reverse("booking:manage", args=[appointment.secret]))
    assert manage.status_code == 200 and no_store(manage)
