"""Task workers beat, and a task whose worker died is put back and run by another worker."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kontor.ops import workers
from kontor.ops.models import Heartbeat, WorkerBeat
from kontor.ops.tests.slow_tasks import slow_once


def running_task(worker_id: str) -> DBTaskResult:
    result = DBTaskResult.objects.get(pk=slow_once.enqueue(0).id)
    result.claim(worker_id)
    return result


def beat_at(worker_id: str, seconds_ago: float) -> None:
    workers.beat(worker_id)
    WorkerBeat.objects.filter(pk=worker_id).update(
        seen_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


@pytest.mark.django_db
def test_a_beat_records_the_worker_and_keeps_its_start():
    workers.beat("w1")
    first = WorkerBeat.objects.get(pk="w1")
    assert first.pid == os.getpid()
    workers.beat("w1")
    again = WorkerBeat.objects.get(pk="w1")
    assert again.started_at == first.started_at
    assert again.seen_at >= first.seen_at


@pytest.mark.django_db
def test_reclaim_puts_back_only_the_tasks_of_silent_workers():
    beat_at("dead", seconds_ago=settings.KONTOR_WORKER_DEAD_AFTER + 5)
    beat_at("alive", seconds_ago=1)
    of_dead, of_alive = running_task("dead"), running_task("alive")
    # A worker that never beat (plain db_worker) may be alive: its task stays.
    of_unknown = running_task("never-beat")

    assert workers.reclaim() == [str(of_dead.pk)]

    of_dead.refresh_from_db()
    assert of_dead.status == TaskResultStatus.READY
    assert of_dead.started_at is None
    assert list(DBTaskResult.objects.ready().values_list("pk", flat=True)) == [of_dead.pk]
    for task in (of_alive, of_unknown):
        task.refresh_from_db()
        assert task.status == TaskResultStatus.RUNNING
    assert workers.reclaim() == []


@pytest.mark.django_db
def test_reclaim_forgets_workers_gone_for_a_day():
    beat_at("long-gone", seconds_ago=2 * 24 * 3600)
    beat_at("dead", seconds_ago=settings.KONTOR_WORKER_DEAD_AFTER + 5)
    running_task("dead")
    workers.reclaim()
    assert set(WorkerBeat.objects.values_list("pk", flat=True)) == {"dead"}


@pytest.mark.django_db
def test_reclaim_with_nothing_running_reads_one_table(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert workers.reclaim() == []


def start_worker(worker_id: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _url_of_the_test_database(),
        "KONTOR_WORKER_BEAT_SECONDS": "0.5",
        "KONTOR_WORKER_DEAD_AFTER": "2",
    }
    command = [sys.executable, "manage.py", "worker", "--interval", "0.2"]
    command += ["--no-startup-delay", "--no-reload", "--worker-id", worker_id, "-v0"]
    return subprocess.Popen(command, env=env, cwd=Path(settings.BASE_DIR))


def _url_of_the_test_database() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.2)


if connection.vendor == "postgresql":
    # Worker processes need a database they can reach: the test database on PostgreSQL.

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_a_task_of_a_killed_worker_is_finished_by_another():
        task = slow_once.enqueue(120)
        first = start_worker("first")
        second = None
        try:
            wait_for(lambda: Heartbeat.objects.filter(name="slow-once-started").exists())
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            second = start_worker("second")
            wait_for(lambda: DBTaskResult.objects.get(pk=task.id).status == "SUCCESSFUL")
        finally:
            for process in (first, second):
                if process and process.poll() is None:
                    process.terminate()
                    process.wait(timeout=30)
        result = DBTaskResult.objects.get(pk=task.id)
        assert result.worker_ids == ["first", "second"]
        assert result.return_value == "again"
        assert Heartbeat.objects.filter(name="slow-once-finished").count() == 1
