"""Step "roles": SuiteCRM ACL roles → Kontor roles, with the users who have them.

Each live `acl_roles` row becomes a role whose grants give, per Kontor record type and action,
the scope nearest to SuiteCRM's access level: All (90) → all, Group (80) → team, Owner (75) →
owner, None (-99) → none; access Enabled (89) / Disabled (-98) → all / none. "Not set" (0, or
no row) means the module's default (`acl_actions.aclaccess`), and the report says per cell what
it became; every level with no exact Kontor match gets the nearest scope and a report line. A
record type whose role allows nothing but access gets no access either (Kontor would show an
empty module), reported.

Users get the roles of `acl_roles_users` and, since Kontor's roles are per user, the roles of
their security groups (`securitygroups_acl_roles`), reported per user; as SuiteCRM does by
default (`securitysuite_user_role_precedence`), a user's own roles hide their groups' roles. A
user without any role works in SuiteCRM with the modules' defaults: the role "SuiteCRM
defaults" grants those to such users. Administrators need no role.

A second run applies what changed in SuiteCRM since the last run (cells, holders) where Kontor
did not change it (an administrator adjusts cells after reading the report); a cell changed on
both sides keeps Kontor's scope and is listed (kontor.suitecrm.merge).
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from kontor.suitecrm import lookups
from kontor.suitecrm.merge import merge, merge_set
from kontor.suitecrm.models import LegacyId
from kontor.suitecrm.source import text
from kontor.suitecrm.steps import step
from kontor.suitecrm.steps.teams import RECORD_MODULES
from kontor.users import actions
from kontor.users.models import Role

TABLE = "acl_roles"
#: SuiteCRM action name → Kontor action
ACTIONS = {
    "access": "access",
    "view": "view",
    "list": "list",
    "edit": "edit",
    "delete": "delete",
    "import": "import",
    "export": "export",
    "massupdate": "mass_update",
}
LEVELS = {
    100: "Admin & Developer",
    99: "Admin",
    95: "Developer",
    90: "All",
    89: "Enabled",
    80: "Group",
    75: "Owner",
    1: "Normal",
    0: "Not set",
    -98: "Disabled",
    -99: "None",
}
#: The role given to users who have none in SuiteCRM (its LegacyId suitecrm_id).
DEFAULTS_ID = "acl_actions"


def scope_of(action: str, level: int) -> tuple[str, bool]:
    """The Kontor scope nearest to SuiteCRM `level` for `action`, and whether it is exact."""
    if action in ("access", "import"):  # switches: All or None in Kontor
        exact = {"access": {89: "all", -98: "none"}, "import": {90: "all", -99: "none"}}[action]
        if level in exact:
            return exact[level], True
        return ("all" if level > 0 else "none"), False
    exact = {90: "all", 80: "team", 75: "owner", -99: "none"}
    if level in exact:
        return exact[level], True
    if level >= 89:
        return "all", False
    return ("owner" if level > 0 else "none"), False


def _label(level: int) -> str:
    return f"{LEVELS.get(level, '?')} ({level})"


@step("roles", 30, tables=("acl_roles", "acl_actions", "acl_roles_actions", "acl_roles_users"))
def run(context):
    if not lookups.actor_administers(context, TABLE):
        return
    source, report = context.source, context.report
    defaults = {
        (text(r["category"]), text(r["name"])): int(r["aclaccess"] or 0)
        for r in source.rows(
            "SELECT category, name, aclaccess FROM acl_actions "
            "WHERE acltype = 'module' AND deleted = 0"
        )
    }
    cells = defaultdict(dict)
    for r in source.rows(
        "SELECT ra.role_id, a.category, a.name, ra.access_override FROM acl_roles_actions ra "
        "JOIN acl_actions a ON a.id = ra.action_id AND a.deleted = 0 AND a.acltype = 'module' "
        "WHERE ra.deleted = 0"
    ):
        cells[text(r["role_id"])][(text(r["category"]), text(r["name"]))] = int(
            r["access_override"] or 0
        )
    holders = _holders(context)
    for row in source.rows("SELECT id, name, description, deleted FROM acl_roles ORDER BY name"):
        suitecrm_id = text(row["id"])
        if row["deleted"]:
            report.count(TABLE, "skipped")
            continue
        grants = _grants(context, suitecrm_id, cells.get(suitecrm_id, {}), defaults)
        name = text(row["name"])[:100] or suitecrm_id
        with transaction.atomic():
            outcome = _save(
                context, suitecrm_id, name, text(row["description"]), grants, holders[suitecrm_id]
            )
        report.count(TABLE, outcome)
    _defaults_role(context, defaults, holders)
    lookups.forget(context, "role")


def _grants(
    context, suitecrm_id: str, cells: dict, defaults: dict, *, report_not_set: bool = True
) -> dict:
    """The Kontor grants of one role (`cells`: (category, action) → level), reported."""
    grants = {}
    for category, (slug, _table) in RECORD_MODULES.items():
        row = {}
        for name, action in ACTIONS.items():
            level = cells.get((category, name), 0)
            where = f"{category} {name}"
            if level == 0:
                default = defaults.get((category, name))
                scope, _exact = scope_of(action, default if default is not None else -99)
                if report_not_set:
                    context.report.problem(
                        TABLE,
                        suitecrm_id,
                        _("%(cell)s: Not set → the module's default %(default)s → %(scope)s.")
                        % {
                            "cell": where,
                            "default": _label(default) if default is not None else _("(none)"),
                            "scope": scope,
                        },
                    )
            else:
                scope, exact = scope_of(action, level)
                if not exact:
                    context.report.problem(
                        TABLE,
                        suitecrm_id,
                        _("%(cell)s: %(level)s has no exact match; nearest scope %(scope)s.")
                        % {"cell": where, "level": _label(level), "scope": scope},
                    )
            row[action] = scope
        if row["access"] != "none" and all(s == "none" for a, s in row.items() if a != "access"):
            row["access"] = "none"
            context.report.problem(
                TABLE,
                suitecrm_id,
                _("%(module)s: access but no other action allowed → no access.")
                % {"module": category},
            )
        grants[slug] = row
    return grants


def _holders(context) -> dict:
    """SuiteCRM role id → the Kontor users who get it (own roles, else their groups')."""
    source, report = context.source, context.report
    own = defaultdict(set)  # role → users
    has_own = set()
    for r in source.rows("SELECT role_id, user_id FROM acl_roles_users WHERE deleted = 0"):
        user = lookups.user_for(context, text(r["user_id"]))
        if user is None:
            report.problem(
                "acl_roles_users",
                text(r["user_id"]),
                _("User %(user)s of role %(role)s not found among the migrated users.")
                % {"user": text(r["user_id"]), "role": text(r["role_id"])},
            )
            continue
        own[text(r["role_id"])].add(user)
        has_own.add(user.pk)
    holders = defaultdict(set, own)
    names = {text(r["id"]): text(r["name"]) for r in source.rows("SELECT id, name FROM acl_roles")}
    if not (source.has("securitygroups_acl_roles") and source.has("securitygroups_users")):
        return holders
    for r in source.rows(
        "SELECT g.role_id, g.securitygroup_id, u.user_id FROM securitygroups_acl_roles g "
        "JOIN securitygroups_users u ON u.securitygroup_id = g.securitygroup_id AND u.deleted = 0 "
        "WHERE g.deleted = 0 ORDER BY g.role_id, u.user_id"
    ):
        user = lookups.user_for(context, text(r["user_id"]))
        role_id, group_id = text(r["role_id"]), text(r["securitygroup_id"])
        role_name = names.get(role_id, role_id)
        if user is None or user in holders[role_id]:
            continue
        if user.pk in has_own:
            report.problem(
                "securitygroups_acl_roles",
                group_id,
                _("%(user)s has roles of their own, which hide role %(role)s of their group.")
                % {"user": user.username, "role": role_name},
            )
            continue
        holders[role_id].add(user)
        report.problem(
            "securitygroups_acl_roles",
            group_id,
            _("%(user)s gets role %(role)s as a member of the group (Kontor roles are per user).")
            % {"user": user.username, "role": role_name},
        )
    return holders


def _save(context, suitecrm_id, name, description, grants, users) -> str:
    legacy = LegacyId.objects.filter(kind="role", suitecrm_id=suitecrm_id).first()
    role = Role.objects.filter(pk=int(legacy.kontor_id)).first() if legacy else None
    cells = _flat(grants)
    holders = {u.pk for u in users}
    if role is None:
        role = Role(name=_free_name(context, suitecrm_id, name), description=description[:2000])
        actions.save_role(role, actor=context.actor, grants=grants, users=users)
        _remember(suitecrm_id, role, cells, holders)
        return "created"
    # An admin may have set the cells the report named: a later run takes over SuiteCRM's
    # changes since the last run, never undoes Kontor's, and lists cells changed on both sides.
    current = _flat(role.grants)
    for slug_action in cells:
        current.setdefault(slug_action, "none")
    merged, conflicts = merge(current, legacy.written.get("grants", {}), cells)
    for cell in conflicts:
        context.report.problem(
            TABLE,
            suitecrm_id,
            _("%(cell)s changed in Kontor and SuiteCRM: Kontor's %(kept)s kept, not %(new)s.")
            % {"cell": cell, "kept": merged[cell], "new": cells[cell]},
        )
    now = set(role.users.filter(is_active=True).values_list("pk", flat=True))
    keep = merge_set(now, legacy.written.get("users"), holders)
    _remember(suitecrm_id, role, cells, holders)
    if merged == current and keep == now:
        return "unchanged"
    new_grants = defaultdict(dict)
    for cell, scope in merged.items():
        slug, action = cell.split(" ")
        new_grants[slug][action] = scope
    actions.save_role(
        role,
        actor=context.actor,
        grants=dict(new_grants),
        users=list(get_user_model().objects.filter(pk__in=keep)),
    )
    return "updated"


def _flat(grants: dict) -> dict:
    """{"leads": {"view": "all"}} as {"leads view": "all"}: one entry per cell of the matrix."""
    return {
        f"{slug} {action}": scope for slug, row in grants.items() for action, scope in row.items()
    }


def _remember(suitecrm_id, role, cells: dict, holders: set) -> None:
    """Note what this run wrote, for the merge of the next (kontor.suitecrm.merge)."""
    LegacyId.objects.update_or_create(
        kind="role",
        suitecrm_id=suitecrm_id,
        defaults={
            "kontor_id": str(role.pk),
            "written": {"grants": cells, "users": sorted(holders)},
        },
    )


def _free_name(context, suitecrm_id: str, name: str) -> str:
    """`name`, or with a suffix when a Kontor role has it already (reported)."""
    candidate, n = name, 1
    while Role.objects.filter(name=candidate).exists():
        suffix = " (SuiteCRM)" if n == 1 else f" (SuiteCRM {n})"
        candidate, n = name[: 100 - len(suffix)] + suffix, n + 1
    if candidate != name:
        context.report.problem(
            TABLE,
            suitecrm_id,
            _("Kontor has a role %(name)s already: the SuiteCRM role became %(new)s.")
            % {"name": name, "new": candidate},
        )
    return candidate


def _defaults_role(context, defaults: dict, holders: dict) -> None:
    """The role "SuiteCRM defaults" for the migrated users with no SuiteCRM role at all."""
    with_role = {u.pk for users in holders.values() for u in users}
    users = [
        user
        for user in lookups.migrated_users(context)
        if user.pk not in with_role and not user.is_superuser
    ]
    legacy = LegacyId.objects.filter(kind="role", suitecrm_id=DEFAULTS_ID).first()
    if not users and legacy is None:
        return
    for user in users:
        context.report.problem(
            TABLE,
            DEFAULTS_ID,
            _("%(user)s has no role in SuiteCRM: gets the role with the modules' defaults.")
            % {"user": user.username},
        )
    grants = _grants(context, DEFAULTS_ID, {}, defaults, report_not_set=False)
    with transaction.atomic():
        outcome = _save(
            context,
            DEFAULTS_ID,
            "SuiteCRM defaults",
            _("What SuiteCRM allows a user without a role (the modules' default access)."),
            grants,
            users,
        )
    context.report.count(TABLE, outcome)
