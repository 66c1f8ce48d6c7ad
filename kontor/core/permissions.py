"""The one permission filter (DESIGN.md rule 3) and the module-level checks.

Every query of records goes through `restrict(queryset, user, action)` (reached as
`Model.objects.visible_to(user, action)`), and every page asks `can(user, action, model)`
before offering a verb. Roles and teams (DOMAIN.md §6) plug in here; until they exist every
active, signed-in user may do everything and anonymous users nothing.
"""

ACTIONS = ("access", "view", "list", "edit", "delete", "import", "export", "mass_update")


def restrict(queryset, user, action: str = "view"):
    """The part of `queryset` that `user` may `action`; empty when nothing is allowed."""
    if action not in ACTIONS and action not in ("create", "restore"):
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    return queryset


def is_admin(user) -> bool:
    """Admins bypass roles and reach the administration area."""
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def can(user, action: str, model) -> bool:
    """May `user` perform `action` on records of `model` at all (any scope)?"""
    return bool(user and user.is_authenticated and user.is_active)
