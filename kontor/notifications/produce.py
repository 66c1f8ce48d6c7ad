"""Notifications made from record events, in the task worker (`tasks.produce`): assigned to
you, invited, mentioned in a note; and what a call's or meeting's creation and a move mean for
reminders (the invitees' default reminders; due times following the start).

Nobody hears of their own doing, nor of a record they may not see.
"""

import re

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from kontor.core import registry
from kontor.notifications.actions import notify, reminder_for, slug_of, start_of
from kontor.notifications.models import Kind, Notification, Reminder, Settings

MENTION = re.compile(r"(?<![\w.])@([\w.+-]*\w)")


def visible(user, model, pk) -> bool:
    return model.objects.visible_to(user, "view").filter(pk=pk).exists()


def item(record, user, kind: str, key: str, actor_id, **extra) -> Notification:
    return Notification(
        user=user,
        kind=kind,
        key=key,
        actor_id=actor_id,
        subject=str(record)[:255],
        url=registry.for_model(type(record)).detail_url(record.pk),
        **extra,
    )


def produce(items: list[dict]) -> int:
    """Make the notifications of the events in `items` (as the listener queued them)."""
    found = []
    for entry in items:
        model = apps.get_model(entry["model"])
        record = model.objects.filter(pk=entry["pk"]).select_related("assigned_user").first()
        if record is None:
            continue
        actor_id, what = entry["actor"], entry["what"]
        fields = set(entry["fields"])
        # A later occurrence of a repeated call or meeting, created with its series (or by
        # the job that extends it): the series' first occurrence told its people.
        occurrence = entry["kind"] == "created" and getattr(record, "repeat_parent_id", None)
        if assigned_to_other(entry, record) and not occurrence:
            found += assigned(record, actor_id)
        if what == "activity":
            if not occurrence:
                found += invited(record, actor_id)
            if entry["kind"] == "created":
                default_reminders(record)
        if what in ("activity", "task") and (not fields or fields & {"date_start", "date_due"}):
            follow(record)
        if what == "note":
            found += mentioned(record, actor_id)
    return notify(found)


def assigned_to_other(entry, record) -> bool:
    fields = set(entry["fields"])
    if entry["actor"] is None:  # a system write: see listener.interesting
        return False
    return record.assigned_user_id not in (None, entry["actor"]) and (
        entry["kind"] == "created" or not fields or "assigned_user_id" in fields
    )


def assigned(record, actor_id) -> list:
    user = record.assigned_user
    if user is None or user.pk == actor_id or not user.is_active:
        return []
    if not visible(user, type(record), record.pk):
        return []
    stamp = record.date_modified.isoformat()
    key = f"assigned:{record.pk}:{user.pk}:{stamp}"
    return [item(record, user, Kind.ASSIGNED, key, actor_id)]


def invited_users(record) -> list:
    from kontor.activities.actions import invited_users as users_of

    return [u for u in users_of(record) if u.is_active]


def invited(record, actor_id) -> list:
    out = []
    for user in invited_users(record):
        if user.pk == actor_id or not visible(user, type(record), record.pk):
            continue
        key = f"invited:{record.pk}:{user.pk}"
        out.append(item(record, user, Kind.INVITED, key, actor_id, when=record.date_start))
    return out


def default_reminders(record) -> None:
    """The reminder each of the call's or meeting's people asked for in their settings."""
    people = {u.pk for u in invited_users(record)}
    if record.assigned_user_id:
        people.add(record.assigned_user_id)
    wanted = Settings.objects.filter(user__in=people, reminder_minutes__isnull=False)
    have = set(
        Reminder.objects.filter(related_event_module_id=record.pk).values_list("user_id", flat=True)
    )
    Reminder.objects.bulk_create(
        reminder_for(
            record,
            slug_of(record),
            s.user,
            s.reminder_minutes,
            popup=s.reminder_popup,
            email=s.reminder_email,
        )
        for s in wanted.select_related("user")
        if s.user_id not in have and (s.reminder_popup or s.reminder_email)
    )


def follow(record) -> int:
    """Move the reminders of `record` with its start: a channel whose new time is still to
    come is sent again then."""
    start, now = start_of(record), timezone.now()
    changed = []
    fields = ["event_start", "popup_sent_at", "email_sent_at", "date_willexecute"]
    for reminder in Reminder.objects.filter(related_event_module_id=record.pk):
        before = [getattr(reminder, f) for f in fields]
        if start is None:
            # a task's due date cleared: nothing to remind of until one is set again
            reminder.date_willexecute = None
        else:
            if reminder.event_start != start:
                reminder.event_start = start
                for channel in ("popup", "email"):
                    due = start - timezone.timedelta(seconds=getattr(reminder, f"timer_{channel}"))
                    if due > now:
                        setattr(reminder, f"{channel}_sent_at", None)
            reminder.schedule()
        if [getattr(reminder, f) for f in fields] != before:
            changed.append(reminder)
    Reminder.objects.bulk_update(changed, fields)
    return len(changed)


def mentioned(note, actor_id) -> list:
    names = {m.lower() for m in MENTION.findall(note.description or "")}
    if not names:
        return []
    users = get_user_model().objects.filter(is_active=True, username__in=_cased(names))
    parent_model = note.parent_type.model_class() if note.parent_type_id else None
    out = []
    for user in users:
        if user.username.lower() not in names or user.pk == actor_id:
            continue
        # the note names its parent and says what it says: both must be the reader's to see
        if parent_model is not None and not visible(user, parent_model, note.parent_id):
            continue
        if not visible(user, type(note), note.pk):
            continue
        key = f"mention:{note.pk}:{user.pk}"
        out.append(item(note, user, Kind.MENTION, key, actor_id))
    return out


def _cased(names: set[str]):
    """Usernames as typed and lower-cased (`username__in` is case-sensitive on PostgreSQL)."""
    from django.db.models.functions import Lower

    return (
        get_user_model()
        .objects.annotate(n=Lower("username"))
        .filter(n__in=names)
        .values("username")
    )
