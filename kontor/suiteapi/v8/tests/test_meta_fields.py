"""`GET Api/V8/meta/fields/{module}` for modules the caller may not open, as SuiteCRM 7.14
answers it: the field list only of a module among the user's navigation tabs that the user may
access, so never of Users (not even for an administrator), else HTTP 400 NotAllowedException.
"""

import pytest

from kontor.suiteapi.v8.tests.conftest import V8, sign_in
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

NOT_ALLOWED = {
    "errors": {
        "status": 400,
        "title": None,
        "detail": "[SuiteCRM] [API] [Not Allowed] The API user does not have access to this "
        "module.",
    }
}


@pytest.fixture
def as_admin(client, admin, password_client) -> V8:
    return V8(client, sign_in(client, "ada", "pw-ada-123!"))


@pytest.fixture
def as_external(client, password_client) -> V8:
    create_user("elga", password="pw-elga-123!", roles=["external_lead_generation"])
    return V8(client, sign_in(client, "elga", "pw-elga-123!"))


def test_the_users_field_list_is_refused_to_everyone(as_rep, as_admin):
    for caller in (as_rep, as_admin):
        status, body = caller.get("V8/meta/fields/Users")
        assert (status, body) == (400, NOT_ALLOWED)
        assert "data" not in body and "email1" not in str(body)


def test_a_module_without_access_is_refused_and_an_open_one_listed(as_external):
    assert as_external.get("V8/meta/fields/Leads") == (400, NOT_ALLOWED)
    status, body = as_external.get("V8/meta/fields/Prospects")
    assert status == 200 and body["data"]["attributes"]["last_name"]["type"] == "varchar"
