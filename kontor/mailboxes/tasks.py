"""The periodic poll of the inbound mailboxes, as a task the task workers queue every two
minutes (registered in the app's ready(); docs/scheduling.md)."""

from django_tasks import task


@task()
def poll_mailboxes() -> dict:
    from kontor.mailboxes.poll import poll_all

    return {
        address: {"fetched": r.fetched, "stored": r.stored, "error": r.error}
        for address, r in poll_all().items()
    }
