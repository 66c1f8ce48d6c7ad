"""The V8 record routes: request → exact SuiteCRM document, as the token's user through the
permission filter, writes through the actions (change log origin "suiteapi:v8:<client>"),
and SuiteCRM's errors for bad input."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.core.models import ChangeLog
from kontor.core.origins import describe
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def error(detail: str, status: int = 400) -> dict:
    return {"errors": {"status": status, "title": None, "detail": detail}}


def stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def test_one_record_is_a_suitecrm_resource(as_rep, rep):
    lead = LeadFactory(first_name="Ada", last_name="O'Neil <x>", actor=rep)
    status, body = as_rep.get(
        f"V8/module/Lead/{lead.pk}?fields[Leads]=last_name,status,date_entered"
    )
    assert status == 200
    assert body == {
        "data": {
            "type": "Lead",
            "id": str(lead.pk),
            "attributes": {
                "date_entered": stamp(lead.date_entered),
                "last_name": "O&#039;Neil &lt;x&gt;",
                "status": "New",
            },
            "relationships": {
                module: {"links": {"related": f"V8/module/Lead/{lead.pk}/relationships/{link}"}}
                for module, link in [
                    ("Accounts", "accounts"),
                    ("Calls", "calls"),
                    ("Contacts", "contact"),
                    ("Meetings", "meetings"),
                    ("Notes", "notes"),
                    ("Opportunities", "opportunity"),
                    ("Tasks", "tasks"),
                ]
            },
        }
    }


def test_every_attribute_is_a_string_with_empty_as_empty(as_rep, rep):
    lead = LeadFactory(birthdate=None, do_not_call=True, actor=rep)
    _s, body = as_rep.get(f"V8/module/Leads/{lead.pk}")
    attributes = body["data"]["attributes"]
    assert all(isinstance(v, str) for v in attributes.values())
    assert attributes["birthdate"] == "" and attributes["do_not_call"] == "1"
    assert attributes["assigned_user_id"] == str(rep.pk)
    assert attributes["assigned_user_name"] == "Rolf Rep"
    assert "id" not in attributes and "search_text" not in attributes


def test_list_pages_as_suitecrm_with_meta_and_links(as_rep, rep):
    leads = [LeadFactory(actor=rep) for _ in range(5)]
    query = "page[size]=2&page[number]=2&sort=last_name&fields[Leads]=last_name"
    status, body = as_rep.get(f"V8/module/Leads?{query}")
    assert status == 200
    assert list(body) == ["meta", "data", "links"]
    assert body["meta"] == {"total-pages": 3, "records-on-this-page": 2}
    assert [r["attributes"]["last_name"] for r in body["data"]] == [
        leads[2].last_name,
        leads[3].last_name,
    ]
    base = "V8/module/Leads?page[size]=2&page[number]={}&sort=last_name&fields[Leads]=last_name"
    assert body["links"] == {
        "first": base.format(1),
        "prev": base.format(1),
        "next": base.format(3),
        "last": base.format(3),
    }


def test_list_without_page_size_has_twenty_rows_and_no_pagination(as_rep, rep):
    for _ in range(21):
        LeadFactory(actor=rep)
    status, body = as_rep.get("V8/module/Leads?fields[Leads]=last_name")
    assert status == 200 and list(body) == ["data"] and len(body["data"]) == 20


def test_an_empty_list_says_so(as_rep):
    status, body = as_rep.get("V8/module/Leads?page[size]=5")
    assert (status, body) == (
        200,
        {"meta": {"message": "Request was successful, but there is no result"}, "data": []},
    )


def test_filters_join_with_and_or_or(as_rep, rep):
    a = LeadFactory(last_name="Alpha", status="New", actor=rep)
    b = LeadFactory(last_name="Beta", status="Assigned", actor=rep)
    LeadFactory(last_name="Gamma", status="Assigned", actor=rep)

    def ids(query):
        status, body = as_rep.get(f"V8/module/Leads?{query}&fields[Leads]=last_name")
        assert status == 200, body
        return {r["id"] for r in body["data"]}

    assert ids("filter[status][eq]=Assigned&filter[last_name][like]=B%25") == {str(b.pk)}
    assert ids("filter[operator]=or&filter[last_name][eq]=Alpha&filter[last_name][eq]=Beta") == {
        str(b.pk)
    }  # PHP keeps the last value of a repeated key
    assert ids("filter[operator]=or&filter[last_name][eq]=Alpha&filter[status][eq]=Assigned") == {
        str(a.pk),
        str(b.pk),
        *ids("filter[last_name][eq]=Gamma"),
    }


def test_deleted_filter_lists_the_trash_only(as_rep, rep):
    kept = LeadFactory(actor=rep)
    gone = LeadFactory(actor=rep)
    as_rep.delete(f"V8/module/Leads/{gone.pk}")
    _s, alive = as_rep.get("V8/module/Leads")
    _s, trash = as_rep.get("V8/module/Leads?filter[deleted][eq]=1")
    assert [r["id"] for r in alive["data"]] == [str(kept.pk)]
    assert [r["id"] for r in trash["data"]] == [str(gone.pk)]
    assert trash["data"][0]["attributes"]["deleted"] == "1"


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        (
            "foo=1",
            'The option "foo" does not exist. Defined options are: "fields", "filter", '
            '"moduleName", "page", "sort".',
        ),
        ("fields[Leads]=nope", "The following field in Lead module is not found: nope"),
        ("fields[Leads]=a,b", "The following fields in Lead module are not found: a, b"),
        ("fields[Leads]=user_hash", "The following field in Lead module is not found: user_hash"),
        ("filter[nope][eq]=1", "Filter field nope in Lead module is not found"),
        ("filter[last_name]=x", "Filter field last_name must be an array"),
        ("filter[last_name][between]=x", "Filter operator between is invalid"),
        ("filter[operator]=xor&filter[last_name][eq]=x", "Filter operator xor is invalid"),
        (
            "filter[date_entered][gt]=yesterday",
            "Filter value yesterday of field date_entered is invalid",
        ),
        ("sort=nope", "Sort field nope in Lead module is not found"),
        ("sort=-", "Sort field  in Lead module is not found"),
        ("sort=last%20name", 'The option "sort" with value "last name" is invalid.'),
        ("page[size]=0", 'The option "size" with value "0" is invalid.'),
        ("page[number]=-1", 'The option "number" with value "-1" is invalid.'),
        ("page[foo]=1", 'The option "foo" does not exist. Defined options are: "number", "size".'),
    ],
)
def test_bad_list_parameters_get_suitecrm_errors(as_rep, query, detail):
    status, body = as_rep.get(f"V8/module/Leads?{query}")
    assert (status, body) == (400, error(detail))


def test_unknown_modules_and_malformed_ids(as_rep):
    assert as_rep.get("V8/module/Cases") == (400, error("Module Cases does not exist"))
    assert as_rep.get("V8/module/Cases/1") == (400, error("Module with name Cases is not found"))
    assert as_rep.get("V8/module/Leads/abc") == (
        400,
        error('The option "id" with value "abc" is invalid.'),
    )


def test_a_hidden_record_answers_as_a_missing_one(as_seller, rep):
    hidden = LeadFactory(actor=rep)
    missing = "0b5a5a8e-1111-4111-8111-000000000000"
    assert as_seller.get(f"V8/module/Leads/{hidden.pk}") == (
        400,
        error(f"Leads module with id {hidden.pk} is not found"),
    )
    assert as_seller.get(f"V8/module/Leads/{missing}") == (
        400,
        error(f"Leads module with id {missing} is not found"),
    )
    _s, body = as_seller.get("V8/module/Leads")
    assert body["data"] == []


def test_create_answers_201_and_logs_the_suitecrm_api_as_origin(as_rep, rep):
    status, body = as_rep.post(
        "V8/module",
        {
            "data": {
                "type": "Leads",
                "attributes": {"last_name": "Neu &amp; Co", "status": "Assigned"},
            }
        },
    )
    assert status == 201
    lead = Lead.objects.get()
    assert (lead.last_name, lead.status, lead.created_by) == ("Neu & Co", "Assigned", rep)
    assert body["data"]["id"] == str(lead.pk) and body["data"]["type"] == "Lead"
    related = body["data"]["relationships"]["Calls"]["links"]["related"]
    assert related == f"V8/module/{lead.pk}/relationships/calls"  # SuiteCRM's path quirk
    row = ChangeLog.objects.get(record_id=lead.pk, action="create")
    assert row.origin == "suiteapi:v8:mobile-app"
    assert describe(row.origin)[0] == "SuiteCRM API"


def test_the_create_answer_shows_what_was_stored(as_rep, rep):
    attributes = {
        "last_name": "  Stored ",
        "email1": "Mixed@Case.Example",
        "opportunity_amount": "2500",
        "birthdate": "1980-02-03",
        "do_not_call": True,
    }
    status, created = as_rep.post(
        "V8/module", {"data": {"type": "Leads", "attributes": attributes}}
    )
    assert status == 201
    lead_id = created["data"]["id"]
    _s, read = as_rep.get(f"V8/module/Leads/{lead_id}")
    assert created["data"]["attributes"] == read["data"]["attributes"]
    shown = read["data"]["attributes"]
    assert (shown["last_name"], shown["email1"]) == ("Stored", "mixed@case.example")
    assert (shown["opportunity_amount"], shown["birthdate"]) == ("2500.00", "1980-02-03")


def test_create_with_an_id_and_refused_duplicates(as_rep, rep):
    new_id = "5d9e0c5a-2b1c-4d3e-8f4a-123456789abc"
    body = {"data": {"type": "Leads", "id": new_id, "attributes": {"last_name": "Fixed"}}}
    assert as_rep.post("V8/module", body)[0] == 201
    assert as_rep.post("V8/module", body) == (
        400,
        error(f"Bean Leads with id {new_id} is already exist"),
    )
    assert Lead.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, 'The required option "data" is missing.'),
        ({"data": {"attributes": {}}}, 'The required option "type" is missing.'),
        ({"data": {"type": "Cases", "attributes": {}}}, "Module Cases does not exist"),
        (
            {"data": {"type": "Leads", "attributes": {"last_name": "a\x00"}}},
            'The option "data" with value "a" is invalid.',
        ),
        (
            {"data": {"type": "Leads", "attributes": {"nope": 1}}},
            "Property nope in Lead module is invalid",
        ),
        (
            {"data": {"type": "Leads", "id": "x", "attributes": {}}},
            'The option "id" with value "x" is invalid.',
        ),
        (
            {"data": {"type": "Leads", "attributes": {}}, "extra": 1},
            'The option "extra" does not exist. Defined options are: "data".',
        ),
        (
            {"data": {"type": "Leads", "attributes": {"last_name": ""}}},
            "The record is invalid. last_name: This field cannot be blank.",
        ),
        (
            {"data": {"type": "Leads", "attributes": {"last_name": "X", "status": "Nope"}}},
            "The record is invalid. status: “Nope” is not a valid choice.",
        ),
        (
            {
                "data": {
                    "type": "Leads",
                    "attributes": {"last_name": "X", "assigned_user_id": "999"},
                }
            },
            "The record is invalid. assigned_user_id: “999” is not a valid value.",
        ),
    ],
)
def test_malformed_or_invalid_creates_write_nothing(as_rep, body, detail):
    status, answer = as_rep.post("V8/module", body)
    assert (status, answer) == (400, error(detail))
    assert not Lead.with_deleted.exists()
    assert not ChangeLog.objects.exists()


def test_patch_updates_only_the_attributes_sent(as_rep, rep):
    lead = LeadFactory(first_name="Ada", last_name="Old", actor=rep)
    status, body = as_rep.patch(
        "V8/module",
        {"data": {"type": "Lead", "id": str(lead.pk), "attributes": {"last_name": "New"}}},
    )
    assert status == 201 and body["data"]["attributes"]["last_name"] == "New"
    lead.refresh_from_db()
    assert (lead.first_name, lead.last_name) == ("Ada", "New")
    assert (
        ChangeLog.objects.get(record_id=lead.pk, field="last_name").origin
        == "suiteapi:v8:mobile-app"
    )


def test_a_refused_update_changes_nothing(as_seller, rep):
    lead = LeadFactory(last_name="Kept", actor=rep)
    status, body = as_seller.patch(
        "V8/module",
        {"data": {"type": "Leads", "id": str(lead.pk), "attributes": {"last_name": "X"}}},
    )
    assert (status, body) == (400, error(f"Leads module with id {lead.pk} is not found"))
    lead.refresh_from_db()
    assert lead.last_name == "Kept"
    assert not ChangeLog.objects.filter(record_id=lead.pk, action="update").exists()


def test_delete_moves_to_the_trash(as_rep, rep):
    lead = LeadFactory(actor=rep)
    status, body = as_rep.delete(f"V8/module/Leads/{lead.pk}")
    assert (status, body) == (
        200,
        {"meta": {"message": f"Record with id {lead.pk} is deleted"}, "data": []},
    )
    assert Lead.with_deleted.get(pk=lead.pk).deleted
    assert as_rep.delete(f"V8/module/Leads/{lead.pk}")[1] == error(
        f"Leads module with id {lead.pk} is not found"
    )


def test_a_refused_delete_changes_nothing(as_seller, rep):
    lead = LeadFactory(actor=rep)
    assert as_seller.delete(f"V8/module/Leads/{lead.pk}")[0] == 400
    assert not Lead.with_deleted.get(pk=lead.pk).deleted


def test_patch_with_deleted_soft_deletes(as_rep, rep):
    lead = LeadFactory(actor=rep)
    status, _body = as_rep.patch(
        "V8/module", {"data": {"type": "Leads", "id": str(lead.pk), "attributes": {"deleted": 1}}}
    )
    assert status == 201 and Lead.with_deleted.get(pk=lead.pk).deleted


def test_users_are_read_only_and_hide_their_user_names(as_rep, rep):
    _s, body = as_rep.get(f"V8/module/Users/{rep.pk}")
    attributes = body["data"]["attributes"]
    assert body["data"]["type"] == "User" and attributes["full_name"] == "Rolf Rep"
    assert "user_name" not in attributes and "status" not in attributes
    status, answer = as_rep.post("V8/module", {"data": {"type": "Users", "attributes": {}}})
    assert (status, answer) == (400, error("[SuiteCRM] [AccessDeniedException] "))


def test_current_user_shows_the_user_name(as_rep, rep):
    status, body = as_rep.get("V8/current-user")
    assert status == 200
    assert (body["data"]["type"], body["data"]["id"]) == ("User", str(rep.pk))
    assert body["data"]["attributes"]["user_name"] == "rolf"
    assert body["data"]["attributes"]["status"] == "Active"


def test_both_url_layouts_answer(client, as_rep, rep):
    lead = LeadFactory(actor=rep)
    for prefix in ("/legacy/Api/", "/Api/index.php/"):
        as_rep.base = prefix
        status, body = as_rep.get(f"V8/module/Leads/{lead.pk}?fields[Leads]=last_name")
        assert status == 200
        assert body["data"]["relationships"]["Calls"]["links"]["related"] == (
            f"V8/module/Leads/{lead.pk}/relationships/calls"
        )


def test_list_queries_do_not_grow_with_the_page(as_rep, rep):
    for _ in range(3):
        LeadFactory(actor=rep)
    as_rep.get("V8/module/Leads?page[size]=3")  # warm: configuration and dropdown caches
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            status, body = as_rep.get("V8/module/Leads?page[size]=50")
        assert status == 200
        counts.append(len(captured.captured_queries))
        LeadFactory.create_batch(10, actor=rep)
    # the token with its user, client, roles and teams (one statement), the page (the
    # migrated users' ids and the count come from the cache)
    assert counts == [2, 2]


def test_unknown_routes_and_methods(client, as_rep):
    for path in ("/Api/V8/nothing", "/Api/nothing", "/legacy/Api/V8/module/Leads/x/y/z/w"):
        response = client.get(path, HTTP_ACCEPT="application/json")
        assert (response.status_code, response.json()) == (404, {"message": "Not found"})
    response = client.get("/Api/V8/nothing")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert as_rep.patch("V8/module/Leads") == (
        405,
        {"message": "Method not allowed. Must be one of: GET"},
    )
