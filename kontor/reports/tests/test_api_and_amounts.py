"""The API of the reports, and opportunities in mixed currencies summed in the base currency."""

from datetime import date
from decimal import Decimal

import pytest

from kontor.api.tests.conftest import token_client
from kontor.currencies.tests.helpers import add_rate
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.reports import engine, forms
from kontor.reports.spec import check, module_for
from kontor.reports.tests.conftest import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(rep):
    """Closed won deals in EUR, USD (rate 1.25) and GBP (rate 0.8) at their close date."""
    add_rate("USD", date(2026, 1, 1), "1.250000")
    add_rate("GBP", date(2026, 1, 1), "0.800000")
    out = []
    for amount, currency, stage in (
        ("1000.00", "EUR", "Closed Won"),
        ("1000.00", "USD", "Closed Won"),  # 800.00 EUR
        ("400.00", "GBP", "Closed Won"),  # 500.00 EUR
        ("99.00", "EUR", "Prospecting"),
    ):
        out.append(
            OpportunityFactory(
                amount=Decimal(amount),
                currency=currency,
                sales_stage=stage,
                date_closed=date(2026, 3, 31),
                actor=rep,
            )
        )
    return out


def test_amounts_of_several_currencies_are_summed_in_the_base_currency(rep, deals):
    report = make_report(
        rep,
        module="opportunities",
        group_by=["sales_stage"],
        aggregates=["count", "sum:amount", "max:amount"],
    )
    result = engine.run(report, rep)
    assert [f["label"] for f in result.figures] == [
        "Count",
        "Sum of Amount (EUR)",
        "Maximum of Amount (EUR)",
    ]
    rows = {tuple(r.labels): r.values for r in result.rows}
    assert rows[("Closed Won",)] == [3, Decimal("2300.00"), Decimal("1000.00")]
    assert rows[("Prospecting",)] == [1, Decimal("99.00"), Decimal("99.00")]
    assert result.totals == [4, Decimal("2399.00"), Decimal("1000.00")]


def test_amounts_without_an_exchange_rate_are_named_not_summed_as_zero(rep, deals):
    OpportunityFactory(
        amount=Decimal("5000.00"),
        currency="XTS",  # no rate: no base amount
        sales_stage="Closed Won",
        date_closed=date(2026, 3, 31),
        actor=rep,
    )
    report = make_report(
        rep, module="opportunities", group_by=["sales_stage"], aggregates=["count", "sum:amount"]
    )
    result = engine.run(report, rep)
    rows = {tuple(r.labels): r.values for r in result.rows}
    assert rows[("Closed Won",)] == [4, Decimal("2300.00")]
    assert result.notices == ["1 without exchange rate, not summed"]
    counted = engine.run(make_report(rep, module="opportunities", group_by=["sales_stage"]), rep)
    assert counted.notices == []  # a count needs no rate


def test_the_builder_offers_amounts_in_base_and_refuses_text_figures():
    module = module_for("opportunities")
    offered = dict(forms.figure_choices(module))
    assert offered["sum:amount"] == "Sum of Amount (EUR)"
    assert "sum:amount_base" not in offered  # offered as the amount it converts
    errors = check("opportunities", ["sales_stage"], ["sum:name"])
    assert errors == {"aggregates": ["“Opportunity name” is not a number: it can only be counted."]}
    assert check("nope", ["x"], ["count"]) == {"module": ["Choose a record type that exists."]}
    assert "group_by" in check("opportunities", ["name", "x", "y"], ["count"])
    assert check("opportunities", ["currency", "date_closed:quarter"], ["sum:amount"]) == {}


def test_api_lists_visible_reports_and_answers_their_figures(rep, seller, leads):
    mine = make_report(rep, aggregates=["count", "avg:opportunity_amount"])
    hers = make_report(seller, name="Privat")
    shared = make_report(seller, name="Für alle", share="everyone")
    api = token_client(rep)
    listed = api.get("/api/v1/analytics/reports/")
    assert listed.status_code == 200
    assert {r["id"] for r in listed.json()} == {mine.pk, shared.pk}
    answer = api.get(f"/api/v1/analytics/reports/{mine.pk}/result/")
    assert answer.status_code == 200
    data = answer.json()
    assert data["groups"] == ["Lead source"]
    assert [a["key"] for a in data["aggregates"]] == ["count", "avg:opportunity_amount"]
    assert {tuple(r["labels"]): r["values"] for r in data["rows"]} == {
        ("Cold Call",): [3, "28.75"],
        ("Web Site",): [3, "466.67"],
    }
    assert data["totals"] == [6, "291.50"] and data["generated_at"]
    # Sina's report shared with everyone shows Rolf his own figures (all six leads).
    shared_figures = api.get(f"/api/v1/analytics/reports/{shared.pk}/result/").json()
    assert shared_figures["totals"] == [6]
    assert api.get(f"/api/v1/analytics/reports/{hers.pk}/result/").status_code == 404
    assert token_client(seller).get(f"/api/v1/analytics/reports/{shared.pk}/result/").json()[
        "totals"
    ] == [2]


def test_api_needs_a_token_and_is_in_the_schema(client, rep):
    assert client.get("/api/v1/analytics/reports/").status_code in (401, 403)
    schema = token_client(rep).get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/analytics/reports/{id}/result/" in schema["paths"]


@pytest.mark.parametrize("period", ["week", "month", "quarter", "year"])
def test_a_close_date_in_the_calendars_last_period_is_grouped(rep, deals, period):
    OpportunityFactory(
        amount=Decimal("1.00"), currency="EUR", date_closed=date(9999, 12, 31), actor=rep
    )
    report = make_report(
        rep, module="opportunities", group_by=[f"date_closed:{period}"], aggregates=["count"]
    )
    last = engine.run(report, rep).rows[-1]
    assert last.values == [1]
    assert "date_closed_max=9999-12-31" in last.link
