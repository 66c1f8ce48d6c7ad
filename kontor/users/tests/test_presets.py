"""The preset roles: the grants the modules declare are the ones shipped, and a record type
added after install reaches the preset roles without overwriting what an admin set."""

import importlib
from pathlib import Path

import pytest

from kontor.core import registry
from kontor.core.registry import Module
from kontor.users import presets
from kontor.users.models import Role

pytestmark = pytest.mark.django_db

ACTIONS = ("access", "view", "list", "edit", "delete", "import", "export", "mass_update")
ALL = dict.fromkeys(ACTIONS, "all")
TEAM = {
    "access": "all",
    "view": "team",
    "list": "team",
    "edit": "team",
    "delete": "owner",
    "import": "none",
    "export": "team",
    "mass_update": "team",
}
RECORD_TYPES = (
    "accounts",
    "calls",
    "contacts",
    "leads",
    "meetings",
    "notes",
    "opportunities",
    "targets",
    "tasks",
)
#: What each preset role was shipped with, written out.
SHIPPED = {
    "administrator": dict.fromkeys(RECORD_TYPES, ALL),
    "sales_manager": dict.fromkeys(RECORD_TYPES, ALL),
    "sales_rep": dict.fromkeys(RECORD_TYPES, TEAM),
    "marketing": {
        "targets": ALL,
        "leads": ALL,
        "calls": TEAM,
        "meetings": TEAM,
        "tasks": TEAM,
        "notes": TEAM,
    },
    "external_lead_generation": {
        "targets": {
            "access": "all",
            "view": "team",
            "list": "team",
            "edit": "team",
            "delete": "none",
            "import": "all",
            "export": "none",
            "mass_update": "none",
        }
    },
}


#: Record types added after the role migration: their declared grants join the preset roles
#: after migrate (presets.add_missing_grants), written out here.
LATER = {
    "administrator": {"emails": ALL},
    "sales_manager": {"emails": ALL},
    "sales_rep": {"emails": TEAM},
    "marketing": {"emails": TEAM},
}
DECLARED = {key: {**grants, **LATER.get(key, {})} for key, grants in SHIPPED.items()}


@pytest.mark.parametrize("key", list(SHIPPED))
def test_the_modules_declare_the_shipped_grants(key):
    assert presets.grants(key) == DECLARED[key]


@pytest.mark.parametrize("key", list(SHIPPED))
def test_a_fresh_install_has_the_shipped_roles(key):
    role = Role.objects.get(key=key)
    assert role.grants == DECLARED[key]
    assert role.name == presets.PRESETS[key]["name"]
    assert role.is_admin == (key == "administrator")


def test_the_role_migration_carries_its_own_copy():
    migration = importlib.import_module("kontor.users.migrations.0003_preset_roles")
    assert {key: row[3] for key, row in migration.PRESETS.items()} == SHIPPED
    source = Path(migration.__file__).read_text(encoding="utf-8")
    assert "import kontor" not in source and "from kontor" not in source


def test_a_module_without_grants_is_refused_to_every_preset_role_but_the_administrator():
    class Scratch(Module):
        model = registry.get("accounts").model
        slug = "scratch"

    module = Scratch()
    assert module.get_grants("administrator") == ALL
    for key in ("sales_manager", "sales_rep", "marketing", "external_lead_generation"):
        assert module.get_grants(key) is None


def test_missing_grants_are_added_after_migrate_and_admin_edits_kept():
    rep = Role.objects.get(key="sales_rep")
    edited = {**TEAM, "delete": "none"}
    rep.grants = {**rep.grants, "calls": edited}
    del rep.grants["notes"]
    rep.save()
    marketing = Role.objects.get(key="marketing")
    custom = Role.objects.create(name="Telesales", grants={})

    assert presets.add_missing_grants(Role) == 1

    rep.refresh_from_db()
    assert rep.grants["notes"] == TEAM  # the type it had no entry for
    assert rep.grants["calls"] == edited  # the admin's edit stays
    marketing.refresh_from_db()
    assert marketing.grants == DECLARED["marketing"]  # nothing missing, nothing added
    custom.refresh_from_db()
    assert custom.grants == {}  # roles admins made are theirs
    assert presets.add_missing_grants(Role) == 0
