"""Calls and meetings as iCalendar (RFC 5545): a file of a filtered list, and the per-user feed
that calendar apps subscribe to with a secret address.

Text is escaped (backslash, semicolon, comma, line breaks) and lines are folded at 75 octets
without splitting a UTF-8 character, so any subject or location survives a round trip. Times
are written in UTC.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kontor.activities.models import Call, Meeting
from kontor.core.records.vcard import escape_text, fold

#: A feed shows calls and meetings from this many days back, and at most this many of each.
FEED_DAYS_BACK = 90
FEED_LIMIT = 2000
PRODID = "-//Kontor CRM//Kontor//EN"


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(activity, kind: str, now: datetime) -> list[str]:
    """The VEVENT of one call or meeting."""
    end = activity.date_start + timedelta(minutes=activity.duration_minutes or 0)
    status = {"Held": "CONFIRMED", "Not Held": "CANCELLED"}.get(activity.status, "TENTATIVE")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{kind}-{activity.pk}@kontor",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(activity.date_start)}",
        f"DTEND:{_stamp(end)}",
        f"SUMMARY:{escape_text(activity.name)}",
        f"STATUS:{status}",
        f"LAST-MODIFIED:{_stamp(activity.date_modified)}",
    ]
    if getattr(activity, "location", ""):
        lines.append(f"LOCATION:{escape_text(activity.location)}")
    if activity.description:
        lines.append(f"DESCRIPTION:{escape_text(activity.description)}")
    url = getattr(activity, "join_url", "") or _absolute(activity.get_absolute_url())
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def _absolute(path: str) -> str:
    base = getattr(settings, "KONTOR_BASE_URL", "").rstrip("/")
    return f"{base}{path}" if base else ""


def calendar(items: Iterable[tuple[str, object]], name: str = "Kontor") -> Iterator[str]:
    """The calendar as folded lines, streamed: `items` are (kind, call or meeting) pairs."""
    now = timezone.now()
    yield from (
        fold(line)
        for line in (
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{PRODID}",
            "CALSCALE:GREGORIAN",
            f"X-WR-CALNAME:{escape_text(name)}",
        )
    )
    for kind, activity in items:
        for line in event_lines(activity, kind, now):
            yield fold(line)
    yield fold("END:VCALENDAR")


COLUMNS = ("id", "name", "status", "date_start", "duration_minutes", "description", "date_modified")


def user_items(user) -> Iterator[tuple[str, object]]:
    """The user's calls and meetings (assigned or invited) that they may see, recent and
    upcoming, through the permission filter."""
    since = timezone.now() - timedelta(days=FEED_DAYS_BACK)
    calls = (
        Call.objects.visible_to(user, "view")
        .filter(Q(assigned_user=user) | Q(users=user), date_start__gte=since)
        .distinct()
    )
    meetings = (
        Meeting.objects.visible_to(user, "view")
        .filter(Q(assigned_user=user) | Q(invitees__user=user), date_start__gte=since)
        .distinct()
    )
    for call in calls.only(*COLUMNS).order_by("date_start", "pk")[:FEED_LIMIT]:
        yield "call", call
    for meeting in meetings.only(*COLUMNS, "location", "join_url").order_by("date_start", "pk")[
        :FEED_LIMIT
    ]:
        yield "meeting", meeting
