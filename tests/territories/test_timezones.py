from datetime import UTC, datetime

from django.utils import timezone

from renfort.territories.timezones import departement_timezone, local_time_of


def test_overseas_departements_have_their_own_time():
    noon_utc = datetime(2026, 12, 14, 12, 0, tzinfo=UTC)
    hours = {
        code: noon_utc.astimezone(departement_timezone(code)).hour
        for code in ("81", "2A", "971", "972", "973", "974", "976", None)
    }
    assert hours == {
        "81": 13,
        "2A": 13,
        "971": 8,
        "972": 8,
        "973": 9,
        "974": 16,
        "976": 15,
        None: 13,
    }


def test_rendering_in_the_local_time_of_a_departement():
    instant = datetime(2026, 12, 14, 13, 0, tzinfo=UTC)
    with local_time_of("971"):
        assert f"{timezone.localtime(instant):%H:%M}" == "09:00"
    assert f"{timezone.localtime(instant):%H:%M}" == "14:00"
