"""The funnel's figures on hand-computed data, the same on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime

import pytest

from kontor.funnel import figures
from kontor.funnel.figures import Cohort
from kontor.funnel.tests.helpers import lead
from kontor.users.actions import create_user
from kontor.users.models import Team

pytestmark = pytest.mark.django_db

DAY = 86400
Q1 = Cohort(start=date(2025, 1, 1), end=date(2025, 3, 31))


def by_stage(result) -> dict:
    return {s.key: s for s in result.stages}


def test_counts_rates_and_times_by_hand(journeys, admin):
    result = figures.funnel(admin, Q1)
    stages = by_stage(result)
    assert result.total == 3
    assert {k: s.reached for k, s in stages.items()} == {
        "target": 1,
        "lead": 3,
        "mql": 3,
        "sql": 2,
        "opportunity": 1,
        "won": 1,
    }
    assert stages["target"].rate_previous is None
    assert [stages[k].rate_previous for k in ("lead", "mql", "sql", "opportunity", "won")] == [
        1.0,
        1.0,
        pytest.approx(2 / 3),
        0.5,
        1.0,
    ]
    assert stages["target"].rate_start == pytest.approx(1 / 3)
    assert stages["sql"].rate_start == pytest.approx(2 / 3)
    # Lead from target: 2 days. MQL from lead: 3 days, 2 days, 0 (created in MQL).
    # SQL: 5 days, and 1 day for the lead that reached SQL before MQL (counted from Lead).
    expected = {
        "lead": (2 * DAY, 2 * DAY),
        "mql": (2 * DAY, 2.8 * DAY),
        "sql": (3 * DAY, 4.6 * DAY),
        "opportunity": (12 * DAY, 12 * DAY),
        "won": (28 * DAY, 28 * DAY),
    }
    for key, (median, p90) in expected.items():
        assert (stages[key].median, stages[key].p90) == (
            pytest.approx(median),
            pytest.approx(p90),
        ), key


def test_trend_counts_each_stage_per_cohort_month(journeys, admin):
    trend = figures.funnel(admin, Q1).trend
    assert [month for month, _counts in trend] == [date(2025, 1, 1), date(2025, 2, 1)]
    assert trend[0][1] == {"target": 1, "lead": 1, "mql": 1, "sql": 1, "opportunity": 1, "won": 1}
    assert trend[1][1] == {"target": 0, "lead": 2, "mql": 2, "sql": 1, "opportunity": 0, "won": 0}


def test_cohorts_follow_month_boundaries_in_local_time(
    rep, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        # 23:30 on 31 January in Berlin, and 00:30 on 1 February in Berlin (still January in UTC).
        lead(rep, datetime(2025, 1, 31, 22, 30, tzinfo=UTC))
        lead(rep, datetime(2025, 1, 31, 23, 30, tzinfo=UTC))
    january = figures.funnel(admin, Cohort(start=date(2025, 1, 1), end=date(2025, 1, 31)))
    february = figures.funnel(admin, Cohort(start=date(2025, 2, 1), end=date(2025, 2, 28)))
    assert (january.total, february.total) == (1, 1)
    both = figures.funnel(admin, Cohort(start=date(2025, 1, 1), end=date(2025, 2, 28)))
    assert [(m, c["lead"]) for m, c in both.trend] == [(date(2025, 1, 1), 1), (date(2025, 2, 1), 1)]


def test_filters_by_source_campaign_owner_and_team(journeys, rep, admin):
    assert figures.funnel(admin, Cohort(Q1.start, Q1.end, lead_source="Email")).total == 1
    assert figures.funnel(admin, Cohort(Q1.start, Q1.end, campaign="Messe")).total == 1
    assert figures.funnel(admin, Cohort(Q1.start, Q1.end, owner=rep.pk)).total == 3
    assert figures.funnel(admin, Cohort(Q1.start, Q1.end, owner=admin.pk)).total == 0
    team = Team.objects.create(name="Nord")
    assert figures.funnel(admin, Cohort(Q1.start, Q1.end, team=team.pk)).total == 0
    team.members.add(rep)
    assert figures.funnel(admin, Cohort(Q1.start, Q1.end, team=team.pk)).total == 3


def test_a_rep_counts_only_the_journeys_they_may_see(
    journeys, rep, django_capture_on_commit_callbacks
):
    sam = create_user("sam", password="pw-sam-123!", roles=["sales_rep"])
    with django_capture_on_commit_callbacks(execute=True):
        lead(sam, datetime(2025, 3, 3, 9, tzinfo=UTC))
    assert figures.funnel(sam, Q1).total == 1
    assert by_stage(figures.funnel(sam, Q1))["mql"].reached == 0
    # The sales manager sees every lead and target.
    assert figures.funnel(rep, Q1).total == 4


def test_percentile_interpolates_like_postgresql():
    assert figures.percentile([], 0.5) is None
    assert figures.percentile([7.0], 0.9) == 7.0
    assert figures.percentile([0, 10, 20, 30], 0.5) == 15
    assert figures.percentile([30, 0, 10], 0.9) == pytest.approx(26)
