"""The vocabulary of role grants, for the record modules that declare their preset grants.

A grant is what one role may do with one record type: a scope ("none", "owner", "team", "all")
per action of the role matrix. Each `Module` declares its grants for the preset roles (see
`Module.grants`) with these names, and `kontor.users.presets` collects them into the roles it
creates; core keeps the words so that no record app has to import `users`.
"""

from kontor.core.permissions import ACTIONS

#: Switches rather than reaches: a module is usable or not, importing is allowed or not.
SWITCH_ACTIONS = ("access", "import")
#: The keys of the roles created on install (their names and texts live in kontor.users.presets).
PRESET_ROLES = (
    "administrator",
    "sales_manager",
    "sales_rep",
    "marketing",
    "external_lead_generation",
)


def grant(**scopes: str) -> dict:
    """A full grant: the given scope per action, "none" for every action not named.

    `grant(access="all", view="team")`; "import" is a keyword, so pass it as
    `**{"import": "all"}`.
    """
    unknown = set(scopes) - set(ACTIONS)
    if unknown:
        raise ValueError(f"Unknown actions in a grant: {sorted(unknown)}")
    return {action: scopes.get(action, "none") for action in ACTIONS}


#: Every action on every record: the administrator's and the sales manager's grant.
EVERYTHING = grant(**dict.fromkeys(ACTIONS, "all"))
#: The records of the user's teams; deleting only their own; no import.
TEAM_WORK = grant(
    access="all",
    view="team",
    list="team",
    edit="team",
    delete="owner",
    export="team",
    mass_update="team",
)
