"""The slot grid engine (no database)."""

from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from renfort.booking.slots import (
    PARIS,
    Hours,
    clamp_minutes,
    fits,
    haversine_km,
    overlaps,
    reserved_flags,
    slot_grid,
    windows,
)

DAY = date(2026, 3, 10)


def test_full_day_has_morning_and_afternoon_slots_of_20_minutes():
    grid = slot_grid(day=DAY, period="full", hours=Hours(), reserved_share=50)
    assert len(grid) == 9 + 12
    assert grid[0].start == datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)
    assert grid[8].end == datetime(2026, 3, 10, 12, 0, tzinfo=PARIS)
    assert grid[9].start == datetime(2026, 3, 10, 14, 0, tzinfo=PARIS)
    assert grid[-1].end == datetime(2026, 3, 10, 18, 0, tzinfo=PARIS)
    assert all(g.end - g.start == timedelta(minutes=20) for g in grid)


def test_half_days_only_cover_their_window():
    morning = slot_grid(day=DAY, period="morning", hours=Hours(), reserved_share=50)
    afternoon = slot_grid(day=DAY, period="afternoon", hours=Hours(), reserved_share=50)
    assert len(morning) == 9 and all(g.end.hour <= 12 for g in morning)
    assert len(afternoon) == 12 and all(g.start.hour >= 14 for g in afternoon)


def test_doctor_hours_and_slot_length_are_used():
    hours = Hours(
        morning_start=time(8, 30),
        morning_end=time(12, 30),
        afternoon_start=time(13, 30),
        afternoon_end=time(16),
        slot_minutes=30,
    )
    grid = slot_grid(day=DAY, period="full", hours=hours, reserved_share=0)
    assert len(grid) == 8 + 5
    assert grid[0].start.time() == time(8, 30) and grid[-1].end.time() == time(16)


def test_slot_length_is_bounded_between_10_and_60_minutes():
    assert clamp_minutes(5) == 10
    assert clamp_minutes(90) == 60
    assert clamp_minutes(None) == 20
    short = slot_grid(day=DAY, period="morning", hours=Hours(slot_minutes=1), reserved_share=0)
    long = slot_grid(day=DAY, period="morning", hours=Hours(slot_minutes=600), reserved_share=0)
    assert len(short) == 18 and len(long) == 3


def test_window_remainder_is_left_free():
    grid = slot_grid(day=DAY, period="morning", hours=Hours(slot_minutes=25), reserved_share=0)
    assert len(grid) == 7  # 7 × 25 = 175 min; the last 5 minutes stay free
    assert grid[-1].end.time() == time(11, 55)


def test_reserved_share_is_spread_evenly():
    assert reserved_flags(4, 50) == [False, True, False, True]
    assert reserved_flags(5, 0) == [False] * 5
    assert reserved_flags(5, 100) == [True] * 5
    assert sum(reserved_flags(21, 50)) == 10
    assert sum(reserved_flags(21, 30)) == 6


def test_slots_are_aware_in_paris_time_across_daylight_saving():
    winter = slot_grid(day=date(2026, 3, 28), period="morning", hours=Hours(), reserved_share=0)
    summer = slot_grid(day=date(2026, 3, 29), period="morning", hours=Hours(), reserved_share=0)
    assert winter[0].start.utcoffset() == timedelta(hours=1)
    assert summer[0].start.utcoffset() == timedelta(hours=2)
    assert summer[0].start.time() == time(9)


def test_empty_or_inverted_windows_give_no_slot():
    hours = Hours(morning_start=time(12), morning_end=time(9))
    assert windows(DAY, "morning", hours) == []
    assert slot_grid(day=DAY, period="morning", hours=hours, reserved_share=50) == []


def test_fits_and_overlaps():
    a = datetime(2026, 1, 1, 9, tzinfo=PARIS)
    spans = [(a, a + timedelta(hours=3))]
    assert fits(a, a + timedelta(minutes=20), spans)
    assert not fits(a + timedelta(hours=2, minutes=50), a + timedelta(hours=3, minutes=10), spans)
    assert overlaps(a - timedelta(minutes=10), a + timedelta(minutes=10), spans)
    assert not overlaps(a - timedelta(minutes=20), a, spans)


def test_haversine_distance():
    # Lacaune → Albi, about 50 km as the crow flies.
    assert 45 < haversine_km(43.7075, 2.6925, 43.9289, 2.1464) < 55
    assert haversine_km(45.0, 3.0, 45.0, 3.0) == 0


@given(
    minutes=st.integers(min_value=0, max_value=200),
    share=st.integers(min_value=0, max_value=100),
    period=st.sampled_from(["full", "morning", "afternoon"]),
    start_hour=st.integers(min_value=6, max_value=11),
    end_hour=st.integers(min_value=12, max_value=21),
)
def test_grid_properties(minutes, share, period, start_hour, end_hour):
    hours = Hours(
        morning_start=time(start_hour),
        morning_end=time(12),
        afternoon_start=time(13),
        afternoon_end=time(end_hour) if end_hour > 13 else time(14),
        slot_minutes=minutes,
    )
    grid = slot_grid(day=DAY, period=period, hours=hours, reserved_share=share)
    spans = windows(DAY, period, hours)
    length = timedelta(minutes=clamp_minutes(minutes))
    for index, g in enumerate(grid):
        assert g.end - g.start == length
        assert fits(g.start, g.end, spans)
        if index:
            assert grid[index - 1].end <= g.start
    assert sum(g.reserved for g in grid) == len(grid) * share // 100
