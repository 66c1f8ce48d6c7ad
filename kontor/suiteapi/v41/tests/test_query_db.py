"""The `query` reader on the real modules and database: whatever a client sends over every
column and operator is either refused with SuiteCRM's no_access or runs as a query."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.activities.tests.factories import MeetingFactory
from kontor.leads.tests.factories import LeadFactory
from kontor.suiteapi.v41 import records
from kontor.suiteapi.v41.errors import ApiError

pytestmark = pytest.mark.django_db

MODULES = ["Leads", "Contacts", "Accounts", "Opportunities", "Calls", "Users"]
OPERATORS = ["=", "!=", "<>", "<", "<=", ">", ">=", "LIKE", "NOT LIKE", "IN", "IS NULL"]
VALUES = st.one_of(
    st.text(max_size=12).map(lambda t: "'" + t.replace("'", "''") + "'"),
    st.sampled_from(["'2024-02-30'", "'2024-02-01 10:00:00'", "'1'", "'0'", "''", "'%a_'"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["1.5", "-0.25", "0"]),
)


@st.composite
def conditions(draw, module: str):
    api = records.module_named(module)
    table = records.table_of(api)
    names = ["id", *api.attributes]
    name = draw(st.sampled_from(names))
    column = f"{table}_cstm.{name}" if name.endswith("_c") else f"{table}.{name}"
    op = draw(st.sampled_from(OPERATORS))
    if op == "IS NULL":
        return f"{column} IS NULL"
    if op == "IN":
        values = draw(st.lists(VALUES, min_size=1, max_size=3))
        return f"{column} IN ({', '.join(values)})"
    return f"{column} {op} {draw(VALUES)}"


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_every_column_and_operator_is_refused_or_runs(data, admin):
    module = data.draw(st.sampled_from(MODULES))
    parts = data.draw(st.lists(conditions(module), min_size=1, max_size=3))
    query = data.draw(st.sampled_from([" AND ", " OR "])).join(parts)
    api = records.module_named(module)
    try:
        condition = records.where(api, query)
    except ApiError as error:
        assert error.key == "no_access"
        return
    names = records.chosen(api, [])
    list(records.records(api, admin, "list", names).filter(condition)[:2])


def test_a_lead_is_found_by_each_kind_of_column(admin):
    lead = LeadFactory(last_name="Ölmann", do_not_call=True, birthdate="1980-05-01")
    api = records.module_named("Leads")
    for query in (
        "leads.last_name = 'Ölmann'",
        "leads.do_not_call = 1",
        "leads.birthdate < '1990-01-01'",
        f"leads.id = '{lead.pk}'",
        "leads.last_name LIKE '%lman_'",
        "leads.deleted = 0 AND leads.converted = 0",
    ):
        found = records.records(api, admin, "list", []).filter(records.where(api, query))
        assert list(found.values_list("pk", flat=True)) == [lead.pk], query


def test_an_id_column_compared_with_a_non_id_is_refused_not_a_crash(admin):
    api = records.module_named("Meetings")
    with pytest.raises(ApiError):
        records.where(api, "meetings.repeat_parent_id = 'abc'")
    first = MeetingFactory()
    later = MeetingFactory(repeat_parent_id=first.pk)
    found = records.where(api, f"meetings.repeat_parent_id = '{first.pk}'")
    rows = records.records(api, admin, "list", ["name"]).filter(found)
    assert [m.pk for m in rows] == [later.pk]
