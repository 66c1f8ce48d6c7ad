"""Studio's custom fields through the V8 API under their SuiteCRM names ("<name>_c"), and
Kontor's API rate limit on the V8 routes."""

import pytest

from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.studio.tests.fields import add_field

pytestmark = pytest.mark.django_db


def test_a_custom_field_is_read_filtered_sorted_and_written_as_name_c(as_rep, rep, admin):
    add_field(admin)  # "budget", currency
    low = LeadFactory(last_name="Low", custom={"budget": "100.00"}, actor=rep)
    high = LeadFactory(last_name="High", custom={"budget": "2500.00"}, actor=rep)
    status, body = as_rep.get(
        "V8/module/Leads?fields[Leads]=last_name,budget_c&filter[budget_c][gt]=500&sort=-budget_c"
    )
    assert status == 200, body
    assert [(r["id"], r["attributes"]) for r in body["data"]] == [
        (str(high.pk), {"last_name": "High", "budget_c": "2500.00"})
    ]
    _s, fields = as_rep.get("V8/meta/fields/Leads")
    assert fields["data"]["attributes"]["budget_c"]["source"] == "custom_fields"
    status, body = as_rep.patch(
        "V8/module",
        {"data": {"type": "Leads", "id": str(low.pk), "attributes": {"budget_c": "120.5"}}},
    )
    assert status == 201 and body["data"]["attributes"]["budget_c"] == "120.50"
    assert Lead.objects.get(pk=low.pk).custom == {"budget": "120.50"}
    status, body = as_rep.patch(
        "V8/module",
        {"data": {"type": "Leads", "id": str(low.pk), "attributes": {"budget_c": "lots"}}},
    )
    assert status == 400 and body["errors"]["detail"].startswith("The record is invalid. budget_c:")
    assert Lead.objects.get(pk=low.pk).custom == {"budget": "120.50"}


def test_the_rate_limit_answers_429_with_retry_after(client, as_rep, settings):
    settings.KONTOR_API_RATE = "2/minute"
    assert as_rep.get("V8/module/Leads")[0] == 200
    assert as_rep.get("V8/module/Leads")[0] == 200
    response = client.get("/Api/V8/module/Leads", HTTP_AUTHORIZATION=f"Bearer {as_rep.token}")
    assert response.status_code == 429
    assert response.json() == {
        "errors": {"status": 429, "title": None, "detail": "Too many requests"}
    }
    assert int(response["Retry-After"]) >= 1
