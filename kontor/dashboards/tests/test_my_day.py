"""The home page "My day": its default widgets list my open tasks, today's calls and meetings,
my open leads and deals, each loaded after the page as a fragment.

Everything here belongs either to Rolf (the signed-in rep) or to Ada; Ada's records must never
appear on Rolf's day.
"""

import re
import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kontor.activities.tests.factories import CallFactory, MeetingFactory, TaskFactory
from kontor.core.actions import delete_records
from kontor.core.testing import count_queries
from kontor.dashboards import kept
from kontor.dashboards.widgets import DEFAULTS
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.actions import update_profile

#: The queries of the home page and of each default widget, pinned.
PINNED = {
    "/": 12,
    "/dashboards/widgets/tasks/": 5,
    "/dashboards/widgets/calendar/": 6,
    "/dashboards/widgets/leads/": 5,
    "/dashboards/widgets/opportunities/": 5,
    "/dashboards/widgets/pipeline/": 5,
    "/dashboards/widgets/forecast/": 8,
}


def local_noon(days: int = 0, tz=None) -> datetime:
    """Noon of today (+ days) in `tz` (the default time zone when None)."""
    today = timezone.localtime(timezone=tz).date() + timedelta(days=days)
    return datetime.combine(today, time(12, 0), tzinfo=tz or timezone.get_current_timezone())


WIDGETS = {"tasks": "tasks", "calls": "calendar", "meetings": "calendar", "leads": "leads"}


def widget(client, key):
    return client.get(f"/dashboards/widgets/{WIDGETS.get(key, key)}/")


def names(client, key) -> list[str]:
    """The names the widget showing `key` lists."""
    rows = widget(client, key).context[key]
    return [row.name if hasattr(row, "name") else str(row) for row in rows]


@pytest.fixture
def day(rep, admin):
    """Rolf's and Ada's records, named after whose they are and whether they belong on the day."""
    for user, who in ((rep, "mine"), (admin, "ada")):
        TaskFactory(name=f"{who} open task", actor=user)
        TaskFactory(name=f"{who} task in progress", status="In Progress", actor=user)
        TaskFactory(name=f"{who} completed task", status="Completed", actor=user)
        TaskFactory(name=f"{who} deferred task", status="Deferred", actor=user)
        CallFactory(name=f"{who} call today", date_start=local_noon(), actor=user)
        CallFactory(name=f"{who} call yesterday", date_start=local_noon(-1), actor=user)
        MeetingFactory(name=f"{who} meeting today", date_start=local_noon(), actor=user)
        MeetingFactory(name=f"{who} meeting tomorrow", date_start=local_noon(1), actor=user)
        LeadFactory(last_name=f"{who} new lead", actor=user)
        LeadFactory(last_name=f"{who} dead lead", status="Dead", actor=user)
        LeadFactory(last_name=f"{who} recycled lead", status="Recycled", actor=user)
        OpportunityFactory(name=f"{who} open deal", actor=user)
        OpportunityFactory(name=f"{who} won deal", sales_stage="Closed Won", actor=user)
        OpportunityFactory(name=f"{who} lost deal", sales_stage="Closed Lost", actor=user)
    trashed = TaskFactory(name="mine trashed task", actor=rep)
    delete_records([trashed], actor=rep)


def test_my_day_shows_my_open_work_and_nothing_of_others(rep_client, day):
    response = rep_client.get("/")
    assert response.status_code == 200
    assert sorted(names(rep_client, "tasks")) == ["mine open task", "mine task in progress"]
    assert names(rep_client, "calls") == ["mine call today"]
    assert names(rep_client, "meetings") == ["mine meeting today"]
    assert names(rep_client, "leads") == ["Lena mine new lead"]
    assert names(rep_client, "opportunities") == ["mine open deal"]
    html = "".join(
        widget(rep_client, k).content.decode() for k in ("tasks", "calls", "leads", "opportunities")
    )
    assert "mine open task" in html and "mine meeting today" in html
    assert "ada " not in html


def test_my_day_is_empty_for_a_new_user(rep_client, admin):
    TaskFactory(name="ada open task", actor=admin)
    assert [
        names(rep_client, k) for k in ("tasks", "calls", "meetings", "leads", "opportunities")
    ] == [[]] * 5
    assert "No open tasks." in widget(rep_client, "tasks").content.decode()


def test_today_is_the_users_own_day(rep_client, rep):
    update_profile(rep, language="en", time_zone="America/New_York", actor=rep)
    new_york = zoneinfo.ZoneInfo("America/New_York")
    late = local_noon(tz=new_york).replace(hour=23, minute=30)
    early = local_noon(tz=new_york).replace(hour=0, minute=15)
    CallFactory(name="late call", date_start=late, actor=rep)
    CallFactory(name="early call", date_start=early, actor=rep)
    CallFactory(name="yesterday late", date_start=early - timedelta(minutes=30), actor=rep)
    assert names(rep_client, "calls") == ["early call", "late call"]


def test_a_task_marked_done_leaves_my_day(rep_client, rep):
    task = TaskFactory(name="finish me", actor=rep)
    assert names(rep_client, "tasks") == ["finish me"]
    rep_client.post(f"/tasks/{task.pk}/complete/", {"next": "/"})
    assert names(rep_client, "tasks") == []


def test_a_task_is_marked_done_from_the_page_itself(rep):
    # My day's lists are rendered into the page: their forms carry a valid CSRF token.
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    task = TaskFactory(name="finish me", actor=rep)
    page = client.get("/").content.decode()
    form = page.split(f'action="/tasks/{task.pk}/complete/"')[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(f"/tasks/{task.pk}/complete/", {"csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    task.refresh_from_db()
    assert task.status == "Completed"


def test_my_day_needs_sign_in(db):
    for url in ("/", "/dashboards/widgets/tasks/"):
        response = Client().get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_my_day_query_count_does_not_grow_with_the_rows(rep_client, rep, monkeypatch):
    # Counted on every request: no figures are kept between them (tests/test_kept.py).
    monkeypatch.setattr(kept, "KEEP_SECONDS", 0)

    def add(n):
        for _ in range(n):
            TaskFactory(actor=rep)
            CallFactory(date_start=local_noon(), actor=rep)
            MeetingFactory(date_start=local_noon(), actor=rep)
            LeadFactory(actor=rep)
            OpportunityFactory(actor=rep)

    add(2)
    rep_client.get("/")
    pages = ["/"] + [f"/dashboards/widgets/{kind}/" for kind in DEFAULTS]
    few = [count_queries(lambda url=url: rep_client.get(url))[0] for url in pages]
    add(6)
    many = [count_queries(lambda url=url: rep_client.get(url))[0] for url in pages]
    assert len(widget(rep_client, "opportunities").context["opportunities"]) == 8
    assert few == many
    # The page: session, user with profile, dashboards, roles, and My day's four lists shown
    # in place (the calendar two); each widget: its own grouped queries.
    pinned = dict(zip(pages, few, strict=True))
    assert pinned == PINNED


def test_the_days_calls_and_meetings_are_one_agenda_in_time_order(rep_client, rep):
    CallFactory(name="call at 9", date_start=local_noon().replace(hour=9), actor=rep)
    CallFactory(name="call at 15", date_start=local_noon().replace(hour=15), actor=rep)
    MeetingFactory(name="meeting at 10", date_start=local_noon().replace(hour=10), actor=rep)
    agenda = widget(rep_client, "calendar").context["agenda"]
    assert [item.name for _icon, item in agenda] == ["call at 9", "meeting at 10", "call at 15"]
    assert [icon for icon, _item in agenda] == ["telephone", "people", "telephone"]
