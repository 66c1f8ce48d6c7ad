"""Kontor's permission model through SuiteCRM's two APIs, for users of the preset roles.

Sven (sales rep, team A) reaches his own records and his teammate's, deletes only his own, and
never sees a stranger's (team B). Eve (external lead generation, team A) sees Targets — SuiteCRM's
Prospects — of her team and no other module. Through V8 and v4_1 alike: lists, reads, updates,
deletes and relationship calls show exactly what `visible_to` allows; a hidden record answers
exactly as an id that does not exist (same status and body but for the id) and never leaks a
value; a refused write leaves the row and its change log as they were.
"""

import json
import uuid
from types import SimpleNamespace

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.models import Call
from kontor.activities.tests.factories import CallFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.actions import set_teams
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.suiteapi.tests.conftest import person
from kontor.targets.models import Target
from kontor.targets.tests.factories import TargetFactory
from kontor.users.models import Team

pytestmark = pytest.mark.django_db

ACCESS_DENIED = {
    "errors": {"status": 400, "title": None, "detail": "[SuiteCRM] [AccessDeniedException] "}
}
NO_ACCESS = {"name": "Access Denied", "number": 40, "description": "You do not have access"}
#: SuiteCRM modules other than Prospects, with a record factory each
OTHER_MODULES = {
    "Leads": LeadFactory,
    "Contacts": ContactFactory,
    "Accounts": AccountFactory,
    "Opportunities": OpportunityFactory,
    "Calls": CallFactory,
}


@pytest.fixture
def world(caller):
    """Sven and Eve with their teammate Mia (team A) and Stan the stranger (team B); a lead and a
    target of each, a call on Sven's lead by Sven and one by Stan kept in team B only."""
    team_a, team_b = Team.objects.create(name="A"), Team.objects.create(name="B")
    sven = person("sven", roles=["sales_rep"], teams=[team_a], first_name="Sven")
    eve = person("eve", roles=["external_lead_generation"], teams=[team_a], first_name="Eve")
    mia = person("mia", roles=["sales_manager"], teams=[team_a], first_name="Mia")
    stan = person("stan", roles=["sales_manager"], teams=[team_b], first_name="Stan")
    owners = {"own": sven, "mate": mia, "stranger": stan}
    leads = {w: LeadFactory(last_name=f"Lead-{w}", actor=u) for w, u in owners.items()}
    targets = {
        w: TargetFactory(last_name=f"Target-{w}", actor=u)
        for w, u in {**owners, "own": eve}.items()
    }
    mine = CallFactory(name="Call-own", parent=leads["own"], actor=sven)
    hidden = CallFactory(name="Call-hidden", parent=leads["own"], actor=stan)
    set_teams(hidden, [team_b.pk], actor=stan)  # an activity joins its parent's teams too
    loose = CallFactory(name="Call-loose", actor=stan)
    return SimpleNamespace(
        sven=caller(sven),
        eve=caller(eve),
        users=owners,
        leads=leads,
        targets=targets,
        calls=SimpleNamespace(mine=mine, hidden=hidden, loose=loose),
    )


def snapshot(record) -> tuple:
    """The stored row and its change log, to show a refused write changed neither."""
    model = type(record)
    row = model.with_deleted.filter(pk=record.pk).values().get()
    log = list(ChangeLog.objects.filter(record_id=record.pk).order_by("id").values())
    return row, log


def like_missing(answer_of, hidden_id: str) -> None:
    """`answer_of(id)` for a hidden record equals its answer for an unknown id, once each id
    is replaced by a placeholder."""
    missing_id = str(uuid.uuid4())
    hidden = json.dumps(answer_of(hidden_id)).replace(hidden_id, "<id>")
    missing = json.dumps(answer_of(missing_id)).replace(missing_id, "<id>")
    assert hidden == missing


def visible_ids(model, user, action="list") -> set[str]:
    return {str(pk) for pk in model.objects.visible_to(user, action).values_list("pk", flat=True)}


def v8_ids(caller, module: str) -> set[str]:
    status, body = caller.v8("GET", f"V8/module/{module}?page[size]=50")
    assert status == 200, body
    return {row["id"] for row in body["data"]}


def v41_ids(caller, module: str) -> set[str]:
    answer = caller.v41("get_entry_list", [caller.session, module, "", "", 0, ["id"], [], 50, 0])
    assert int(answer["total_count"]) == len(answer["entry_list"]), answer
    return {entry["id"] for entry in answer["entry_list"]}


# --- the sales rep --------------------------------------------------------------------------


def test_lists_show_exactly_what_the_filter_allows(world):
    sven = world.sven
    expected = visible_ids(Lead, sven.user)
    assert expected == {str(world.leads[w].pk) for w in ("own", "mate")}
    assert v8_ids(sven, "Leads") == v41_ids(sven, "Leads") == expected
    calls = visible_ids(Call, sven.user)
    assert str(world.calls.hidden.pk) not in calls and str(world.calls.mine.pk) in calls
    assert v8_ids(sven, "Calls") == v41_ids(sven, "Calls") == calls
    count = sven.v41("get_entries_count", [sven.session, "Leads", "", 0])
    assert count == {"result_count": str(len(expected))}


def test_list_query_counts_of_a_team_scoped_user_stay_fixed(world, django_assert_num_queries):
    sven = world.sven
    v8_ids(sven, "Leads"), v41_ids(sven, "Leads")  # warm: configuration and dropdown caches
    for _ in range(2):
        # the token with its user and client, roles and teams (one statement), the size of
        # the teams' share of the table (the permission filter's plan), the page
        with django_assert_num_queries(3):
            assert len(v8_ids(sven, "Leads")) >= 2
        # the session with its user, roles and teams (one statement), the filter's plan, the
        # page (one that is not full needs no count; the last use is written once a minute)
        with django_assert_num_queries(3):
            assert len(v41_ids(sven, "Leads")) >= 2
        LeadFactory.create_batch(3, actor=sven.user)


def test_a_hidden_record_reads_like_a_missing_one(world):
    sven, hidden = world.sven, world.leads["stranger"]
    like_missing(lambda i: sven.v8("GET", f"V8/module/Leads/{i}"), str(hidden.pk))
    status, body = sven.v8("GET", f"V8/module/Leads/{hidden.pk}")
    assert status == 400 and "Lead-stranger" not in json.dumps(body)

    def get_entry(i):
        return sven.v41("get_entry", [sven.session, "Leads", i, ["last_name"]])

    like_missing(get_entry, str(hidden.pk))
    assert "Lead-stranger" not in json.dumps(get_entry(str(hidden.pk)))
    entries = sven.v41("get_entries", [sven.session, "Leads", [str(hidden.pk)], ["last_name"]])
    assert "Lead-stranger" not in json.dumps(entries)
    assert entries["entry_list"][0]["name_value_list"][1] == {"name": "deleted", "value": "1"}


def test_updating_a_hidden_record_answers_like_a_missing_one_and_changes_nothing(world):
    sven, hidden = world.sven, world.leads["stranger"]
    before = snapshot(hidden)

    def v8_patch(i):
        body = {"data": {"type": "Leads", "id": i, "attributes": {"last_name": "Hacked"}}}
        return sven.v8("PATCH", "V8/module", body)

    def v41_set(i):
        values = [{"name": "id", "value": i}, {"name": "last_name", "value": "Hacked"}]
        return sven.v41("set_entry", [sven.session, "Leads", values])

    like_missing(v8_patch, str(hidden.pk))
    like_missing(v41_set, str(hidden.pk))
    assert v41_set(str(hidden.pk)) == NO_ACCESS
    assert snapshot(hidden) == before


def test_deletes_reach_only_own_records_and_refusals_change_nothing(world):
    sven = world.sven
    stranger, mate, own = world.leads["stranger"], world.leads["mate"], world.leads["own"]
    before = {r.pk: snapshot(r) for r in (stranger, mate)}
    like_missing(lambda i: sven.v8("DELETE", f"V8/module/Leads/{i}"), str(stranger.pk))
    # Mia's lead is visible to Sven (team) but his role deletes only his own.
    assert sven.v8("DELETE", f"V8/module/Leads/{mate.pk}") == (400, ACCESS_DENIED)
    deleted = [{"name": "id", "value": str(mate.pk)}, {"name": "deleted", "value": "1"}]
    assert sven.v41("set_entry", [sven.session, "Leads", deleted]) == NO_ACCESS
    deleted[0]["value"] = str(stranger.pk)
    assert sven.v41("set_entry", [sven.session, "Leads", deleted]) == NO_ACCESS
    assert {r.pk: snapshot(r) for r in (stranger, mate)} == before
    status, body = sven.v8("DELETE", f"V8/module/Leads/{own.pk}")
    assert status == 200, body
    assert Lead.with_deleted.get(pk=own.pk).deleted
    assert ChangeLog.objects.filter(record_id=own.pk, action="delete").count() == 1


def test_relationship_calls_follow_the_filter_at_both_ends(world):
    sven, own, stranger = world.sven, world.leads["own"], world.leads["stranger"]
    calls = world.calls
    status, body = sven.v8("GET", f"V8/module/Leads/{own.pk}/relationships/calls")
    assert status == 200 and [r["id"] for r in body["data"]] == [str(calls.mine.pk)]
    assert "Call-hidden" not in json.dumps(body)
    answer = sven.v41(
        "get_relationships", [sven.session, "Leads", str(own.pk), "calls", "", ["name"]]
    )
    assert [e["id"] for e in answer["entry_list"]] == [str(calls.mine.pk)]
    # a hidden source record
    like_missing(
        lambda i: sven.v8("GET", f"V8/module/Leads/{i}/relationships/calls"), str(stranger.pk)
    )
    like_missing(
        lambda i: sven.v41("get_relationships", [sven.session, "Leads", i, "calls", "", ["name"]]),
        str(stranger.pk),
    )
    # a hidden record to link, or to unlink
    before = {c.pk: snapshot(c) for c in (calls.hidden, calls.loose)}

    def v8_link(i):
        body = {"data": {"type": "Calls", "id": i}}
        return sven.v8("POST", f"V8/module/Leads/{own.pk}/relationships/calls", body)

    def v41_link(i):
        return sven.v41("set_relationship", [sven.session, "Leads", str(own.pk), "calls", [i]])

    like_missing(v8_link, str(calls.loose.pk))
    like_missing(v41_link, str(calls.loose.pk))
    assert v41_link(str(calls.loose.pk)) == {"created": 0, "failed": 1, "deleted": 0}
    like_missing(
        lambda i: sven.v8("DELETE", f"V8/module/Leads/{own.pk}/relationships/calls/{i}"),
        str(calls.hidden.pk),
    )
    unlink = [sven.session, "Leads", str(own.pk), "calls", [str(calls.hidden.pk)], [], 1]
    assert sven.v41("set_relationship", unlink) == {"created": 0, "failed": 1, "deleted": 0}
    assert {c.pk: snapshot(c) for c in (calls.hidden, calls.loose)} == before


def test_search_finds_only_visible_records(world):
    sven, eve = world.sven, world.eve
    search = [sven.session, "Lead", ["Leads", "Prospects"], 0, 50, "", ["id", "last_name"]]
    found = {
        group["name"]: group["records"]
        for group in sven.v41("search_by_module", search)["entry_list"]
    }
    leads = {r["last_name"]["value"] for r in found["Leads"]}
    assert leads == {"Lead-own", "Lead-mate"}
    search[0] = eve.session
    found = eve.v41("search_by_module", search)["entry_list"]
    assert found == [{"name": "Prospects", "records": []}]  # no Leads for Eve; no target matches


def test_relationship_list_query_counts_stay_fixed(world, django_assert_num_queries):
    sven, own = world.sven, world.leads["own"]
    call = [sven.session, "Leads", str(own.pk), "calls", "", ["id", "name"]]
    assert len(sven.v41("get_relationships", call)["entry_list"]) == 1  # warm the caches
    for extra in range(2):
        # the session with roles and teams; the filter's plan and the source lead; the
        # filter's plan and the page of calls; their parents' names (one query per type)
        with django_assert_num_queries(6):
            answer = sven.v41("get_relationships", call)
        assert len(answer["entry_list"]) == 1 + 2 * extra
        CallFactory.create_batch(2, parent=own, actor=sven.user)


# --- the targets-only external user ---------------------------------------------------------


def test_a_targets_only_user_lists_and_reads_prospects_of_her_team(
    world, django_assert_num_queries
):
    eve, targets = world.eve, world.targets
    expected = visible_ids(Target, eve.user)
    assert expected == {str(targets[w].pk) for w in ("own", "mate")}
    assert v8_ids(eve, "Prospects") == v41_ids(eve, "Prospects") == expected
    status, body = eve.v8("GET", f"V8/module/Prospects/{targets['mate'].pk}")
    assert status == 200 and body["data"]["attributes"]["last_name"] == "Target-mate"
    like_missing(lambda i: eve.v8("GET", f"V8/module/Prospects/{i}"), str(targets["stranger"].pk))
    # Mia's call on Eve's target: Eve sees no calls at all, so the link lists nothing
    CallFactory(name="Call-on-target", parent=targets["own"], actor=world.users["mate"])
    status, body = eve.v8("GET", f"V8/module/Prospects/{targets['own'].pk}/relationships/calls")
    assert status == 200 and body["data"] == [] and "Call-on-target" not in json.dumps(body)
    call = [eve.session, "Prospects", str(targets["own"].pk), "calls", "", ["name"]]
    assert eve.v41("get_relationships", call)["entry_list"] == []
    like_missing(
        lambda i: eve.v41("get_entry", [eve.session, "Prospects", i, ["last_name"]]),
        str(targets["stranger"].pk),
    )
    with django_assert_num_queries(3):  # token with roles and teams, the filter's plan, page
        assert v8_ids(eve, "Prospects") == expected
    with django_assert_num_queries(3):  # session with roles and teams, filter's plan, page
        assert v41_ids(eve, "Prospects") == expected


def test_a_targets_only_user_meets_no_other_module(world):
    eve = world.eve
    modules = eve.v41("get_available_modules", [eve.session])
    # Users is SuiteCRM's user directory, no record type: Eve reads only herself there
    # (kontor.suiteapi.users; test_user_directory.py).
    assert [m["module_key"] for m in modules["modules"]] == ["Prospects", "Users"]
    status, body = eve.v8("GET", "V8/module/Users")
    assert status == 200 and [row["id"] for row in body["data"]] == [str(eve.user.pk)]
    assert set(body["data"][0]["attributes"]) == {
        "name",
        "first_name",
        "last_name",
        "full_name",
        "email1",
        "date_entered",
    }  # neither the sign-in name, nor the status, nor the administrator flag
    status, body = eve.v8("GET", "V8/meta/modules")
    assert status == 200 and body["data"]["attributes"] == {}  # SuiteCRM's list omits Prospects
    for module, factory in OTHER_MODULES.items():
        record = factory(actor=world.users["mate"])  # Mia is Eve's teammate
        assert eve.v8("GET", f"V8/module/{module}") == (400, ACCESS_DENIED), module
        assert eve.v8("GET", f"V8/module/{module}/{record.pk}") == (400, ACCESS_DENIED), module
        list_call = [eve.session, module, "", "", 0, ["id"], [], 10, 0]
        assert eve.v41("get_entry_list", list_call) == NO_ACCESS, module
        read_call = [eve.session, module, str(record.pk), ["id"]]
        assert eve.v41("get_entry", read_call) == NO_ACCESS, module
        assert eve.v41("get_entries_count", [eve.session, module, "", 0]) == NO_ACCESS, module


def test_a_targets_only_user_writes_prospects_but_deletes_none(world):
    eve, own = world.eve, world.targets["own"]
    body = {"data": {"type": "Prospects", "id": str(own.pk), "attributes": {"title": "Einkauf"}}}
    status, answer = eve.v8("PATCH", "V8/module", body)
    assert status == 201 and answer["data"]["attributes"]["title"] == "Einkauf"
    before = snapshot(own)
    assert eve.v8("DELETE", f"V8/module/Prospects/{own.pk}") == (400, ACCESS_DENIED)
    deleted = [{"name": "id", "value": str(own.pk)}, {"name": "deleted", "value": "1"}]
    assert eve.v41("set_entry", [eve.session, "Prospects", deleted]) == NO_ACCESS
    assert snapshot(own) == before
    leads = Lead.with_deleted.count()
    create = {"data": {"type": "Leads", "attributes": {"last_name": "Sneaky"}}}
    assert eve.v8("POST", "V8/module", create) == (400, ACCESS_DENIED)
    new = [{"name": "last_name", "value": "Sneaky"}]
    assert eve.v41("set_entry", [eve.session, "Leads", new]) == NO_ACCESS
    assert Lead.with_deleted.count() == leads
