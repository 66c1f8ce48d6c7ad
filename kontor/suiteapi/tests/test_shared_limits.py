"""Kontor's API rate limit is one budget per user across SuiteCRM's V8 and v4_1 APIs and
Kontor's /api/v1: calls through any of them count on the same counter, and once it is spent
each API refuses in its own shape."""

import pytest

from kontor.leads.models import Lead
from kontor.suiteapi.tests.conftest import person

pytestmark = pytest.mark.django_db

TOO_MANY = {"errors": {"status": 429, "title": None, "detail": "Too many requests"}}


def test_the_three_apis_share_one_rate_limit_per_user(caller, settings):
    rolf = caller(person("rolf", roles=["sales_manager"]))
    settings.KONTOR_API_RATE = "3/minute"
    assert rolf.v8("GET", "V8/module/Leads")[0] == 200
    answer = rolf.v41("get_entries_count", [rolf.session, "Leads", "", 0])
    assert answer == {"result_count": "0"}
    assert rolf.v1("GET", "leads/")[0] == 200
    # the budget is spent: every API refuses, in its own words, and does nothing
    assert rolf.v8("GET", "V8/module/Leads") == (429, TOO_MANY)
    response = rolf.http.post(
        "/service/v4_1/rest.php",
        {
            "method": "set_entry",
            "input_type": "JSON",
            "response_type": "JSON",
            "rest_data": f'["{rolf.session}", "Leads", [{{"name": "last_name", "value": "X"}}]]',
        },
    )
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert response.json()["number"] == 90  # SuiteCRM's resource_management_error
    assert rolf.v1("GET", "leads/")[0] == 429
    assert not Lead.with_deleted.exists()
