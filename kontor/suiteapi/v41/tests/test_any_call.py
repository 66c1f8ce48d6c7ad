"""Any method with any arguments: an answer or SuiteCRM's error object, never a server error
(HTTP 500 only for a missing required argument, where SuiteCRM fails fatally)."""

import json

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kontor.leads.tests.factories import LeadFactory
from kontor.suiteapi.v41 import methods  # noqa: F401 - registers the methods
from kontor.suiteapi.v41.calls import METHODS
from kontor.suiteapi.v41.tests.helpers import login, post

pytestmark = pytest.mark.django_db

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=10),
    st.sampled_from(["Leads", "Accounts", "contacts", "leads.last_name = 'x'", "1", "-1"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@override_settings(KONTOR_API_RATE="100000/minute", KONTOR_API_ANON_RATE="100000/minute")
@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_call_is_answered_without_a_server_error(data, client, rolf):
    method = data.draw(st.sampled_from(sorted(set(METHODS) - {"logout"})))
    args = data.draw(st.lists(VALUES, max_size=8))
    if args and data.draw(st.booleans()):
        args[0] = login(client, "rolf", "pw-rolf-123!")
    response = post(client, method, args)
    answer = json.loads(response.content)
    if response.status_code == 500:
        assert answer["number"] == 1001, answer  # a required argument left out
    else:
        assert response.status_code == 200, answer


def test_a_lead_survives_the_calls(client, rolf):
    lead = LeadFactory(actor=rolf)
    session = login(client, "rolf", "pw-rolf-123!")
    assert json.loads(post(client, "get_entry", [session, "Leads", str(lead.pk)]).content)[
        "entry_list"
    ][0]["id"] == str(lead.pk)
