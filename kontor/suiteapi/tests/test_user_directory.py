"""Who reads which users through SuiteCRM's two APIs (kontor.suiteapi.users).

Eve (external lead generation: Targets only) sees herself and no other user: another user's id
answers exactly as an id that does not exist, and no answer carries another user's name or
address. Sven (sales rep) reads every user, as SuiteCRM's clients expect of the user directory.
"""

import json
from types import SimpleNamespace

import pytest

from kontor.activities.tests.factories import CallFactory
from kontor.suiteapi.tests.conftest import person
from kontor.users.models import Team

pytestmark = pytest.mark.django_db

#: What Eve must never read of her colleagues
SECRETS = ("Mia", "mia@example.org", "Stan", "stan@example.org", "Sven", "sven@example.org")


@pytest.fixture
def world(caller):
    team = Team.objects.create(name="A")
    eve = person("eve", roles=["external_lead_generation"], teams=[team], first_name="Eve")
    eve.email = "eve@example.org"
    eve.save()
    sven = person("sven", roles=["sales_rep"], teams=[team], first_name="Sven")
    mia = person("mia", roles=["sales_manager"], teams=[team], first_name="Mia")
    stan = person("stan", roles=["sales_manager"], first_name="Stan")
    for user in (sven, mia, stan):
        user.email = f"{user.username}@example.org"
        user.save()
    return SimpleNamespace(eve=caller(eve), sven=caller(sven), mia=mia, stan=stan)


def same_as_missing(answer_of, hidden_id: str) -> None:
    """`answer_of(id)` for a user the caller may not read equals its answer for an unknown
    id (ids replaced by a placeholder) and names no colleague."""
    missing_id = str(10**9 + 7)
    hidden = json.dumps(answer_of(hidden_id))
    assert not any(secret in hidden for secret in SECRETS), hidden
    missing = json.dumps(answer_of(missing_id)).replace(missing_id, "<id>")
    assert hidden.replace(hidden_id, "<id>") == missing


def test_a_targets_only_user_lists_only_herself(world):
    eve = world.eve
    own = str(eve.user.pk)
    status, body = eve.v8("GET", "V8/module/Users")
    assert status == 200 and [row["id"] for row in body["data"]] == [own]
    assert body["data"][0]["attributes"]["email1"] == "eve@example.org"
    status, body = eve.v8("GET", "V8/module/Users?page[size]=10&filter[first_name][like]=%25")
    assert status == 200 and body["meta"]["total-pages"] == 1
    assert [row["id"] for row in body["data"]] == [own]
    answer = eve.v41("get_entry_list", [eve.session, "Users", "", "", 0, ["id", "email1"], [], 50])
    assert answer["total_count"] == "1" and [e["id"] for e in answer["entry_list"]] == [own]
    everyone = eve.v41("get_entry_list", [eve.session, "Users", "users.first_name LIKE '%'"])
    assert [e["id"] for e in everyone["entry_list"]] == [own]
    assert eve.v41("get_entries_count", [eve.session, "Users", "", 0]) == {"result_count": "1"}
    assert not any(secret in json.dumps(everyone) for secret in SECRETS)


def test_a_targets_only_user_reads_no_other_user_by_id(world):
    eve, mia = world.eve, str(world.mia.pk)
    status, body = eve.v8("GET", f"V8/module/Users/{eve.user.pk}")
    assert status == 200 and body["data"]["attributes"]["first_name"] == "Eve"
    same_as_missing(lambda i: eve.v8("GET", f"V8/module/Users/{i}"), mia)
    status, body = eve.v8("GET", f"V8/module/Users/{mia}")
    assert status == 400 and "data" not in body
    same_as_missing(lambda i: eve.v8("GET", f"V8/module/Users/{i}/relationships/calls"), mia)
    same_as_missing(lambda i: eve.v41("get_entry", [eve.session, "Users", i, ["email1"]]), mia)
    answer = eve.v41("get_entries", [eve.session, "Users", [str(eve.user.pk), mia], []])
    first, second = answer["entry_list"]
    assert first["name_value_list"]["first_name"]["value"] == "Eve"
    assert second["name_value_list"][0]["value"].startswith("Access to this object is denied")
    relationships = [eve.session, "Users", mia, "calls", "", ["name"]]
    same_as_missing(lambda i: eve.v41("get_relationships", [eve.session, "Users", i, "calls"]), mia)
    assert eve.v41("get_relationships", relationships)["number"] == 40  # no_access


def test_a_sales_user_reads_every_user(world):
    sven, mia = world.sven, world.mia
    everyone = {str(u.pk) for u in (sven.user, world.eve.user, mia, world.stan)}
    status, body = sven.v8("GET", "V8/module/Users")
    assert status == 200 and {row["id"] for row in body["data"]} == everyone
    status, body = sven.v8("GET", f"V8/module/Users/{mia.pk}")
    assert status == 200 and body["data"]["attributes"]["email1"] == "mia@example.org"
    answer = sven.v41("get_entry_list", [sven.session, "Users", "", "", 0, ["id"], [], 50])
    assert {e["id"] for e in answer["entry_list"]} == everyone
    answer = sven.v41("get_entry", [sven.session, "Users", str(world.stan.pk), ["first_name"]])
    assert answer["entry_list"][0]["name_value_list"]["first_name"]["value"] == "Stan"
    # The users invited to a call, through the relationship routes of both APIs
    call = CallFactory(name="Weekly", actor=sven.user)
    call.users.add(mia)
    status, body = sven.v8("GET", f"V8/module/Calls/{call.pk}/relationships/users")
    assert status == 200 and [row["id"] for row in body["data"]] == [str(mia.pk)]
    answer = sven.v41("get_relationships", [sven.session, "Calls", str(call.pk), "users", ""])
    assert [e["id"] for e in answer["entry_list"]] == [str(mia.pk)]


def test_a_user_without_roles_sees_only_himself(world, caller):
    nobody = caller(person("nora", first_name="Nora"))
    status, body = nobody.v8("GET", "V8/module/Users")
    assert status == 200 and [row["id"] for row in body["data"]] == [str(nobody.user.pk)]
    answer = nobody.v41("get_entry", [nobody.session, "Users", str(world.mia.pk), []])
    assert answer["entry_list"][0]["name_value_list"][1] == {"name": "deleted", "value": "1"}
