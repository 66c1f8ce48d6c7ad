"""The one permission filter and the module-level checks.

See docs/architecture.md rule 3 and docs/domain.md §6.

Every query of records goes through `restrict(queryset, user, action)` (reached as
`Model.objects.visible_to(user, action)`), and every page asks `can(user, action, model)`
before offering a verb. Roles give per record type and action a scope (All, Team, Owner,
None); a user with several roles gets the widest; administrators bypass roles. Owner means
the assigned user (the creator when unassigned); Team adds the records of the user's teams.

A user's grants and teams are read once per request (two queries) and kept on the user
object, which lives as long as the request.
"""

import json
from functools import lru_cache

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from kontor.core import catalog

ACTIONS = ("access", "view", "list", "edit", "delete", "import", "export", "mass_update")
# Verbs that are not columns of the matrix: creating needs edit rights, restoring from the
# trash needs delete rights.
DERIVED = {"create": "edit", "restore": "delete"}
SCOPES = ("none", "owner", "team", "all")
_RANK = {scope: rank for rank, scope in enumerate(SCOPES)}


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


class Grants:
    """What one user may do: the widest scope per (module slug, action), and their teams."""

    def __init__(self, user, roles=None, team_ids=None):
        """`roles` ((is_admin, grants) of each role of the user) and `team_ids` when the
        caller read them along with the user (the API reads them with the token); else
        they are read here."""
        self.user = user
        self.is_admin = user.is_superuser
        self.scopes: dict[tuple[str, str], str] = {}
        self._team_ids = None if team_ids is None else list(team_ids)
        self._small: dict = {}
        if self.is_admin:
            return
        if roles is None:
            # The roles come through the user's relation: the app that defines them (users)
            # builds on this filter, not the other way round.
            roles = user.roles.values_list("is_admin", "grants")
        role_admin, self.scopes = (
            _widest_of_text(roles) if isinstance(roles, str) else _widest(roles)
        )
        self.is_admin = self.is_admin or role_admin

    def scope(self, slug: str, action: str) -> str:
        if self.is_admin:
            return "all"
        if self.scopes.get((slug, "access"), "none") == "none":
            return "none"  # a module without access is invisible whatever else is granted
        return self.scopes.get((slug, DERIVED.get(action, action)), "none")

    def team_set_is_small(self, model, members) -> bool:
        """Do the user's teams hold at most SMALL_TEAM_SET records of `model`? (One bounded
        count per record type and request, through the (team, record) index.)"""
        if model not in self._small:
            limit = settings.KONTOR_SMALL_TEAM_SET
            self._small[model] = members[: limit + 1].count() <= limit
        return self._small[model]

    @property
    def team_ids(self) -> list[int]:
        if self._team_ids is None:
            self._team_ids = list(self.user.teams.values_list("pk", flat=True))
        return self._team_ids


def _widest(roles) -> tuple[bool, dict]:
    """(any role is admin, the widest scope per (module slug, action)) of (is_admin, grants)
    pairs."""
    is_admin, scopes = False, {}
    for role_admin, grants in roles:
        is_admin = is_admin or bool(role_admin)
        for slug, actions in (grants or {}).items():
            for action, scope in actions.items():
                if _RANK.get(scope, 0) > _RANK[scopes.get((slug, action), "none")]:
                    scopes[(slug, action)] = scope
    return is_admin, scopes


@lru_cache(maxsize=256)
def _widest_of_text(roles: str) -> tuple[bool, dict]:
    """`_widest` of roles as the JSON text [[is_admin, grants], …] the API's token lookup
    reads (grants may be JSON text themselves, on SQLite). The same text gives the same
    answer, so it is worked out once per process: a fifth of a token lookup (a changed role
    is another text). The dict is shared, so read only."""

    def decoded(value):
        return json.loads(value) if isinstance(value, str) else value

    return _widest((is_admin, decoded(grants)) for is_admin, grants in json.loads(roles))


def grants_of(user) -> Grants:
    """The user's grants, computed once per user object (i.e. per request)."""
    grants = getattr(user, "_kontor_grants", None)
    if grants is None:
        grants = user._kontor_grants = Grants(user)
    return grants


def remember(user, roles, team_ids) -> None:
    """Use grants read along with `user` (see Grants; `roles` may be their JSON text) for the
    rest of this request."""
    user._kontor_grants = Grants(user, roles, team_ids)


def forget(user) -> None:
    """Drop the remembered grants (after roles or teams of `user` changed in this request)."""
    user.__dict__.pop("_kontor_grants", None)


def _check(action: str) -> str:
    if action not in ACTIONS and action not in DERIVED:
        raise ValueError(f"unknown action {action!r}")
    return action


def is_admin(user) -> bool:
    """Admins bypass roles and reach the administration area."""
    return _active(user) and grants_of(user).is_admin


def scope(user, action: str, model) -> str:
    """The reach of `user` for `action` on records of `model`: none, owner, team or all."""
    _check(action)
    if not _active(user):
        return "none"
    try:
        slug = catalog.for_model(model).slug
    except Exception:  # noqa: BLE001 - a model without a module is no record type
        return "all" if is_admin(user) else "none"
    return grants_of(user).scope(slug, action)


def can(user, action: str, model) -> bool:
    """May `user` perform `action` on records of `model` at all (any scope)?"""
    return scope(user, action, model) != "none"


def owner_q(user) -> Q:
    """The records `user` owns: assigned to them, or created by them and unassigned."""
    return Q(assigned_user=user) | Q(assigned_user__isnull=True, created_by=user)


class _ProbedExists(Exists):
    """EXISTS that PostgreSQL checks row by row through the (team, record) index.

    Inside an OR, PostgreSQL would otherwise hash every record id of the user's teams first
    (42 ms for a 50,000-record team at 1M leads) although a list page needs a few hundred
    probes (9 ms). "OFFSET 0" keeps the planner from turning the EXISTS into that hash.
    """

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="EXISTS(%(subquery)s OFFSET 0)", **extra_context
        )


def team_q(model, team_ids) -> Q:
    """The records of `model` that belong to one of `team_ids`."""
    through = model.teams.through
    column = model._meta.model_name
    return Q(
        _ProbedExists(through.objects.filter(**{column: OuterRef("pk"), "team_id__in": team_ids}))
    )


def restrict(queryset, user, action: str = "view", *, few: bool = False):
    """The part of `queryset` that `user` may `action`; empty when nothing is allowed.

    `few`: the queryset is already narrowed to a handful of primary keys (the links of a page):
    each is probed through the (team, record) index, and the team's records are neither
    counted nor collected."""
    model = queryset.model
    reach = scope(user, action, model)
    if reach == "all":
        return queryset
    if reach == "none":
        return queryset.none()
    team_ids = grants_of(user).team_ids if reach == "team" else []
    if not team_ids:
        return queryset.filter(owner_q(user))
    members = model.teams.through.objects.filter(team_id__in=team_ids)
    column = f"{model._meta.model_name}_id"
    if not few and grants_of(user).team_set_is_small(model, members):
        # A few thousand team records at most: collect their ids (and the user's own) first,
        # then sort just those. Scanning the list's sort index for them instead could read
        # most of a million-row table before finding a page.
        owned = model.with_deleted.filter(owner_q(user)).values("pk")
        return queryset.filter(pk__in=members.values(column).union(owned, all=True))
    # Many team records: walk the sort index and keep the rows owned or in a team; a page is
    # found after a few hundred rows.
    return queryset.filter(owner_q(user) | team_q(model, team_ids))


def allows(user, action: str, record) -> bool:
    """May `user` `action` this one record (checked in memory where possible)?"""
    reach = scope(user, action, type(record))
    if reach in ("all", "none"):
        return reach == "all"
    owner = record.assigned_user_id or record.created_by_id
    if owner == user.pk:
        return True
    if reach == "owner" or not grants_of(user).team_ids:
        return False
    return record.teams.filter(pk__in=grants_of(user).team_ids).exists()


def user_team_ids(user) -> list[int]:
    """The ids of the teams `user` belongs to (a new record of theirs joins them)."""
    if user is None or not getattr(user, "pk", None):
        return []
    return list(grants_of(user).team_ids)


def join_teams(model, record_ids, team_ids) -> None:
    """Add records of `model` to teams, in one statement; existing memberships are kept."""
    rows = team_rows(model, record_ids, team_ids)
    if rows:
        model.teams.through.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def team_rows(model, record_ids, team_ids) -> list:
    """The (unsaved) membership rows that put records of `model` into teams."""
    through = model.teams.through
    column = f"{model._meta.model_name}_id"
    return [
        through(**{column: pk, "team_id": team})
        for pk in record_ids
        for team in sorted(set(team_ids))
    ]


def visible_ids(user, model, ids, action: str = "view") -> set:
    """Which of `ids` (records of `model`, in the trash or not) `user` may `action`: for pages
    that show links to other records (a contact's account in a list row).

    The one permission filter (`restrict`) decides: no query when the scope is All or None,
    else one query over just these ids, by primary key and then owner or team, so it never
    collects a team's records first (a page of links is a few dozen ids). Whether a linked
    record is in the trash is the caller's to check.
    """
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return set()
    if scope(user, action, model) == "all":
        return ids  # restrict would keep every one of them: no need to ask the database
    allowed = restrict(model.with_deleted.filter(pk__in=ids), user, action, few=True)
    return set(allowed.values_list("pk", flat=True))
