"""The monthly rollup: its rows by hand, kept by the listener equal to a rebuild, and the
funnel read from it equal to the journeys' counts (times to the bucket), on SQLite and
PostgreSQL alike."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from kontor.core.actions import delete_records, restore_records, save_record
from kontor.funnel import figures, maintain, rollup, summary
from kontor.funnel.figures import Cohort
from kontor.funnel.models import STAGES, FunnelMonth, Journey
from kontor.funnel.tests.helpers import at, change, lead
from kontor.users.actions import create_user
from kontor.users.models import Team

pytestmark = pytest.mark.django_db

HOUR, DAY = 3600, 86400
Q1 = Cohort(start=date(2025, 1, 1), end=date(2025, 3, 31))


def stored() -> dict:
    """Every rollup row as comparable values, by its group."""
    fields = [*rollup.COUNTS, *rollup.SPANS]
    return {
        (r["month"], r["lead_source"], r["campaign_name"], r["owner_id"]): {f: r[f] for f in fields}
        for r in FunnelMonth.objects.values(
            "month", "lead_source", "campaign_name", "owner_id", *fields
        )
    }


def test_buckets_are_hours_under_two_days_days_under_a_year():
    cases = {
        0: 0,
        -5: 0,
        HOUR - 1: 0,
        HOUR: 1,
        2 * DAY - 1: 47,
        2 * DAY: 48,
        3 * DAY - 1: 48,
        364 * DAY + 5: 410,
        365 * DAY: 411,
        395 * DAY: 412,
        40 * 365 * DAY: 530,
    }
    assert {s: rollup.bucket(s) for s in cases} == cases
    for seconds in (0, 5400, 2 * DAY + 7 * HOUR, 200 * DAY + 1, 400 * DAY):
        start = rollup.lower(rollup.bucket(seconds))
        width = HOUR if seconds < 2 * DAY else DAY if seconds < 365 * DAY else 30 * DAY
        assert start <= seconds < start + width


def test_rows_by_hand(journeys, rep):
    rows = stored()
    january = rows[(date(2025, 1, 1), "Web Site", "Messe", rep.pk)]
    assert {k: january[k] for k in rollup.COUNTS} == dict.fromkeys(rollup.COUNTS, 1)
    # Lead 2 days after the target, MQL 3 days after the lead, SQL 5, opportunity 12, won 28.
    assert [january[c] for c in rollup.SPANS] == [
        {"48": 1},
        {"49": 1},
        {"51": 1},
        {"58": 1},
        {"74": 1},
    ]
    # Moved back from SQL to MQL: SQL a day after the lead (24 hours), MQL 2 days after it.
    direct = rows[(date(2025, 2, 1), "Email", "", rep.pk)]
    assert (direct["journeys"], direct["mql_reached"], direct["sql_reached"]) == (1, 1, 1)
    assert (direct["target_reached"], direct["converted"], direct["won_reached"]) == (0, 0, 0)
    assert (direct["mql_spans"], direct["sql_spans"], direct["lead_spans"]) == (
        {"48": 1},
        {"24": 1},
        {},
    )
    hot = rows[(date(2025, 2, 1), "Web Site", "", rep.pk)]
    assert (hot["journeys"], hot["mql_reached"], hot["sql_reached"], hot["mql_spans"]) == (
        1,
        1,
        0,
        {"0": 1},
    )
    assert len(rows) == 3


def test_the_rollup_kept_by_the_listener_equals_a_rebuild(
    journeys, rep, admin, django_capture_on_commit_callbacks
):
    hot, direct = journeys["hot"], journeys["direct"]
    with django_capture_on_commit_callbacks(execute=True):
        # A new group, a journey leaving its group for another, a new owner, a stage moved back.
        change(hot, "lead_source", "Email", at(2, 10), actor=rep)
        owned = type(direct).objects.get(pk=direct.pk)
        owned.assigned_user = admin
        save_record(owned, actor=rep)
        change(direct, "lifecycle_stage", "ML", at(2, 12), actor=rep)
        late = lead(rep, at(3, 30, 23), campaign_name="Winter")
    with django_capture_on_commit_callbacks(execute=True):
        change(late, "lifecycle_stage", "SQL", at(4, 2), actor=rep)
        delete_records([journeys["lead"]], actor=rep)
    kept = stored()
    assert (date(2025, 2, 1), "Web Site", "", rep.pk) not in kept  # its only journey moved
    assert kept[(date(2025, 2, 1), "Email", "", rep.pk)]["journeys"] == 1
    assert kept[(date(2025, 2, 1), "Email", "", admin.pk)]["journeys"] == 1
    assert (date(2025, 1, 1), "Web Site", "Messe", rep.pk) not in kept  # in the trash
    # 23:00 UTC on 30 March is 1:00 on 31 March in Berlin, March; SQL 2 days 10 hours later.
    assert kept[(date(2025, 3, 1), "Web Site", "Winter", rep.pk)]["sql_spans"] == {"48": 1}
    maintain.rebuild()
    assert stored() == kept


def test_a_trashed_and_restored_lead_leaves_and_rejoins_the_rollup(
    journeys, rep, admin, django_capture_on_commit_callbacks
):
    converted = journeys["lead"]
    with django_capture_on_commit_callbacks(execute=True):
        delete_records([converted], actor=rep)
    trashed = figures.funnel(admin, Q1)
    assert (trashed.total, trashed.stages[5].reached, trashed.stages[0].reached) == (2, 0, 0)
    assert trashed.trend[0][0] == date(2025, 2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        restore_records([type(converted).with_deleted.get(pk=converted.pk)], actor=rep)
    back = figures.funnel(admin, Q1)
    assert (back.total, back.stages[5].reached, back.stages[5].median) == (3, 1, 28 * DAY)
    kept = stored()
    maintain.rebuild()
    assert stored() == kept


def test_times_are_exact_to_the_hour_and_the_day(rep, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # MQL after 5.5 hours, 30.5 hours and 10.75 days.
        for hours in (5.5, 30.5, 258):
            record = lead(rep, at(1, 5))
            change(record, "lifecycle_stage", "MQL", at(1, 5) + timedelta(hours=hours), actor=rep)
    cohort = Cohort(start=date(2025, 1, 1), end=date(2025, 1, 31))
    rolled = {s.key: s for s in figures.funnel(admin, cohort).stages}["mql"]
    # Buckets 5 h, 30 h and 10 days: the median at 30 h, the 90th percentile 80% of the way
    # from 30 h to 10 days.
    assert (rolled.median, rolled.p90) == (
        30 * HOUR,
        pytest.approx(30 * HOUR + 0.8 * (240 - 30) * HOUR),
    )
    _months, exact = figures._from_journeys(admin, cohort)
    median, p90 = exact["mql"]
    assert (median, p90) == (pytest.approx(30.5 * HOUR), pytest.approx((30.5 + 0.8 * 227.5) * HOUR))
    assert 0 <= median - rolled.median < HOUR and 0 <= p90 - rolled.p90 < DAY


def test_partial_months_come_from_the_journeys(journeys, admin, django_assert_max_num_queries):
    # 12 January to 6 February: no whole month; only the lead of 5 February.
    part = figures.funnel(admin, Cohort(start=date(2025, 1, 12), end=date(2025, 2, 6)))
    assert (part.total, [(m, c["sql"]) for m, c in part.trend]) == (1, [(date(2025, 2, 1), 1)])
    # 12 January to 31 March: February and March whole, January's rest from the journeys.
    cohort = Cohort(start=date(2025, 1, 12), end=date(2025, 3, 31))
    with django_assert_max_num_queries(3 + 2):  # the scopes, the rollup (2), the journeys (1)
        mixed = figures.funnel(admin, cohort)
    assert mixed.total == 2
    assert {s.key: s.median for s in mixed.stages}["mql"] == pytest.approx(DAY)  # 0 and 2 days
    months, _durations = figures._from_journeys(admin, cohort)
    assert mixed.trend == [(m, {s: c[s] for s in STAGES}) for m, c in months.items()]


@pytest.mark.parametrize(
    ("zone", "january", "february"),
    [("Europe/Berlin", 1, 1), ("UTC", 2, 0), ("Asia/Tokyo", 0, 2), ("America/New_York", 2, 0)],
)
def test_months_follow_the_users_time_zone(
    zone, january, february, rep, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        # 23:30 on 31 January and 00:30 on 1 February in Berlin.
        lead(rep, datetime(2025, 1, 31, 22, 30, tzinfo=UTC))
        lead(rep, datetime(2025, 1, 31, 23, 30, tzinfo=UTC))
        lead(rep, datetime(2024, 12, 15, tzinfo=UTC), lead_source="Email")
    with timezone.override(zone):
        both = figures.funnel(admin, Cohort(start=date(2025, 1, 1), end=date(2025, 2, 28)))
        months, _durations = figures._from_journeys(
            admin, Cohort(start=date(2025, 1, 1), end=date(2025, 2, 28))
        )
    assert both.total == january + february
    assert [(m, c["lead"]) for m, c in both.trend] == [(m, c["lead"]) for m, c in months.items()]
    assert dict((m, c["lead"]) for m, c in both.trend) == {
        m: n for m, n in ((date(2025, 1, 1), january), (date(2025, 2, 1), february)) if n
    }


def test_filters_read_the_rollup(journeys, rep, admin, django_assert_num_queries):
    team = Team.objects.create(name="Nord")
    team.members.add(rep)
    for cohort, total in (
        (Cohort(Q1.start, Q1.end, lead_source="Email"), 1),
        (Cohort(Q1.start, Q1.end, campaign="Messe"), 1),
        (Cohort(Q1.start, Q1.end, owner=rep.pk), 3),
        (Cohort(Q1.start, Q1.end, owner=admin.pk), 0),
        (Cohort(Q1.start, Q1.end, team=team.pk), 3),
    ):
        figures.counts_all(admin)  # the scopes, read once per request
        with django_assert_num_queries(2):  # whole months: the rollup's counts and histograms
            result = figures.funnel(admin, cohort)
        assert result.total == total, cohort
        months, _durations = figures._from_journeys(admin, cohort)
        assert sum(c["journeys"] for c in months.values()) == total


def test_a_restricted_user_counts_journeys_not_the_rollup(
    journeys, rep, django_capture_on_commit_callbacks
):
    sam = create_user("sam", password="pw-sam-123!", roles=["sales_rep"])
    with django_capture_on_commit_callbacks(execute=True):
        lead(sam, at(3, 3))
    FunnelMonth.objects.all().delete()  # not read for sam
    assert not figures.counts_all(sam) and figures.funnel(sam, Q1).total == 1
    assert figures.funnel(rep, Q1).total == 0  # rep counts every journey: from the rollup


def test_sql_buckets_equal_python_buckets(rep):
    spans = [
        0,
        1,
        HOUR - 1,
        HOUR,
        2 * DAY - 1,
        2 * DAY,
        100 * DAY + 5,
        365 * DAY - 1,
        365 * DAY,
        3000 * DAY,
    ]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for i, seconds in enumerate(spans):
        Journey.objects.create(
            id=f"00000000-0000-0000-0000-{i:012d}",
            cohort_at=start,
            owner=rep,
            lead_at=start,
            mql_at=start + timedelta(seconds=seconds, microseconds=250000 if i % 2 else 0),
        )
    rollup.rebuild()  # PostgreSQL: the grouped SQL
    [row] = FunnelMonth.objects.all()
    expected = {}
    for i, seconds in enumerate(spans):
        key = str(rollup.bucket(seconds + (0.25 if i % 2 else 0)))
        expected[key] = expected.get(key, 0) + 1
    assert row.mql_spans == expected and row.journeys == len(spans)
    assert summary.percentile({int(k): n for k, n in row.mql_spans.items()}, 0.0) == 0


def test_percentile_of_a_histogram():
    assert summary.percentile({}, 0.5) is None
    assert summary.percentile({0: 1, 48: 1, 49: 1}, 0.9) == pytest.approx(2.8 * DAY)
    assert summary.percentile({5: 2, 30: 0}, 0.5) == 5 * HOUR


def test_save_record_of_an_unrelated_field_leaves_the_rollup(
    journeys, rep, django_capture_on_commit_callbacks
):
    before = stored()
    with django_capture_on_commit_callbacks(execute=True):
        record = type(journeys["hot"]).objects.get(pk=journeys["hot"].pk)
        record.phone_work = "+49 30 1234567"
        save_record(record, actor=rep)
    assert stored() == before


def test_a_journey_without_owner_is_recounted_in_its_own_group(rep):
    start = datetime(2025, 5, 31, 23, tzinfo=UTC)  # 1 June in Berlin
    for i, owner in enumerate((None, None, rep)):
        Journey.objects.create(
            id=f"00000000-0000-0000-0001-{i:012d}", cohort_at=start, owner=owner, lead_at=start
        )
    rollup.recompute({(date(2025, 6, 1), "", "", None), (date(2025, 6, 1), "", "", rep.pk)})
    kept = stored()
    assert {k: v["journeys"] for k, v in kept.items()} == {
        (date(2025, 6, 1), "", "", None): 2,
        (date(2025, 6, 1), "", "", rep.pk): 1,
    }
    Journey.objects.filter(owner__isnull=True).update(trashed=True)
    rollup.recompute({(date(2025, 6, 1), "", "", None)})
    assert set(stored()) == {(date(2025, 6, 1), "", "", rep.pk)}
    rollup.rebuild()
    assert stored() == {
        (date(2025, 6, 1), "", "", rep.pk): kept[(date(2025, 6, 1), "", "", rep.pk)]
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_refreshes_of_one_group_at_once_lose_neither_change(rep):
    """The second refresh waits for the first one's lock and counts after its commit (without
    the lock it would count the first journey as it was before and overwrite its change)."""
    import threading

    from django.db import connection, connections, transaction

    from kontor.leads.models import Lead

    first, second = lead(rep, at(6, 2)), lead(rep, at(6, 3))
    maintain.refresh(starts={first.pk, second.pk})
    Lead.objects.filter(pk__in=[first.pk, second.pk]).update(lifecycle_stage="SQL")
    counted, failures = threading.Event(), []
    if connection.vendor != "postgresql":
        # SQLite serializes writers: the two refreshes can only run one after the other.
        for pk in (first.pk, second.pk):
            with transaction.atomic():
                maintain.refresh(starts={pk})
        [row] = FunnelMonth.objects.all()
        assert (row.journeys, row.sql_reached) == (2, 2)
        return

    def run(pk, before_commit):
        try:
            with transaction.atomic():
                maintain.refresh(starts={pk})
                before_commit()
        except Exception as error:  # reported below: a thread's failure must fail the test
            failures.append(error)
        finally:
            connections.close_all()

    def hold():
        counted.set()
        threading.Event().wait(0.5)  # the other refresh is waiting for the group's lock now

    one = threading.Thread(target=run, args=(first.pk, hold))
    two = threading.Thread(target=lambda: counted.wait(10) and run(second.pk, lambda: None))
    one.start(), two.start()
    one.join(20), two.join(20)
    assert not failures
    [row] = FunnelMonth.objects.all()
    assert (row.journeys, row.sql_reached) == (2, 2)
    kept = stored()
    maintain.rebuild()
    assert stored() == kept
