"""The open calls, meetings and tasks of a record's page (detail.open_activities): one query for
all types, soonest first, the newest OPEN_PER_TYPE of each type, through the permission filter."""

from datetime import timedelta

from django.utils import timezone

from kontor.activities.tests.factories import CallFactory, MeetingFactory, TaskFactory
from kontor.core.records import detail
from kontor.leads.tests.factories import LeadFactory
from kontor.users.actions import create_user


def test_open_activities_of_all_types_come_soonest_first_from_one_query(
    rep, django_assert_num_queries
):
    lead = LeadFactory(actor=rep)
    now = timezone.now().replace(microsecond=0)
    call = CallFactory(parent=lead, actor=rep, date_start=now + timedelta(days=3))
    meeting = MeetingFactory(parent=lead, actor=rep, date_start=now + timedelta(days=1))
    task = TaskFactory(parent=lead, actor=rep, date_due=now + timedelta(days=2))
    undated = TaskFactory(parent=lead, actor=rep, date_due=None, date_start=None)
    CallFactory(parent=lead, actor=rep, status="Held")
    TaskFactory(parent=lead, actor=rep, status="Completed")
    CallFactory(parent=LeadFactory(actor=rep), actor=rep)  # another record's
    detail.open_activities(lead, rep)  # reads the user's grants, once per request
    with django_assert_num_queries(1):
        items = detail.open_activities(lead, rep)
    # A task without dates shows at the time it was entered, as on the timeline.
    assert [i["record"].pk for i in items] == [undated.pk, meeting.pk, task.pk, call.pk]
    assert [i["when"] for i in items] == [
        undated.date_entered,
        meeting.date_start,
        task.date_due,
        call.date_start,
    ]
    first = items[1]
    assert (str(first["record"]), first["url"], first["module"].slug) == (
        meeting.name,
        f"/meetings/{meeting.pk}/",
        "meetings",
    )
    assert str(first["status"]) == "Planned"
    assert items[0]["complete_url"] == f"/tasks/{undated.pk}/complete/"
    assert items[3]["complete_url"] == ""  # a call is held, not completed here


def test_at_most_the_newest_of_each_type_are_shown(rep):
    lead = LeadFactory(actor=rep)
    calls = [CallFactory(parent=lead, actor=rep) for _ in range(detail.OPEN_PER_TYPE + 2)]
    task = TaskFactory(parent=lead, actor=rep)
    items = detail.open_activities(lead, rep)
    shown = {i["record"].pk for i in items if i["module"].slug == "calls"}
    newest = sorted(calls, key=lambda c: (c.date_entered, c.pk), reverse=True)
    assert shown == {c.pk for c in newest[: detail.OPEN_PER_TYPE]}
    assert task.pk in {i["record"].pk for i in items}


def test_only_the_activities_the_user_may_list_are_shown(rep, db):
    seller = create_user("sina", password="pw-sina-123!", roles=["sales_rep"])
    lead = LeadFactory(actor=rep)
    CallFactory(parent=lead, actor=rep)  # Rolf's, in none of Sina's teams
    own = TaskFactory(parent=lead, actor=seller)
    assert [i["record"].pk for i in detail.open_activities(lead, seller)] == [own.pk]
    assert len(detail.open_activities(lead, rep)) == 2
    # A role without access to any activity type: every part is empty, and so is the list.
    outsider = create_user("olga", password="pw-olga-123!", roles=["external_lead_generation"])
    assert detail.open_activities(lead, outsider) == []
