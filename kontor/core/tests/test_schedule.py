"""When periodic jobs are due: every N minutes, and daily at a wall-clock time across DST."""

from datetime import UTC, datetime

import pytest

from kontor.core import schedule
from kontor.core.schedule import Daily, Every, Job


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_every_n_minutes_is_due_at_the_next_multiple_strictly_after():
    every15 = Every(minutes=15)
    assert every15.next_after(utc(2027, 3, 1, 10, 7, 30)) == utc(2027, 3, 1, 10, 15)
    assert every15.next_after(utc(2027, 3, 1, 10, 15)) == utc(2027, 3, 1, 10, 30)
    assert Every(minutes=1).next_after(utc(2027, 3, 1, 23, 59, 59)) == utc(2027, 3, 2, 0, 0)


def test_every_n_minutes_ignores_daylight_saving_time():
    # Berlin's clocks jump from 02:00 to 03:00 at 01:00 UTC on 28 March 2027.
    assert Every(minutes=60).next_after(utc(2027, 3, 28, 0, 30)) == utc(2027, 3, 28, 1, 0)
    assert Every(minutes=60).next_after(utc(2027, 3, 28, 1, 0)) == utc(2027, 3, 28, 2, 0)


def test_every_needs_a_minute():
    with pytest.raises(ValueError):
        Every(minutes=0)


@pytest.mark.parametrize(
    "after, expected",
    [
        # winter (CET, +1): 09:00 local is 08:00 UTC
        (utc(2027, 3, 26, 12, 0), utc(2027, 3, 27, 8, 0)),
        # the night of the change: the next 09:00 is summer time (CEST, +2), 07:00 UTC
        (utc(2027, 3, 27, 8, 0), utc(2027, 3, 28, 7, 0)),
        # back to winter time on 31 October 2027
        (utc(2027, 10, 30, 7, 0), utc(2027, 10, 31, 8, 0)),
    ],
)
def test_daily_follows_the_wall_clock_of_the_time_zone_across_dst(settings, after, expected):
    settings.TIME_ZONE = "Europe/Berlin"
    assert Daily("09:00").next_after(after) == expected


def test_daily_at_a_time_the_clock_skips_runs_24_hours_after_the_day_before(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    saturday = Daily("02:30").next_after(utc(2027, 3, 26, 12, 0))
    assert saturday == utc(2027, 3, 27, 1, 30)  # 02:30 CET
    sunday = Daily("02:30").next_after(saturday)
    assert sunday == utc(2027, 3, 28, 1, 30)  # 03:30 CEST: 02:30 does not exist that night
    assert Daily("02:30").next_after(sunday) == utc(2027, 3, 29, 0, 30)  # 02:30 CEST


def test_daily_at_a_time_the_clock_shows_twice_runs_once(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    # 31 October 2027: 02:30 comes at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    first = Daily("02:30").next_after(utc(2027, 10, 30, 12, 0))
    assert first == utc(2027, 10, 31, 0, 30)
    assert Daily("02:30").next_after(first) == utc(2027, 11, 1, 1, 30)


def test_daily_refuses_a_time_that_is_none():
    with pytest.raises(ValueError):
        Daily("25:00")


def test_a_name_belongs_to_one_job():
    job = Job("test.one", Every(minutes=5), task=object())
    schedule.register(job)
    try:
        schedule.register(job)  # the same declaration again (a second ready()) is fine
        with pytest.raises(ValueError):
            schedule.register(Job("test.one", Daily("01:00"), task=object()))
        assert schedule.jobs().count(job) == 1
    finally:
        schedule.unregister("test.one")
    assert job not in schedule.jobs()
