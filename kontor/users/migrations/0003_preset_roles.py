"""Creates the preset roles with the grants they were shipped with.

Frozen: names, descriptions and grants are written out here, so what this migration installs
never changes with later code. Grants of record types added since are given to the preset
roles after migrate from the modules' declarations (kontor.users.presets.grant_after_migrate).
"""

from django.db import migrations

ACTIONS = ("access", "view", "list", "edit", "delete", "import", "export", "mass_update")
MODULES = (
    "targets",
    "leads",
    "contacts",
    "accounts",
    "opportunities",
    "calls",
    "meetings",
    "tasks",
    "notes",
)
ACTIVITY_MODULES = ("calls", "meetings", "tasks", "notes")
EVERYTHING = dict.fromkeys(ACTIONS, "all")
TEAM_WORK = {
    "access": "all",
    "view": "team",
    "list": "team",
    "edit": "team",
    "delete": "owner",
    "import": "none",
    "export": "team",
    "mass_update": "team",
}
LEAD_GENERATION = {
    "access": "all",
    "view": "team",
    "list": "team",
    "edit": "team",
    "delete": "none",
    "import": "all",
    "export": "none",
    "mass_update": "none",
}

PRESETS = {
    "administrator": (
        "Administrator",
        "Everything, plus users, teams, roles and configuration.",
        True,
        dict.fromkeys(MODULES, EVERYTHING),
    ),
    "sales_manager": (
        "Sales manager",
        "Sees and changes every record, imports and exports.",
        False,
        dict.fromkeys(MODULES, EVERYTHING),
    ),
    "sales_rep": (
        "Sales rep",
        "Works with the records of their teams; deletes only their own.",
        False,
        dict.fromkeys(MODULES, TEAM_WORK),
    ),
    "marketing": (
        "Marketing",
        "Targets and leads, with import and export, and their activities.",
        False,
        {
            **dict.fromkeys(("targets", "leads"), EVERYTHING),
            **dict.fromkeys(ACTIVITY_MODULES, TEAM_WORK),
        },
    ),
    "external_lead_generation": (
        "External lead generation",
        "Targets only: creates, imports and edits the team's targets; "
        "no deleting, no exporting, nothing else visible.",
        False,
        {"targets": LEAD_GENERATION},
    ),
}


def create_presets(apps, schema_editor):
    Role = apps.get_model("users", "Role")
    for key, (name, description, is_admin, grants) in PRESETS.items():
        Role.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "description": description,
                "is_admin": is_admin,
                "grants": grants,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("users", "0002_role_team")]
    operations = [migrations.RunPython(create_presets, migrations.RunPython.noop)]
