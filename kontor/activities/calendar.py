"""Calls and meetings as iCalendar (RFC 5545): a file of a filtered list, and the per-user feed
that calendar apps subscribe to with a secret address.

Written with the `icalendar` library, which escapes text (backslash, semicolon, comma, line
breaks) and folds lines at 75 octets without splitting a UTF-8 character. Times are written in
UTC. The file is streamed: one VEVENT serialized at a time between the calendar's header and
its end, so a long list never sits in memory as one object.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event, vText

from kontor.activities.models import Call, Meeting
from kontor.core.records.vcard import clean

#: A feed shows calls and meetings from this many days back, and at most this many of each.
FEED_DAYS_BACK = 90
FEED_LIMIT = 2000
PRODID = "-//Kontor CRM//Kontor//EN"
END = "END:VCALENDAR\r\n"


def text(value: str) -> vText:
    """A TEXT value: line breaks made LF (escaped as \\n), control characters dropped."""
    return vText(clean(value))


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def event(activity, kind: str, now: datetime) -> Event:
    """The VEVENT of one call or meeting."""
    end = activity.date_start + timedelta(minutes=activity.duration_minutes or 0)
    status = {"Held": "CONFIRMED", "Not Held": "CANCELLED"}.get(activity.status, "TENTATIVE")
    item = Event()
    item.add("uid", f"{kind}-{activity.pk}@kontor")
    item.add("dtstamp", _utc(now))
    item.add("dtstart", _utc(activity.date_start))
    item.add("dtend", _utc(end))
    item.add("summary", text(activity.name))
    item.add("status", status)
    item.add("last-modified", _utc(activity.date_modified))
    # A value of nothing but control characters is left out like an empty one.
    if location := clean(getattr(activity, "location", "")):
        item.add("location", vText(location))
    if description := clean(activity.description):
        item.add("description", vText(description))
    url = getattr(activity, "join_url", "") or _absolute(activity.get_absolute_url())
    if url:
        item.add("url", url)
    return item


def _absolute(path: str) -> str:
    base = getattr(settings, "KONTOR_BASE_URL", "").rstrip("/")
    return f"{base}{path}" if base else ""


def header(name: str) -> str:
    """The calendar's opening lines, up to its first component."""
    head = Calendar()
    head.add("version", "2.0")
    head.add("prodid", PRODID)
    head.add("calscale", "GREGORIAN")
    head.add("x-wr-calname", text(name))
    return head.to_ical().decode().removesuffix(END)


def calendar(items: Iterable[tuple[str, object]], name: str = "Kontor") -> Iterator[str]:
    """The calendar as folded text, streamed: `items` are (kind, call or meeting) pairs."""
    now = timezone.now()
    yield header(name)
    for kind, activity in items:
        yield event(activity, kind, now).to_ical().decode()
    yield END


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
