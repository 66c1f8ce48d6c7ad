"""The roles created on install (docs/domain.md §6), as grants per record type.

`install(Role)` is called by a data migration with the historical model, and by
`kontor.users.actions.reset_role` to put a preset back to its shipped grants.
"""

from django.utils.translation import gettext_lazy as _

ACTIONS = ("access", "view", "list", "edit", "delete", "import", "export", "mass_update")
# Switches rather than reaches: a module is usable or not, importing is allowed or not.
SWITCH_ACTIONS = ("access", "import")
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


def _grant(**scopes) -> dict:
    return {action: scopes.get(action, "none") for action in ACTIONS}


EVERYTHING = _grant(**dict.fromkeys(ACTIONS, "all"))
TEAM_WORK = _grant(
    access="all",
    view="team",
    list="team",
    edit="team",
    delete="owner",
    export="team",
    mass_update="team",
)

PRESETS = {
    "administrator": {
        "name": "Administrator",
        "label": _("Administrator"),
        "is_admin": True,
        "description": _("Everything, plus users, teams, roles and configuration."),
        "grants": dict.fromkeys(MODULES, EVERYTHING),
    },
    "sales_manager": {
        "name": "Sales manager",
        "label": _("Sales manager"),
        "description": _("Sees and changes every record, imports and exports."),
        "grants": dict.fromkeys(MODULES, EVERYTHING),
    },
    "sales_rep": {
        "name": "Sales rep",
        "label": _("Sales rep"),
        "description": _("Works with the records of their teams; deletes only their own."),
        "grants": dict.fromkeys(MODULES, TEAM_WORK),
    },
    "marketing": {
        "name": "Marketing",
        "label": _("Marketing"),
        "description": _("Targets and leads, with import and export, and their activities."),
        "grants": {
            **dict.fromkeys(("targets", "leads"), EVERYTHING),
            **dict.fromkeys(ACTIVITY_MODULES, TEAM_WORK),
        },
    },
    "external_lead_generation": {
        "name": "External lead generation",
        "label": _("External lead generation"),
        "description": _(
            "Targets only: creates, imports and edits the team's targets; "
            "no deleting, no exporting, nothing else visible."
        ),
        "grants": {
            "targets": _grant(
                access="all", view="team", list="team", edit="team", **{"import": "all"}
            )
        },
    },
}


def install(Role) -> None:  # noqa: N803 - a model class, historical in migrations
    """Create the preset roles that do not exist yet (matched by key)."""
    for key, preset in PRESETS.items():
        Role.objects.get_or_create(
            key=key,
            defaults={
                "name": preset["name"],
                "description": str(preset["description"]),
                "is_admin": preset.get("is_admin", False),
                "grants": preset["grants"],
            },
        )
