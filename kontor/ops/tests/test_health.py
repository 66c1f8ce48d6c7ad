"""/healthz and /readyz against the real database, cache and task table."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kontor.core.testing_tools import run_queued_tasks
from kontor.ops.models import Heartbeat
from kontor.ops.tasks import WORKER, heartbeat

# A Redis cache on a port nobody listens on: every call fails with a refused connection.
BROKEN_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://:secret-password@127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


def beat(seconds_ago=0):
    Heartbeat.objects.update_or_create(
        name=WORKER, defaults={"seen_at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


@pytest.mark.django_db
def test_healthz_answers_ok_without_touching_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_readyz_is_ready_with_a_fresh_heartbeat():
    beat(seconds_ago=5)
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "worker": "ok"},
    }
    assert not DBTaskResult.objects.exists()  # a fresh beat needs no new one


@pytest.mark.django_db
def test_readyz_without_a_worker_names_it_and_queues_one_heartbeat():
    first = Client().get("/readyz")
    second = Client().get("/readyz")
    assert first.status_code == second.status_code == 503
    assert first.json()["failed"] == ["worker"]
    assert first.json()["checks"] == {"database": "ok", "cache": "ok", "worker": "never seen"}
    # Two probes, one heartbeat waiting for a worker.
    assert list(DBTaskResult.objects.values_list("task_path", "status")) == [
        (heartbeat.module_path, "READY")
    ]

    run_queued_tasks()

    ready = Client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["worker"] == "ok"


@pytest.mark.django_db
def test_each_heartbeat_removes_the_previous_one_from_the_task_table():
    for _ in range(3):
        heartbeat.enqueue()
        run_queued_tasks()
    kept = DBTaskResult.objects.filter(task_path=heartbeat.module_path)
    assert kept.count() == 1
    assert str(kept.get().pk) == Heartbeat.objects.get(name=WORKER).result_id


@pytest.mark.django_db
@override_settings(KONTOR_READYZ_WORKER_MAX_AGE=60)
def test_readyz_with_an_old_heartbeat_says_when_the_worker_was_seen():
    beat(seconds_ago=600)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]
    assert response.json()["checks"]["worker"].startswith("last seen 6")


@pytest.mark.django_db
@override_settings(KONTOR_READYZ_WORKER=False)
def test_readyz_without_the_worker_check_needs_no_worker():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_readyz_with_a_broken_cache_names_the_cache_and_nothing_secret():
    beat()
    with override_settings(CACHES=BROKEN_CACHE):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["checks"] == {"database": "ok", "cache": "unavailable", "worker": "ok"}
    text = response.content.decode()
    for secret in ("127.0.0.1", "secret-password", "redis", "Error", "Traceback"):
        assert secret not in text

    Heartbeat.objects.all().delete()
    with override_settings(CACHES=BROKEN_CACHE):
        response = Client().get("/readyz")
    assert response.json()["failed"] == ["cache", "worker"]
    # Without a cache to hold back repeated probes, none of them queues a heartbeat.
    assert not DBTaskResult.objects.exists()
