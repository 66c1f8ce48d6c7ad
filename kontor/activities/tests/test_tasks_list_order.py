"""The tasks list, for whoever works through it: open tasks first, soonest due first, then
the finished ones (latest first), on every page of the keyset list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kontor.activities.actions import complete_task
from kontor.activities.models import Task
from kontor.activities.tests.factories import TaskFactory
from kontor.core.actions import mass_update

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [row["cells"][0][0] for row in response.context["rows"]]


def test_open_tasks_come_first_by_due_date_and_old_completed_ones_last(rep_client, rep):
    now = timezone.now()
    old = TaskFactory(name="Old, done", date_due=now - timedelta(days=400), actor=rep)
    complete_task(old, actor=rep)
    TaskFactory(name="Next week", date_due=now + timedelta(days=7), actor=rep)
    TaskFactory(name="Overdue", date_due=now - timedelta(days=2), actor=rep)
    TaskFactory(name="Someday", date_due=None, actor=rep)
    recent = TaskFactory(name="Recent, done", date_due=now - timedelta(days=1), actor=rep)
    complete_task(recent, actor=rep)
    TaskFactory(name="Tomorrow", date_due=now + timedelta(days=1), actor=rep)
    expected = ["Overdue", "Tomorrow", "Next week", "Someday", "Recent, done", "Old, done"]
    assert names(rep_client.get("/tasks/")) == expected
    # A task reopened by a mass update moves back among the open ones.
    mass_update(Task.objects.filter(name="Old, done"), {"status": "In Progress"}, actor=rep)
    assert names(rep_client.get("/tasks/"))[0] == "Old, done"


def test_the_order_holds_across_keyset_pages(rep_client, rep):
    now = timezone.now()
    for i in range(60):
        task = TaskFactory(name=f"T{i:02d}", date_due=now + timedelta(hours=i), actor=rep)
        if i % 2:
            complete_task(task, actor=rep)
    first = rep_client.get("/tasks/")
    shown = names(first)
    cursor = first.context["page"].next_cursor
    shown += names(rep_client.get(f"/tasks/?cursor={cursor}"))
    open_ones = [f"T{i:02d}" for i in range(0, 60, 2)]
    done = [f"T{i:02d}" for i in range(59, 0, -2)]
    assert shown == open_ones + done


def test_the_order_column_is_no_field_of_the_api(rep):
    from kontor.api.tests.conftest import token_client

    task = TaskFactory(name="Call back", actor=rep)
    assert Task.objects.get(pk=task.pk).todo_order.startswith("0")
    answer = token_client(rep).get(f"/api/v1/tasks/{task.pk}/").json()
    assert answer["name"] == "Call back" and "todo_order" not in answer
