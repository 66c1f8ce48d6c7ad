"""Sending the reminders that are due (the periodic job `notifications.send_reminders`, every
minute): a pop-up notification and/or a mail per reminder, each exactly once.

A batch of due rows is taken under row locks (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two
workers share the work instead of waiting; SQLite's writers take turns), marked sent and
turned into notifications and outbox mails in the same transaction; the notification's and
the mail's keys name the reminder and the start it was for, so a job run twice sends once.
A reminder of a call or meeting that is closed, in the trash, hidden from its user or started
more than `STALE` ago is marked done without a word.
"""

import time
from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kontor.core import registry
from kontor.notifications.actions import send_mails
from kontor.notifications.models import Kind, Notification, Reminder

BATCH = 500
STALE = timedelta(hours=1)
#: A reminder is sent up to this early: the job runs each minute, so one due just after a run
#: goes out at most this late instead of a whole minute late.
LEAD = timedelta(seconds=30)


def send_due(*, budget_seconds: float = 50.0) -> int:
    """Send what is due now, batch after batch, for at most about `budget_seconds` (the job
    runs every minute); returns how many reminders were handled."""
    handled, deadline = 0, time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        count = send_batch(timezone.now())
        handled += count
        if count < BATCH:
            break
    return handled


def send_batch(now) -> int:
    soon = now + LEAD
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(date_willexecute__lte=soon)
            .order_by("date_willexecute")[:BATCH]
        )
        if not rows:
            return 0
        activities, allowed = _activities(rows)
        popups, mails = [], []
        for reminder in rows:
            activity = activities.get(reminder.related_event_module_id)
            live = (
                activity is not None
                and activity.is_open
                and (reminder.user_id, activity.pk) in allowed
                and reminder.event_start > now - STALE
            )
            for channel, into in (("popup", popups), ("email", mails)):
                due = reminder.channel_due(channel)
                if due is None or due > soon:
                    continue
                setattr(reminder, f"{channel}_sent_at", now)
                if live:
                    into.append(_notification(reminder, activity, channel))
            reminder.schedule()
        Reminder.objects.bulk_update(rows, ["popup_sent_at", "email_sent_at", "date_willexecute"])
        Notification.objects.bulk_create(popups, ignore_conflicts=True)
        if mails:
            send_mails(mails)
    return len(rows)


def _activities(rows) -> tuple[dict, set]:
    """The activities of `rows` ({id: activity}) and which (user id, activity id) pairs their
    users may see: one query per record type and one per user and type."""
    ids, pairs = defaultdict(set), defaultdict(set)
    for r in rows:
        ids[r.related_event_module].add(r.related_event_module_id)
        pairs[(r.user_id, r.related_event_module)].add(r.related_event_module_id)
    activities = {}
    for slug, pks in ids.items():
        activities.update({a.pk: a for a in registry.get(slug).model.objects.filter(pk__in=pks)})
    users = get_user_model().objects.in_bulk({user_id for user_id, _slug in pairs})
    allowed = set()
    for (user_id, slug), pks in pairs.items():
        user = users.get(user_id)
        if user is None or not user.is_active:
            continue
        seen = registry.get(slug).model.objects.visible_to(user, "view").filter(pk__in=pks)
        allowed |= {(user_id, pk) for pk in seen.values_list("pk", flat=True)}
    return activities, allowed


def _notification(reminder, activity, channel: str) -> Notification:
    stamp = int(reminder.event_start.timestamp())
    return Notification(
        user_id=reminder.user_id,
        kind=Kind.REMINDER,
        key=f"reminder:{reminder.pk}:{stamp}:{channel}",
        subject=str(activity)[:255],
        url=registry.get(reminder.related_event_module).detail_url(activity.pk),
        when=reminder.event_start,
        popup_shown=channel != "popup",
    )
