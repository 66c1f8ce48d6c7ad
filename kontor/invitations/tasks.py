"""The background job that sends a meeting's invitations after a save (queued by listeners)."""

from django_tasks import task

from kontor.invitations.actions import sync_invitations


@task()
def sync(meeting_id: str) -> int:
    """Send what the meeting's invitees need now; returns how many mails were queued."""
    return len(sync_invitations(meeting_id))
