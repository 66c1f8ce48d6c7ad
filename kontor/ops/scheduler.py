"""The task workers queue the periodic jobs that apps declare (kontor.core.schedule) when due.

For operators and app developers (docs/scheduling.md). Every `kontor worker` runs a `Ticker`
thread that looks every KONTOR_WORKER_BEAT_SECONDS for jobs whose `ScheduledJob.next_due` has
come. A due row is claimed with `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one
writer at a time) and moved on with a compare-and-set on its `next_due`, in the transaction
that queues the task: of several workers on several machines one queues the run, the others
skip it. The next due time is the first one after now, so runs missed while no worker ran are
queued once, not once per missed interval.
"""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kontor.core import schedule
from kontor.ops.models import ScheduledJob

logger = logging.getLogger(__name__)


def sync(now=None) -> None:
    """Give every registered job its row, due at its next time after now; a job whose
    declared schedule changed is due at the new schedule's next time. Rows of jobs no longer
    declared stay (a worker of the older version may still run) and are ignored."""
    now = now or timezone.now()
    declared = {job.name: job for job in schedule.jobs()}
    stored = dict(ScheduledJob.objects.filter(name__in=declared).values_list("name", "schedule"))
    ScheduledJob.objects.bulk_create(
        [
            ScheduledJob(
                name=name, schedule=str(job.schedule), next_due=job.schedule.next_after(now)
            )
            for name, job in declared.items()
            if name not in stored
        ],
        ignore_conflicts=True,  # another worker starting at the same time
    )
    for name, was in stored.items():
        job = declared[name]
        if was != str(job.schedule):
            ScheduledJob.objects.filter(name=name, schedule=was).update(
                schedule=str(job.schedule), next_due=job.schedule.next_after(now)
            )


def tick(now=None) -> list[str]:
    """Queue each registered job that is due, once; returns the names of those queued here."""
    now = now or timezone.now()
    declared = {job.name: job for job in schedule.jobs()}
    due = list(
        ScheduledJob.objects.filter(name__in=declared, next_due__lte=now).values_list(
            "name", flat=True
        )
    )
    queued = []
    for name in due:
        try:
            if _claim_and_queue(declared[name], now):
                queued.append(name)
        except DatabaseError:
            raise
        except Exception:
            # A job whose task cannot be queued must not keep the others from theirs.
            logger.exception("Periodic job %s could not be queued", name)
    return queued


def _claim_and_queue(job: schedule.Job, now) -> bool:
    with transaction.atomic():
        row = (
            ScheduledJob.objects.select_for_update(skip_locked=True)
            .filter(name=job.name, next_due__lte=now)
            .first()
        )
        if row is None:
            return False  # another worker holds it, or has queued it meanwhile
        # The compare-and-set is what makes it once on a database without row locks.
        moved = ScheduledJob.objects.filter(name=job.name, next_due=row.next_due).update(
            next_due=job.schedule.next_after(now), last_due=row.next_due, last_enqueued_at=now
        )
        if not moved:
            return False
        result = job.task.enqueue()
        ScheduledJob.objects.filter(name=job.name).update(last_result_id=str(result.id))
    logger.info("Periodic job %s queued (due %s) as task %s", job.name, row.next_due, result.id)
    return True


class Ticker(threading.Thread):
    """Queues the due periodic jobs every `interval` seconds until stopped; a failed round
    (database away) is tried again at the next one."""

    def __init__(self, interval: float | None = None):
        super().__init__(name="scheduler", daemon=True)
        self.interval = settings.KONTOR_WORKER_BEAT_SECONDS if interval is None else interval
        self.stopped = threading.Event()
        self.synced = False

    def round(self) -> list[str]:
        if not self.synced:
            sync()
            self.synced = True
        return tick()

    def run(self) -> None:
        # The worker runs the first round itself before starting this thread.
        while not self.stopped.wait(self.interval):
            try:
                self.round()
            except DatabaseError:
                logger.warning("Periodic jobs could not be checked", exc_info=True)
                connection.close()
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
