"""run(report, user): figures against hand-computed expectations, through the permission
filter, with the list's filters and search, date periods in the viewer's time zone, amounts
in the base currency, the trash, and one grouped query."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kontor.core.actions import delete_records, restore_records
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.reports import engine
from kontor.reports.tests.conftest import make_report

pytestmark = pytest.mark.django_db


def by_labels(result) -> dict:
    return {tuple(r.labels): r.values for r in result.rows}


def test_count_sum_average_minimum_maximum_per_group(rep, leads):
    report = make_report(
        rep,
        aggregates=[
            "count",
            "sum:opportunity_amount",
            "avg:opportunity_amount",
            "min:opportunity_amount",
            "max:opportunity_amount",
        ],
    )
    result = engine.run(report, rep)
    assert result.columns == ["Lead source"]
    assert [f["label"] for f in result.figures][:2] == ["Count", "Sum of Opportunity amount"]
    # Cold Call: 50, none, 7.50 → count 3, sum 57.50, average of the two values 28.75
    # Web Site: 100, 300, 1000 → count 3, sum 1400, average 466.67
    assert by_labels(result) == {
        ("Cold Call",): [3, Decimal("57.50"), Decimal("28.75"), Decimal("7.50"), Decimal("50.00")],
        ("Web Site",): [
            3,
            Decimal("1400.00"),
            Decimal("466.67"),
            Decimal("100.00"),
            Decimal("1000.00"),
        ],
    }
    # Totals: the average of all five values (1457.50 / 5), not of the groups' averages.
    assert result.totals == [
        6,
        Decimal("1457.50"),
        Decimal("291.50"),
        Decimal("7.50"),
        Decimal("1000.00"),
    ]
    assert not result.truncated


def test_two_group_fields_and_the_list_link_of_each_group(rep, leads):
    report = make_report(rep, group_by=["lead_source", "status"], filters="mine=true")
    result = engine.run(report, rep)
    assert by_labels(result) == {
        ("Cold Call", "New"): [1],
        ("Cold Call", "Assigned"): [1],
        ("Web Site", "New"): [2],
    }
    # Dropdown order (New before Assigned), then the next group.
    assert [r.labels for r in result.rows][:2] == [["Cold Call", "New"], ["Cold Call", "Assigned"]]
    row = next(r for r in result.rows if r.labels == ["Web Site", "New"])
    assert row.link == "/leads/?mine=true&lead_source=Web+Site&status=New"


def test_the_list_opened_from_a_group_shows_exactly_its_records(rep_client, rep, leads):
    report = make_report(rep, group_by=["lead_source", "assigned_user"])
    result = engine.run(report, rep)
    for row in result.rows:
        page = rep_client.get(row.link)
        assert page.status_code == 200
        assert len(page.context["page"].rows) == row.values[0], row.labels


def test_a_rep_sees_figures_of_her_records_only_a_manager_of_all(rep, seller, leads):
    report = make_report(rep, share="everyone")
    assert by_labels(engine.run(report, rep)) == {("Cold Call",): [3], ("Web Site",): [3]}
    # Sina (sales rep, team scope) sees her own two leads; Rolf's are in no team of hers.
    assert by_labels(engine.run(report, seller)) == {("Cold Call",): [1], ("Web Site",): [1]}


def test_trashed_records_are_left_out_and_count_again_when_restored(rep, leads):
    report = make_report(rep, group_by=["status"])
    delete_records([leads[0], leads[1]], actor=rep)
    assert by_labels(engine.run(report, rep))[("New",)] == [2]
    restore_records(Lead.with_deleted.filter(pk__in=[leads[0].pk, leads[1].pk]), actor=rep)
    assert by_labels(engine.run(report, rep))[("New",)] == [4]


def test_filters_and_search_apply_as_on_the_list(rep, leads):
    LeadFactory(last_name="Zebrafink", lead_source="Web Site", actor=rep)
    report = make_report(rep, filters="status=New&status=Dead")
    assert by_labels(engine.run(report, rep)) == {("Cold Call",): [2], ("Web Site",): [4]}
    report.filters = "q=zebrafink"
    result = engine.run(report, rep)
    assert by_labels(result) == {("Web Site",): [1]}
    assert any("1,000" in n for n in result.notices)


def _entered(lead, when):
    Lead.with_deleted.filter(pk=lead.pk).update(date_entered=when)


def test_months_and_quarters_are_those_of_the_viewers_time_zone(rep, leads):
    # 23:30 UTC on 31 March is 01:30 on 1 April in Berlin (summer time): April, Q2 there.
    late = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    _entered(leads[0], late)
    for lead in leads[1:]:
        _entered(lead, dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC))
    month = make_report(rep, group_by=["date_entered:month"])
    quarter = make_report(rep, group_by=["date_entered:quarter"])
    with timezone.override("Europe/Berlin"):
        assert by_labels(engine.run(month, rep)) == {("January 2026",): [5], ("April 2026",): [1]}
        result = engine.run(quarter, rep)
        assert by_labels(result) == {("Q1 2026",): [5], ("Q2 2026",): [1]}
        q2 = next(r for r in result.rows if r.labels == ["Q2 2026"])
        assert q2.keys == ["2026-04-01"]
        assert "date_entered_min=2026-04-01&date_entered_max=2026-06-30" in q2.link
    with timezone.override("UTC"):
        assert by_labels(engine.run(month, rep)) == {("January 2026",): [5], ("March 2026",): [1]}
        assert by_labels(engine.run(quarter, rep)) == {("Q1 2026",): [6]}


def test_weeks_start_on_monday_and_years_end_in_december(rep, leads):
    for lead in leads:  # a Sunday and the Monday after it
        _entered(lead, dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC))
    _entered(leads[0], dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC))
    with timezone.override("UTC"):
        weeks = engine.run(make_report(rep, group_by=["date_entered:week"]), rep)
        assert [r.keys for r in weeks.rows] == [["2026-11-30"], ["2026-12-07"]]
        assert [r.values for r in weeks.rows] == [[5], [1]]
        years = engine.run(make_report(rep, group_by=["date_entered:year"]), rep)
        assert years.rows[0].labels == ["2026"]
        assert "date_entered_max=2026-12-31" in years.rows[0].link


def test_users_and_booleans_are_named_empty_values_get_no_link(rep, seller, leads):
    LeadFactory(lead_source="", actor=rep)
    result = engine.run(make_report(rep, group_by=["assigned_user", "lead_source"]), rep)
    labels = {tuple(r.labels) for r in result.rows}
    assert ("Rolf Rep", "Web Site") in labels and ("Sina Seller", "Cold Call") in labels
    empty = next(r for r in result.rows if r.labels[1] == "(empty)")
    assert empty.link == "" and empty.values == [1]
    mine = next(r for r in result.rows if r.labels == ["Rolf Rep", "Web Site"])
    assert mine.link == f"/leads/?assigned_user={rep.pk}&lead_source=Web+Site"


def test_one_grouped_query_per_run_plus_one_for_the_users_names(
    rep, leads, django_assert_num_queries
):
    report = make_report(
        rep, group_by=["lead_source", "status"], aggregates=["count", "sum:opportunity_amount"]
    )
    engine.run(report, rep)  # grants and dropdowns are read once per request
    with django_assert_num_queries(1):
        engine.run(report, rep)
    report.group_by = ["assigned_user"]
    with django_assert_num_queries(2):
        engine.run(report, rep)


def test_too_many_groups_are_cut_with_a_notice(rep, leads, monkeypatch):
    monkeypatch.setattr(engine.spec, "MAX_GROUPS", 1)
    result = engine.run(make_report(rep), rep)
    assert result.truncated and len(result.rows) == 1
    assert "Only the first 1 groups are shown" in result.notices[0]


def test_an_invalid_definition_is_refused_when_run(rep):
    with pytest.raises(ValidationError):
        engine.run(make_report(rep, group_by=["email1"]), rep)


def test_a_result_survives_its_stored_form(rep, leads):
    report = make_report(rep, aggregates=["count", "avg:opportunity_amount"])
    result = engine.run(report, rep)
    again = engine.Result.from_data(result.as_data())
    assert by_labels(again) == by_labels(result)
    assert again.totals == result.totals
    assert again.generated_at == result.generated_at
