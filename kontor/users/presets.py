"""The roles created on install: their names and texts here, their grants from the modules.

Each record module declares its grant for these role keys (`Module.grants`, see
docs/access.md); `grants(key)` collects them. The migration that creates the roles carries its
own copy of what it installed; `grant_after_migrate` gives the preset roles the grants of
record types added since, never touching an entry an admin set.
"""

from django.utils.translation import gettext_lazy as _

from kontor.core import registry
from kontor.core.grants import PRESET_ROLES, SWITCH_ACTIONS
from kontor.core.permissions import ACTIONS

__all__ = [
    "ACTIONS",
    "PRESETS",
    "SWITCH_ACTIONS",
    "add_missing_grants",
    "grant_after_migrate",
    "grants",
]

PRESETS = {
    "administrator": {
        "name": "Administrator",
        "label": _("Administrator"),
        "is_admin": True,
        "description": _("Everything, plus users, teams, roles and configuration."),
    },
    "sales_manager": {
        "name": "Sales manager",
        "label": _("Sales manager"),
        "description": _("Sees and changes every record, imports and exports."),
    },
    "sales_rep": {
        "name": "Sales rep",
        "label": _("Sales rep"),
        "description": _("Works with the records of their teams; deletes only their own."),
    },
    "marketing": {
        "name": "Marketing",
        "label": _("Marketing"),
        "description": _("Targets and leads, with import and export, and their activities."),
    },
    "external_lead_generation": {
        "name": "External lead generation",
        "label": _("External lead generation"),
        "description": _(
            "Targets only: creates, imports and edits the team's targets; "
            "no deleting, no exporting, nothing else visible."
        ),
    },
}
assert tuple(PRESETS) == PRESET_ROLES, "core.grants.PRESET_ROLES names the same roles"


def grants(key: str) -> dict:
    """The shipped grants of the preset role `key`: record type slug → grant, for every
    registered module that declares one for it."""
    found = {}
    for module in registry.modules():
        grant = module.get_grants(key)
        if grant is not None:
            found[module.slug] = grant
    return found


def add_missing_grants(Role) -> int:  # noqa: N803 - a model class
    """Give each preset role the declared grants of the record types it has no entry for
    yet; entries that exist (shipped or set by an admin) are left alone. Returns the number
    of roles changed."""
    changed = 0
    for role in Role.objects.filter(key__in=list(PRESETS)):
        missing = {
            slug: grant for slug, grant in grants(role.key).items() if slug not in role.grants
        }
        if missing:
            role.grants = {**role.grants, **missing}
            role.save(update_fields=["grants"])
            changed += 1
    return changed


def grant_after_migrate(sender, apps=None, **kwargs) -> None:
    """post_migrate receiver: a record type added after install gets its preset grants
    without a migration of its own."""
    if apps is None:
        # `flush` (the teardown of transactional tests) sends no migration state.
        from django.apps import apps
    try:
        Role = apps.get_model("users", "Role")  # noqa: N806 - a model class
    except LookupError:
        return  # the users app is migrated back to zero
    add_missing_grants(Role)
