"""The writes of dashboards: a user's own arrangement of their home page and the team
dashboards sales managers share. Like saved views they are bookkeeping, not changes of
records: no change-log row. Each runs in one transaction under the dashboard's row lock.

A user's own dashboard is written by their first change: until then they see the default
widgets (`widgets.DEFAULTS`), which pages name by their kind instead of an id. Only the owner
changes a dashboard; callers pass a dashboard found through `queries.editable` (not found: 404)
and a widget reference the action looks up on that dashboard alone, so a forged id of another
user's widget is `Widget.DoesNotExist`, with nothing changed.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.core import permissions
from kontor.dashboards import queries
from kontor.dashboards.models import Dashboard, Size, Widget
from kontor.dashboards.widgets import DEFAULTS, KINDS
from kontor.reports.models import Report

NAME_MAX = 80


def _locked(dashboard: Dashboard | None, actor) -> Dashboard:
    """`dashboard` (None: `actor`'s own, written with the default widgets when it is not yet
    stored), locked for the rest of the transaction."""
    if dashboard is None:
        dashboard, created = Dashboard.objects.get_or_create(owner=actor, team=None)
        if created:
            Widget.objects.bulk_create(
                Widget(dashboard=dashboard, kind=key, size=KINDS[key].size, position=i)
                for i, key in enumerate(DEFAULTS)
            )
    if dashboard.owner_id != actor.pk:
        raise PermissionDenied(_("Only the owner of a dashboard may change it."))
    return Dashboard.objects.select_for_update().get(pk=dashboard.pk)


def _widgets(dashboard: Dashboard) -> list[Widget]:
    return list(dashboard.widgets.order_by("position", "pk"))


def _touch(dashboard: Dashboard) -> None:
    dashboard.modified = timezone.now()
    dashboard.save(update_fields=["modified"])


def _renumber(widgets: list[Widget]) -> None:
    changed = []
    for position, widget in enumerate(widgets):
        if widget.position != position:
            widget.position = position
            changed.append(widget)
    Widget.objects.bulk_update(changed, ["position"])


@transaction.atomic
def add_widget(kind: str, *, actor, dashboard=None, report=None, size: str = "") -> Widget:
    """Add a widget of `kind` (a saved `report` for "report") at the end of `dashboard`
    (None: `actor`'s own)."""
    errors = {}
    found = KINDS.get(kind)
    if found is None or not found.shown_to(actor):
        errors["kind"] = [_("Choose a kind of widget your roles show.")]
    elif kind == "report" and (
        report is None or not Report.objects.visible_to(actor).filter(pk=report.pk).exists()
    ):
        errors["report"] = [_("Choose one of the reports you may open.")]
    if size and size not in Size.values:
        errors["size"] = [_("Choose small, medium or large.")]
    if errors:
        raise ValidationError(errors)
    dashboard = _locked(dashboard, actor)
    widgets = _widgets(dashboard)
    widget = Widget.objects.create(
        dashboard=dashboard,
        kind=kind,
        size=size or found.size,
        position=len(widgets),
        report=report if kind == "report" else None,
    )
    _renumber(widgets + [widget])
    _touch(dashboard)
    return widget


@transaction.atomic
def remove_widget(ref, *, actor, dashboard=None) -> None:
    """Take the widget `ref` off `dashboard` (None: `actor`'s own)."""
    dashboard = _locked(dashboard, actor)
    widgets = _widgets(dashboard)
    widget = queries.find_widget(widgets, ref)
    widget.delete()
    _renumber([w for w in widgets if w is not widget])
    _touch(dashboard)


@transaction.atomic
def resize_widget(ref, size: str, *, actor, dashboard=None) -> Widget:
    """Make the widget `ref` small, medium or large."""
    if size not in Size.values:
        raise ValidationError({"size": [_("Choose small, medium or large.")]})
    dashboard = _locked(dashboard, actor)
    widget = queries.find_widget(_widgets(dashboard), ref)
    if widget.size != size:
        widget.size = size
        widget.save(update_fields=["size"])
        _touch(dashboard)
    return widget


@transaction.atomic
def reorder_widgets(refs, *, actor, dashboard=None) -> None:
    """Put the widgets of `dashboard` in the order of `refs` (dragged); widgets not named
    follow in their old order, references to no widget of this dashboard are ignored."""
    dashboard = _locked(dashboard, actor)
    widgets = _widgets(dashboard)
    named = []
    for ref in dict.fromkeys(str(r) for r in refs):
        try:
            widget = queries.find_widget(widgets, ref)
        except Widget.DoesNotExist:
            continue
        if widget not in named:
            named.append(widget)
    _renumber(named + [w for w in widgets if w not in named])
    _touch(dashboard)


@transaction.atomic
def move_widget(ref, step: int, *, actor, dashboard=None) -> None:
    """Move the widget `ref` one place up (step -1) or down (+1): the keyboard's way of
    reordering."""
    dashboard = _locked(dashboard, actor)
    widgets = _widgets(dashboard)
    widget = queries.find_widget(widgets, ref)
    i = widgets.index(widget)
    j = min(max(i + (1 if step > 0 else -1), 0), len(widgets) - 1)
    widgets[i], widgets[j] = widgets[j], widgets[i]
    _renumber(widgets)
    _touch(dashboard)


@transaction.atomic
def share_with_team(team, *, name: str, actor) -> Dashboard:
    """Share a copy of `actor`'s own dashboard (its widgets, sizes and order) with `team`, as
    a tab its members see read-only. Sales managers of the team only (administrators too)."""
    if not queries.may_share(actor):
        raise PermissionDenied(_("Only sales managers share dashboards with their teams."))
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the dashboard a name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("The name may have at most %(max)d characters.") % {"max": NAME_MAX}]
    if team is None or team not in queries.shareable_teams(actor):
        errors["team"] = [_("Choose a team you belong to.")]
    elif Dashboard.objects.filter(owner=actor, team=team).exists():
        errors["team"] = [_("You already share a dashboard with this team.")]
    if errors:
        raise ValidationError(errors)
    own = queries.own(actor)
    source = (
        [(w.kind, w.size, w.report_id) for w in _widgets(own)]
        if own is not None
        else [(key, KINDS[key].size, None) for key in DEFAULTS]
    )
    shared = Dashboard.objects.create(owner=actor, team=team, name=name)
    Widget.objects.bulk_create(
        Widget(dashboard=shared, kind=kind, size=size, position=i, report_id=report_id)
        for i, (kind, size, report_id) in enumerate(source)
    )
    return shared


@transaction.atomic
def delete_team_dashboard(dashboard: Dashboard, *, actor) -> None:
    """Stop sharing `dashboard` (its owner or an administrator)."""
    if dashboard.team_id is None:
        raise ValidationError({"dashboard": [_("Your own dashboard cannot be deleted.")]})
    if dashboard.owner_id != actor.pk and not permissions.is_admin(actor):
        raise PermissionDenied(_("Only the owner of a dashboard may change it."))
    dashboard.delete()
