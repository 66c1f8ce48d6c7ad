"""Prometheus metrics: /metrics, the request middleware and the gauges read at scrape time.

Per request (RequestMetricsMiddleware): the latency by view name, method and status class, and
the time spent in database queries. The labels are the resolved URL name ("leads:list"), never
the path, and a fixed set of methods, so the number of series stays bounded whatever clients
send. At scrape time (QueueCollector): the ready and failed tasks of the database task backend,
the webhook deliveries still to send and the age of the worker's heartbeat.

With several gunicorn workers each process counts its own requests: set
PROMETHEUS_MULTIPROC_DIR to an empty directory before the processes start, and /metrics adds up
the files all of them write there (docs/operations.md).
"""

import hmac
import os
from collections import Counter
from time import perf_counter

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from kontor.ops.health import worker_age
from kontor.ops.tasks import heartbeat
from kontor.webhooks.models import Delivery

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
LOOPBACK = frozenset({"127.0.0.1", "::1"})
#: The task gauges count up to this many tasks, as list counts stop at "10,000+": a gauge at
#: the cap means at least that many, and a scrape never reads more rows than this.
TASK_COUNT_CAP = 10_000

# The "_created" timestamp series double what a scrape carries and no dashboard reads them.
disable_created_metrics()

REQUEST_SECONDS = Histogram(
    "kontor_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, by view.",
    ["view", "method", "status"],
)
DB_SECONDS = Histogram(
    "kontor_http_request_db_seconds",
    "Time one request spent in database queries (their sum), by view.",
    ["view"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


class _QueryTimer:
    """A connection.execute_wrapper that adds up the time of the queries it wraps."""

    __slots__ = ("total",)

    def __init__(self):
        self.total = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += perf_counter() - start


class RequestMetricsMiddleware:
    """Observes each request's latency and database time (settings.MIDDLEWARE, after
    WhiteNoise: static files are not views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timer = _QueryTimer()
        start = perf_counter()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        elapsed = perf_counter() - start
        match = request.resolver_match
        view = match.view_name if match is not None else UNMATCHED
        method = request.method if request.method in METHODS else "other"
        key = (view, method, response.status_code // 100)
        series = _series.get(key)
        if series is None:
            series = _series[key] = (
                REQUEST_SECONDS.labels(view, method, f"{key[2]}xx"),
                DB_SECONDS.labels(view),
            )
        series[0].observe(elapsed)
        series[1].observe(timer.total)
        return response


# The histograms' children by label values: labels() validates and locks on every call, a
# third of the middleware's cost; the set of keys is as bounded as the labels.
_series: dict[tuple[str, str, int], tuple] = {}


class QueueCollector:
    """The gauges read when Prometheus scrapes, not on every request: a few COUNT queries."""

    def collect(self):
        up = GaugeMetricFamily(
            "kontor_metrics_database_up", "1 when the gauges below could be read."
        )
        try:
            families = list(self._read())
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _read(self):
        backlog = GaugeMetricFamily(
            "kontor_webhook_deliveries_pending",
            "Webhook deliveries not yet delivered nor given up, by status.",
            labels=["status"],
        )
        waiting = dict.fromkeys([Delivery.Status.PENDING, Delivery.Status.RETRYING], 0)
        rows = (
            Delivery.objects.filter(status__in=list(waiting))
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        waiting.update(rows)
        for status, n in waiting.items():
            backlog.add_metric([str(status)], n)
        yield backlog

        age = worker_age()
        if age is not None:
            yield GaugeMetricFamily(
                "kontor_worker_heartbeat_age_seconds",
                "Seconds since a task worker last ran the heartbeat task.",
                value=age,
            )
        yield from _database_queue()


def _database_queue():
    """Ready and failed tasks of the database task backend (nothing for other backends)."""
    from django_tasks import DEFAULT_TASK_QUEUE_NAME
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = heartbeat.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return
    results = DBTaskResult.objects.filter(backend_name=backend.alias)
    ready = GaugeMetricFamily(
        "kontor_tasks_ready", "Tasks due and waiting for a worker, by queue.", labels=["queue"]
    )
    # The default queue always has its series, so an alert on it never sees "no data".
    depth = {DEFAULT_TASK_QUEUE_NAME: 0}
    # Fast beside a million finished tasks: the backend's partial index holds only the READY
    # ones, walked in its own order (the worker's: priority, then due time) and read up to the
    # cap; past it each queue counts among the TASK_COUNT_CAP tasks due next.
    due = results.ready().values_list("queue_name", flat=True)[:TASK_COUNT_CAP]
    depth.update(Counter(due))
    for queue, n in depth.items():
        ready.add_metric([queue], n)
    yield ready
    # The partial index kontor_tasks_failed_idx (ops migration 0003) holds only the FAILED
    # rows, so finished ones are never read; the cap bounds a storm of failures.
    failed = results.failed().order_by()[:TASK_COUNT_CAP].count()
    yield GaugeMetricFamily(
        "kontor_tasks_failed",
        "Failed task results kept in the database (until prune_db_task_results removes them), "
        f"counted up to {TASK_COUNT_CAP}.",
        value=failed,
    )


_gauges = CollectorRegistry(auto_describe=False)
_gauges.register(QueueCollector())


def allowed(request) -> bool:
    """The bearer token of KONTOR_METRICS_TOKEN, or a request from this machine that no proxy
    forwarded (behind a proxy on the same host every client would look local)."""
    token = settings.KONTOR_METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return True
    meta = request.META
    return (
        meta.get("REMOTE_ADDR") in LOOPBACK
        and "HTTP_X_FORWARDED_FOR" not in meta
        and "HTTP_FORWARDED" not in meta
    )


@never_cache
def metrics(request):
    """The Prometheus text format; 404 to everyone not allowed (nobody learns it is here)."""
    if not allowed(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_gauges)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
