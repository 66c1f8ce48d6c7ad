"""GET /api/v1/analytics/forecast/ and /quotas/: the page's figures for integrations, under
token auth and the same permission filter; bad parameters answer a structured 400."""

import pytest
from rest_framework.test import APIClient

from kontor.api.models import ApiToken
from kontor.api.tests.conftest import token_client
from kontor.users.actions import create_user, update_profile

pytestmark = pytest.mark.django_db
URL = "/api/v1/analytics/forecast/"
Q1 = {"period": "quarter", "from": "2027-Q1", "to": "2027-Q1"}


def test_a_rep_gets_their_own_figures_by_token(quarter):
    answer = token_client(quarter.sam, ApiToken.Scope.READ).get(
        URL, {"period": "month", "from": "2027-01", "to": "2027-03"}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["currency"], body["base_currency"], body["period"]) == ("EUR", "EUR", "month")
    assert [p["key"] for p in body["periods"]] == ["2027-01", "2027-02", "2027-03"]
    sam = body["teams"][0]["users"][0]
    march = sam["periods"]["2027-03"]
    assert (march["open"], march["weighted"], march["commit"], march["won"]) == (
        "5000.00",
        "4000.00",
        "5000.00",
        "3000.00",
    )
    assert (march["quota"], march["attainment"], march["gap"]) == ("2000.00", "150.0", "-1000.00")
    assert sam["total"]["counts"]["open"] == 6 and sam["total"]["without_rate"] == 1
    assert sam["total"]["urls"]["won"].startswith("/opportunities/?assigned_user=")


def test_a_rep_and_an_admin_see_different_sums_of_everyone(quarter, admin):
    rep = token_client(quarter.sam).get(URL, {**Q1, "scope": "all"}).json()
    assert rep["total"]["total"]["won"] == "3000.00"
    everyone = token_client(admin).get(URL, {**Q1, "scope": "all"}).json()
    assert everyone["total"]["total"]["won"] == "13000.00"
    assert [t["label"] for t in everyone["teams"]] == ["Nord", "Süd"]
    team = token_client(admin).get(URL, {**Q1, "team": quarter.sued.pk}).json()
    assert team["teams"][0]["subtotal"]["total"]["attainment"] == "50.0"


def test_the_period_is_a_date_without_time_zone_shift(quarter):
    """date_closed is a date: a viewer far east or west of UTC sees the same months."""
    params = {"period": "month", "from": "2027-01", "to": "2027-02"}
    answers = []
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):
        update_profile(quarter.sam, language="en", time_zone=zone, actor=quarter.sam)
        answers.append(token_client(quarter.sam).get(URL, params).json()["teams"])
    assert answers[0] == answers[1] == answers[2]
    january = answers[0][0]["users"][0]["periods"]["2027-01"]
    assert january["open"] == "3000.00"  # S1 closes on 31 January, S6 on 1 January


def test_a_chosen_currency_converts_the_base_sums(quarter):
    body = token_client(quarter.sam).get(URL, {**Q1, "currency": "USD"}).json()
    assert body["currency"] == "USD"
    assert body["teams"][0]["users"][0]["total"]["open"] == "11750.00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "week"}, "period"),
        ({"from": "soon"}, "from"),
        ({"from": "2027-03", "to": "2027-01"}, "to"),
        ({"from": "2027-01", "to": "2028-12"}, "to"),
        ({"user": "1", "team": "1"}, "team"),
        ({"team": "999999"}, "team"),
        ({"currency": "XXX"}, "currency"),
    ],
)
def test_bad_parameters_answer_a_structured_400(quarter, params, field):
    answer = token_client(quarter.sam).get(URL, params)
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert body["code"] and field in body["errors"], body


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (URL, {"period": "quarter", "from": "9999-Q4", "to": "9999-Q4"}, "from"),
        (URL, {"period": "month", "to": "9999-12"}, "to"),
        (URL, {"period": "month", "from": "0001-01", "to": "0001-02"}, "from"),
        ("/api/v1/analytics/quotas/", {"to": "9999-12"}, "to"),
        ("/api/v1/analytics/quotas/", {"period": "quarter", "from": "1899-Q4"}, "from"),
    ],
)
def test_periods_outside_the_calendar_s_range_answer_a_400(quarter, url, params, field):
    answer = token_client(quarter.sam).get(url, params)
    assert answer.status_code == 400, answer.content
    assert answer.json()["errors"][field] == ["Enter a period from 1900 to 2999."]


def test_without_a_token_nothing_is_shown(quarter):
    assert APIClient().get(URL).status_code == 401


def test_who_may_not_list_opportunities_gets_404_as_from_the_pipeline(quarter):
    outsider = create_user("out", password="pw-out-123!")
    client = token_client(outsider)
    answer = client.get(URL)
    assert answer.status_code == 404, answer.content
    assert answer.json()["code"] == "not_found"
    assert client.get("/api/v1/analytics/pipeline/").status_code == 404


def test_quotas_are_readable_as_the_forecast_shows_them(quarter, admin):
    url = "/api/v1/analytics/quotas/"
    months = {"period": "month", "from": "2027-01", "to": "2027-03", "scope": "all"}
    sam = token_client(quarter.sam).get(url, months).json()
    # Sam reads his own quotas; Tom's (another team) are not his to read.
    assert {(q["user_id"], q["period"], q["amount"]) for q in sam["quotas"]} == {
        (quarter.sam.pk, "2027-01", "1000.00"),
        (quarter.sam.pk, "2027-02", "1000.00"),
        (quarter.sam.pk, "2027-03", "2000.00"),
    }
    everyone = token_client(admin).get(url, {**Q1, "scope": "all"}).json()
    # A quarter without a quota of its own has the sum of its months', as in the forecast.
    assert everyone["quotas"] == [
        {"user_id": quarter.sam.pk, "period": "2027-Q1", "amount": "4000.00"},
        {"user_id": quarter.tom.pk, "period": "2027-Q1", "amount": "20000.00"},
    ]


def test_the_endpoints_are_in_the_openapi_schema(admin_client):
    schema = admin_client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/analytics/forecast/" in schema["paths"]
    assert "/api/v1/analytics/quotas/" in schema["paths"]
    names = [p["name"] for p in schema["paths"]["/api/v1/analytics/forecast/"]["get"]["parameters"]]
    assert {"period", "from", "to", "user", "team", "currency"} <= set(names)
