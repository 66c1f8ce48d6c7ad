"""/api/v1/currencies/: read-only, for every token, with the rates; in the OpenAPI schema."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from kontor.api.actions import create_token
from kontor.currencies.models import Currency, ExchangeRate
from kontor.currencies.tests.helpers import add_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(rep):
    _token, key = create_token(rep, name="test", actor=rep)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_the_list_gives_the_base_and_each_currencys_rates(api, admin, django_assert_num_queries):
    add_rate("USD", date(2025, 1, 1), "1.1", actor=admin)
    add_rate("USD", date(2026, 1, 1), "1.085", actor=admin)
    api.get("/api/v1/currencies/")  # the token's user and the table are cached from here on
    with django_assert_num_queries(1):  # the token with its user
        response = api.get("/api/v1/currencies/?active=true")
    assert response.status_code == 200
    body = response.json()
    assert body["base"] == "EUR"
    assert [c["code"] for c in body["results"]] == ["CHF", "EUR", "GBP", "USD"]
    usd = body["results"][3]
    assert usd["rates"] == [
        {"valid_from": "2025-01-01", "rate": "1.100000"},
        {"valid_from": "2026-01-01", "rate": "1.085000"},
    ]
    assert body["results"][1]["is_base"] is True
    assert len(api.get("/api/v1/currencies/").json()["results"]) == Currency.objects.count()


def test_one_currency_and_an_unknown_one(api):
    assert api.get("/api/v1/currencies/gbp/").json()["name"] == "Pound Sterling"
    assert api.get("/api/v1/currencies/XYZ/").status_code == 404


def test_it_is_read_only_and_needs_a_token(api, client, admin):
    add_rate("USD", date(2026, 1, 1), "1.085", actor=admin)
    before = stored()
    for method, url, body in (
        ("post", "/api/v1/currencies/", {"code": "NZD", "name": "NZ Dollar"}),
        ("put", "/api/v1/currencies/USD/", {"name": "Changed", "active": False}),
        ("patch", "/api/v1/currencies/USD/", {"rates": [{"valid_from": "2026-01-01"}]}),
        ("delete", "/api/v1/currencies/USD/", None),
    ):
        assert getattr(api, method)(url, body, format="json").status_code == 405, (method, url)
    assert stored() == before
    assert ("USD", date(2026, 1, 1), "1.085000") in before["rates"]
    assert client.get("/api/v1/currencies/").status_code in (401, 403)


def stored() -> dict:
    """Every currency and exchange rate as stored, to show a refused request changed none."""
    return {
        "currencies": sorted(
            Currency.objects.values_list("code", "name", "symbol", "active", "is_base")
        ),
        "rates": sorted(
            (code, day, f"{rate:.6f}")
            for code, day, rate in ExchangeRate.objects.values_list(
                "currency_id", "valid_from", "rate"
            )
        ),
    }


def test_it_is_in_the_schema(admin_client):
    schema = admin_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/currencies/" in schema.json()["paths"]
