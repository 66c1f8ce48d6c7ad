"""Readiness for load balancers and orchestrators: /readyz.

/healthz (kontor.core.views) says the process answers; /readyz says this app server can do
its work: the database answers, the cache answers, and a task worker took a task recently.
The answer names each check and what failed, never a host, a password or an exception text.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from kontor.ops.models import Heartbeat
from kontor.ops.tasks import WORKER, heartbeat

log = logging.getLogger(__name__)

OK = "ok"
#: set while a heartbeat is queued and not yet due again (one per interval, not per probe)
QUEUED_KEY = "kontor:ops:heartbeat-queued"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - whatever the driver raises, the database is not usable
        log.warning("readyz: the database does not answer", exc_info=True)
        return "unavailable"
    return OK


def check_cache() -> str:
    # A key of its own per probe: two probes at once on a shared cache must not see each
    # other's value.
    key, value = f"kontor:ops:readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception:  # noqa: BLE001 - a refused connection, a timeout, a bad address
        log.warning("readyz: the cache does not answer", exc_info=True)
        return "unavailable"
    return OK if answered == value else "lost a value"


def worker_age() -> float | None:
    """Seconds since a worker last ran the heartbeat task; None when none ever did."""
    beat = Heartbeat.objects.filter(name=WORKER).values_list("seen_at", flat=True).first()
    return None if beat is None else max(0.0, (timezone.now() - beat).total_seconds())


def check_worker() -> str:
    max_age = settings.KONTOR_READYZ_WORKER_MAX_AGE
    try:
        age = worker_age()
    except DatabaseError:
        log.warning("readyz: the worker's heartbeat cannot be read", exc_info=True)
        return "unknown"
    if age is None or age > max_age / 4:
        try:
            _queue_heartbeat(max_age / 4)
        except Exception:  # noqa: BLE001 - the task backend refused: nothing will beat
            log.warning("readyz: no heartbeat could be queued", exc_info=True)
            return "queue unavailable"
    if age is None:
        return "never seen"
    if age > max_age:
        return f"last seen {int(age)} s ago"
    return OK


def _queue_heartbeat(interval: float) -> None:
    """Queue one heartbeat per interval, however many probes ask (cache.add is atomic on
    Redis; with the local cache it is one per process, still few). Without a cache nothing is
    queued: a probe every few seconds would fill the queue, and the cache check fails anyway."""
    try:
        first = cache.add(QUEUED_KEY, 1, timeout=max(1, int(interval)))
    except Exception:  # noqa: BLE001 - reported by the cache check
        return
    if first:
        heartbeat.enqueue()


@never_cache
def readyz(request):
    """200 with every check "ok", else 503 naming the failed checks."""
    checks = {"database": check_database(), "cache": check_cache()}
    if settings.KONTOR_READYZ_WORKER:
        checks["worker"] = check_worker() if checks["database"] == OK else "unknown"
    failed = sorted(name for name, state in checks.items() if state != OK)
    body = {"status": "unavailable" if failed else OK, "checks": checks}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
