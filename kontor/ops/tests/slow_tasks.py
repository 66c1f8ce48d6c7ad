"""A task for the worker recovery test: slow the first time it runs, quick the second."""

import time

from django.utils import timezone
from django_tasks import task

from kontor.ops.models import Heartbeat


@task()
def slow_once(seconds: float) -> str:
    """Marks its first start, then sleeps `seconds` (long enough to be killed in); a run that
    finds the mark finishes at once and marks that."""
    first, _ = Heartbeat.objects.get_or_create(
        name="slow-once-started", defaults={"seen_at": timezone.now()}
    )
    if Heartbeat.objects.filter(name="slow-once-started", result_id="").exists():
        Heartbeat.objects.filter(pk=first.pk).update(result_id="seen")
        time.sleep(seconds)
        return "slept"
    Heartbeat.objects.create(name="slow-once-finished", seen_at=timezone.now())
    return "again"
