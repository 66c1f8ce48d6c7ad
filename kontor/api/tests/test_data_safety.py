"""Values a record must not hold: negative opportunity amounts (form and API alike) and dates
before 1900 or after 9998 through the API (their time zone offsets are no valid RFC 3339)."""

from decimal import Decimal

import pytest

from kontor.core import registry
from kontor.core.testing import form_data
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.studio.actions.fields import create_custom_field

pytestmark = pytest.mark.django_db

NEGATIVE = "The amount cannot be negative."
DATE_RANGE = "Enter a date from 1900-01-01 to 9998-12-31."


@pytest.mark.parametrize("stage", ["Closed Won", "Prospecting"])
def test_a_negative_amount_is_refused_by_the_api(api, rep, stage):
    deal = OpportunityFactory(actor=rep, sales_stage=stage)
    response = api.patch(f"/api/v1/opportunities/{deal.pk}/", {"amount": "-5.00"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"amount": [NEGATIVE]}
    deal.refresh_from_db()
    assert deal.amount == Decimal("1000.00")
    body = {**registry.get("opportunities").get_api_example(rep), "amount": "-0.01"}
    response = api.post("/api/v1/opportunities/", body, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"amount": [NEGATIVE]}
    assert Opportunity.objects.count() == 1


def test_a_negative_amount_is_refused_by_the_form_in_german(rep_client, rep):
    deal = OpportunityFactory(actor=rep, sales_stage="Closed Won")
    url = f"/opportunities/{deal.pk}/edit/"
    data = {**form_data(rep_client.get(url).context["form"]), "amount": "-100"}
    response = rep_client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == [NEGATIVE]
    response = rep_client.post(url, data, HTTP_ACCEPT_LANGUAGE="de")
    assert response.context["form"].errors["amount"] != [NEGATIVE]
    deal.refresh_from_db()
    assert deal.amount == Decimal("1000.00")
    zero = rep_client.post(url, {**data, "amount": "0"})
    assert zero.status_code == 302
    deal.refresh_from_db()
    assert deal.amount == Decimal("0.00")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date_closed", "0169-05-01"),
        ("date_closed", "1899-12-31"),
        ("date_closed", "9999-12-31"),
    ],
)
def test_dates_outside_1900_to_9998_are_refused_by_the_api(api, rep, field, value):
    deal = OpportunityFactory(actor=rep)
    response = api.patch(f"/api/v1/opportunities/{deal.pk}/", {field: value}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [DATE_RANGE]}
    deal.refresh_from_db()
    assert str(deal.date_closed) == "2025-09-30"


@pytest.mark.parametrize("value", ["0169-05-01T10:00:00Z", "1899-12-31T23:00:00+01:00"])
def test_date_times_before_1900_are_refused_by_the_api(api, value):
    body = {"name": "Anruf", "date_start": value, "duration_minutes": 5}
    response = api.post("/api/v1/calls/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"date_start": [DATE_RANGE]}


def test_custom_dates_before_1900_are_refused_by_the_api(api, rep, admin):
    create_custom_field(
        registry.get("opportunities"),
        name="signed_on",
        label_en="Signed on",
        label_de="Unterschrieben am",
        field_type="date",
        actor=admin,
    )
    deal = OpportunityFactory(actor=rep)
    response = api.patch(
        f"/api/v1/opportunities/{deal.pk}/",
        {"custom": {"signed_on": "0169-05-01"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"custom.signed_on": [DATE_RANGE]}
    deal.refresh_from_db()
    assert deal.custom == {}
    ok = api.patch(
        f"/api/v1/opportunities/{deal.pk}/", {"custom": {"signed_on": "1950-05-01"}}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["custom"] == {"signed_on": "1950-05-01"}
