"""Which dashboards a user sees and changes, and who may share one with a team."""

from django.db.models import Q

from kontor.core import permissions
from kontor.dashboards.models import Dashboard, Widget
from kontor.dashboards.widgets import DEFAULTS
from kontor.users import sharing

MANAGER_ROLE = "sales_manager"


def own(user) -> Dashboard | None:
    """`user`'s own dashboard, if they ever changed it."""
    return Dashboard.objects.filter(owner=user, team=None).first()


def visible(user):
    """The dashboards `user` sees: their own, the team dashboards of teams they belong to and
    those they shared; an administrator sees every team dashboard."""
    if permissions.is_admin(user):
        shown = Q(owner=user) | Q(team__isnull=False)
    else:
        shown = sharing.visible_q(user, by_share=False, teams=permissions.user_team_ids(user))
    return Dashboard.objects.filter(shown)


def editable(user):
    """The dashboards `user` may change: only their own and those they shared."""
    return Dashboard.objects.filter(owner=user)


def may_share(user) -> bool:
    """Sales managers (and administrators) share dashboards with their teams."""
    return permissions.is_admin(user) or user.roles.filter(key=MANAGER_ROLE).exists()


#: The teams a user may share a dashboard with: their own (an administrator: any).
shareable_teams = sharing.shareable_teams


def find_widget(widgets: list[Widget], ref) -> Widget:
    """The widget `ref` names among `widgets`: its id, or the kind of a default widget (pages
    shown before the dashboard was stored name them so)."""
    ref = str(ref)
    for widget in widgets:
        if str(widget.pk) == ref:
            return widget
    for widget in widgets:
        if widget.kind == ref and ref in DEFAULTS:
            return widget
    raise Widget.DoesNotExist(ref)
