"""Reports on Studio custom fields: grouped by a custom dropdown, yes/no, text, date, date and
time or link, summed and averaged over custom numbers, filtered by them, offered by the
builder; the groups link to the list filtered as the report, and the list shows those records.
Read through the same custom field definitions the list filters and sorts by."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from kontor.accounts.tests.factories import AccountFactory
from kontor.core import registry
from kontor.leads.tests.factories import LeadFactory
from kontor.reports import engine, spec
from kontor.reports.forms import figure_choices
from kontor.reports.models import Report
from kontor.reports.tests.conftest import make_report
from kontor.studio.actions.fields import create_custom_field

pytestmark = pytest.mark.django_db

LEADS = registry.get("leads")


def add(admin, name, field_type, **kw):
    values = {"label_en": name.title(), "label_de": f"{name.title()} DE", **kw}
    if field_type == "dropdown":
        values["dropdown"] = "industry_dom"
    return create_custom_field(LEADS, name=name, field_type=field_type, actor=admin, **values)


@pytest.fixture
def fields(admin):
    for name, kind, extra in (
        ("budget", "currency", {}),
        ("seats", "integer", {}),
        ("ratio", "decimal", {}),
        ("branch", "dropdown", {}),
        ("vip", "boolean", {}),
        ("region", "text", {}),
        ("signed", "date", {}),
        ("called", "datetime", {}),
        ("partner", "relate", {"link_module": "accounts"}),
        ("memo", "longtext", {}),
    ):
        add(admin, name, kind, **extra)


@pytest.fixture
def records(fields, rep, seller):
    """Five leads of Rolf with custom values, one of Sina; Rolf (a sales manager) sees all six,
    Sina (a rep) only hers, and neither account."""
    alpha = AccountFactory(name="Alpha AG", actor=rep, assigned_user=rep)
    beta = AccountFactory(name="Beta GmbH", actor=rep, assigned_user=rep)
    rows = (
        ("Banking", "100.50", 3, True, "Nord", "2027-01-15", "2027-03-31T23:30:00+00:00", alpha),
        ("Banking", "200.25", 5, False, "Nord", "2027-02-01", "2027-03-31T12:00:00+00:00", None),
        ("Media", "50.00", None, True, "Süd", "2027-01-31", None, beta),
        ("Media", None, 7, None, "", None, "2027-04-02T08:00:00+00:00", beta),
        (None, "9.99", 1, False, "Süd", None, None, None),
    )
    made = []
    for branch, budget, seats, vip, region, signed, called, partner in rows:
        custom = {
            "branch": branch,
            "budget": budget,
            "seats": seats,
            "vip": vip,
            "region": region or None,
            "signed": signed,
            "called": called,
            "partner": str(partner.pk) if partner else None,
            "ratio": "0.3333" if budget else None,
        }
        custom = {k: v for k, v in custom.items() if v is not None}
        made.append(LeadFactory(last_name="Kunde", custom=custom, assigned_user=rep, actor=rep))
    LeadFactory(
        last_name="Sinas",
        custom={"branch": "Banking", "budget": "1000.00", "partner": str(alpha.pk)},
        assigned_user=seller,
        actor=seller,
    )
    return {"alpha": alpha, "beta": beta, "leads": made}


def result(user, **values):
    return engine.run(make_report(user, **values), user)


def test_the_builder_offers_the_custom_fields_the_engine_can_read(fields):
    groups, numbers = spec.group_fields(LEADS), spec.number_fields(LEADS)
    custom = {"branch", "vip", "region", "signed", "called", "partner"}
    assert custom <= set(groups)
    assert {"budget", "seats", "ratio"} <= set(numbers)
    # Numbers are figures, long text and multi-selects no group.
    assert not {"budget", "seats", "memo"} & set(groups)
    assert {g.kind for n, g in groups.items() if n in custom} == {
        "dropdown",
        "boolean",
        "text",
        "date",
        "datetime",
        "link",
    }
    with translation.override("de"):
        choices = dict(figure_choices(LEADS))
        assert choices["sum:budget"] == "Summe von Budget DE"
        assert spec.group_label(LEADS, "signed:month") == "Signed DE (Monat)"


def test_custom_numbers_are_summed_averaged_and_bounded_per_custom_dropdown(rep, records):
    found = result(
        rep,
        group_by=["branch"],
        aggregates=["count", "sum:budget", "avg:budget", "min:seats", "max:seats", "sum:ratio"],
    )
    by_key = {row.keys[0]: row for row in found.rows}
    assert by_key["Banking"].values == [
        3,
        Decimal("1300.75"),
        Decimal("433.58"),
        3,
        5,
        Decimal("0.67"),
    ]
    assert by_key["Media"].values == [2, Decimal("50.00"), Decimal("50.00"), 7, 7, Decimal("0.33")]
    assert by_key[None].values == [1, Decimal("9.99"), Decimal("9.99"), 1, 1, Decimal("0.33")]
    # The dropdown's own order and labels; the empty group last.
    assert [row.keys[0] for row in found.rows] == ["Banking", "Media", None]
    # Totals: the average over every value (five budgets), not of the groups' averages.
    assert found.totals == [6, Decimal("1360.74"), Decimal("272.15"), 1, 7, Decimal("1.33")]


def test_a_group_of_a_custom_field_links_to_the_list_showing_its_records(rep_client, rep, records):
    found = result(rep, group_by=["branch", "vip"], aggregates=["count"])
    row = next(r for r in found.rows if r.keys == ["Banking", True])
    assert row.values == [1]
    assert row.link == "/leads/?branch=Banking&vip=true"
    listed = rep_client.get(row.link)
    assert listed.status_code == 200
    assert len(listed.context["rows"]) == 1
    # An empty value gets no link, as for built-in fields.
    assert next(r for r in found.rows if r.keys[0] is None).link == ""


def test_yes_no_and_text_groups_read_alike_on_both_databases(rep, records):
    found = result(rep, group_by=["vip"], aggregates=["count"])
    assert [(r.keys, r.values) for r in found.rows] == [
        ([True], [2]),
        ([False], [2]),
        ([None], [2]),
    ]
    with translation.override("de"):
        labels = [r.labels[0] for r in result(rep, group_by=["vip"], aggregates=["count"]).rows]
    assert labels == ["Ja", "Nein", "(leer)"]
    texts = result(rep, group_by=["region"], aggregates=["count"], filters="vip=true")
    assert [(r.keys, r.values) for r in texts.rows] == [(["Nord"], [1]), (["Süd"], [1])]


def test_custom_dates_by_period_in_the_viewers_time_zone(rep, records):
    signed = result(rep, group_by=["signed:month"], aggregates=["count"])
    assert [(r.keys, r.values) for r in signed.rows] == [
        (["2027-01-01"], [2]),
        (["2027-02-01"], [1]),
        ([None], [3]),
    ]
    assert signed.rows[0].link == "/leads/?signed_min=2027-01-01&signed_max=2027-01-31"
    # 23:30 UTC on 31 March is an April call in Berlin.
    with timezone.override("Europe/Berlin"):
        called = result(rep, group_by=["called:month"], aggregates=["count"])
    assert [(r.keys, r.values) for r in called.rows] == [
        (["2027-03-01"], [1]),
        (["2027-04-01"], [2]),
        ([None], [3]),
    ]
    with timezone.override("UTC"):
        called = result(rep, group_by=["called:month"], aggregates=["count"])
    assert [r.values for r in called.rows][:2] == [[2], [1]]
    assert isinstance(called.rows[0].keys[0], str) and dt.date.fromisoformat(called.rows[0].keys[0])


def test_a_custom_link_is_named_only_for_viewers_who_see_the_record(rep, seller, records):
    found = result(rep, group_by=["partner"], aggregates=["count"])
    assert {r.labels[0]: r.values for r in found.rows} == {
        "Alpha AG": [2],
        "Beta GmbH": [2],
        "(empty)": [2],
    }
    # Sina sees her own lead, whose partner is an account she may not see: never its name.
    hers = result(seller, group_by=["partner"], aggregates=["count", "sum:budget"])
    assert [(r.labels, r.values) for r in hers.rows] == [
        (["(not available)"], [1, Decimal("1000.00")])
    ]


def test_a_report_filters_by_custom_fields_as_the_list_does(rep, records):
    found = result(rep, group_by=["branch"], aggregates=["count"], filters="branch=Media&seats=7")
    assert [(r.keys, r.values) for r in found.rows] == [(["Media"], [1])]
    assert engine.filter_errors(LEADS, "signed_min=kein-datum", rep)


def test_custom_fields_that_cannot_be_summed_or_grouped_are_refused(fields):
    with translation.override("de"):
        errors = spec.check("leads", ["memo"], ["sum:region"])
    assert errors["group_by"] and "„memo“" in errors["group_by"][0]
    assert errors["aggregates"] == ["„Region DE“ ist keine Zahl: Es kann nur gezählt werden."]
    assert spec.check("leads", ["branch", "signed:quarter"], ["avg:seats", "max:budget"]) == {}


def test_the_builder_saves_a_report_on_custom_fields(rep_client, rep, records):
    fields = rep_client.get("/reports/fields/", {"report-module": "leads"}).content.decode()
    assert 'value="branch"' in fields and 'value="sum:budget"' in fields
    assert 'name="signed_min"' in fields  # a custom date filters the report as it does the list
    data = {
        "report-name": "Budget nach Branche",
        "report-module": "leads",
        "report-group_1": "branch",
        "report-period_1": "",
        "report-group_2": "signed",
        "report-period_2": "quarter",
        "report-aggregates": ["count", "sum:budget"],
        "report-chart": "bar",
        "report-share": "private",
        "report-team": "",
        "vip": "true",
    }
    response = rep_client.post("/reports/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    report = Report.objects.get(name="Budget nach Branche")
    assert (report.group_by, report.filters) == (["branch", "signed:quarter"], "vip=true")
    page = rep_client.get(response.url)
    rows = [(r.keys, r.values) for r in page.context["result"].rows]
    assert rows == [
        (["Banking", "2027-01-01"], [1, Decimal("100.50")]),
        (["Media", "2027-01-01"], [1, Decimal("50.00")]),
    ]
