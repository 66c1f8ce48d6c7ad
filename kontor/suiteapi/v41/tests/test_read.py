"""v4_1 reading methods: exact shapes of get_entry, get_entries, get_entry_list,
get_entries_count and search_by_module, the permission filter, and bad input."""

from datetime import UTC, datetime

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.actions import delete_records
from kontor.leads.tests.factories import LeadFactory
from kontor.suiteapi.v41 import records
from kontor.suiteapi.v41.records import MISSING
from kontor.suiteapi.v41.tests.helpers import call, login
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

NO_ACCESS = {"name": "Access Denied", "number": 40, "description": "You do not have access"}
NO_MODULE = {
    "name": "Module Does Not Exist",
    "number": 20,
    "description": "This module is not available on this server",
}


@pytest.fixture
def sven(db):
    """Sven, a sales rep in no team: sees only his own records."""
    user = create_user("sven", password="", first_name="Sven", roles=["sales_rep"])
    user.set_password("pw-sven-123!")
    user.save()
    return user


@pytest.fixture
def session(client, rolf):
    return login(client, "rolf", "pw-rolf-123!")


def nv(**values) -> dict:
    return {k: {"name": k, "value": v} for k, v in values.items()}


def test_get_entry_list_answers_suitecrms_shape(client, rolf, session):
    lead = LeadFactory(first_name="Mia", last_name="O'Neil <x>", status="New", actor=rolf)
    answer = call(
        client,
        "get_entry_list",
        [session, "Leads", "", "", 0, ["id", "last_name", "status", "date_entered"], [], 10, 0],
    )
    entered = lead.date_entered.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert answer == {
        "result_count": 1,
        "total_count": "1",
        "next_offset": 1,
        "entry_list": [
            {
                "id": str(lead.pk),
                "module_name": "Leads",
                "name_value_list": nv(
                    id=str(lead.pk),
                    last_name="O&#039;Neil &lt;x&gt;",
                    status="New",
                    date_entered=entered,
                ),
            }
        ],
        "relationship_list": [],
    }


def test_without_select_fields_every_field_comes_with_the_id_first(client, rolf, session):
    LeadFactory(first_name="Mia", do_not_call=True, actor=rolf)
    values = call(client, "get_entry_list", [session, "Leads"])["entry_list"][0]["name_value_list"]
    assert list(values)[:3] == ["id", "name", "date_entered"]
    assert values["name"]["value"] == "Mia " + values["last_name"]["value"]
    assert values["do_not_call"]["value"] == "1" and values["deleted"]["value"] == "0"
    assert values["assigned_user_id"]["value"] == str(rolf.pk)
    assert values["birthdate"]["value"] == ""


def test_query_order_offset_and_page_size(client, rolf, session):
    for name, status in [("Adler", "New"), ("Berg", "Dead"), ("Christ", "New"), ("Dorn", "New")]:
        LeadFactory(last_name=name, status=status, actor=rolf)
    query = "leads.status = 'New' AND (leads.last_name LIKE '%r%' OR leads.last_name = 'Adler')"
    answer = call(
        client,
        "get_entry_list",
        {
            "session": session,
            "module_name": "Leads",
            "query": query,
            "order_by": "leads.last_name DESC",
            "offset": 1,
            "select_fields": ["last_name"],
            "max_results": 1,
        },
    )
    assert [e["name_value_list"]["last_name"]["value"] for e in answer["entry_list"]] == ["Christ"]
    assert (answer["result_count"], answer["total_count"], answer["next_offset"]) == (1, "3", 2)


def test_a_sales_rep_sees_only_his_records_in_lists_counts_and_by_id(client, rolf, sven):
    mine = LeadFactory(last_name="Svens", actor=sven)
    hidden = LeadFactory(last_name="Rolfs", actor=rolf)
    session = login(client, "sven", "pw-sven-123!")
    answer = call(client, "get_entry_list", [session, "Leads", "", "", 0, ["last_name"]])
    assert [e["id"] for e in answer["entry_list"]] == [str(mine.pk)]
    assert answer["total_count"] == "1"
    assert call(client, "get_entries_count", [session, "Leads", "", 0]) == {"result_count": "1"}
    answer = call(client, "get_entry", [session, "Leads", str(hidden.pk), ["last_name"]])
    assert answer["entry_list"] == [
        {
            "id": str(hidden.pk),
            "module_name": "Leads",
            "name_value_list": [
                {"name": "warning", "value": MISSING},
                {"name": "deleted", "value": "1"},
            ],
        }
    ]
    assert "Rolfs" not in str(answer)


def test_get_entries_keeps_the_order_asked_and_marks_missing_ids(client, rolf, session):
    first, second = LeadFactory(last_name="Eins", actor=rolf), LeadFactory(last_name="Zwei")
    ids = [str(second.pk), "not-there", str(first.pk)]
    answer = call(client, "get_entries", [session, "Leads", ids, ["last_name"], []])
    assert [e["id"] for e in answer["entry_list"]] == ids
    assert answer["entry_list"][0]["name_value_list"] == nv(last_name="Zwei")
    assert answer["entry_list"][1]["name_value_list"][1] == {"name": "deleted", "value": "1"}
    assert answer["relationship_list"] == []


def test_deleted_records_count_and_list_only_when_asked(client, rolf, session):
    LeadFactory(actor=rolf)
    gone = LeadFactory(actor=rolf)
    delete_records([gone], actor=rolf)
    assert call(client, "get_entries_count", [session, "Leads", "", 0]) == {"result_count": "1"}
    assert call(client, "get_entries_count", [session, "Leads", "", 1]) == {"result_count": "2"}
    rows = call(client, "get_entry_list", [session, "Leads", "", "", 0, ["deleted"], [], 0, 1])
    assert sorted(e["name_value_list"]["deleted"]["value"] for e in rows["entry_list"]) == [
        "0",
        "1",
    ]
    missing = call(client, "get_entry", [session, "Leads", str(gone.pk), ["id"]])
    assert missing["entry_list"][0]["name_value_list"][0]["value"] == MISSING


def test_links_in_lists_and_in_get_entry(client, rolf, session):
    account = AccountFactory(name="Acme", actor=rolf)
    contact = ContactFactory(last_name="Kunz", account=account, email1="k@acme.example")
    links = [
        {"name": "contacts", "value": ["id", "last_name"]},
        {"name": "email_addresses", "value": ["email_address", "primary_address"]},
    ]
    answer = call(
        client, "get_entry_list", [session, "Accounts", "", "", 0, ["name"], links[:1], 5]
    )
    assert answer["relationship_list"] == [
        {
            "link_list": [
                {
                    "name": "contacts",
                    "records": [{"link_value": nv(id=str(contact.pk), last_name="Kunz")}],
                }
            ]
        }
    ]
    answer = call(client, "get_entry", [session, "Contacts", str(contact.pk), ["id"], links[1:]])
    assert answer["relationship_list"] == [
        [
            {
                "name": "email_addresses",
                "records": [nv(email_address="k@acme.example", primary_address="1")],
            }
        ]
    ]


def test_suitecrms_email_search_query_finds_by_address(client, rolf, session):
    lead = LeadFactory(email1="Mia@Example.com", actor=rolf)
    LeadFactory(email1="other@example.com", actor=rolf)
    query = (
        "leads.id IN (SELECT eabr.bean_id FROM email_addr_bean_rel eabr JOIN email_addresses ea "
        "ON ea.id = eabr.email_address_id WHERE eabr.deleted = 0 AND "
        "ea.email_address_caps = 'MIA@EXAMPLE.COM')"
    )
    answer = call(client, "get_entry_list", [session, "Leads", query, "", 0, ["id"]])
    assert [e["id"] for e in answer["entry_list"]] == [str(lead.pk)]


def test_search_by_module(client, rolf, session):
    lead = LeadFactory(first_name="Zora", last_name="Quintero", actor=rolf)
    LeadFactory(last_name="Other", actor=rolf)
    answer = call(
        client,
        "search_by_module",
        [session, "quinter", ["Leads", "Accounts", "Bugs"], 0, 10, "", ["id", "last_name"]],
    )
    assert answer == {
        "entry_list": [
            {"name": "Leads", "records": [nv(id=str(lead.pk), last_name="Quintero")]},
            {"name": "Accounts", "records": []},
        ]
    }
    assert call(client, "search_by_module", [session, "", ["Leads"], 0, 10]) == {"entry_list": []}


def test_list_query_count_does_not_grow_with_the_page(
    client, rolf, session, django_assert_num_queries
):
    for _ in range(3):
        LeadFactory(actor=rolf)
    rest = [session, "Leads", "", "", 0, [], [], 50]
    call(client, "get_entry_list", rest)  # warms the per-process caches
    # the session with its user and the user's roles (one statement on the fast path), the
    # page (a page shorter than asked needs no count; the migrated users' ids come from the
    # shared cache after the first page)
    with django_assert_num_queries(2):
        assert call(client, "get_entry_list", rest)["result_count"] == 3
    for _ in range(5):
        LeadFactory(actor=rolf)
    with django_assert_num_queries(2):
        assert call(client, "get_entry_list", rest)["result_count"] == 8


def test_a_full_page_of_chosen_fields_reads_only_their_columns_and_counts_once(
    client, rolf, session, django_assert_num_queries
):
    for _ in range(10):
        LeadFactory(actor=rolf)
    fields = ["id", "name", "last_name", "assigned_user_id", "date_entered"]
    call(client, "get_entry_list", [session, "Leads", "", "", 0, fields, [], 2])
    for size in (3, 6):
        rest = [session, "Leads", "", "", 0, fields, [], size]
        with django_assert_num_queries(3) as queries:  # the count too
            answer = call(client, "get_entry_list", rest)
        assert (answer["result_count"], answer["total_count"]) == (size, "10")
        assert all(
            e["name_value_list"]["name"]["value"].startswith("Lena ") for e in answer["entry_list"]
        )
        page_sql = next(q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"])
        assert '"lead_source"' not in page_sql and '"last_name"' in page_sql


def test_large_counts_are_cached_and_deep_pages_read_ids_first(client, rolf, session, monkeypatch):
    monkeypatch.setattr(records, "COUNT_EXACT", 2)
    monkeypatch.setattr(records, "DEFERRED_OFFSET", 1)
    names = ["Anton", "Berta", "Cäsar", "Dora"]
    for name in names:
        LeadFactory(last_name=name, actor=rolf)
    rest = [session, "Leads", "", "leads.last_name", 1, ["last_name"], [], 2]
    answer = call(client, "get_entry_list", rest)
    assert [e["name_value_list"]["last_name"]["value"] for e in answer["entry_list"]] == names[1:3]
    assert answer["total_count"] == "4"
    LeadFactory(last_name="Emil", actor=rolf)
    assert call(client, "get_entry_list", rest)["total_count"] == "4"  # counted a moment ago
    assert call(client, "get_entries_count", [session, "Leads", "leads.last_name < 'C'", 0]) == {
        "result_count": "2"  # small counts are exact
    }


@pytest.mark.parametrize(
    "rest_data, expected",
    [
        (["sess", "Leads"], "invalid_session"),
        ([None, "Leads"], "invalid_session"),
        (["SESSION", "Bugs"], NO_MODULE),
        (["SESSION", "leads"], NO_MODULE),
        (["SESSION", ["Leads"]], NO_MODULE),
        (["SESSION", "Leads", "leads.id IN (SELECT id FROM users)"], NO_ACCESS),
        (["SESSION", "Leads", "leads.last_name = 'x'; DELETE FROM leads"], NO_ACCESS),
        (["SESSION", "Leads", "leads.unknown_c = 1"], NO_ACCESS),
        (["SESSION", "Leads", "accounts.name = 'x'"], NO_ACCESS),
        (["SESSION", "Leads", "leads.birthdate = 'yesterday'"], NO_ACCESS),
        (["SESSION", "Leads", "", "leads.last_name; DROP"], NO_ACCESS),
        (["SESSION", "Leads", ["leads.status = 'x'"]], "invalid_data_format"),
    ],
)
def test_bad_input_gets_suitecrms_errors(client, rolf, session, rest_data, expected):
    rest_data = [session if v == "SESSION" else v for v in rest_data]
    answer = call(client, "get_entry_list", rest_data)
    if expected == "invalid_session":
        assert answer["number"] == 11
    elif expected == "invalid_data_format":
        assert answer["number"] == 1001
    else:
        assert answer == expected


def test_wrong_types_of_positional_arguments(client, rolf, session):
    for method, rest_data in [
        ("get_entry_list", [session, "Leads", "", "", {"a": [1]}]),
        ("get_entries", [session, "Leads", "not-a-list-but-a-string"]),
        ("get_entry", [session, "Leads", "x", [["nested"]]]),
    ]:
        answer = call(client, method, rest_data)
        assert answer["number"] in (1001, 40), (method, answer)


def test_dates_come_as_utc_text(client, rolf, session):
    lead = LeadFactory(actor=rolf)
    answer = call(client, "get_entry", [session, "Leads", str(lead.pk), ["date_modified"]])
    value = answer["entry_list"][0]["name_value_list"]["date_modified"]["value"]
    assert datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC) == (
        lead.date_modified.replace(microsecond=0)
    )
