"""ACL roles migrated from the journey database: grants per record type and action, the users
who hold them (directly and through a security group), the report of every "Not set" and
inexact cell, and what a migrated user then sees in Kontor.

The expected grants are written out from the dump's README (data/README.md, "Users, groups,
roles") and SuiteCRM's level table, never read from the migrator.
"""

import pytest
from django.contrib.auth import get_user_model

from kontor.core import registry
from kontor.leads.tests.factories import LeadFactory
from kontor.suitecrm.models import LegacyId
from kontor.suitecrm.run import migrate
from kontor.suitecrm.steps.roles import scope_of
from kontor.targets.tests.factories import TargetFactory
from kontor.users.models import Role

pytestmark = pytest.mark.django_db
User = get_user_model()

EXTERNAL = "9bbd3581-d11d-ecdb-e6be-6b15d7bafba5"  # "Externe Leadgenerierung"
SALES = "bfb50fd0-5683-6871-6bfa-6b15d7bd3371"  # "Vertrieb"
STEPS = ["users", "teams", "roles"]
EIGHT = ("leads", "contacts", "accounts", "opportunities", "calls", "meetings", "tasks", "notes")
NOTHING = dict.fromkeys(
    ("access", "view", "list", "edit", "delete", "import", "export", "mass_update"), "none"
)
EVERYTHING = dict.fromkeys(NOTHING, "all")


@pytest.fixture
def migrated(admin, suitecrm_journey):
    return migrate(suitecrm_journey, actor=admin, modules=STEPS)


def role(suitecrm_id) -> Role:
    return Role.objects.get(
        pk=int(LegacyId.objects.get(kind="role", suitecrm_id=suitecrm_id).kontor_id)
    )


def holders(r: Role) -> set[str]:
    return set(r.users.values_list("username", flat=True))


def test_external_lead_generation_sees_targets_only(migrated):
    external = role(EXTERNAL)
    assert external.name == "Externe Leadgenerierung"
    # Targets: access Enabled, view/list/edit Group, import All, delete/export/mass update None.
    expected = {
        "targets": {
            "access": "all",
            "view": "team",
            "list": "team",
            "edit": "team",
            "delete": "none",
            "import": "all",
            "export": "none",
            "mass_update": "none",
        },
        # Every other module: all actions None, access Not set (its default Enabled) — a
        # module with nothing but access is no access in Kontor.
        **{slug: NOTHING for slug in EIGHT},
    }
    assert external.grants == expected
    assert holders(external) == {"jonas"}


def test_sales_role_with_its_not_set_cells_as_the_defaults(migrated, suitecrm_query):
    # The modules' defaults in acl_actions are Enabled (89) for access and All (90) else.
    defaults = set(
        suitecrm_query(
            "SELECT DISTINCT name, aclaccess FROM acl_actions WHERE acltype = 'module' AND "
            "category IN ('Leads','Contacts','Accounts','Opportunities','Calls','Meetings',"
            "'Tasks','Notes','Prospects')"
        )
    )
    assert {level for _name, level in defaults} == {89, 90}
    sales = role(SALES)
    assert sales.name == "Vertrieb"
    eight = {
        "access": "all",  # Not set → Enabled
        "view": "all",
        "list": "all",
        "edit": "all",
        "delete": "owner",
        "import": "all",  # Not set → All
        "export": "none",
        "mass_update": "all",  # Not set → All
    }
    assert sales.grants == {"targets": EVERYTHING, **{slug: eight for slug in EIGHT}}
    # lena directly; sally and max as members of "Vertrieb DACH", which has the role.
    assert holders(sales) == {"lena", "sally", "max"}


def test_users_without_a_role_get_the_defaults_and_admins_none(migrated, suitecrm_query):
    no_role = {
        row[0]
        for row in suitecrm_query(
            "SELECT u.user_name FROM users u WHERE u.is_admin = 0 AND u.deleted = 0 "
            "AND u.id NOT IN (SELECT user_id FROM acl_roles_users WHERE deleted = 0) "
            "AND u.id NOT IN (SELECT m.user_id FROM securitygroups_users m JOIN "
            "securitygroups_acl_roles g ON g.securitygroup_id = m.securitygroup_id "
            "WHERE m.deleted = 0 AND g.deleted = 0)"
        )
    }
    assert no_role == {"chris", "jim", "sarah", "will"}
    defaults = role("acl_actions")
    assert holders(defaults) == no_role
    assert defaults.grants == {slug: EVERYTHING for slug in ("targets", *EIGHT)}
    assert not User.objects.get(username="admin").roles.exists()


def test_the_report_names_every_not_set_cell_and_group_grant(migrated):
    lines = [p.message for p in migrated.problems if p.suitecrm_id == SALES]
    # Vertrieb: import and mass update Not set on the eight modules, all 8 actions on Targets.
    assert len([m for m in lines if "Not set" in m]) == 8 * 2 + 8
    assert "Prospects delete: Not set → the module's default All (90) → all." in lines
    assert "Leads massupdate: Not set → the module's default All (90) → all." in lines
    external = [p.message for p in migrated.problems if p.suitecrm_id == EXTERNAL]
    assert "Leads access: Not set → the module's default Enabled (89) → all." in external
    assert "Leads: access but no other action allowed → no access." in external
    group = [p.message for p in migrated.problems if p.table == "securitygroups_acl_roles"]
    assert sorted(group) == [
        "max gets role Vertrieb as a member of the group (Kontor roles are per user).",
        "sally gets role Vertrieb as a member of the group (Kontor roles are per user).",
    ]
    assert dict(migrated.counts["acl_roles"]) == {"created": 3}


@pytest.mark.parametrize(
    ("action", "level", "expected"),
    [
        ("view", 90, ("all", True)),
        ("list", 80, ("team", True)),
        ("delete", 75, ("owner", True)),
        ("export", -99, ("none", True)),
        ("access", 89, ("all", True)),
        ("access", -98, ("none", True)),
        ("import", 90, ("all", True)),
        ("import", -99, ("none", True)),
        ("mass_update", 90, ("all", True)),
        ("view", 89, ("all", False)),  # Enabled is an access level
        ("edit", 99, ("all", False)),  # admin-type levels
        ("edit", 1, ("owner", False)),  # Normal: the narrowest reach that allows
        ("delete", -98, ("none", False)),
        ("access", 90, ("all", False)),
        ("access", 80, ("all", False)),
        ("import", 80, ("all", False)),  # importing is a switch in Kontor
        ("import", -98, ("none", False)),
    ],
)
def test_levels_map_to_the_nearest_scope(action, level, expected):
    assert scope_of(action, level) == expected


def test_an_inexact_level_is_reported_per_cell(admin, suitecrm_damaged):
    database = suitecrm_damaged(
        "UPDATE acl_roles_actions ra JOIN acl_actions a ON a.id = ra.action_id "
        f"SET ra.access_override = 99 WHERE ra.role_id = '{SALES}' "
        "AND a.category = 'Leads' AND a.name = 'edit'"
    )
    report = migrate(database, actor=admin, modules=STEPS)
    assert role(SALES).grants["leads"]["edit"] == "all"
    assert "Leads edit: Admin (99) has no exact match; nearest scope all." in [
        p.message for p in report.problems
    ]


def test_a_second_run_keeps_kontors_changes_and_takes_suitecrms(admin, suitecrm_damaged):
    database = suitecrm_damaged()
    migrate(database, actor=admin, modules=STEPS)
    sales = role(SALES)
    # Kontor: an admin widens leads delete and narrows contacts delete.
    sales.grants = {
        **sales.grants,
        "leads": {**sales.grants["leads"], "delete": "team"},
        "contacts": {**sales.grants["contacts"], "delete": "none"},
    }
    sales.save()
    # SuiteCRM: contacts delete and accounts delete become None; jonas loses his role.
    database.execute(
        "UPDATE acl_roles_actions ra JOIN acl_actions a ON a.id = ra.action_id "
        f"SET ra.access_override = -99 WHERE ra.role_id = '{SALES}' "
        "AND a.category IN ('Contacts', 'Accounts') AND a.name = 'delete'",
        "UPDATE acl_roles_users SET deleted = 1 WHERE user_id = "
        "'c64b30d6-b65b-058e-19f4-6b15d7aab276'",
    )
    again = migrate(database, actor=admin, modules=STEPS)
    grants = role(SALES).grants
    assert grants["leads"]["delete"] == "team"  # Kontor's change stays
    assert grants["accounts"]["delete"] == "none"  # SuiteCRM's change is taken
    assert grants["contacts"]["delete"] == "none"  # both agree: no conflict
    assert not [p for p in again.problems if "changed in Kontor and SuiteCRM" in p.message]
    assert holders(role(SALES)) == {"lena", "sally", "max"}
    # Without a role in SuiteCRM, jonas now works with the modules' defaults there.
    assert holders(role(EXTERNAL)) == set()
    assert "jonas" in holders(role("acl_actions"))
    assert dict(again.counts["acl_roles"]) == {"updated": 3}


def test_a_cell_changed_on_both_sides_keeps_kontors_and_is_listed(admin, suitecrm_damaged):
    database = suitecrm_damaged()
    migrate(database, actor=admin, modules=STEPS)
    sales = role(SALES)
    sales.grants = {**sales.grants, "leads": {**sales.grants["leads"], "delete": "team"}}
    sales.save()
    database.execute(
        "UPDATE acl_roles_actions ra JOIN acl_actions a ON a.id = ra.action_id "
        f"SET ra.access_override = -99 WHERE ra.role_id = '{SALES}' "
        "AND a.category = 'Leads' AND a.name = 'delete'"
    )
    again = migrate(database, actor=admin, modules=STEPS)
    assert role(SALES).grants["leads"]["delete"] == "team"
    assert "leads delete changed in Kontor and SuiteCRM: Kontor's team kept, not none." in [
        p.message for p in again.problems
    ]
    third = migrate(database, actor=admin, modules=STEPS)
    assert dict(third.counts["acl_roles"]) == {"unchanged": 3}
    assert not [p for p in third.problems if "changed in Kontor and SuiteCRM" in p.message]


def test_jonas_lists_his_teams_targets_and_gets_404_on_leads(migrated, client):
    users = {u.username: u for u in User.objects.all()}
    # A new target joins its creator's teams: will is in "Lead generation" with jonas.
    team_target = TargetFactory(actor=users["will"], last_name="Teamziel")
    other_target = TargetFactory(actor=users["chris"], last_name="Fremdziel")
    lead = LeadFactory(actor=users["lena"])
    client.force_login(users["jonas"])
    targets = registry.get("targets")
    response = client.get(targets.url_list)
    assert response.status_code == 200
    assert "Teamziel" in response.text and "Fremdziel" not in response.text
    assert client.get(targets.url("detail", other_target.pk)).status_code == 404
    assert client.get(targets.url("detail", team_target.pk)).status_code == 200
    leads = registry.get("leads")
    assert client.get(leads.url_list).status_code == 404
    assert client.get(leads.url("detail", lead.pk)).status_code == 404


def test_lena_sees_every_lead_but_deletes_only_her_own(migrated, client):
    users = {u.username: u for u in User.objects.all()}
    foreign = LeadFactory(actor=users["chris"], last_name="Fremdlead")
    client.force_login(users["lena"])
    leads = registry.get("leads")
    assert "Fremdlead" in client.get(leads.url_list).text
    client.post(leads.url("delete", foreign.pk))
    foreign.refresh_from_db()
    assert foreign.deleted is False
    own = LeadFactory(actor=users["lena"])
    client.post(leads.url("delete", own.pk))
    own.refresh_from_db()
    assert own.deleted is True
