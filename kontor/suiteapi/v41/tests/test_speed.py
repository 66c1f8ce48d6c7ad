"""What a get_entry_list of 100 leads with all fields costs in queries (pinned: a change that
adds one shows up here), and that its fast path (plain rows, renderers made once per process,
JSON written by the page itself: kontor.suiteapi.v41.rows) answers byte for byte what the
slow way answers: model instances, each attribute's own `text`, json.dumps, serialize() and
print_r of the plain dicts."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.tests.factories import CallFactory, NoteFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.leads.tests.factories import LeadFactory
from kontor.studio.tests.fields import add_field
from kontor.suiteapi.references import USER_IDS_KEY
from kontor.suiteapi.v41 import records, rows
from kontor.suiteapi.v41.output import as_json, as_php_serialized, as_print_r
from kontor.suiteapi.v41.tests.helpers import login, post
from kontor.suitecrm.models import LegacyId
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

ODD = 'O\'Neil "Jr" <b>&amp; a/b Zoë 🙂 \\ end'


def _all_fields(session, module="Leads", size=100, offset=0, query=""):
    return [session, module, query, "", offset, [], [], size, 0]


def _queries(client, rest_data) -> tuple[list[str], bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = post(client, "get_entry_list", rest_data)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries], response.content


@pytest.mark.parametrize("fast_paths", [True, False])
def test_a_page_of_100_leads_with_all_fields_reads_the_session_the_page_and_the_count(
    client, rolf, ada, settings, fast_paths
):
    settings.KONTOR_FAST_PATHS = fast_paths
    add_field(ada)  # a custom field: read from the row's values, no query of its own
    LeadFactory.create_batch(101, custom={"budget": "12.50"}, actor=rolf)
    session = login(client, "rolf", "pw-rolf-123!")
    _queries(client, _all_fields(session))  # the configuration and user-id caches
    sql, body = _queries(client, _all_fields(session))
    assert body.count(b'"module_name":"Leads"') == 100
    assert b'"budget_c":{"name":"budget_c","value":"12.50"}' in body
    # the session with its user and the user's roles (one statement on the fast path), the
    # page, the count (exact up to 10,000: not cached)
    session_sql, *rest = sql
    if fast_paths and connection.vendor == "postgresql":  # prepared once per connection
        assert session_sql.startswith("EXECUTE kontor_") and len(rest) == 2, sql
    elif fast_paths:
        assert "suiteapi_session" in session_sql and "users_role" in session_sql, sql
        assert len(rest) == 2, sql
    else:
        assert "suiteapi_session" in session_sql
        assert "users_role" in rest.pop(0) and len(rest) == 2, sql
    page_sql, count_sql = rest
    assert page_sql.startswith('SELECT "leads_lead"."id" AS "pk"') and "COUNT(" in count_sql
    fewer, body = _queries(client, _all_fields(session, size=10))
    assert body.count(b'"module_name":"Leads"') == 10
    assert len(fewer) == len(sql), fewer  # nothing per row


def _slow_answer(api, user, size: int, offset: int = 0) -> dict:
    """get_entry_list's answer with all fields the slow way (model instances, records.entries)."""
    chosen = records.chosen(api, [])
    matching = records.records(api, user, "list", chosen)
    found = records.page(matching, records.ordering(api, ""), offset, size)
    entries = records.entries(api, found, api.prepare(found, user), chosen)
    full = len(found) == size
    return {
        "result_count": len(entries),
        "total_count": str(matching.count() if full else offset + len(found)),
        "next_offset": offset + len(entries),
        "entry_list": entries,
        "relationship_list": [],
    }


@pytest.fixture
def mixed(rolf, ada):
    """Records of four modules with odd text, a custom field, a migrated user's id, related
    records, an activity's parent, and an account that Sven may not see."""
    add_field(ada)
    LegacyId.objects.create(kind="user", suitecrm_id="seed/1'<x>", kontor_id=str(rolf.pk))
    cache.delete(USER_IDS_KEY)
    sven = create_user("sven", password="", first_name="Sven", roles=["sales_rep"])
    sven.set_password("pw-sven-123!")
    sven.save()
    account = AccountFactory(name=ODD, actor=rolf)
    for n in range(3):
        LeadFactory(first_name=ODD, last_name=f"L{n}", custom={"budget": "7.10"}, actor=rolf)
    LeadFactory(first_name="", last_name="Empty", description="", actor=rolf)
    ContactFactory(first_name="Ann", last_name=ODD, account=account, actor=rolf)
    ContactFactory(first_name="Sue", last_name="Hidden", account=account, actor=sven)
    LeadFactory(first_name="Sven's", last_name="Lead", actor=sven)
    for actor in (rolf, rolf, sven):
        CallFactory(name=ODD, parent=account, duration_minutes=135, actor=actor)
        NoteFactory(name="A note", description=ODD, parent=account, actor=actor)
    return sven


@pytest.mark.parametrize("module", ["Leads", "Contacts", "Calls", "Notes"])
@pytest.mark.parametrize("response_type", ["JSON", "Serialize", ""])
@pytest.mark.parametrize("who", ["rolf", "sven"])
def test_all_fields_answer_as_the_slow_way_writes_them(client, mixed, module, response_type, who):
    user = mixed if who == "sven" else mixed.__class__.objects.get(username="rolf")
    session = login(client, who, f"pw-{who}-123!")
    api = records.module_named(module)
    for size, offset in ((100, 0), (2, 1)):
        expected = _slow_answer(api, user, size, offset)
        response = post(
            client,
            "get_entry_list",
            _all_fields(session, module, size, offset),
            response_type=response_type,
        )
        assert response.status_code == 200
        write = {"JSON": as_json, "Serialize": as_php_serialized}.get(response_type, as_print_r)
        assert response.content.decode() == write(expected)
        assert expected["entry_list"] or offset, "the module has records the user sees"


def test_the_column_renderers_equal_each_attributes_text_on_rows_and_instances(mixed):
    for api in map(records.module_named, ["Leads", "Contacts", "Calls", "Notes"]):
        chosen = records.chosen(api, [])
        queryset = records.records(api, mixed, "list", chosen)
        order = records.ordering(api, "")
        instances = records.page(queryset, order, 0, 50)
        plain = rows.read_page(api, queryset, order, 0, 50, chosen)
        prepared = api.prepare(instances, mixed)
        assert [r.pk for r in plain] == [r.pk for r in instances] != []
        for name in chosen[1:]:
            attribute = api.attributes[name]
            render = rows.column_of(attribute, api.model)
            slow = [rows.slow_text(attribute, instance, prepared) for instance in instances]
            assert render(instances, prepared) == slow, (api.name, name)
            assert render(plain, prepared) == slow, (api.name, name)


def test_a_column_is_encoded_at_once_and_a_text_with_nul_on_its_own():
    texts = ["a/b", 'O\'Neil "<x>"', "", "Zoë"]
    assert rows.encoded(texts) == ["a/b", "O&#039;Neil &quot;&lt;x&gt;&quot;", "", "Zoë"]
    assert rows.encoded(["<a\x00b>", "'"]) == ["&lt;a\x00b&gt;", "&#039;"]
    assert rows.encoded([]) == []


def test_a_query_no_row_can_match_is_counted_as_zero(client, rolf):
    LeadFactory.create_batch(2, actor=rolf)
    session = login(client, "rolf", "pw-rolf-123!")
    for deleted in (0, 1):
        rest = [session, "Leads", "leads.id = 'no-such-id'", "", 5, ["id"], [], 3, deleted]
        response = post(client, "get_entry_list", rest)
        assert response.status_code == 200
        assert response.json() == {
            "result_count": 0,
            "total_count": "0",
            "next_offset": 5,
            "entry_list": [],
            "relationship_list": [],
        }
        rest = [session, "Leads", "leads.id = 'no-such-id'", deleted]
        assert post(client, "get_entries_count", rest).json() == {"result_count": "0"}
    rest = [session, "Leads", "", 1]
    assert post(client, "get_entries_count", rest).json() == {"result_count": "2"}
