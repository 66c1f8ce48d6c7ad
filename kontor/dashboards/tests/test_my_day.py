"""The home page "My day": my open tasks, today's calls and meetings, my open leads and deals.

Everything here belongs either to Rolf (the signed-in rep) or to Ada; Ada's records must never
appear on Rolf's day.
"""

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kontor.activities.tests.factories import CallFactory, MeetingFactory, TaskFactory
from kontor.core.actions import delete_records
from kontor.core.testing import (
    assert_query_count,
    count_queries,
)
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.actions import update_profile


def local_noon(days: int = 0, tz=None) -> datetime:
    """Noon of today (+ days) in `tz` (the default time zone when None)."""
    today = timezone.localtime(timezone=tz).date() + timedelta(days=days)
    return datetime.combine(today, time(12, 0), tzinfo=tz or timezone.get_current_timezone())


def names(response, key) -> list[str]:
    return [row.name if hasattr(row, "name") else str(row) for row in response.context[key]]


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
    assert sorted(names(response, "tasks")) == ["mine open task", "mine task in progress"]
    assert names(response, "calls") == ["mine call today"]
    assert names(response, "meetings") == ["mine meeting today"]
    assert names(response, "leads") == ["Lena mine new lead"]
    assert names(response, "opportunities") == ["mine open deal"]
    html = response.content.decode()
    assert "mine open task" in html and "mine meeting today" in html
    assert "ada " not in html


def test_my_day_is_empty_for_a_new_user(rep_client, admin):
    TaskFactory(name="ada open task", actor=admin)
    response = rep_client.get("/")
    assert [
        list(response.context[k]) for k in ("tasks", "calls", "meetings", "leads", "opportunities")
    ] == [[]] * 5
    assert "No open tasks." in response.content.decode()


def test_today_is_the_users_own_day(rep_client, rep):
    update_profile(rep, language="en", time_zone="America/New_York", actor=rep)
    new_york = zoneinfo.ZoneInfo("America/New_York")
    late = local_noon(tz=new_york).replace(hour=23, minute=30)
    early = local_noon(tz=new_york).replace(hour=0, minute=15)
    CallFactory(name="late call", date_start=late, actor=rep)
    CallFactory(name="early call", date_start=early, actor=rep)
    CallFactory(name="yesterday late", date_start=early - timedelta(minutes=30), actor=rep)
    assert names(rep_client.get("/"), "calls") == ["early call", "late call"]


def test_a_task_marked_done_leaves_my_day(rep_client, rep):
    task = TaskFactory(name="finish me", actor=rep)
    assert names(rep_client.get("/"), "tasks") == ["finish me"]
    rep_client.post(f"/tasks/{task.pk}/complete/", {"next": "/"})
    assert names(rep_client.get("/"), "tasks") == []


def test_my_day_needs_sign_in(db):
    response = Client().get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_my_day_query_count_does_not_grow_with_the_rows(rep_client, rep):
    def add(n):
        for _ in range(n):
            TaskFactory(actor=rep)
            CallFactory(date_start=local_noon(), actor=rep)
            MeetingFactory(date_start=local_noon(), actor=rep)
            LeadFactory(actor=rep)
            OpportunityFactory(actor=rep)

    add(2)
    rep_client.get("/")
    few, _response = count_queries(lambda: rep_client.get("/"))
    add(6)
    many, response = count_queries(lambda: rep_client.get("/"))
    assert len(response.context["opportunities"]) == 8
    assert few == many
    assert_query_count("dashboards", "my_day", few)
