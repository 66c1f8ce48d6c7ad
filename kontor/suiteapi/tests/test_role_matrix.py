"""Every preset role × every SuiteCRM module, through V8 and v4_1: a list shows exactly the
records the permission filter gives the user, a read of one record follows the same filter, and
a module the role may not open is refused as a whole.

The user under test is in team A with a teammate; a stranger is in team B (both sales
managers). Each owns one record per module, named "Zeta …". Which of the three the role reaches
is written out from the access model (docs/domain.md), independently of the grants, and must
also be what `visible_to` answers — the lists are compared with that.
"""

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.tests.factories import CallFactory, MeetingFactory, NoteFactory, TaskFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.suiteapi.mapping import api_modules
from kontor.suiteapi.tests.conftest import person
from kontor.targets.tests.factories import TargetFactory
from kontor.users.models import Team

pytestmark = pytest.mark.django_db

ACCESS_DENIED = {
    "errors": {"status": 400, "title": None, "detail": "[SuiteCRM] [AccessDeniedException] "}
}
NO_ACCESS = {"name": "Access Denied", "number": 40, "description": "You do not have access"}
FACTORIES = {
    "targets": (TargetFactory, "last_name"),
    "leads": (LeadFactory, "last_name"),
    "contacts": (ContactFactory, "last_name"),
    "accounts": (AccountFactory, "name"),
    "opportunities": (OpportunityFactory, "name"),
    "calls": (CallFactory, "name"),
    "meetings": (MeetingFactory, "name"),
    "tasks": (TaskFactory, "name"),
    "notes": (NoteFactory, "name"),
}
ACTIVITIES = ("calls", "meetings", "tasks", "notes")
ALL, TEAM, NONE = {"own", "mate", "stranger"}, {"own", "mate"}, set()
#: Whose records each preset role views, per record type (docs/domain.md, the access model)
REACH = {
    "administrator": dict.fromkeys(FACTORIES, ALL),
    "sales_manager": dict.fromkeys(FACTORIES, ALL),
    "sales_rep": dict.fromkeys(FACTORIES, TEAM),
    "marketing": {
        "targets": ALL,
        "leads": ALL,
        "contacts": NONE,
        "accounts": NONE,
        "opportunities": NONE,
        **dict.fromkeys(ACTIVITIES, TEAM),
    },
    "external_lead_generation": {"targets": TEAM, **dict.fromkeys(list(FACTORIES)[1:], NONE)},
}


@pytest.fixture(params=list(REACH))
def setting(request, caller):
    role = request.param
    team_a, team_b = Team.objects.create(name="A"), Team.objects.create(name="B")
    people = {
        "own": person("me", roles=[role], teams=[team_a]),
        "mate": person("mate", roles=["sales_manager"], teams=[team_a]),
        "stranger": person("stranger", roles=["sales_manager"], teams=[team_b]),
    }
    records = {}
    for slug, (factory, field) in FACTORIES.items():
        records[slug] = {
            who: factory(actor=user, **{field: f"Zeta {slug} {who}"})
            for who, user in people.items()
        }
    return role, caller(people["own"]), records


def test_each_role_sees_through_both_apis_what_the_filter_allows(setting):
    role, me, records = setting
    for api in api_modules():
        if api.slug is None:
            continue
        reach, mine = REACH[role][api.slug], records[api.slug]
        where = f"{role} on {api.name}"
        v8_status, v8_body = me.v8("GET", f"V8/module/{api.name}?page[size]=100")
        v41_list = me.v41("get_entry_list", [me.session, api.name, "", "", 0, ["id"], [], 100, 0])
        one = mine["stranger"]
        v8_one = me.v8("GET", f"V8/module/{api.name}/{one.pk}")
        v41_one = me.v41("get_entry", [me.session, api.name, str(one.pk), ["id"]])
        if not reach:
            assert (v8_status, v8_body) == (400, ACCESS_DENIED), where
            assert v41_list == NO_ACCESS and v41_one == NO_ACCESS, where
            assert v8_one == (400, ACCESS_DENIED), where
            continue
        allowed = {str(pk) for pk in api.queryset(me.user).values_list("pk", flat=True)}
        named = {who for who, record in mine.items() if str(record.pk) in allowed}
        assert named == reach, where
        assert v8_status == 200, (where, v8_body)
        assert {row["id"] for row in v8_body.get("data", [])} == allowed, where
        assert {e["id"] for e in v41_list["entry_list"]} == allowed, where
        assert v41_list["total_count"] == str(len(allowed)), where
        shown = "stranger" in reach
        assert (v8_one[0] == 200) == shown, where
        values = v41_one["entry_list"][0]["name_value_list"]
        assert (values == {"id": {"name": "id", "value": str(one.pk)}}) == shown, where
