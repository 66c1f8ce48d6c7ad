"""Two scheduled producers: tasks that became overdue (every 15 minutes, to their owners) and
the daily digest by e-mail (each opted-in user's unread notifications and the day's agenda,
one mail per user and day)."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.activities.models import Call, Meeting, Task
from kontor.core import registry
from kontor.notifications import texts
from kontor.notifications.actions import notify, personal
from kontor.notifications.models import Kind, Notification, Settings

#: an overdue task is told of once, if it became overdue this recently
OVERDUE_WINDOW = timedelta(days=1)
DIGEST_ITEMS = 50


def overdue(now) -> int:
    tasks = (
        Task.objects.filter(
            date_due__gt=now - OVERDUE_WINDOW, date_due__lte=now, assigned_user__isnull=False
        )
        .exclude(status__in=Task.CLOSED_STATUSES)
        .select_related("assigned_user")
    )
    by_user = defaultdict(list)
    for task in tasks:
        by_user[task.assigned_user].append(task)
    module, items = registry.for_model(Task), []
    for user, mine in by_user.items():
        if not user.is_active:
            continue
        seen = set(
            Task.objects.visible_to(user, "view")
            .filter(pk__in=[t.pk for t in mine])
            .values_list("pk", flat=True)
        )
        items += [
            Notification(
                user=user,
                kind=Kind.OVERDUE,
                key=f"overdue:{t.pk}:{int(t.date_due.timestamp())}",
                subject=str(t)[:255],
                url=module.detail_url(t.pk),
                when=t.date_due,
            )
            for t in mine
            if t.pk in seen
        ]
    return notify(items)


def agenda(user, day_start, day_end) -> list:
    """(start, module, activity) of the user's calls, meetings and due tasks of one day."""
    found = []
    for model, invited in ((Call, Q(users=user)), (Meeting, Q(invitees__user=user))):
        rows = (
            model.objects.visible_to(user, "view")
            .filter(Q(assigned_user=user) | invited, date_start__gte=day_start)
            .filter(date_start__lt=day_end)
            .exclude(status__in=model.CLOSED_STATUSES)
            .distinct()
            .order_by("date_start")
        )
        found += [(a.date_start, registry.for_model(model), a) for a in rows[:DIGEST_ITEMS]]
    tasks = (
        Task.objects.visible_to(user, "view")
        .filter(assigned_user=user, date_due__gte=day_start, date_due__lt=day_end)
        .exclude(status__in=Task.CLOSED_STATUSES)
        .order_by("date_due")
    )
    found += [(t.date_due, registry.for_model(Task), t) for t in tasks[:DIGEST_ITEMS]]
    return sorted(found, key=lambda row: row[0])


def send_digests(now) -> int:
    """Mail each opted-in user their digest of today (in their time zone); returns how many
    were handed to the outbox (a repeated run hands the same keys, which send nothing)."""
    from kontor.emails.outbox import send_once

    wanted = Settings.objects.filter(digest=True, user__is_active=True).exclude(user__email="")
    users = get_user_model().objects.filter(pk__in=wanted.values("user_id"))
    sent = 0
    for user in users.select_related("profile"):
        with personal(user):
            day = timezone.localdate(now)
            start = timezone.make_aware(datetime.combine(day, time.min))
            message = _digest(user, start, start + timedelta(days=1))
        if message is None:
            continue
        with transaction.atomic():
            send_once(f"digest:{user.pk}:{day.isoformat()}", message)
        sent += 1
    return sent


def _digest(user, start, end) -> EmailMessage | None:
    unread = list(
        Notification.objects.filter(user=user, read_at__isnull=True)
        .select_related("actor")
        .order_by("-id")[:DIGEST_ITEMS]
    )
    today = agenda(user, start, end)
    if not unread and not today:
        return None
    lines = [_("Good morning, %(name)s.") % {"name": user.get_full_name() or user.username}, ""]
    lines.append(_("Today's agenda") + ":")
    for when, _module, activity in today:
        at = timezone.localtime(when).strftime("%H:%M")
        lines.append(f"- {at} {activity} {texts.absolute(activity.get_absolute_url())}")
    if not today:
        lines.append("- " + _("Nothing planned."))
    lines += ["", _("Unread notifications") + ":"]
    lines += [f"- {texts.message(n)} {texts.absolute(n.url)}".rstrip() for n in unread]
    if not unread:
        lines.append("- " + _("None."))
    lines += ["", texts.absolute("/notifications/")]
    subject = _("Your day in Kontor: %(date)s") % {"date": start.date().isoformat()}
    return EmailMessage(subject, "\n".join(lines), to=[user.email])
