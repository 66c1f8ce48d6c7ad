"""GET /api/v1/analytics/pipeline/: the board's figures for integrations."""

import pytest

from kontor.api.models import ApiToken
from kontor.api.tests.conftest import token_client
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/pipeline/"


def stages(answer) -> dict:
    return {
        s["stage"]: (s["count"], s["amount"], s["weighted_amount"], s["without_rate"])
        for s in answer["stages"]
    }


def test_a_manager_and_a_rep_get_the_sums_of_what_each_may_see(pipeline):
    manager = token_client(pipeline.manager, ApiToken.Scope.READ).get(URL)
    assert manager.status_code == 200
    body = manager.json()
    assert (body["currency"], body["base_currency"]) == ("EUR", "EUR")
    assert stages(body)["Prospecting"] == (3, "2000.00", "200.00", 1)
    assert stages(body)["Closed Won"] == (1, "3000.00", "3000.00", 0)
    assert body["open"] == {
        "count": 4,
        "amount": "4000.50",
        "weighted_amount": "600.10",
        "without_rate": 1,
    }
    rep = token_client(pipeline.rep).get(URL).json()
    assert stages(rep)["Prospecting"] == (2, "1000.00", "100.00", 1)
    assert stages(rep)["Closed Won"] == (0, "0.00", "0.00", 0)


def test_filters_and_currency_are_query_parameters(pipeline):
    api = token_client(pipeline.manager)
    body = api.get(URL, {"currency": "usd", "mine": "true"}).json()
    assert body["currency"] == "USD"
    assert stages(body)["Prospecting"] == (1, "1250.00", "125.00", 0)
    period = api.get(URL, {"date_closed_min": "2025-10-01"}).json()
    assert stages(period)["Prospecting"][0] == 0
    searched = api.get(URL, {"q": "wartung"}).json()
    assert stages(searched)["Prospecting"][:2] == (1, "1000.00")


def test_bad_parameters_are_a_structured_400(pipeline):
    api = token_client(pipeline.manager)
    for params, field in (
        ({"currency": "GBP"}, "currency"),  # active, but no rate today
        ({"currency": "XYZ"}, "currency"),
        ({"date_closed_min": "gestern"}, "date_closed"),
        ({"team": "abc"}, "team"),  # not dropped: the sums would be everyone's
        ({"team": "1e3"}, "team"),
    ):
        response = api.get(URL, params)
        assert response.status_code == 400, params
        assert field in response.json()["errors"], response.json()


def test_without_a_token_or_access_to_opportunities_the_answer_is_refused(client, pipeline):
    assert client.get(URL).status_code == 401
    nobody = create_user("nora", password="pw-nora-123!", roles=[])
    assert token_client(nobody).get(URL).status_code == 404


def test_the_endpoint_is_in_the_openapi_schema(rep_client):
    schema = rep_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["get"]
    assert operation["operationId"] == "analytics_pipeline"
    names = {p["name"] for p in operation["parameters"]}
    assert {"currency", "team", "mine", "date_closed_min"} <= names
