"""Opening days: pure rules (no database) and the selectors the planning uses."""

from datetime import date, time

import pytest

from renfort.sites import opening, selectors
from renfort.sites.models import OpeningException
from renfort.sites.opening import AFTERNOON, MORNING, DateRule, OpeningRules, WeeklySlot

from .factories import SiteFactory

MON_MORNING = WeeklySlot(0, MORNING, time(9), time(12))
MON_AFTERNOON = WeeklySlot(0, AFTERNOON, time(14), time(18))
TUE_AFTERNOON = WeeklySlot(1, AFTERNOON, time(13, 30), time(17))
RULES = OpeningRules(weekly=(MON_MORNING, MON_AFTERNOON, TUE_AFTERNOON), departement_code="81")

MONDAY = date(2026, 3, 2)


def test_weekly_pattern_gives_half_days_per_weekday():
    assert opening.open_periods(RULES, MONDAY) == {MORNING, AFTERNOON}
    assert opening.open_periods(RULES, date(2026, 3, 3)) == {AFTERNOON}
    assert opening.open_periods(RULES, date(2026, 3, 4)) == set()


def test_public_holidays_are_closed_by_default():
    # 14 July 2025 and Easter Monday 2026 (6 April) are Mondays.
    assert opening.open_periods(RULES, date(2025, 7, 14)) == set()
    assert opening.open_periods(RULES, date(2026, 4, 6)) == set()
    assert opening.public_holiday_name(date(2026, 7, 14)) == "Fête nationale"


def test_site_may_open_on_public_holidays():
    rules = OpeningRules(weekly=RULES.weekly, open_on_public_holidays=True)
    assert opening.open_periods(rules, date(2025, 7, 14)) == {MORNING, AFTERNOON}


def test_alsace_moselle_good_friday_and_26_december():
    friday = WeeklySlot(4, MORNING, time(9), time(12))
    in_tarn = OpeningRules(weekly=(friday,), departement_code="81")
    in_moselle = OpeningRules(weekly=(friday,), departement_code="57")
    good_friday = date(2026, 4, 3)
    assert opening.open_periods(in_tarn, good_friday) == {MORNING}
    assert opening.open_periods(in_moselle, good_friday) == set()


def test_closure_range_and_half_day_closure():
    rules = OpeningRules(
        weekly=RULES.weekly,
        exceptions=(
            DateRule(date(2026, 3, 9), date(2026, 3, 17), "day", open=False),
            DateRule(MONDAY, MONDAY, AFTERNOON, open=False),
        ),
    )
    assert opening.open_periods(rules, MONDAY) == {MORNING}
    assert opening.open_periods(rules, date(2026, 3, 9)) == set()
    assert opening.open_periods(rules, date(2026, 3, 17)) == set()
    assert opening.open_periods(rules, date(2026, 3, 23)) == {MORNING, AFTERNOON}


def test_extra_opening_wins_over_weekly_pattern_holiday_and_closure():
    saturday = date(2026, 3, 7)
    rules = OpeningRules(
        weekly=RULES.weekly,
        exceptions=(
            DateRule(saturday, saturday, MORNING, open=True),
            DateRule(date(2026, 7, 14), date(2026, 7, 14), "day", open=True),
            DateRule(date(2026, 3, 1), date(2026, 3, 31), "day", open=False),
        ),
    )
    assert opening.open_periods(rules, saturday) == {MORNING}
    assert opening.open_periods(rules, date(2026, 7, 14)) == {MORNING, AFTERNOON}
    assert opening.open_periods(rules, MONDAY) == set()


def test_open_days_lists_dates_with_hours_and_rooms():
    days = opening.open_days(RULES, MONDAY, date(2026, 3, 8), rooms=2)
    assert list(days) == [MONDAY, date(2026, 3, 3)]
    assert days[MONDAY].rooms == 2 and days[MONDAY].half_days == 2
    assert days[date(2026, 3, 3)].hours == {AFTERNOON: (time(13, 30), time(17))}


@pytest.mark.parametrize(
    "slots, message",
    [
        ([WeeklySlot(0, MORNING, time(12), time(9))], "fin doit être après"),
        ([WeeklySlot(0, MORNING, time(9), time(9))], "fin doit être après"),
        (
            [
                WeeklySlot(0, MORNING, time(8), time(13)),
                WeeklySlot(0, AFTERNOON, time(12), time(17)),
            ],
            "se chevauchent",
        ),
        ([WeeklySlot(2, MORNING, time(9), time(15))], "au plus tard à 14 h"),
        ([WeeklySlot(2, AFTERNOON, time(8), time(15))], "11 h au plus tôt"),
        # By night: nothing a volunteer would consult in (their hours: 7 h–21 h).
        ([WeeklySlot(6, MORNING, time(0), time(0, 30))], "commencent à 7 h au plus tôt"),
        ([WeeklySlot(6, AFTERNOON, time(22), time(23, 59))], "finissent à 21 h au plus tard"),
    ],
)
def test_slot_errors(slots, message):
    errors = opening.slot_errors(slots)
    assert len(errors) == 1 and message in errors[0]


def test_valid_pattern_has_no_error():
    assert opening.slot_errors(RULES.weekly) == []


@pytest.mark.django_db
def test_selectors_read_pattern_exceptions_and_holidays_from_the_database():
    site = SiteFactory(weekdays=[0, 1], rooms=3)
    OpeningException.objects.create(
        site=site, kind="closed", start_date=date(2026, 3, 3), end_date=date(2026, 3, 3)
    )
    OpeningException.objects.create(
        site=site, kind="open", start_date=date(2026, 3, 7), end_date=date(2026, 3, 7),
        period="afternoon",
    )  # fmt: skip
    assert selectors.site_open_periods(site, MONDAY) == {MORNING, AFTERNOON}
    assert selectors.site_open_periods(site, date(2026, 3, 3)) == set()
    assert selectors.site_open_periods(site, date(2026, 7, 14)) == set()  # a Tuesday
    days = selectors.site_open_days(site, MONDAY, date(2026, 3, 8))
    assert sorted(days) == [MONDAY, date(2026, 3, 7)]
    assert days[date(2026, 3, 7)].periods == {AFTERNOON}
    assert days[MONDAY].rooms == 3


@pytest.mark.django_db
def test_housing_beds():
    assert selectors.housing_beds(SiteFactory()) == 0
    assert selectors.housing_beds(SiteFactory(housing="on_site", housing_beds=2)) == 2


@pytest.mark.django_db
def test_sites_needing_volunteers():
    today = date(2026, 3, 2)
    needing = SiteFactory()
    SiteFactory(volunteers_needed=False)
    SiteFactory(proposed=True)
    closed_all_month = SiteFactory()
    OpeningException.objects.create(
        site=closed_all_month, kind="closed", start_date=today, end_date=date(2026, 4, 15)
    )
    assert [s.pk for s in selectors.sites_needing_volunteers(today=today)] == [needing.pk]
