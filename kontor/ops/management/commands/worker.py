"""`kontor worker`: the background task worker, with a beat, the recovery of dead workers' tasks
and the periodic jobs.

The database backend's `db_worker` (same options) with two threads beside its loop: one beats
for this worker and puts the tasks of dead workers back in the queue (kontor.ops.workers), the
other queues the periodic jobs when due (kontor.ops.scheduler).
"""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from kontor.ops import scheduler, workers


class Worker(db_worker.Worker):
    """db_worker's loop, with the beating and the scheduling threads running while it runs."""

    def run(self) -> None:
        workers.beat(self.worker_id)  # alive before the first claim
        workers.reclaim()
        ticker = scheduler.Ticker()
        ticker.round()  # due jobs queued before the first claim (a --batch run takes them)
        beater = workers.Beater(self.worker_id)
        beater.start()
        ticker.start()
        try:
            super().run()
        finally:
            beater.stop()
            ticker.stop()


class Command(db_worker.Command):
    help = (
        "Run a background task worker (it beats, runs again the tasks of dead workers and "
        "queues the periodic jobs)"
    )

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        options.pop("settings", None)
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            **{name: options[name] for name in WORKER_OPTIONS},
        )
        if reload and not options["batch"]:
            # A reload stops the task in hand; the reloaded worker (a new id) runs it again
            # once the old id is silent.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()


WORKER_OPTIONS = ("interval", "batch", "backend_name", "startup_delay", "max_tasks", "worker_id")
