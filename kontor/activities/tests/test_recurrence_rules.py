"""Recurrence rules → occurrence starts (kontor/activities/recurrence.py), without a database."""

import datetime
import zoneinfo

from django.utils import translation

from kontor.activities.models import Meeting
from kontor.activities.recurrence import MAX_OCCURRENCES, describe, rule_errors, starts

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def at(y, m, d, h=10, minute=0):
    return datetime.datetime(y, m, d, h, minute, tzinfo=BERLIN)


def local(values):
    return [v.astimezone(BERLIN).strftime("%a %Y-%m-%d %H:%M") for v in values]


def test_daily_every_second_day_until_a_date_inclusive():
    found = starts(at(2027, 1, 1), "Daily", interval=2, until=datetime.date(2027, 1, 9), tz=BERLIN)
    assert [v.astimezone(BERLIN).day for v in found] == [1, 3, 5, 7, 9]


def test_weekly_on_weekdays_counts_the_first_occurrence():
    # SuiteCRM's digits: 1 Monday, 3 Wednesday; 1 March 2027 is a Monday.
    found = starts(at(2027, 3, 1), "Weekly", dow="31", count=5, tz=BERLIN)
    assert local(found) == [
        "Mon 2027-03-01 10:00",
        "Wed 2027-03-03 10:00",
        "Mon 2027-03-08 10:00",
        "Wed 2027-03-10 10:00",
        "Mon 2027-03-15 10:00",
    ]


def test_weekly_stays_at_ten_local_across_both_dst_changes():
    spring = starts(at(2027, 3, 22), "Weekly", count=3, tz=BERLIN)
    assert local(spring) == ["Mon 2027-03-22 10:00", "Mon 2027-03-29 10:00", "Mon 2027-04-05 10:00"]
    # 09:00 UTC in winter, 08:00 UTC in summer: the wall clock stays, UTC moves.
    assert [v.astimezone(datetime.UTC).hour for v in spring] == [9, 8, 8]
    # Summer time ends on 31 October 2027.
    autumn = starts(at(2027, 10, 25), "Weekly", count=2, tz=BERLIN)
    assert local(autumn) == ["Mon 2027-10-25 10:00", "Mon 2027-11-01 10:00"]
    assert [v.astimezone(datetime.UTC).hour for v in autumn] == [8, 9]


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months():
    found = starts(at(2027, 1, 31), "Monthly", count=5, tz=BERLIN)
    assert [v.astimezone(BERLIN).date().isoformat() for v in found] == [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
        "2027-05-31",
    ]
    leap = starts(at(2028, 1, 30), "Monthly", count=2, tz=BERLIN)
    assert leap[1].astimezone(BERLIN).date() == datetime.date(2028, 2, 29)


def test_yearly_on_29_february_falls_on_28_february_in_common_years():
    found = starts(at(2028, 2, 29), "Yearly", count=3, tz=BERLIN)
    assert [v.astimezone(BERLIN).date().isoformat() for v in found] == [
        "2028-02-29",
        "2029-02-28",
        "2030-02-28",
    ]


def test_horizon_and_cap():
    found = starts(at(2027, 1, 1), "Daily", count=300, tz=BERLIN, before=at(2027, 1, 11, 0))
    assert len(found) == 10
    endless = starts(at(2027, 1, 1), "Daily", until=datetime.date(2035, 1, 1), tz=BERLIN)
    assert len(endless) == MAX_OCCURRENCES + 1  # enough to refuse it, not all of them


def meeting(**rule):
    return Meeting(name="Jour fixe", date_start=at(2027, 3, 1), **rule)


def test_rule_errors_name_the_field():
    assert rule_errors(meeting()) == {}
    assert rule_errors(meeting(repeat_type="Weekly", repeat_count=4)) == {}
    assert set(rule_errors(meeting(repeat_type="Weekly"))) == {"repeat_until"}
    past = meeting(repeat_type="Daily", repeat_until=datetime.date(2027, 2, 1))
    assert set(rule_errors(past)) == {"repeat_until"}
    assert set(rule_errors(meeting(repeat_type="Daily", repeat_count=501))) == {"repeat_count"}
    zero = meeting(repeat_type="Daily", repeat_count=3, repeat_interval=0)
    assert set(rule_errors(zero)) == {"repeat_interval"}
    far = meeting(repeat_type="Daily", repeat_until=datetime.date(2030, 1, 1))
    assert set(rule_errors(far)) == {"repeat_until"}
    both = meeting(repeat_type="Daily", repeat_count=3, repeat_until=datetime.date(2027, 4, 1))
    assert set(rule_errors(both)) == {"repeat_count"}
    days = meeting(repeat_type="Daily", repeat_count=3, repeat_dow="1")
    assert set(rule_errors(days)) == {"repeat_dow"}


def test_describe_in_english_and_german():
    rule = meeting(
        repeat_type="Weekly",
        repeat_interval=1,
        repeat_dow="31",
        repeat_until=datetime.date(2027, 3, 31),
    )
    with translation.override("en"):
        assert describe(rule).startswith("Repeats weekly on Mon, Wed until ")
    with translation.override("de"):
        assert describe(rule) == "Wiederholt sich wöchentlich am Mo, Mi bis 31.03.2027"
    every = meeting(repeat_type="Monthly", repeat_interval=2, repeat_count=6)
    with translation.override("de"):
        assert describe(every) == "Wiederholt sich alle 2 Monate, 6-mal"
    assert describe(meeting()) == ""
