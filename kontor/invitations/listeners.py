"""After a meeting is saved, trashed or restored, or its invitees change: queue the job that
sends its invitations (`tasks.sync`), once per meeting and commit.

Set-based writers (imports, the SuiteCRM migration) send no invitations: moving a CRM's data
is no occasion to e-mail its invitees; they hear from Kontor when a meeting is next saved.
A meeting that has ended is not looked at.
"""

from django.utils import timezone

from kontor.activities.models import Meeting
from kontor.core import events as record_events
from kontor.invitations import tasks

KINDS = (
    record_events.CREATED,
    record_events.UPDATED,
    record_events.DELETED,
    record_events.RESTORED,
)


def on_events(events: list) -> None:
    """Queue the invitations of each meeting the events saved that is still to come."""
    now, meetings = timezone.now(), {}
    for event in events:
        record = getattr(event, "record", None)
        if isinstance(record, Meeting) and event.kind in KINDS and record.date_end > now:
            meetings[str(record.pk)] = record
    for pk in meetings:
        tasks.sync.enqueue(pk)
