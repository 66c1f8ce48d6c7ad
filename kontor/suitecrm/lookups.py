"""Kontor users, teams and roles for SuiteCRM ids, for the migration's steps.

The users, teams and roles steps note each SuiteCRM id's Kontor primary key in `LegacyId`;
later steps (records: owners, creators; record teams) ask here. Each lookup reads its table
once per run and keeps it in `context.shared`; the step that writes the rows calls `forget()`
afterwards so that the next lookup sees them.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from kontor.core import permissions
from kontor.suitecrm.models import LegacyId
from kontor.users.models import Role, Team


def _table(context, kind: str, model) -> dict:
    key = f"lookup:{kind}"
    if key not in context.shared:
        pks = dict(LegacyId.objects.filter(kind=kind).values_list("suitecrm_id", "kontor_id"))
        objects = model.objects.in_bulk([int(pk) for pk in pks.values()])
        context.shared[key] = {
            suitecrm_id: objects[int(pk)] for suitecrm_id, pk in pks.items() if int(pk) in objects
        }
    return context.shared[key]


def forget(context, kind: str) -> None:
    """Drop the cached lookup of `kind` ("user", "team", "role") after writing its rows."""
    context.shared.pop(f"lookup:{kind}", None)
    context.shared.pop(f"lookup:{kind}:pk", None)


def user_for(context, suitecrm_user_id):
    """The Kontor user migrated from SuiteCRM user `suitecrm_user_id`, or None (unknown,
    empty, or a group/portal user the users step skipped)."""
    if not suitecrm_user_id:
        return None
    return _table(context, "user", get_user_model()).get(str(suitecrm_user_id))


def migrated_users(context) -> list:
    """Every Kontor user migrated (or linked) from a SuiteCRM user."""
    return list(_table(context, "user", get_user_model()).values())


def user_id_for(context, suitecrm_user_id) -> int | None:
    """The primary key of `user_for(…)`, for bulk writes that set `…_id` columns (asked
    several times per migrated row: one dictionary lookup)."""
    if not suitecrm_user_id:
        return None
    pks = context.shared.get("lookup:user:pk")
    if pks is None:
        users = _table(context, "user", get_user_model())
        pks = context.shared["lookup:user:pk"] = {key: user.pk for key, user in users.items()}
    return pks.get(str(suitecrm_user_id))


def team_for(context, securitygroup_id) -> Team | None:
    """The Kontor team migrated from SuiteCRM security group `securitygroup_id`, or None."""
    if not securitygroup_id:
        return None
    return _table(context, "team", Team).get(str(securitygroup_id))


def role_for(context, acl_role_id) -> Role | None:
    """The Kontor role migrated from SuiteCRM ACL role `acl_role_id`, or None."""
    if not acl_role_id:
        return None
    return _table(context, "role", Role).get(str(acl_role_id))


def actor_administers(context, table: str) -> bool:
    """Whether the run's actor may change users, teams and roles (administrators only, as in
    Kontor's administration); if not, the report says so and the step leaves them alone."""
    if permissions.is_admin(context.actor):
        return True
    context.report.problem(
        table,
        "",
        _("Only an administrator may migrate users, teams and roles: %(actor)s is none.")
        % {"actor": context.actor},
    )
    return False
