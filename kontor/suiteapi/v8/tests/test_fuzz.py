"""Generated query strings of the V8 list route (hypothesis): whatever a client sends, the
answer is a SuiteCRM document or a SuiteCRM error, never a 500."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

NAMES = [
    "last_name",
    "first_name",
    "status",
    "date_entered",
    "deleted",
    "assigned_user_id",
    "name",
    "do_not_call",
    "opportunity_amount",
    "birthdate",
    "nope",
    "",
    "email1",
]
OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "like", "EQ", "in", "", "operator"]
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "New",
            "%a%",
            "2024-01-01 00:00:00",
            "x'y",
            "-1",
            "9" * 30,
            "a\x00b",
            "1e999",
            "NaN",
        ]
    ),
    st.text(max_size=12),
)


def _pair(key: str, value: str) -> str:
    return f"{quote(key, safe='[]')}={quote(value, safe='')}"


PARAMS = st.one_of(
    st.builds(
        lambda f, o, v: _pair(f"filter[{f}][{o}]", v),
        st.sampled_from(NAMES),
        st.sampled_from(OPS),
        VALUES,
    ),
    st.builds(
        lambda v: _pair("filter[operator]", v), st.sampled_from(["and", "or", "OR", "xor", ""])
    ),
    st.builds(lambda f, v: _pair(f"filter[{f}]", v), st.sampled_from(NAMES), VALUES),
    st.builds(
        lambda v: _pair("sort", v),
        st.one_of(st.sampled_from(["-last_name", "name", "-", "--x"]), st.text(max_size=8)),
    ),
    st.builds(
        lambda k, v: _pair(f"page[{k}]", v), st.sampled_from(["size", "number", "x", ""]), VALUES
    ),
    st.builds(
        lambda m, v: _pair(f"fields[{m}]", v),
        st.sampled_from(["Leads", "Lead", "Calls", "X"]),
        st.one_of(
            st.sampled_from(["last_name", "a,b", "", "last_name,,status"]), st.text(max_size=8)
        ),
    ),
    st.builds(_pair, st.text(max_size=8), VALUES),
    st.builds(
        lambda k: k,
        st.sampled_from(["filter", "page", "fields[]", "filter[]", "page[size][x]=1", "a[b"]),
    ),
)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(PARAMS, max_size=5))
def test_the_list_route_never_fails(as_rep, rep, params):
    if not hasattr(as_rep, "_seeded"):
        LeadFactory.create_batch(3, actor=rep)
        as_rep._seeded = True
    status, body = as_rep.get("V8/module/Leads?" + "&".join(params))
    assert status in (200, 400), (params, status, body)
    assert isinstance(body, dict)
    if status == 400:
        assert set(body) == {"errors"} and body["errors"]["status"] == 400
        assert body["errors"]["title"] is None and isinstance(body["errors"]["detail"], str)
    else:
        assert isinstance(body["data"], list)


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.sampled_from(["2024-02-30 10:00:00", "1", "Leads", "New", "-99", "a\x00"]),
    st.lists(st.integers(), max_size=2),
)
ATTRIBUTES = st.dictionaries(
    st.sampled_from(
        [
            "last_name",
            "first_name",
            "status",
            "birthdate",
            "do_not_call",
            "assigned_user_id",
            "opportunity_amount",
            "deleted",
            "date_entered",
            "name",
            "email1",
            "website",
            "x",
        ]
    ),
    JSON_VALUES,
    max_size=5,
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.one_of(
        st.builds(lambda a: {"data": {"type": "Leads", "attributes": a}}, ATTRIBUTES),
        st.builds(lambda t, a: {"data": {"type": t, "attributes": a}}, JSON_VALUES, ATTRIBUTES),
        st.dictionaries(st.text(max_size=5), JSON_VALUES, max_size=2),
    )
)
def test_creates_never_fail(as_rep, body):
    status, answer = as_rep.post("V8/module", body)
    assert status in (201, 400), (body, status, answer)
    assert isinstance(answer, dict)
