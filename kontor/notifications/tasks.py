"""Background tasks of the notification centre (django-tasks; `kontor worker` runs them): the
notifications of record events, and the periodic jobs registered in the app's ready()
(docs/scheduling.md). Each is safe to run twice: every notification and mail has a key."""

from django.utils import timezone
from django_tasks import task


@task()
def produce(items: list) -> int:
    from kontor.notifications.produce import produce as make

    return make(items)


@task()
def send_due_reminders() -> dict:
    from kontor.notifications import finished, reminders

    return {"reminders": reminders.send_due(), "finished": finished.announce(timezone.now())}


@task()
def notify_overdue_tasks() -> int:
    from kontor.notifications.digest import overdue

    return overdue(timezone.now())


@task()
def send_digests() -> int:
    from kontor.notifications.digest import send_digests as send

    return send(timezone.now())
