"""The access matrix: every preset role × every record type × every page, with records owned by
the user, by a teammate and by a stranger.

The expectations below are written out from docs/domain.md §6, independently of the grants
the modules declare, so a wrong grant or a leaking page fails here. A record type the table
does not know (one added after it) is expected refused to every preset role but the
administrator, so adding a record type needs no edit here.
"""

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.tests.factories import CallFactory, MeetingFactory, NoteFactory, TaskFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core import registry
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.core.testing import csv_rows
from kontor.emails.tests.factories import EmailFactory
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.targets.tests.factories import TargetFactory
from kontor.users.actions import create_user
from kontor.users.models import Team

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
    "emails": (EmailFactory, "name"),
}
KNOWN = tuple(FACTORIES)
ACTIVITIES = ("calls", "meetings", "tasks", "notes", "emails")
OWNERS = ("own", "mate", "stranger")
REACH = {
    "all": {"own", "mate", "stranger"},
    "team": {"own", "mate"},
    "owner": {"own"},
    "none": set(),
}


def spec(view, edit, delete, export):
    """Expected reach of (view & list, edit & create, delete) and whether export is allowed."""
    return {"view": view, "edit": edit, "delete": delete, "export": export}


EVERYTHING = spec("all", "all", "all", True)
TEAM_WORK = spec("team", "team", "owner", True)
NOTHING = spec("none", "none", "none", False)

EXPECTED = {
    "administrator": dict.fromkeys(KNOWN, EVERYTHING),
    "sales_manager": dict.fromkeys(KNOWN, EVERYTHING),
    "sales_rep": dict.fromkeys(KNOWN, TEAM_WORK),
    "marketing": {
        "targets": EVERYTHING,
        "leads": EVERYTHING,
        "contacts": NOTHING,
        "accounts": NOTHING,
        "opportunities": NOTHING,
        **dict.fromkeys(ACTIVITIES, TEAM_WORK),
    },
    "external_lead_generation": {
        "targets": spec("team", "team", "none", False),
        **dict.fromkeys(KNOWN[1:], NOTHING),
    },
}


def expected(role: str, slug: str) -> dict:
    """The written-out expectation of `role` on `slug`; a type the table does not know is
    refused to every preset role but the administrator."""
    if slug in EXPECTED[role]:
        return EXPECTED[role][slug]
    return EVERYTHING if role == "administrator" else NOTHING


def slugs() -> list[str]:
    """Every registered record type, those added after this test included."""
    return [module.slug for module in registry.modules()]


def make_record(slug: str, actor, text: str):
    """A record of `slug` owned by `actor` whose text field reads `text`: from the test's
    factory for a type it knows, else from the module's API example."""
    if slug in FACTORIES:
        factory, field = FACTORIES[slug]
        return factory(actor=actor, **{field: text})
    module = registry.get(slug)
    values = dict(module.get_api_example(actor))
    for name in list(values):
        field = module.model._meta.get_field(name)
        if field.is_relation:
            values[field.attname] = values.pop(name)
    values[text_field(slug)] = text
    return save_record(module.model(**values), actor=actor)


def text_field(slug: str) -> str:
    """The text field the test names its records by (searched, exported, offered)."""
    return FACTORIES[slug][1] if slug in FACTORIES else registry.get(slug).search_fields[0]


@pytest.fixture
def world(db, request):
    """Three people: the user with the role under test and a teammate in team A, a stranger
    in team B (both sales managers); each owns one record of every type, named "Zeta …"."""
    role = request.param
    team_a, team_b = Team.objects.create(name="A"), Team.objects.create(name="B")
    people = {
        "own": create_user("me", password="pw-me-12345!", roles=[role], teams=[team_a]),
        "mate": create_user(
            "mate", password="pw-mate-1234!", roles=["sales_manager"], teams=[team_a]
        ),
        "stranger": create_user(
            "stranger", password="pw-str-1234!", roles=["sales_manager"], teams=[team_b]
        ),
    }
    records = {
        slug: {who: make_record(slug, people[who], f"Zeta {slug} {who}") for who in OWNERS}
        for slug in slugs()
    }
    return role, people, records


def _urls_in(response) -> str:
    return response.content.decode()


ROLES = list(EXPECTED)


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_every_page_of_every_record_type_follows_the_role(client, world):
    role, people, records = world
    client.force_login(people["own"])
    for slug in slugs():
        module = registry.get(slug)
        mine = records[slug]
        expect = expected(role, slug)
        visible = REACH[expect["view"]]
        where = f"{role} on {slug}"

        listing = client.get(module.url("list"))
        assert listing.status_code == (200 if visible else 404), where
        for who in OWNERS:
            detail_url = module.url("detail", mine[who].pk)
            if visible:
                assert (detail_url in _urls_in(listing)) == (who in visible), f"{where} {who}"
            assert client.get(detail_url).status_code == (200 if who in visible else 404), (
                f"{where}: detail of {who}"
            )
            assert client.get(module.url("edit", mine[who].pk)).status_code == (
                200 if who in REACH[expect["edit"]] else 404
            ), f"{where}: edit of {who}"
            assert client.get(module.url("delete", mine[who].pk)).status_code == (
                200 if who in REACH[expect["delete"]] else 404
            ), f"{where}: delete of {who}"

        creatable = expect["edit"] != "none"
        assert client.get(module.url("create")).status_code == (200 if creatable else 404), where

        export = client.get(module.url("export"), {"q": "Zeta"})
        assert export.status_code == (200 if expect["export"] else 404), where
        if expect["export"]:
            exported = len(csv_rows(export)) - 1
            assert exported == len(visible), f"{where}: export rows"

        lookup = client.get(module.url("lookup"), {"q": "Zeta"})
        assert lookup.status_code == (200 if visible else 404), where
        if visible:
            offered = {row["value"] for row in lookup.json()["results"]}
            assert offered == {str(mine[who].pk) for who in visible}, f"{where}: picker"

    found = _urls_in(client.get("/search/", {"q": "Zeta"}))
    for slug in slugs():
        module = registry.get(slug)
        for who in OWNERS:
            shown = module.url("detail", records[slug][who].pk) in found
            assert shown == (who in REACH[expected(role, slug)["view"]]), (
                f"{role}: search {slug} {who}"
            )


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_forged_writes_outside_the_role_change_nothing(client, world):
    """Edit and delete posts naming records beyond the user's reach answer 404 and leave the
    record and the change log as they were: each refused post is checked on its own, also for
    a record the user may edit but not delete."""
    role, people, records = world
    client.force_login(people["own"])
    for slug in slugs():
        module = registry.get(slug)
        field = text_field(slug)
        expect = expected(role, slug)
        for who in OWNERS:
            record = records[slug][who]
            where = f"{role} on {slug} of {who}"
            if who not in REACH[expect["edit"]]:
                logged = ChangeLog.objects.count()
                response = client.post(module.url("edit", record.pk), {field: "Hacked"})
                assert response.status_code == 404, f"{where}: edit"
                stored = type(record).with_deleted.get(pk=record.pk)
                assert getattr(stored, field) == f"Zeta {slug} {who}", f"{where}: edit"
                assert ChangeLog.objects.count() == logged, f"{where}: edit logged"
            if who not in REACH[expect["delete"]]:
                logged = ChangeLog.objects.count()
                response = client.post(module.url("delete", record.pk))
                assert response.status_code == 404, f"{where}: delete"
                stored = type(record).with_deleted.get(pk=record.pk)
                assert not stored.deleted, f"{where}: deleted"
                assert getattr(stored, field) == f"Zeta {slug} {who}", f"{where}: delete"
                assert ChangeLog.objects.count() == logged, f"{where}: delete logged"


@pytest.mark.parametrize("world", ["external_lead_generation"], indirect=True)
def test_external_lead_generation_sees_only_targets(client, world):
    _role, people, records = world
    client.force_login(people["own"])
    page = client.get("/targets/").content.decode()
    nav = {slug for slug in slugs() if f'data-nav="{slug}"' in page}
    assert nav == {"targets"}
    assert 'href="/targets/new/"' in page
    for slug in slugs():
        if slug != "targets":
            assert f'href="/{slug}/new/"' not in page, slug
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/roles/").status_code == 404
    # Converting a target needs create rights on leads: refused, nothing changed.
    target = records["targets"]["own"]
    response = client.post(f"/targets/{target.pk}/convert/", {"last_name": "Lead"})
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.lead_id is None and target.status != "Converted"


@pytest.mark.parametrize("world", ["sales_rep"], indirect=True)
def test_mass_update_with_a_record_beyond_reach_changes_nothing_and_says_so(client, world):
    _role, people, records = world
    client.force_login(people["own"])
    leads = records["leads"]
    before = {who: leads[who].assigned_user_id for who in OWNERS}
    logged = ChangeLog.objects.count()
    response = client.post(
        "/leads/mass/",
        {
            "verb": "update",
            "field": "assigned_user",
            "assigned_user": people["mate"].pk,
            "ids": [leads["own"].pk, leads["stranger"].pk],
        },
        follow=True,
    )
    assert (
        "1 selected record no longer exists or may not be changed by you"
        in response.content.decode()
    )
    for who in OWNERS:
        leads[who].refresh_from_db()
        assert leads[who].assigned_user_id == before[who]
    assert ChangeLog.objects.count() == logged
