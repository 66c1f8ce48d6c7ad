"""The currency code is the model's rule: the form, the API and the import all refuse "e1" with
the same translated message and store a lower-case code upper-case."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from kontor.accounts.tests.factories import AccountFactory
from kontor.api.actions import create_token
from kontor.core.actions import save_record
from kontor.imports import actions as imports
from kontor.imports.models import ImportBatch, ImportRow
from kontor.imports.tests.helpers import upload
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.test_opportunities import TestOpportunityModule

pytestmark = pytest.mark.django_db

MESSAGE = "Enter a three-letter currency code such as EUR."
GERMAN = "Geben Sie einen dreibuchstabigen Währungscode ein, z. B. EUR."


@pytest.fixture
def api(rep):
    _token, key = create_token(rep, name="test", actor=rep)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def _body(**changes) -> dict:
    return {
        "name": "Fjord roll-out",
        "account": str(AccountFactory().pk),
        "amount": "12500.00",
        "date_closed": "2025-09-30",
        "sales_stage": "Qualification",
        **changes,
    }


def test_the_action_refuses_a_bad_code_in_german_too(rep):
    body = {**_body(currency="e1"), "account": AccountFactory()}
    with translation.override("de"):
        with pytest.raises(ValidationError) as refused:
            save_record(Opportunity(**body), actor=rep)
        assert refused.value.message_dict == {"currency": [GERMAN]}
    assert not Opportunity.objects.exists()


def test_the_form_refuses_a_bad_code_and_stores_a_good_one_upper_case(rep_client):
    data = {**TestOpportunityModule().valid_data(), "currency": "e1"}
    response = rep_client.post("/opportunities/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["currency"] == [MESSAGE]
    assert not Opportunity.objects.exists()
    data["currency"] = " chf "
    assert rep_client.post("/opportunities/new/", data).status_code == 302
    assert Opportunity.objects.get().currency == "CHF"


def test_the_api_refuses_a_bad_code_and_creates_nothing(api):
    response = api.post("/api/v1/opportunities/", _body(currency="e1"), format="json")
    assert response.status_code == 400, response.content
    assert MESSAGE in str(response.json())
    assert not Opportunity.objects.exists()
    created = api.post("/api/v1/opportunities/", _body(currency="usd"), format="json")
    assert created.status_code == 201, created.content
    assert Opportunity.objects.get().currency == "USD"


def test_the_api_refuses_a_bad_code_on_update_and_changes_nothing(api):
    pk = api.post("/api/v1/opportunities/", _body(), format="json").json()["id"]
    response = api.patch(f"/api/v1/opportunities/{pk}/", {"currency": "E1"}, format="json")
    assert response.status_code == 400
    assert Opportunity.objects.get(pk=pk).currency == "EUR"


def test_the_import_reports_a_bad_code_as_an_error_of_its_row(admin):
    content = (
        "Opportunity Name,Account Name,Amount,Expected Close Date,Sales Stage,Currency\n"
        "Gut,Nord GmbH,100,2025-09-30,Qualification,usd\n"
        "Schlecht,Nord GmbH,200,2025-09-30,Qualification,e1\n"
    )
    batch = imports.create_batch(
        upload("opportunities.csv", content.encode()), model=Opportunity, actor=admin
    )
    columns = [*batch.options["columns"][:5], {"field": "currency", "rule": "overwrite"}]
    imports.configure(
        batch, {**batch.options, "columns": columns, "create_missing": True}, actor=admin
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status="queued")
    batch = imports.run_import(batch.pk)

    assert (batch.created_count, batch.failed_count) == (1, 1)
    assert list(Opportunity.objects.values_list("name", "currency")) == [("Gut", "USD")]
    failed = ImportRow.objects.get(batch=batch, outcome="failed")
    assert (failed.row, failed.message) == (2, f"Currency: {MESSAGE}")
