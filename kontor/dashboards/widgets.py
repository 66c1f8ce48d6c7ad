"""The kinds of widget a dashboard may hold, and what each shows its viewer.

A kind names its record types: a widget of a record type the viewer's roles do not list would
only ever be empty, so the home page leaves it out. `context(user, widget)` computes what the
widget's fragment (loaded after the page) shows, always for the person viewing it and through
the permission filter; list kinds show rows, the others a `charts.Chart`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.activities.models import Call, Meeting, Task
from kontor.core import permissions
from kontor.core.records.tables import link_texts
from kontor.dashboards import charts, kept
from kontor.dashboards.models import Size
from kontor.leads.models import CLOSED_STATUSES, Lead
from kontor.opportunities.models import CLOSED_STAGES, Opportunity
from kontor.reports import charts as report_charts
from kontor.reports import results as report_results
from kontor.reports.models import Report
from kontor.targets.models import Target

ROWS = 10


@dataclass(frozen=True)
class Kind:
    """A kind of widget: its name, who is shown it and how its figures are gathered."""

    key: str
    label: str
    icon: str
    #: the widget is shown to those who may list records of any of these
    models: tuple
    context: Callable
    template: str = "dashboards/widgets/_chart.html"
    size: str = Size.MEDIUM
    #: (user) -> charts.Chart of a chart kind whose last figures are kept (kontor.dashboards.
    #: kept): shown at once with their age, refreshed in the background
    figures: Callable | None = None
    #: the figures count the viewer's own records (never shared with another viewer)
    personal: bool = False
    #: its rows are a few read along an index: the home page shows them in place instead of
    #: leaving them to a second request
    at_hand: bool = False

    def shown_to(self, user) -> bool:
        return not self.models or any(permissions.can(user, "list", m) for m in self.models)


def _today_range():
    start = datetime.combine(timezone.localdate(), time.min, tzinfo=timezone.get_current_timezone())
    return start, start + timedelta(days=1)


def _creatable(user, model) -> bool:
    # An empty widget offers the next step only to those who may take it.
    return permissions.can(user, "create", model)


def _mine(model, user):
    """The records of `model` assigned to `user`, through the permission filter. Their own
    records pass it whatever their scope, so the filter probes each row's teams (`few`)
    instead of first counting their teams' records: one query per list, not two."""
    return permissions.restrict(model.objects.filter(assigned_user=user), user, "list", few=True)


def tasks(user, widget) -> dict:
    rows = (
        _mine(Task, user)
        .exclude(status__in=Task.CLOSED_STATUSES)
        .order_by(F("date_due").asc(nulls_last=True), "pk")[:ROWS]
    )
    return {"tasks": rows, "now": timezone.now(), "creatable": _creatable(user, Task)}


def calendar(user, widget) -> dict:
    start, end = _today_range()
    calls = meetings = []
    if permissions.can(user, "list", Call):
        calls = (
            _mine(Call, user)
            .filter(date_start__gte=start, date_start__lt=end)
            .order_by("date_start", "pk")[:ROWS]
        )
    if permissions.can(user, "list", Meeting):
        meetings = (
            _mine(Meeting, user)
            .filter(date_start__gte=start, date_start__lt=end)
            .order_by("date_start", "pk")[:ROWS]
        )
    # One agenda in the order of the day, calls and meetings mixed, as a calendar shows them.
    agenda = sorted(
        [("telephone", c) for c in calls] + [("people", m) for m in meetings],
        key=lambda item: (item[1].date_start, item[0] == "people"),
    )
    return {
        "calls": calls,
        "meetings": meetings,
        "agenda": agenda,
        "creatable": _creatable(user, Meeting),
    }


def leads(user, widget) -> dict:
    rows = (
        _mine(Lead, user)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-date_entered", "-pk")[:ROWS]
    )
    return {"leads": rows, "creatable": _creatable(user, Lead)}


def opportunities(user, widget) -> dict:
    rows = (
        _mine(Opportunity, user)
        .exclude(sales_stage__in=CLOSED_STAGES)
        .select_related("account")
        .order_by("date_closed", "pk")[:ROWS]
    )
    # A rep may own an opportunity of an account they may not see: never its name.
    return {
        "opportunities": link_texts(user, rows, "account"),
        "creatable": _creatable(user, Opportunity),
    }


def report(user, widget, *, stored_only: bool = False) -> dict | None:
    """A saved report's last result for the viewer with its age; an old one is refreshed by a
    worker (kontor.reports.results) and the card shows the fresh one when it is there.
    `stored_only`: None instead of counting it now when none is stored (the home page then
    leaves the widget to its fragment)."""
    found = (
        Report.objects.visible_to(user).filter(pk=widget.report_id).first()
        if widget is not None and widget.report_id
        else None
    )
    if found is None:
        return {"report": None}
    if stored_only and report_results.stored(found, user) is None:
        return None
    # A card waiting for the refresh queues none itself: it waits while one is queued.
    polled = getattr(widget, "polled", False)
    shown = report_results.latest(found, user, refresh=not polled)
    old = timezone.now() - shown.generated_at > report_results.FRESH_FOR
    refreshing = shown.refreshing or (polled and old and report_results.refreshing(found, user))
    return {
        "report": found,
        "result": shown.result,
        "generated_at": shown.generated_at,
        "refreshing": refreshing,
        "spec": report_charts.data(shown.result, found.chart),
    }


def _chart(compute) -> Callable:
    def context(user, widget) -> dict:
        return {"chart": compute(user)}

    return context


def _kept(key: str) -> Callable:
    """The context of a kind whose figures are kept: the last ones with their age."""

    def context(user, widget) -> dict:
        kind = KINDS[key]
        polled = getattr(widget, "polled", False)
        return shown_context(kept.latest(kind, user, kind.figures, queue=not polled))

    return context


def shown_context(shown) -> dict:
    """What a kept chart's template shows of a `reports.results.Shown`."""
    return {
        "chart": shown.result,
        "generated_at": shown.generated_at,
        "refreshing": shown.refreshing,
        "kept": True,
    }


def _figures(key: str, label, icon: str, models: tuple, compute, **options) -> "Kind":
    return Kind(key, label, icon, models, _kept(key), figures=compute, **options)


_ACTIVITIES = (Task, Call, Meeting)
_KINDS = [
    Kind(
        "tasks",
        _("My open tasks"),
        "check2-square",
        (Task,),
        tasks,
        "dashboards/widgets/_tasks.html",
        at_hand=True,
    ),
    Kind(
        "calendar",
        _("Today's calls and meetings"),
        "calendar-event",
        (Call, Meeting),
        calendar,
        "dashboards/widgets/_calendar.html",
        at_hand=True,
    ),
    Kind(
        "leads",
        _("My open leads"),
        "person-plus",
        (Lead,),
        leads,
        "dashboards/widgets/_leads.html",
        at_hand=True,
    ),
    Kind(
        "opportunities",
        _("My open opportunities"),
        "graph-up-arrow",
        (Opportunity,),
        opportunities,
        "dashboards/widgets/_opportunities.html",
        at_hand=True,
    ),
    _figures(
        "pipeline",
        _("My pipeline by stage"),
        "kanban",
        (Opportunity,),
        charts.pipeline,
        personal=True,
    ),
    _figures(
        "forecast",
        _("Forecast vs quota"),
        "bullseye",
        (Opportunity,),
        charts.forecast,
        personal=True,
    ),
    Kind("funnel", _("Funnel (last 12 months)"), "funnel", (Lead, Target), _chart(charts.funnel)),
    Kind("activities", _("Activities due"), "alarm", _ACTIVITIES, _chart(charts.activities_due)),
    _figures("lead_sources", _("Leads by source"), "pie-chart", (Lead,), charts.lead_sources),
    _figures(
        "won_lost", _("Won and lost by month"), "bar-chart-line", (Opportunity,), charts.won_lost
    ),
    _figures(
        "leaderboard",
        _("Team leaderboard"),
        "trophy",
        (Opportunity,),
        charts.leaderboard,
        size=Size.SMALL,
    ),
    Kind("report", _("Saved report"), "bar-chart", (), report, "dashboards/widgets/_report.html"),
]
KINDS = {kind.key: kind for kind in _KINDS}
kept.provide({key: kind for key, kind in KINDS.items() if kind.figures is not None})

#: A new user's dashboard: the lists of "My day", their pipeline and their forecast.
DEFAULTS = ("tasks", "calendar", "leads", "opportunities", "pipeline", "forecast")


def in_place(kind, user, widget) -> dict | None:
    """The context of `widget` when its figures are at hand as the page renders (a list of a
    few rows, kept figures or a saved report's stored result, of any age); None: its
    fragment loads after the page."""
    if kind.at_hand:
        return kind.context(user, widget)
    if kind.figures is not None:
        shown = kept.peek(kind, user)
        return None if shown is None else shown_context(shown)
    if kind.key == "report":
        return report(user, widget, stored_only=True)
    return None


def choices(user) -> list[Kind]:
    """The kinds `user` may add, in the registry's order."""
    return [kind for kind in _KINDS if kind.shown_to(user)]
