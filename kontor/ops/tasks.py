"""The heartbeat task: proof that a task worker takes work from the queue; and the daily prune
of finished task results.

The readiness probe (kontor.ops.health) queues it when the last beat is getting old; whichever
worker picks it up records the time. Its priority puts it ahead of a long queue of webhook
deliveries, so a busy worker still beats; a worker stuck in one task longer than
KONTOR_READYZ_WORKER_MAX_AGE does not, and the probe says so.
"""

from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks.base import TASK_MAX_PRIORITY

from kontor.ops.models import Heartbeat

WORKER = "worker"


@task(priority=TASK_MAX_PRIORITY, takes_context=True)
def heartbeat(context: TaskContext) -> None:
    beat, created = Heartbeat.objects.get_or_create(
        name=WORKER,
        defaults={"seen_at": timezone.now(), "result_id": str(context.task_result.id)},
    )
    if created:
        return
    previous = beat.result_id
    beat.seen_at, beat.result_id = timezone.now(), str(context.task_result.id)
    beat.save(update_fields=["seen_at", "result_id"])
    if previous and previous != beat.result_id:
        _forget_result(previous)


def _forget_result(result_id: str) -> None:
    """Delete the previous beat's finished row of the database backend (by its key, so it costs
    one indexed DELETE): one beat every half minute would otherwise pile up ~3,000 rows a day."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=result_id, finished_at__isnull=False).delete()


#: Finished task results are kept this long (a periodic job every minute adds 1,440 a day).
KEEP_RESULTS_DAYS = 14


@task()
def prune_task_results() -> None:
    """Delete the database backend's finished task results older than KEEP_RESULTS_DAYS, of
    every queue (django-tasks' own `prune_db_task_results`); a periodic job (kontor.ops.apps)."""
    call_command(
        "prune_db_task_results", queue_name="*", min_age_days=KEEP_RESULTS_DAYS, verbosity=0
    )
