"""SuiteCRM's Users module for the V8 and v4_1 APIs: its attributes, and which users a caller
may read.

The one rule both APIs follow (through `ApiModule.queryset`, which every list, read, count and
relationship read of Users goes through): a caller sees the other users when an administrator
or when their roles open some record type that shows them (`Module.shows_other_users`: all
but Targets); a caller whose roles open Targets only (the preset *External lead generation*:
"Targets only, nothing else visible") or nothing at all sees themselves only. Another user's
id then answers as an id that does not exist.
"""

from django.contrib.auth import get_user_model

from kontor.core import permissions, registry
from kontor.suiteapi.attributes import Attribute
from kontor.suiteapi.references import Computed, user_name


def sees_other_users(user) -> bool:
    """May `user` read other users' names and addresses through SuiteCRM's APIs?"""
    if permissions.is_admin(user):
        return True
    return any(
        permissions.can(user, "access", module.model)
        for module in registry.modules()
        if module.shows_other_users
    )


def visible_users(user):
    """The users `user` may read: everyone, only `user`, or nobody (inactive or no user)."""
    users = get_user_model().objects
    if user is None or not user.is_active:
        return users.none()
    if sees_other_users(user):
        return users.all()
    return users.filter(pk=user.pk)


def _name(user, prepared) -> str:
    return user_name(user)


def _status(user, prepared) -> str:
    return "Active" if user.is_active else "Inactive"


def user_attributes() -> list[Attribute]:
    """The Users attributes: read-only; V8 hides the user name, status and admin flag."""
    return [
        Computed("name", None, type="name", read_only=True, compute=_name),
        Attribute("user_name", "username", read_only=True, api_visible=False),
        Attribute("first_name", "first_name", read_only=True),
        Attribute("last_name", "last_name", read_only=True),
        Computed("full_name", None, type="fullname", read_only=True, compute=_name),
        Attribute("email1", "email", type="email", read_only=True),
        Computed(
            "status",
            None,
            type="enum",
            read_only=True,
            api_visible=False,
            options="user_status_dom",
            compute=_status,
        ),
        Attribute("date_entered", "date_joined", type="datetime", read_only=True),
    ]
