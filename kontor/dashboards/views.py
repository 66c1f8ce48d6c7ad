"""The home page "My day" (Mein Tag): what the signed-in user should do today."""

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone

from kontor.activities.models import Call, Meeting, Task
from kontor.core import permissions
from kontor.core.records.tables import link_texts
from kontor.leads.models import CLOSED_STATUSES, Lead
from kontor.opportunities.models import CLOSED_STAGES, Opportunity

ROWS = 10


def _today_range():
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    start = datetime.combine(today, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


@login_required
def my_day(request):
    user = request.user
    start, end = _today_range()
    tasks = (
        Task.objects.visible_to(user, "list")
        .filter(assigned_user=user)
        .exclude(status__in=Task.CLOSED_STATUSES)
        .order_by(F("date_due").asc(nulls_last=True), "pk")[:ROWS]
    )
    calls = (
        Call.objects.visible_to(user, "list")
        .filter(assigned_user=user, date_start__gte=start, date_start__lt=end)
        .order_by("date_start", "pk")[:ROWS]
    )
    meetings = (
        Meeting.objects.visible_to(user, "list")
        .filter(date_start__gte=start, date_start__lt=end)
        .filter(assigned_user=user)
        .order_by("date_start", "pk")[:ROWS]
    )
    leads = (
        Lead.objects.visible_to(user, "list")
        .filter(assigned_user=user)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-date_entered", "-pk")[:ROWS]
    )
    opportunities = (
        Opportunity.objects.visible_to(user, "list")
        .filter(assigned_user=user)
        .exclude(sales_stage__in=CLOSED_STAGES)
        .select_related("account")
        .order_by("date_closed", "pk")[:ROWS]
    )
    # A rep may own an opportunity of an account they may not see: never its name.
    opportunities = link_texts(user, opportunities, "account")
    now = timezone.now()
    # A panel of a record type the user's roles do not list would only ever be empty.
    show = {
        "tasks": permissions.can(user, "list", Task),
        "calendar": permissions.can(user, "list", Call) or permissions.can(user, "list", Meeting),
        "leads": permissions.can(user, "list", Lead),
        "opportunities": permissions.can(user, "list", Opportunity),
    }
    # An empty panel offers the next step only to those who may take it.
    creatable = {
        "tasks": permissions.can(user, "create", Task),
        "meetings": permissions.can(user, "create", Meeting),
        "leads": permissions.can(user, "create", Lead),
        "opportunities": permissions.can(user, "create", Opportunity),
    }
    return render(
        request,
        "dashboards/my_day.html",
        {
            "tasks": tasks,
            "calls": calls,
            "meetings": meetings,
            "leads": leads,
            "opportunities": opportunities,
            "now": now,
            "show": show,
            "creatable": creatable,
            "shows_any": any(show.values()),
        },
    )
