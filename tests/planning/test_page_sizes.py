"""Planning pages with many missions: their queries do not grow with the rows, the ARS table is
paged, and the whole country gets no per-site calendar."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.planning import views
from renfort.planning.models import MissionStatus
from renfort.territories.models import Region
from tests.doctors.factories import DoctorFactory
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db
M = MissionStatus


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.fixture
def ars(client):
    user = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))
    client.force_login(user)
    return user


def test_the_planning_page_of_the_current_month_reads_no_row_by_row(client, ars):
    """Missions of days gone by were checked for marked patients one by one."""
    today = timezone.localdate()
    url, params = reverse("planning:index"), {"mois": f"{today:%Y-%m}", "region": "76"}
    MissionFactory.create_batch(2, date=today)
    few = queries(client, url, params)
    MissionFactory.create_batch(6, date=today)
    assert queries(client, url, params) == few


def test_the_doctors_missions_page_and_calendar_read_no_row_by_row(client):
    doctor = DoctorFactory()
    client.force_login(doctor.user)
    start = timezone.localdate() + timedelta(days=3)
    for offset, status in ((0, M.PROPOSED), (10, M.ACCEPTED)):
        MissionFactory(doctor=doctor, status=status, date=start + timedelta(days=offset))
    few = queries(client, reverse("planning:doctor_missions"))
    few_ics = queries(client, reverse("planning:doctor_ics"))
    for day in range(1, 7):
        MissionFactory(
            doctor=doctor,
            status=(M.PROPOSED, M.CONFIRMED)[day % 2],
            date=start + timedelta(days=day),
        )
    assert queries(client, reverse("planning:doctor_missions")) == few
    assert queries(client, reverse("planning:doctor_ics")) == few_ics


def test_the_site_managers_missions_page_reads_no_row_by_row(client):
    site = SiteFactory(weekdays=range(7), open_on_public_holidays=True)
    client.force_login(site.manager)
    start = timezone.localdate() + timedelta(days=3)
    MissionFactory.create_batch(2, site=site, status=M.ACCEPTED, date=start)
    few = queries(client, reverse("planning:site_missions"))
    for day in range(1, 7):
        MissionFactory(site=site, status=M.CONFIRMED, date=start + timedelta(days=day))
    assert queries(client, reverse("planning:site_missions")) == few


def test_the_missions_table_is_paged_and_actions_come_back_to_their_page(client, ars, monkeypatch):
    monkeypatch.setattr(views, "TABLE_PAGE_SIZE", 2)
    day = timezone.localdate() + timedelta(days=40)
    missions = [MissionFactory(draft=True, date=day) for _ in range(3)]
    params = {"mois": f"{day:%Y-%m}", "region": "76"}
    first = client.get(reverse("planning:index"), params).content.decode()
    second = client.get(reverse("planning:index"), {**params, "page": "2"}).content.decode()
    rows = [sum(f'id="mission-{m.pk}"' in page for m in missions) for page in (first, second)]
    assert rows == [2, 1]
    assert "page 2 sur 2" in second and "Page précédente" in second
    assert "page=2#missions" in first  # the link to the next page keeps month and region
    assert 'name="page" value="2"' in second  # the row's lock and remove forms carry it
    last = next(m for m in missions if f'id="mission-{m.pk}"' in second)
    response = client.post(
        reverse("planning:mission_lock", args=[last.pk]), {**params, "locked": "1", "page": "2"}
    )
    assert response.url.endswith(f"&page=2#mission-{last.pk}")
    # The summary still counts the whole month.
    assert "(non publiée) : 3</li>" in first


def test_the_whole_country_gets_the_table_but_no_calendar_per_site(client):
    client.force_login(UserFactory(national=True))
    mission = MissionFactory()
    params = {"mois": f"{mission.date:%Y-%m}"}
    country = client.get(reverse("planning:index"), {**params, "region": "tout"})
    country = country.content.decode()
    assert f'id="mission-{mission.pk}"' in country
    assert 'id="calendar-by-region"' in country and "renfort-calendar__busy" not in country
    region = client.get(reverse("planning:index"), {**params, "region": "76"}).content.decode()
    assert "renfort-calendar__busy" in region and 'id="calendar-by-region"' not in region
