"""The task gauges of /metrics read a bounded number of rows, through indexes that hold no
finished task: a million succeeded tasks cost a scrape nothing."""

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from kontor.ops import metrics
from kontor.ops.tasks import heartbeat
from kontor.ops.tests.test_metrics import scrape, value


@pytest.mark.django_db
def test_the_task_gauges_stop_at_the_cap(monkeypatch):
    monkeypatch.setattr(metrics, "TASK_COUNT_CAP", 2)
    results = [heartbeat.enqueue() for _ in range(6)]
    for result in results[3:]:
        DBTaskResult.objects.get(pk=result.id).set_failed(RuntimeError("weg"))
    text = scrape()
    assert value(text, "kontor_tasks_ready", queue="default") == 2
    assert value(text, "kontor_tasks_failed") == 2
    monkeypatch.setattr(metrics, "TASK_COUNT_CAP", 10)
    text = scrape()
    assert value(text, "kontor_tasks_ready", queue="default") == 3
    assert value(text, "kontor_tasks_failed") == 3


@pytest.mark.django_db
def test_the_gauges_queries_can_use_indexes_of_unfinished_tasks_only():
    """The planner may read the READY tasks' and the FAILED tasks' partial indexes for the two
    counts (forced here: on a table this small a scan is cheaper)."""
    results = DBTaskResult.objects.filter(backend_name="default")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    ready = results.ready().values_list("queue_name", flat=True)[: metrics.TASK_COUNT_CAP]
    failed = results.failed().order_by().values("pk")[: metrics.TASK_COUNT_CAP]
    assert "tasks_db_new_ordering_idx" in ready.explain()
    assert "kontor_tasks_failed_idx" in failed.explain()
