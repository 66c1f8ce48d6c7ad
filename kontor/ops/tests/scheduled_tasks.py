"""A task for the scheduler's tests: each run leaves a row behind, counted by the test."""

from django.utils import timezone
from django_tasks import task

from kontor.ops.models import Heartbeat


@task()
def leave_a_mark() -> None:
    count = Heartbeat.objects.filter(name__startswith="mark-").count()
    Heartbeat.objects.create(name=f"mark-{count + 1}", seen_at=timezone.now())


def marks() -> int:
    return Heartbeat.objects.filter(name__startswith="mark-").count()
