"""The workers queue each due run of a periodic job once, however many workers look."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from kontor.core import schedule
from kontor.core.schedule import Daily, Every, Job
from kontor.core.testing_tools import race, run_queued_tasks
from kontor.ops import scheduler
from kontor.ops.management.commands.worker import WORKER_OPTIONS, Worker
from kontor.ops.models import ScheduledJob
from kontor.ops.tests.scheduled_tasks import leave_a_mark, marks

NAME = "test.mark"
NOW = datetime(2027, 3, 1, 10, 7, tzinfo=UTC)


@pytest.fixture
def job(monkeypatch):
    """The test's job, alone: the apps' own jobs (some every minute) are set aside."""
    monkeypatch.setattr(schedule, "_jobs", {})
    declared = Job(NAME, Every(minutes=15), leave_a_mark)
    schedule.register(declared)
    return declared


def queued() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="leave_a_mark").count()


def due_at(moment: datetime) -> None:
    ScheduledJob.objects.filter(name=NAME).update(next_due=moment)


@pytest.mark.django_db
def test_a_new_job_is_due_at_its_next_time_and_not_queued_before(job):
    scheduler.sync(NOW)
    row = ScheduledJob.objects.get(name=NAME)
    assert (row.schedule, row.next_due, row.last_due) == (
        "every 15 min",
        NOW.replace(minute=15),
        None,
    )
    assert scheduler.tick(NOW) == []
    assert queued() == 0


@pytest.mark.django_db
def test_a_due_job_is_queued_once_and_moves_to_its_next_time(job):
    scheduler.sync(NOW)
    at = NOW.replace(minute=15)
    assert scheduler.tick(at) == [NAME]
    assert scheduler.tick(at) == []  # the same due run again: nothing
    assert queued() == 1
    row = ScheduledJob.objects.get(name=NAME)
    assert (row.last_due, row.next_due, row.last_enqueued_at) == (
        at,
        at + timedelta(minutes=15),
        at,
    )
    assert row.last_result_id == str(DBTaskResult.objects.get().pk)

    run_queued_tasks()
    assert marks() == 1


@pytest.mark.django_db
def test_runs_missed_while_no_worker_ran_are_queued_once(job):
    scheduler.sync(NOW)
    due_at(NOW - timedelta(days=3))  # some 288 runs of every 15 minutes missed
    assert scheduler.tick(NOW) == [NAME]
    assert scheduler.tick(NOW + timedelta(minutes=7)) == []
    assert queued() == 1
    row = ScheduledJob.objects.get(name=NAME)
    assert row.last_due == NOW - timedelta(days=3)
    assert row.next_due == NOW.replace(minute=15)


@pytest.mark.django_db
def test_a_changed_schedule_is_due_at_its_own_next_time_without_a_run(job, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    scheduler.sync(NOW)
    schedule.unregister(NAME)
    schedule.register(Job(NAME, Daily("02:30"), leave_a_mark))
    scheduler.sync(NOW)
    row = ScheduledJob.objects.get(name=NAME)
    assert (row.schedule, row.next_due) == ("daily 02:30", datetime(2027, 3, 2, 1, 30, tzinfo=UTC))
    assert scheduler.tick(NOW) == []
    assert queued() == 0


@pytest.mark.django_db
def test_a_job_that_cannot_be_queued_leaves_its_row_and_the_others_alone(job):
    broken = Job("test.broken", Every(minutes=15), task=object())  # no task: enqueue fails
    schedule.register(broken)
    try:
        scheduler.sync(NOW)
        at = NOW.replace(minute=15)
        assert scheduler.tick(at) == [NAME]
        row = ScheduledJob.objects.get(name="test.broken")
        assert (row.next_due, row.last_due) == (at, None)  # rolled back: due again next tick
    finally:
        schedule.unregister("test.broken")
    assert queued() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_claiming_one_due_run_queue_it_once(job):
    scheduler.sync(NOW)
    at = NOW.replace(minute=15)
    outcomes = race([lambda: scheduler.tick(at), lambda: scheduler.tick(at)])
    assert sorted(outcomes, key=len) == [[], [NAME]], outcomes
    assert queued() == 1
    assert ScheduledJob.objects.get(name=NAME).next_due == at + timedelta(minutes=15)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_locked_by_one_worker_is_skipped_by_another(job):
    scheduler.sync(NOW)
    at = NOW.replace(minute=15)
    if connection.vendor != "postgresql":
        # SQLite has no row locks, one writer at a time: the claim that holds the write lock
        # is the only one, and a tick after it finds the run taken.
        assert scheduler.tick(at) == [NAME]
        assert scheduler.tick(at) == []
        assert queued() == 1
        return
    from django.db import transaction

    with transaction.atomic():
        ScheduledJob.objects.select_for_update().get(name=NAME)  # another worker's claim
        [elsewhere] = race([lambda: scheduler.tick(at)])
    assert elsewhere == []  # it did not wait for the lock, and queued nothing
    assert queued() == 0
    assert scheduler.tick(at) == [NAME]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_job_registered_by_an_app_runs_through_the_worker_loop(job):
    scheduler.sync()
    due_at(datetime.now(UTC) - timedelta(minutes=1))
    options = dict.fromkeys(WORKER_OPTIONS)
    options.update(
        interval=0, batch=True, backend_name="default", startup_delay=False, worker_id="sched"
    )
    Worker(queue_names=["default"], excluded_queue_names=[], **options).run()
    assert marks() == 1
    row = ScheduledJob.objects.get(name=NAME)
    assert row.next_due > datetime.now(UTC)
    assert DBTaskResult.objects.get(pk=row.last_result_id).status == "SUCCESSFUL"


@pytest.mark.django_db
def test_the_apps_jobs_are_declared_and_each_runs_in_a_worker(settings):
    declared = {job.name: str(job.schedule) for job in schedule.jobs()}
    assert declared == {
        "activities.extend_series": "daily 01:40",
        "emails.deliver_due": "every 1 min",
        "mailboxes.poll": "every 2 min",
        "notifications.daily_digest": "daily 06:30",
        "notifications.overdue_tasks": "every 15 min",
        "notifications.send_reminders": "every 1 min",
        "opportunities.recompute_base_amounts": "daily 02:30",
        "ops.prune_task_results": "daily 03:40",
        "suiteapi.purge_sessions": "daily 03:10",
        "users.prune_account_audit": "daily 03:20",
    }
    old = leave_a_mark.enqueue().id  # a result finished three weeks ago: pruned
    finished = datetime.now(UTC) - timedelta(days=21)
    DBTaskResult.objects.filter(pk=old).update(status="SUCCESSFUL", finished_at=finished)
    scheduler.sync(NOW)
    ScheduledJob.objects.update(next_due=NOW)
    assert sorted(scheduler.tick(NOW)) == sorted(declared)
    run_queued_tasks()
    results = DBTaskResult.objects.values_list("task_path", "status")
    assert not DBTaskResult.objects.filter(pk=old).exists()
    assert len(results) == len(declared)
    assert {status for _path, status in results} == {"SUCCESSFUL"}, list(results)


@pytest.mark.django_db
def test_the_command_lists_the_jobs_and_queues_the_due_ones(job):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("schedule", "--tick", stdout=out)
    assert out.getvalue() == ""  # new rows: due at their next times
    due_at(datetime.now(UTC) - timedelta(minutes=1))
    call_command("schedule", "--tick", stdout=out)
    assert out.getvalue() == f"Queued: {NAME}\n"
    assert queued() == 1
    listing = StringIO()
    call_command("schedule", stdout=listing)
    line = next(line for line in listing.getvalue().splitlines() if line.startswith(NAME))
    assert "every 15 min" in line
    assert "last: —" not in line
