"""Heartbeats (the queue's, read by /readyz and /metrics, and each task worker's own) and the
periodic jobs' next due runs."""

from django.db import models


class Heartbeat(models.Model):
    """When a task worker last ran the heartbeat task. One row per name ("worker"), written
    by the worker and read by the readiness probe: a database row, because the probe runs in
    other processes (and other machines) than the worker, and the local cache is per process.
    """

    name = models.CharField(max_length=32, primary_key=True)
    seen_at = models.DateTimeField()
    #: the task result of the latest beat, removed by the next one (the database backend
    #: would otherwise keep a finished row for every beat)
    result_id = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class WorkerBeat(models.Model):
    """The last sign of life of one task worker (`kontor worker`, see kontor.ops.workers)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField()
    started_at = models.DateTimeField()
    pid = models.PositiveIntegerField()
    host = models.CharField(max_length=100)

    def __str__(self):
        return f"{self.worker_id} on {self.host} ({self.pid})"


class ScheduledJob(models.Model):
    """One periodic job's place in time (kontor.core.schedule declares the jobs): the due run
    last queued and the next one. The workers claim a due row under a row lock and move it on
    in the transaction that queues the task, so each due run is queued once (kontor.ops.scheduler).
    """

    name = models.CharField(max_length=100, primary_key=True)
    #: the schedule as declared when `next_due` was computed ("daily 02:30"); a changed
    #: declaration computes `next_due` again
    schedule = models.CharField(max_length=100)
    next_due = models.DateTimeField()
    #: the due time of the run queued last, and when and as which task it was queued
    last_due = models.DateTimeField(null=True, blank=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_result_id = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.name} ({self.schedule})"
