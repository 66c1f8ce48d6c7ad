"""Heartbeats: the queue's (read by /readyz and /metrics) and each task worker's own."""

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
