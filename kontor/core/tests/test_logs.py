"""JSON log lines with the request id (kontor.core.logs), and a job queued by a request that
logs the same id when the worker runs it (kontor.core.jobs), on the real task table."""

import io
import json
import logging
import re
import sys

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from kontor.core.jobs import REQUEST_ID_KWARG, TracedTask
from kontor.core.logs import JsonFormatter, RequestContextFilter, RequestIdMiddleware
from kontor.core.testing_tools import run_queued_tasks

job_log = logging.getLogger("kontor.core.tests.job")


@task()
def say(word: str) -> str:
    """A job that logs: the worker imports it by its path, as it does Kontor's own tasks."""
    job_log.warning("the job says %s", word)
    return word


@pytest.fixture
def json_lines():
    """The JSON lines written while the test runs, as LOG_FORMAT=json writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root, access = logging.getLogger(), logging.getLogger("kontor.request")
    level = access.level
    root.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        access.setLevel(level)


def by_logger(lines, name):
    return [line for line in lines if line["logger"] == name]


@pytest.mark.django_db
def test_a_request_writes_one_json_access_line_with_its_id_and_user(
    admin_client, admin, json_lines
):
    response = admin_client.get("/")
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = by_logger(json_lines(), "kontor.request")
    assert line["request_id"] == request_id
    assert line["user_id"] == admin.pk
    assert (line["level"], line["method"], line["path"], line["status"]) == (
        "INFO",
        "GET",
        "/",
        200,
    )
    assert line["message"] == "GET / 200"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])


@pytest.mark.django_db
def test_every_request_gets_its_own_id_and_anonymous_ones_no_user(json_lines):
    first, second = Client().get("/healthz"), Client().get("/healthz")
    assert first["X-Request-ID"] != second["X-Request-ID"]
    lines = by_logger(json_lines(), "kontor.request")
    assert [line["request_id"] for line in lines] == [
        first["X-Request-ID"],
        second["X-Request-ID"],
    ]
    assert all("user_id" not in line for line in lines)


@pytest.mark.django_db
def test_djangos_not_found_line_carries_the_request_id(json_lines):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    [line] = by_logger(json_lines(), "django.request")
    assert line["message"] == "Not Found: /no-such-page/"
    assert line["level"] == "WARNING"
    assert line["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "sent", "kept"),
    [
        (1, "3f2a9c1e-77b1-4f0e-9a55-0c6d2b1a8e41", True),
        (1, "nginx-1f0c2d3e4b5a69788796a5b4c3d2e1f0", True),
        (1, "short", False),
        (1, 'bad id" level="ERROR', False),
        (1, "x" * 129, False),
        (0, "3f2a9c1e-77b1-4f0e-9a55-0c6d2b1a8e41", False),
    ],
)
def test_a_proxys_sane_request_id_is_kept_and_only_behind_a_trusted_proxy(
    settings, json_lines, proxies, sent, kept
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=sent)
    assert (response["X-Request-ID"] == sent) is kept
    if not kept:
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    [line] = by_logger(json_lines(), "kontor.request")
    assert line["request_id"] == response["X-Request-ID"]


def test_an_exception_is_one_line_with_its_traceback():
    formatter = JsonFormatter()
    try:
        raise ValueError("broken\nin two lines")
    except ValueError:
        record = logging.getLogger("kontor.x").makeRecord(
            "kontor.x", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )
    text = formatter.format(record)
    assert "\n" not in text
    entry = json.loads(text)
    assert entry["message"] == "failed"
    assert "ValueError: broken\nin two lines" in entry["exception"]


@pytest.mark.django_db
def test_a_job_queued_by_a_request_logs_that_requests_id_in_the_worker(json_lines):
    assert isinstance(say, TracedTask)  # every @task, through the settings' task backend

    def view(request):
        say.enqueue("hello")
        return HttpResponse("queued")

    response = RequestIdMiddleware(view)(RequestFactory().post("/somewhere/"))
    request_id = response["X-Request-ID"]
    [stored] = DBTaskResult.objects.all()
    assert stored.args_kwargs["kwargs"] == {REQUEST_ID_KWARG: request_id}

    run_queued_tasks()

    stored.refresh_from_db()
    assert stored.status == "SUCCESSFUL"
    assert stored.return_value == "hello"  # the task got its own arguments only
    [line] = by_logger(json_lines(), "kontor.core.tests.job")
    assert line["message"] == "the job says hello"
    assert line["request_id"] == request_id
    assert line["task"] == "kontor.core.tests.test_logs.say"
    assert "method" not in line and "path" not in line  # the request's are not the job's


@pytest.mark.django_db
def test_a_job_queued_outside_a_request_stores_no_id_and_logs_none(json_lines):
    say.enqueue("alone")
    [stored] = DBTaskResult.objects.all()
    assert stored.args_kwargs["kwargs"] == {}
    run_queued_tasks()
    [line] = by_logger(json_lines(), "kontor.core.tests.job")
    assert line["message"] == "the job says alone"
    assert "request_id" not in line
    assert line["task"] == "kontor.core.tests.test_logs.say"
