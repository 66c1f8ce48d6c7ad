"""set_entry with any value in any field of the real modules: a record is written or SuiteCRM's
error answered, never a server error."""

import json

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kontor.suiteapi.v41 import records
from kontor.suiteapi.v41.tests.helpers import login, post

pytestmark = pytest.mark.django_db

MODULES = ["Leads", "Contacts", "Accounts", "Opportunities", "Calls", "Meetings", "Tasks"]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["2024-02-01 10:00:00", "2024-02-30", "1", "0", "", "New", "Leads", "-1"]),
    st.lists(st.text(max_size=5), max_size=2),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@override_settings(KONTOR_API_RATE="100000/minute", KONTOR_API_ANON_RATE="100000/minute")
@hypothesis_settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_values_are_written_or_refused_never_a_server_error(data, client, rolf):
    module = data.draw(st.sampled_from(MODULES))
    names = list(records.module_named(module).attributes)
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    values = [{"name": n, "value": data.draw(VALUES)} for n in chosen]
    values.append(
        {"name": "last_name" if module in ("Leads", "Contacts") else "name", "value": "x"}
    )
    session = login(client, "rolf", "pw-rolf-123!")
    response = post(client, "set_entry", [session, module, values])
    assert response.status_code == 200, response.content
    answer = json.loads(response.content)
    assert "id" in answer or answer.get("number") in (1001, 40), answer
