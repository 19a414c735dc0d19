"""A mission is never confirmed (nor a proposal published) on a day its site no longer opens."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renfort.planning import services
from renfort.planning.checks import draft_issues
from renfort.planning.models import MissionStatus
from renfort.sites import services as site_services
from renfort.sites.models import OpeningException, WeeklyOpening
from renfort.sites.opening import public_holidays
from tests.planning.factories import MissionFactory
from tests.planning.test_services import ars_occitanie, next_month  # noqa: F401
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db
M = MissionStatus


def weekday_of_next_month(weekday: int, week: int = 1) -> date:
    """A date of next month on that weekday (not a public holiday), in its `week`-th week."""
    day = next_month() + timedelta(days=7 * (week - 1))
    while day.weekday() != weekday or day in public_holidays(day.year, "81"):
        day += timedelta(days=1)
    return day


def confirm_all(actor):
    return services.missions_confirm_accepted(month=next_month(), region_code="76", actor=actor)


def test_confirmation_skips_a_weekday_the_site_no_longer_opens(ars_occitanie):  # noqa: F811
    site = SiteFactory()
    wednesday = weekday_of_next_month(2)
    kept = MissionFactory(site=site, date=weekday_of_next_month(1), status=M.ACCEPTED)
    morning = MissionFactory(site=site, date=wednesday, period="morning", status=M.ACCEPTED)
    afternoon = MissionFactory(site=site, date=wednesday, period="afternoon", status=M.ACCEPTED)
    WeeklyOpening.objects.filter(site=site, weekday=2, period="morning").delete()
    confirmed, skipped = confirm_all(ars_occitanie)
    assert confirmed == 2
    assert skipped == [
        f"Dr {morning.doctor.full_name}, {site.name}, {wednesday:%d/%m/%Y} : "
        "Le lieu n'ouvre plus le mercredi matin."
    ]
    for mission, status in ((kept, M.CONFIRMED), (morning, M.ACCEPTED), (afternoon, M.CONFIRMED)):
        mission.refresh_from_db()
        assert mission.status == status


@pytest.mark.parametrize(
    ("closure", "said"),
    [
        ("day", "Le lieu est fermé ce jour-là (fermeture exceptionnelle)."),
        ("afternoon", "Le lieu est fermé l'après-midi ce jour-là (fermeture exceptionnelle)."),
    ],
)
def test_confirmation_refuses_a_day_closed_by_an_exception(ars_occitanie, closure, said):  # noqa: F811
    mission = MissionFactory(site=SiteFactory(), date=weekday_of_next_month(1), status=M.ACCEPTED)
    OpeningException.objects.create(
        site=mission.site, kind="closed", start_date=mission.date, end_date=mission.date,
        period=closure,
    )  # fmt: skip
    with pytest.raises(ValidationError, match=said.replace("(", r"\(").replace(")", r"\)")):
        services.mission_transition(mission=mission, actor=ars_occitanie, to_status=M.CONFIRMED)
    mission.refresh_from_db()
    assert mission.status == M.ACCEPTED


def test_confirmation_refuses_a_public_holiday_the_site_does_not_open(ars_occitanie):  # noqa: F811
    today = timezone.localdate()
    holiday, name = min(
        (d, n)
        for year in (today.year, today.year + 1)
        for d, n in public_holidays(year, "81").items()
        if d > today
    )
    mission = MissionFactory(site=SiteFactory(weekdays=range(7)), date=holiday, status=M.ACCEPTED)
    with pytest.raises(
        ValidationError, match=f"Le lieu est fermé ce jour-là \\({name}, jour férié"
    ):
        services.mission_transition(mission=mission, actor=ars_occitanie, to_status=M.CONFIRMED)


def test_an_extra_opening_makes_the_day_confirmable(ars_occitanie):  # noqa: F811
    saturday = weekday_of_next_month(5)
    mission = MissionFactory(site=SiteFactory(), date=saturday, status=M.ACCEPTED)
    OpeningException.objects.create(
        site=mission.site, kind="open", start_date=saturday, end_date=saturday
    )
    services.mission_transition(mission=mission, actor=ars_occitanie, to_status=M.CONFIRMED)
    mission.refresh_from_db()
    assert mission.status == M.CONFIRMED


def test_the_ars_reads_why_a_mission_stays_accepted(client, ars_occitanie):  # noqa: F811
    site = SiteFactory(weekdays=[0, 1])
    thursday = weekday_of_next_month(3)
    mission = MissionFactory(site=site, date=thursday, status=M.ACCEPTED)
    client.force_login(ars_occitanie)
    query = {"mois": f"{next_month():%Y-%m}", "region": "76", "confirme": "1", "attendu": "1"}
    page = client.post(reverse("planning:confirm_accepted"), query, follow=True)
    body = page.content.decode().replace("&#x27;", "'")
    assert "1 mission reste acceptée sans confirmation" in body
    assert f"{thursday:%d/%m/%Y} : Le lieu n'ouvre plus le jeudi." in body
    mission.refresh_from_db()
    assert mission.status == M.ACCEPTED


# --- Publication -------------------------------------------------------------------------------


def test_drafts_on_a_day_the_site_no_longer_opens_are_not_published(ars_occitanie):  # noqa: F811
    site = SiteFactory()
    wednesday = weekday_of_next_month(2)
    ok = MissionFactory(site=site, date=weekday_of_next_month(1), status=M.DRAFT)
    closed = MissionFactory(site=site, date=wednesday, period="afternoon", status=M.DRAFT)
    WeeklyOpening.objects.filter(site=site, weekday=2, period="afternoon").delete()
    published, left_out = services.planning_publish(
        month=next_month(), region_code="76", actor=ars_occitanie
    )
    assert published == [ok]
    assert left_out == {closed.pk: "Le lieu n'ouvre plus le mercredi après-midi."}
    closed.refresh_from_db()
    assert closed.status == M.DRAFT


def test_a_closure_added_after_the_calculation_blocks_its_drafts(ars_occitanie):  # noqa: F811
    draft = MissionFactory(site=SiteFactory(), date=weekday_of_next_month(3), status=M.DRAFT)
    site_services.opening_exception_add(  # a draft does not hold the day: accepted
        site=draft.site, actor=draft.site.manager, kind="closed", start_date=draft.date
    )
    with pytest.raises(ValidationError, match="Aucune mission publiable : 1 mission est à revoir"):
        services.planning_publish(month=next_month(), region_code="76", actor=ars_occitanie)
    assert "fermeture exceptionnelle" in draft_issues(next_month(), "76")[draft.pk]
    draft.refresh_from_db()
    assert draft.status == M.DRAFT
