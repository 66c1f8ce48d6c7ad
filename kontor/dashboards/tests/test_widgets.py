"""The chart widgets' figures count what their viewer may see: Sam (sales rep, team Nord) the
records of Nord, Mia (sales manager) every record. Each widget's queries are pinned and do not
grow with the rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kontor.activities.tests.factories import TaskFactory
from kontor.core.testing import count_queries
from kontor.dashboards import charts, kept
from kontor.dashboards.actions import add_widget
from kontor.dashboards.models import Widget
from kontor.dashboards.tests.conftest import widget_url, won
from kontor.forecasts.actions import save_quotas
from kontor.forecasts.periods import MONTH, Period, start_of
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.reports.tests.conftest import make_report

pytestmark = pytest.mark.django_db


def table(chart) -> list:
    return [(label, values) for label, values, *_rest in chart.rows]


def test_the_leaderboard_counts_what_each_viewer_sees(deals):
    assert table(charts.leaderboard(deals.sam)) == [("Sam Muster", [1, Decimal("1000.00")])]
    assert table(charts.leaderboard(deals.mia)) == [
        ("Tom Muster", [1, Decimal("5000.00")]),
        ("Sam Muster", [1, Decimal("1000.00")]),
    ]
    link = charts.leaderboard(deals.mia).rows[0][2]
    assert f"assigned_user={deals.tom.pk}" in link and "sales_stage=Closed+Won" in link


def test_leads_by_source_and_won_lost_follow_the_permission_filter(deals):
    assert table(charts.lead_sources(deals.sam)) == [("Web Site", [2])]
    assert sorted(table(charts.lead_sources(deals.mia))) == [("Email", [1]), ("Web Site", [2])]
    month = [r for r in charts.won_lost(deals.sam).rows]
    assert [values[:2] for _l, values, _link in month] == [[1, 0]]
    assert [values[:2] for _l, values, _link in charts.won_lost(deals.mia).rows] == [[2, 1]]


def test_my_pipeline_is_my_own_open_opportunities(deals):
    rows = table(charts.pipeline(deals.sam))
    assert [(label, values[:2]) for label, values in rows] == [
        ("Proposal/Price Quote", [1, Decimal("2000.00")])
    ]
    assert table(charts.pipeline(deals.mia)) == []


def test_forecast_against_quota(deals):
    month = Period(MONTH, start_of(MONTH, timezone.localdate()))
    save_quotas({(deals.sam.pk, month): Decimal("4000")}, actor=deals.mia)
    chart = charts.forecast(deals.sam)
    label, values, _link, attainment = chart.rows[0]
    assert label == month.label and values[0] == Decimal("1000.00") and values[3] == 4000
    assert attainment.startswith("25")
    assert chart.spec["datasets"][2]["data"][0] == 4000.0


def test_deals_without_an_exchange_rate_are_named_never_summed_as_zero(deals):
    # No rate for XTS (ISO's code for testing): no base amount, left out of every sum.
    won(deals.sam, "9999.00", currency="XTS")
    won(deals.mia, "7777.00", currency="XTS")
    OpportunityFactory(
        sales_stage="Proposal/Price Quote",
        amount=Decimal("500.00"),
        currency="XTS",
        assigned_user=deals.sam,
        actor=deals.sam,
    )
    leaders = charts.leaderboard(deals.mia)
    assert table(leaders)[0] == ("Tom Muster", [1, Decimal("5000.00")])
    assert table(leaders)[-1][1][1] == Decimal("0")  # Mia: only a deal without a rate, last
    assert "2 without exchange rate, not summed" in leaders.notice
    won_lost = charts.won_lost(deals.sam)
    # Sam sees Mia's deal too (their team's): three won, two of them without a rate.
    assert [values for _l, values, _link in won_lost.rows] == [[3, 0, Decimal("1000.00")]]
    assert won_lost.notice == "2 without exchange rate, not summed"
    pipeline = charts.pipeline(deals.sam)
    assert table(pipeline) == [
        ("Proposal/Price Quote", [2, Decimal("2000.00"), Decimal("1300.00")])
    ]
    assert pipeline.notice == "1 without exchange rate, not summed"
    # This month's and quarter's forecast: the won deal without a rate (the open one closes
    # in another year).
    assert charts.forecast(deals.sam).notice == "1 without exchange rate, not summed"


def test_activities_due_are_mine_and_bucketed(sales):
    now = timezone.now()
    TaskFactory(date_due=now - timedelta(days=2), actor=sales.sam)
    TaskFactory(date_due=now + timedelta(days=30), actor=sales.sam)
    TaskFactory(date_due=now - timedelta(days=2), actor=sales.tom)
    tasks = charts.activities_due(sales.sam).rows[0]
    assert tasks[1] == [1, 0, 0, 1]


def test_a_report_widget_shows_the_last_result_with_its_age(deals, client):
    report = make_report(deals.sam, name="Quellen")
    widget = add_widget("report", report=report, actor=deals.sam)
    client.force_login(deals.sam)
    html = client.get(widget_url(widget.pk)).content.decode()
    assert "Quellen" in html and "Web Site" in html and "Email" not in html
    assert "data-report-age" in html
    # Mia cannot open Sam's private report: a widget naming it shows nothing of it.
    mia_widget = add_widget("funnel", actor=deals.mia)
    Widget.objects.filter(pk=mia_widget.pk).update(kind="report", report=report)
    client.force_login(deals.mia)
    html = client.get(widget_url(mia_widget.pk)).content.decode()
    assert "Web Site" not in html and "Quellen" not in html and "not shared with you" in html


#: A rep's widget: session, user, their dashboard and its widgets, their roles and teams, and
#: per record type the permission filter's probe of the team's size and one grouped query.
PINNED = {
    "activities": 12,
    "lead_sources": 8,
    "won_lost": 8,
    "leaderboard": 9,
    "funnel": 5,
    "pipeline": 8,
    "forecast": 11,
}


@pytest.mark.parametrize("kind", sorted(PINNED))
def test_each_widget_has_pinned_queries_that_do_not_grow(sales, client, kind, monkeypatch):
    # Counted every time: no figures are kept between the requests (tests/test_kept.py).
    monkeypatch.setattr(kept, "KEEP_SECONDS", 0)
    client.force_login(sales.sam)
    url = widget_url(add_widget(kind, actor=sales.sam).pk)
    won(sales.sam, "10.00")
    client.get(url)
    few, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    for _ in range(4):
        won(sales.sam, "10.00")
        OpportunityFactory(actor=sales.sam)
        LeadFactory(lead_source="Email", actor=sales.sam)
        TaskFactory(actor=sales.sam)
    many, _response = count_queries(lambda: client.get(url))
    assert few == many == PINNED[kind]
