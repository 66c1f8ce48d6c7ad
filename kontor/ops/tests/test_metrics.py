"""/metrics: what it shows after real requests and queued work, and to whom."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from kontor.ops.tasks import heartbeat
from kontor.webhooks.models import Delivery, Subscription

LIST_SAMPLE = ("kontor_http_request_duration_seconds_count", "leads:list", "GET", "2xx")


def scrape(client=None, **extra):
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def value(text, name, **labels):
    """The sample `name` with exactly these labels, 0 when the scrape has none."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def requests_of(text, view, method="GET", status="2xx"):
    return value(
        text,
        "kontor_http_request_duration_seconds_count",
        view=view,
        method=method,
        status=status,
    )


@pytest.mark.django_db
def test_a_list_page_adds_a_latency_sample_and_database_time_under_its_view_name(rep_client):
    before = scrape()
    assert rep_client.get("/leads/").status_code == 200
    after = scrape()
    assert requests_of(after, "leads:list") == requests_of(before, "leads:list") + 1
    db_name = "kontor_http_request_db_seconds"
    assert value(after, f"{db_name}_count", view="leads:list") == (
        value(before, f"{db_name}_count", view="leads:list") + 1
    )
    assert value(after, f"{db_name}_sum", view="leads:list") > value(
        before, f"{db_name}_sum", view="leads:list"
    )
    assert "/leads/" not in after  # labels carry view names, never paths


@pytest.mark.django_db
def test_unknown_paths_and_methods_share_one_label_each(rep_client):
    before = scrape()
    rep_client.get("/no-such-page-4711/")
    rep_client.generic("BREW", "/healthz")
    after = scrape()
    assert requests_of(after, "unmatched", status="4xx") == (
        requests_of(before, "unmatched", status="4xx") + 1
    )
    assert requests_of(after, "healthz", method="other") == (
        requests_of(before, "healthz", method="other") + 1
    )
    # the path and the method are not labels (a number in the samples may hold "4711")
    assert "no-such-page" not in after and "BREW" not in after


@pytest.mark.django_db
def test_queue_depth_failed_tasks_and_webhook_backlog_are_read_at_scrape_time():
    empty = scrape()
    assert value(empty, "kontor_tasks_ready", queue="default") == 0
    assert value(empty, "kontor_webhook_deliveries_pending", status="pending") == 0
    assert value(empty, "kontor_metrics_database_up") == 1

    heartbeat.enqueue()
    heartbeat.enqueue()
    failed = heartbeat.enqueue()
    DBTaskResult.objects.get(pk=failed.id).set_failed(RuntimeError("receiver gone"))
    hook = Subscription.objects.create(url="https://hooks.example/crm")
    for status in ("pending", "pending", "retrying", "succeeded", "failed"):
        Delivery.objects.create(subscription=hook, event="created", payload={}, status=status)

    text = scrape()
    assert value(text, "kontor_tasks_ready", queue="default") == 2
    assert value(text, "kontor_tasks_failed") == 1
    assert value(text, "kontor_webhook_deliveries_pending", status="pending") == 2
    assert value(text, "kontor_webhook_deliveries_pending", status="retrying") == 1
    assert "receiver gone" not in text


@pytest.mark.django_db
def test_metrics_from_another_address_are_not_found():
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    assert outsider.get("/metrics").status_code == 404
    assert outsider.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404
    # Through a proxy on this machine the address is local, the client is not.
    proxied = Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 404


@pytest.mark.django_db
@override_settings(KONTOR_METRICS_TOKEN="scrape-token-0123456789")
def test_metrics_with_the_bearer_token_from_anywhere():
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    good = outsider.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-0123456789")
    assert good.status_code == 200
    assert b"kontor_tasks_ready" in good.content
    for wrong in ("Bearer scrape-token-012345678", "Bearer ", "Basic scrape-token-0123456789"):
        assert outsider.get("/metrics", HTTP_AUTHORIZATION=wrong).status_code == 404
    assert outsider.get("/metrics").status_code == 404


SERVE_ONE_REQUEST = textwrap.dedent(
    """
    import django, sys
    django.setup()
    from django.test import Client
    client = Client(HTTP_HOST="localhost")
    assert client.get("/healthz").status_code == 200
    if sys.argv[1] == "scrape":
        sys.stdout.write(client.get("/metrics").content.decode())
    """
)


def test_multiprocess_mode_adds_up_the_requests_of_every_process(tmp_path):
    """Two processes share PROMETHEUS_MULTIPROC_DIR, as gunicorn's workers would: the
    scrape in the second shows the requests of both."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kontor.settings",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        # The gauges need a migrated database; this one has none and reports it.
        "SQLITE_PATH": str(tmp_path / "empty.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    run = [sys.executable, "-c", SERVE_ONE_REQUEST]
    cwd = Path(settings.BASE_DIR)
    subprocess.run([*run, "serve"], env=env, cwd=cwd, check=True, timeout=120)
    scraped = subprocess.run(
        [*run, "scrape"], env=env, cwd=cwd, check=True, timeout=120, capture_output=True
    ).stdout.decode()
    assert requests_of(scraped, "healthz") == 2
    assert value(scraped, "kontor_metrics_database_up") == 0
    assert list(tmp_path.glob("histogram_*.db"))
