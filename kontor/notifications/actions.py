"""Writes of the notification centre: notify users (in the app and/or by e-mail, as each
wants), mark read, save a user's preferences, add and remove reminders.

Only the producers (`kontor.notifications.produce`, the periodic jobs) call `notify`, after the
change they tell of was committed; it is its own short transaction.
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kontor.notifications import texts
from kontor.notifications.models import Kind, Notification, Preference, Reminder, Settings


def preferences_of(users) -> dict:
    """{(user id, kind): {"in_app": …, "email": …}} for `users` (one query); kinds without a
    row take `Preference.DEFAULTS`."""
    ids = {getattr(u, "pk", u) for u in users}
    rows = Preference.objects.filter(user_id__in=ids).values("user_id", "kind", "in_app", "email")
    return {(r["user_id"], r["kind"]): r for r in rows}


def wants(prefs: dict, user_id, kind: str, channel: str) -> bool:
    return prefs.get((user_id, kind), Preference.DEFAULTS)[channel]


def notify(items: list[Notification], *, emails: bool = True) -> int:
    """Store and mail `items` (unsaved notifications with user, kind, key …) as their users
    want; an item whose key is stored already is neither stored nor mailed again. Returns how
    many were new in the app."""
    if not items:
        return 0
    users = {n.user_id for n in items}
    prefs = preferences_of(users)
    in_app = [n for n in items if wants(prefs, n.user_id, n.kind, "in_app")]
    by_mail = [n for n in items if emails and wants(prefs, n.user_id, n.kind, "email")]
    with transaction.atomic():
        known = set(
            Notification.objects.filter(key__in=[n.key for n in in_app]).values_list(
                "key", flat=True
            )
        )
        new = [n for n in in_app if n.key not in known]
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        if by_mail:
            send_mails(by_mail)
    return len(new)


def send_mails(items: list[Notification]) -> None:
    """One mail per item through the outbox, keyed by the item's key, in its user's language."""
    from kontor.emails.outbox import send_once

    people = {
        u.pk: u
        for u in get_user_model()
        .objects.filter(pk__in={n.user_id for n in items}, is_active=True)
        .select_related("profile")
    }
    for n in items:
        user = people.get(n.user_id)
        if user is None or not user.email:
            continue
        with personal(user):
            line = texts.message(n)
            body = "\n\n".join(
                part
                for part in (
                    line,
                    texts.absolute(n.url) if n.url else "",
                    _("What you are notified of, and how: %(url)s")
                    % {"url": texts.absolute("/settings/notifications/")},
                )
                if part
            )
        send_once(f"notification:{n.key}", EmailMessage(line, body, to=[user.email]))


@contextmanager
def personal(user):
    """Language and time zone of `user` for what is worded inside (a mail, a digest)."""
    profile = getattr(user, "profile", None)
    language = getattr(profile, "language", None) or translation.get_language()
    zone = getattr(profile, "time_zone", None) or timezone.get_current_timezone_name()
    with translation.override(language), timezone.override(zone):
        yield


def mark_read(notification: Notification, *, actor) -> Notification:
    """Mark one of the actor's own notifications read (the caller found it among theirs)."""
    if notification.user_id != actor.pk:
        raise PermissionError("not the actor's notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def popups_shown(ids, *, actor) -> None:
    Notification.objects.filter(user=actor, pk__in=ids).update(popup_shown=True)


@transaction.atomic
def save_preferences(choices: dict, values: dict, *, actor) -> None:
    """Save the actor's preferences: `choices` {kind: (in_app, email)} and `values` of their
    Settings (digest, reminder_minutes, reminder_popup, reminder_email)."""
    for kind, (in_app, email) in choices.items():
        Preference.objects.update_or_create(
            user=actor, kind=Kind(kind), defaults={"in_app": in_app, "email": email}
        )
    Settings.objects.update_or_create(user=actor, defaults=values)


def settings_of(user) -> Settings:
    return Settings.objects.filter(user=user).first() or Settings(user=user)


def reminder_for(activity, slug: str, user, minutes: int, *, popup: bool, email: bool) -> Reminder:
    """An unsaved reminder of `user` `minutes` before `activity` starts (a task: is due)."""
    reminder = Reminder(
        user=user,
        popup=popup,
        email=email,
        timer_popup=minutes * 60,
        timer_email=minutes * 60,
        related_event_module=slug,
        related_event_module_id=activity.pk,
        event_start=start_of(activity),
    )
    reminder.schedule()
    return reminder


def start_of(activity):
    return (
        getattr(activity, "date_start", None) if slug_of(activity) != "tasks" else activity.date_due
    )


def slug_of(activity) -> str:
    return {"call": "calls", "meeting": "meetings", "task": "tasks"}[
        type(activity)._meta.model_name
    ]


def add_reminder(activity, user, minutes: int, *, popup: bool, email: bool, actor) -> Reminder:
    """Add a reminder of the actor (`user` is the actor: reminders are one's own)."""
    if user.pk != actor.pk:
        raise PermissionError("reminders are one's own")
    if start_of(activity) is None:
        raise ValueError(_("This task has no due date to be reminded of."))
    if not (popup or email):
        raise ValueError(_("Choose a pop-up, an e-mail or both."))
    reminder = reminder_for(activity, slug_of(activity), user, minutes, popup=popup, email=email)
    reminder.save()
    return reminder


def delete_reminder(reminder: Reminder, *, actor) -> None:
    if reminder.user_id != actor.pk:
        raise PermissionError("not the actor's reminder")
    Reminder.objects.filter(pk=reminder.pk).delete()


def mark_read_ids(ids, *, actor) -> int:
    """Mark those of `ids` that are the actor's and unread read; returns how many."""
    return Notification.objects.filter(user=actor, pk__in=ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )
