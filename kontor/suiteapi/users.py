"""SuiteCRM's Users module for the V8 and v4_1 APIs: which users a caller may read.

The one rule both APIs follow (through `ApiModule.queryset`, which every list, read, count and
relationship read of Users goes through): a caller sees the other users when an administrator
or when their roles open some record type other than Targets; a caller whose roles open
Targets only (the preset *External lead generation*: "Targets only, nothing else visible") or
nothing at all sees themselves only. Another user's id then answers as an id that does not
exist.
"""

from django.contrib.auth import get_user_model

from kontor.core import permissions, registry

#: Record types whose access alone does not show a caller the other users
ALONE = frozenset({"targets"})


def sees_other_users(user) -> bool:
    """May `user` read other users' names and addresses through SuiteCRM's APIs?"""
    if permissions.is_admin(user):
        return True
    return any(
        permissions.can(user, "access", module.model)
        for module in registry.modules()
        if module.slug not in ALONE
    )


def visible_users(user):
    """The users `user` may read: everyone, only `user`, or nobody (inactive or no user)."""
    users = get_user_model().objects
    if user is None or not user.is_active:
        return users.none()
    if sees_other_users(user):
        return users.all()
    return users.filter(pk=user.pk)
