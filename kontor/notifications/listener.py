"""The record events the notification centre hears (kontor.core.events), after the commit of
the change: it picks, without a query, the events that may concern someone and hands them to
the task worker (`tasks.produce`), so a save pays one queued task at most.

Heard: a record assigned by someone to someone else; a call or meeting created or
changed (its invitees, the default reminders, a move of its start); a task whose due date
moved; a note whose text names someone with "@". Bulk writes (imports, undo) are told of by
the import's own notification, not per record.
"""

from kontor.core import events as record_events


def interesting(event) -> str | None:
    """What `event` may mean for someone ("assigned", "activity", "task", "note"), or None."""
    if event.kind not in (record_events.CREATED, record_events.UPDATED):
        return None
    record = event.record
    label = record._meta.label_lower
    actor_id = getattr(event.actor, "pk", None)
    fields = set(event.fields)
    if label in ("activities.call", "activities.meeting"):
        return "activity"
    if label == "activities.note" and "@" in (record.description or ""):
        return "note"
    if label == "activities.task" and (not fields or "date_due" in fields):
        return "task"
    assigned = getattr(record, "assigned_user_id", None)
    # A system write (no actor: a mail the poll stored for its mailbox's owner, a job) hands
    # nothing over; told by e-mail, a received mail would even come back as one.
    if assigned is None or actor_id is None or assigned == actor_id:
        return None
    if event.kind == record_events.CREATED or not fields or "assigned_user_id" in fields:
        return "assigned"
    return None


def on_events(events: list) -> None:
    from kontor.notifications.tasks import produce

    items = []
    for event in events:
        if isinstance(event, record_events.BulkEvent):
            continue
        what = interesting(event)
        if what is None:
            continue
        items.append(
            {
                "what": what,
                "kind": event.kind,
                "model": event.record._meta.label_lower,
                "pk": str(event.record.pk),
                "actor": getattr(event.actor, "pk", None),
                "fields": list(event.fields),
            }
        )
    if items:
        produce.enqueue(items)
