"""The timeline's order for whoever reads a record page: history by when things happened (a
finished task when it was finished, calls and meetings at their start), what is still planned
apart, soonest first; on SQLite and PostgreSQL (the query's order is the database's)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.html import strip_tags

from kontor.activities.actions import complete_task
from kontor.activities.tests.factories import CallFactory, MeetingFactory, TaskFactory
from kontor.core.records.timeline import planned_and_history, timeline
from kontor.core.testing import whole_page
from kontor.leads.tests.factories import LeadFactory


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.deactivate()


def names(events) -> list[str]:
    return [e.record.name for e in events if e.record is not None]


@pytest.fixture
def lead(rep):
    """Lena Berg: a call held two days ago, a meeting next week, a task due next week that she
    completed today, another due tomorrow, and one overdue since yesterday."""
    now = timezone.now()
    lead = LeadFactory(first_name="Lena", last_name="Berg", actor=rep)
    CallFactory(name="Call held", parent=lead, status="Held", date_start=now - timedelta(days=2))
    MeetingFactory(name="Meeting next week", parent=lead, date_start=now + timedelta(days=7))
    done = TaskFactory(
        name="Done today", parent=lead, contact=None, date_due=now + timedelta(days=7)
    )
    complete_task(done, actor=rep)
    TaskFactory(name="Due tomorrow", parent=lead, contact=None, date_due=now + timedelta(days=1))
    TaskFactory(name="Overdue", parent=lead, contact=None, date_due=now - timedelta(days=1))
    return lead


def test_a_task_completed_today_is_history_of_today_and_plans_are_apart(rep, lead):
    planned, history = planned_and_history(lead, rep)
    assert names(planned) == ["Due tomorrow", "Meeting next week"]  # soonest first
    assert all(e.planned for e in planned) and not any(e.planned for e in history)
    assert names(history) == ["Done today", "Overdue", "Call held"]
    done = next(e for e in history if e.record.name == "Done today")
    assert abs(done.at - timezone.now()) < timedelta(minutes=5)  # not its due date next week
    assert [e.at for e in history] == sorted((e.at for e in history), reverse=True)
    assert names(timeline(lead, rep)) == names(history)  # the API's timeline: the history


def test_the_page_shows_the_planned_section_above_the_history(rep_client, lead):
    page = whole_page(rep_client, f"/leads/{lead.pk}/").content.decode()
    planned = page[page.index('id="timeline-planned"') : page.index('id="timeline"')]
    history = page[page.index('id="timeline"') :]
    assert "Meeting next week" in planned and "Due tomorrow" in planned
    assert "Done today" not in planned and "Call held" not in planned
    assert strip_tags(history).index("Done today") < strip_tags(history).index("Call held")
    assert "Meeting next week" not in history.split("</ol>")[0]


def test_two_hundred_events_keep_the_query_count(rep, lead, django_assert_num_queries):
    now = timezone.now()
    for i in range(100):
        CallFactory(parent=lead, status="Held", date_start=now - timedelta(hours=i + 1))
        TaskFactory(parent=lead, contact=None, date_due=now + timedelta(hours=i + 1))
    planned_and_history(lead, rep)  # warm the caches (content types, dropdown lists)
    with django_assert_num_queries(9):
        planned, history = planned_and_history(lead, rep, limit=300)
    assert len(planned) == 102 and len(history) >= 103


def test_the_sections_speak_german(rep_client, rep, lead):
    from kontor.users.actions import update_profile

    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    page = whole_page(rep_client, f"/leads/{lead.pk}/").content.decode()
    translation.activate("en")
    assert ">Geplant</h3>" in page and ">Verlauf</h3>" in page
