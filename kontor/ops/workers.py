"""Task workers that know of each other: each one beats, and a task whose worker died runs again.

For operators who run one or several workers (`kontor worker`; `make run` starts one). The
database task backend marks a claimed task RUNNING with its worker's id and never looks at it
again, so a worker killed mid-task (kill -9, out of memory, a lost machine) would leave its
task RUNNING for ever — an import stuck at "running". Here every worker writes a beat
(`WorkerBeat`) every `KONTOR_WORKER_BEAT_SECONDS` from a thread of its own, so a long task does
not stop it; with each beat it puts the RUNNING tasks of workers silent for
`KONTOR_WORKER_DEAD_AFTER` seconds back to READY, where a live worker claims them.

Tasks therefore run at least once, and each must be safe to run again: an import commits chunk
by chunk and records each finished chunk in that chunk's transaction, a webhook delivery
carries its delivery id. Tasks of a worker that never beat (started with plain `db_worker`)
are left alone: nothing says whether it lives.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kontor.ops.models import Heartbeat, WorkerBeat

logger = logging.getLogger(__name__)

#: Beats of workers gone for this long are deleted (their tasks were put back long before).
FORGET_AFTER = timedelta(days=1)


def beat(worker_id: str) -> None:
    """Record that `worker_id` is alive (one upsert of its row)."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now, "pid": os.getpid(), "host": socket.gethostname()[:100]},
        create_defaults={
            "seen_at": now,
            "started_at": now,
            "pid": os.getpid(),
            "host": socket.gethostname()[:100],
        },
    )


def reclaim(now=None) -> list[str]:
    """Put the RUNNING tasks of dead workers back to READY; returns their ids.

    Dead: the worker that claimed the task last has beaten before, but not for
    KONTOR_WORKER_DEAD_AFTER seconds. RUNNING tasks are few and found through their own
    partial index, so this stays cheap beside millions of finished tasks.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.KONTOR_WORKER_DEAD_AFTER)
    running = list(DBTaskResult.objects.running().values_list("pk", "worker_ids"))
    if not running:
        return []
    claimers = {ids[-1] for _pk, ids in running if ids}
    beats = dict(
        WorkerBeat.objects.filter(worker_id__in=claimers).values_list("worker_id", "seen_at")
    )
    dead = {worker for worker, seen_at in beats.items() if seen_at < cutoff}
    orphans = [pk for pk, ids in running if ids and ids[-1] in dead]
    if not orphans:
        return []
    # The status in the filter makes two workers reclaiming at once harmless.
    DBTaskResult.objects.filter(pk__in=orphans, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
    WorkerBeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    for pk in orphans:
        logger.warning("Task %s of a dead worker put back in the queue", pk)
    return [str(pk) for pk in orphans]


class Beater(threading.Thread):
    """Beats for one worker and reclaims dead workers' tasks until stopped; a failed round
    (database away) is tried again at the next beat."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"beat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        # The worker beat once before starting this thread, so the first round waits a beat.
        while not self.stopped.wait(settings.KONTOR_WORKER_BEAT_SECONDS):
            try:
                beat(self.worker_id)
                reclaim()
            except DatabaseError:
                logger.warning("Worker %s could not beat", self.worker_id, exc_info=True)
                connection.close()
        connection.close()

    def stop(self) -> None:
        self.stopped.set()


def worker_seen(now=None) -> bool:
    """Has a task worker shown a sign of life lately? For pages whose work waits in the queue
    (an import): a `kontor worker` beat within KONTOR_WORKER_DEAD_AFTER seconds, or a queue
    heartbeat (any backend's worker, e.g. RQ) within KONTOR_READYZ_WORKER_MAX_AGE; always yes
    when the task backend runs tasks at once, without a worker."""
    backend = import_string(settings.TASKS["default"]["BACKEND"])
    if issubclass(backend, ImmediateBackend):
        return True
    now = now or timezone.now()
    beaten = now - timedelta(seconds=settings.KONTOR_WORKER_DEAD_AFTER)
    if WorkerBeat.objects.filter(seen_at__gte=beaten).exists():
        return True
    queue = now - timedelta(seconds=settings.KONTOR_READYZ_WORKER_MAX_AGE)
    return Heartbeat.objects.filter(seen_at__gte=queue).exists()
