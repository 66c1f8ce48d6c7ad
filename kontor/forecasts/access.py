"""Who keeps and who reads quotas.

Administrators keep everyone's quotas. A user with the Sales manager role keeps the quotas of
the members of their teams (their own too, when they are a member). Everyone reads their own
quota and those of the members of their teams; administrators read all. The forecast shows a
quota only where its viewer may read it.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from kontor.core import permissions
from kontor.users.models import Team

MANAGER_ROLE = "sales_manager"


def is_manager(user) -> bool:
    return user.roles.filter(key=MANAGER_ROLE).exists()


def can_keep(user) -> bool:
    """Whether `user` may keep quotas of anyone (the Quotas page)."""
    return permissions.is_admin(user) or is_manager(user)


def keepable(user) -> QuerySet:
    """The active users whose quotas `user` keeps, by name."""
    users = get_user_model().objects.filter(is_active=True)
    if not permissions.is_admin(user):
        if not is_manager(user):
            return users.none()
        users = users.filter(teams__in=permissions.user_team_ids(user)).distinct()
    return users.order_by("first_name", "last_name", "username")


def readable_ids(user, user_ids) -> set[int]:
    """Which of `user_ids` have quotas `user` may read."""
    wanted = set(user_ids)
    if permissions.is_admin(user):
        return wanted
    teammates = set(
        Team.members.through.objects.filter(
            team_id__in=permissions.user_team_ids(user), user_id__in=wanted
        ).values_list("user_id", flat=True)
    )
    return (teammates | {user.pk}) & wanted
