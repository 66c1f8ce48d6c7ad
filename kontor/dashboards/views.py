"""The home page: the signed-in user's dashboard of widgets, beside it as tabs the team
dashboards they see, and the fragments the widgets load after the page.

Every write is one action (kontor.dashboards.actions) on a dashboard the user owns; a dashboard
they do not see, or a widget of someone else's, is not found (404) and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.dashboards import actions, queries
from kontor.dashboards.models import Dashboard, Size, Widget
from kontor.dashboards.widgets import DEFAULTS, KINDS, choices, in_place
from kontor.reports.models import Report
from kontor.users.models import Team

#: Bootstrap grid classes of each size (docs/dashboards.md)
COLUMNS = {
    Size.SMALL: "col-12 col-md-6 col-xl-4",
    Size.MEDIUM: "col-12 col-xl-6",
    Size.LARGE: "col-12",
}


def _page_url(dashboard: Dashboard | None) -> str:
    if dashboard is None or dashboard.team_id is None:
        return reverse("home")
    return reverse("dashboards:shown", args=[dashboard.pk])


def _widgets_of(dashboard: Dashboard | None, user) -> list[Widget]:
    """The widgets of `dashboard` (None: the defaults, unsaved) `user`'s roles show."""
    if dashboard is None:
        widgets = [
            Widget(kind=key, size=KINDS[key].size, position=i) for i, key in enumerate(DEFAULTS)
        ]
    else:
        widgets = list(dashboard.widgets.order_by("position", "pk"))
    return [w for w in widgets if w.kind in KINDS and KINDS[w.kind].shown_to(user)]


def _page(request, current: Dashboard | None, tabs: list[Dashboard]):
    user = request.user
    editable = current is None or current.owner_id == user.pk
    widgets = _widgets_of(current, user)
    fragment = (
        "dashboards:widget"
        if current is None or current.team_id is None
        else "dashboards:shared-widget"
    )
    for widget in widgets:
        kind = widget.kind_info = KINDS[widget.kind]
        widget.columns = COLUMNS.get(widget.size, COLUMNS[Size.MEDIUM])
        args = [widget.ref] if fragment == "dashboards:widget" else [current.pk, widget.ref]
        widget.fragment_url = reverse(fragment, args=args)
        # What is at hand is shown in place: one request instead of one per widget.
        found = in_place(kind, user, widget)
        # Rendered without the page's context processors (the navigation, once per widget):
        # a widget's template reads only its own context and the form token.
        widget.body = (
            None
            if found is None
            else get_template(kind.template).render(
                {
                    "widget": widget,
                    "kind": kind,
                    "reload_url": widget.fragment_url,
                    "csrf_token": get_token(request),
                    **found,
                }
            )
        )
    context = {
        "current": current,
        "tabs": tabs,
        "widgets": widgets,
        "editable": editable,
        "sizes": Size.choices,
    }
    if editable:
        context["kinds"] = choices(user)
        context["reports"] = Report.objects.visible_to(user).order_by("name").only("pk", "name")
        if current is None and queries.may_share(user):
            context["teams"] = queries.shareable_teams(user)
    return render(request, "dashboards/dashboard.html", context)


@login_required
def home(request):
    """The user's own dashboard (the defaults until they change it)."""
    tabs = list(
        queries.visible(request.user).select_related("team", "owner").order_by("team__name", "pk")
    )
    own = next((d for d in tabs if d.team_id is None), None)
    return _page(request, own, [d for d in tabs if d.team_id is not None])


@login_required
def shown(request, pk):
    """A team dashboard the user sees (read-only unless they shared it)."""
    tabs = list(
        queries.visible(request.user)
        .filter(team__isnull=False)
        .select_related("team", "owner")
        .order_by("team__name", "pk")
    )
    current = next((d for d in tabs if d.pk == pk), None)
    if current is None:
        raise Http404
    return _page(request, current, tabs)


def _fragment(request, dashboard: Dashboard | None, ref: str):
    user = request.user
    if dashboard is None:
        if ref not in DEFAULTS:
            raise Http404
        widget = Widget(kind=ref, size=KINDS[ref].size)
    else:
        try:
            widget = queries.find_widget(list(dashboard.widgets.all()), ref)
        except Widget.DoesNotExist:
            raise Http404 from None
    kind = KINDS.get(widget.kind)
    if kind is None or not kind.shown_to(user):
        raise Http404
    # Asked again by its card while a refresh of its figures runs (`?poll`): no new refresh.
    widget.polled = "poll" in request.GET
    context = {"widget": widget, "kind": kind, "reload_url": request.path}
    return render(request, kind.template, {**context, **kind.context(user, widget)})


@login_required
def widget(request, ref):
    """One widget of the user's own dashboard, computed for them (loaded after the page)."""
    return _fragment(request, queries.own(request.user), ref)


@login_required
def shared_widget(request, pk, ref):
    """One widget of a team dashboard the user sees, computed for them."""
    return _fragment(request, get_object_or_404(queries.visible(request.user), pk=pk), ref)


def _target(request) -> Dashboard | None:
    """The dashboard a post changes: the one named by `dashboard` among the user's own
    (not found: 404), else their own home dashboard (None: not yet stored)."""
    pk = request.POST.get("dashboard", "")
    if not pk:
        return queries.own(request.user)
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(queries.editable(request.user), pk=pk)


def _done(request, dashboard, message: str = ""):
    if message:
        messages.success(request, message)
    if request.headers.get("HX-Request") or request.headers.get("Accept") == "application/json":
        return HttpResponse(status=204)
    return HttpResponseRedirect(_page_url(dashboard))


def _refused(request, dashboard, error: Exception):
    if isinstance(error, ValidationError):
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.error(request, str(error))
    if request.headers.get("HX-Request"):
        return HttpResponse(status=400)
    return HttpResponseRedirect(_page_url(dashboard))


def _change(request, run, message: str):
    dashboard = _target(request)
    try:
        run(dashboard)
    except ObjectDoesNotExist:
        raise Http404 from None
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, dashboard, error)
    return _done(request, dashboard, message)


@login_required
@require_POST
def add(request):
    report = None
    if request.POST.get("kind") == "report":
        report_id = request.POST.get("report", "")
        report = Report.objects.filter(pk=report_id).first() if report_id.isdigit() else None

    def run(dashboard):
        actions.add_widget(
            request.POST.get("kind", ""),
            report=report,
            size=request.POST.get("size", ""),
            actor=request.user,
            dashboard=dashboard,
        )

    return _change(request, run, _("The widget is added."))


@login_required
@require_POST
def remove(request, ref):
    return _change(
        request,
        lambda d: actions.remove_widget(ref, actor=request.user, dashboard=d),
        _("The widget is removed."),
    )


@login_required
@require_POST
def resize(request, ref):
    size = request.POST.get("size", "")
    return _change(
        request,
        lambda d: actions.resize_widget(ref, size, actor=request.user, dashboard=d),
        _("The widget's size is changed."),
    )


@login_required
@require_POST
def move(request, ref):
    step = -1 if request.POST.get("direction") == "up" else 1
    return _change(
        request,
        lambda d: actions.move_widget(ref, step, actor=request.user, dashboard=d),
        _("The widget is moved."),
    )


@login_required
@require_POST
def reorder(request):
    """The order after a drag (SortableJS): the widgets' references, first to last."""
    refs = request.POST.getlist("widget")
    return _change(
        request, lambda d: actions.reorder_widgets(refs, actor=request.user, dashboard=d), ""
    )


@login_required
@require_POST
def share(request):
    """Share a copy of the user's dashboard with one of their teams."""
    team_id = request.POST.get("team", "")
    team = Team.objects.filter(pk=team_id).first() if team_id.isdigit() else None
    try:
        shared = actions.share_with_team(
            team, name=request.POST.get("name", ""), actor=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, None, error)
    messages.success(
        request,
        _("The dashboard “%(name)s” is shared with %(team)s.")
        % {"name": shared.name, "team": team.name},
    )
    return HttpResponseRedirect(_page_url(shared))


@login_required
@require_POST
def delete(request, pk):
    dashboard = get_object_or_404(queries.visible(request.user).filter(team__isnull=False), pk=pk)
    try:
        actions.delete_team_dashboard(dashboard, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, dashboard, error)
    messages.success(
        request, _("The dashboard “%(name)s” is no longer shared.") % {"name": dashboard.name}
    )
    return HttpResponseRedirect(reverse("home"))
