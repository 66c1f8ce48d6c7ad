"""The calendar's events: calls and meetings by start and duration, tasks by due date, read
through the viewer's permission filter and shown in the viewer's time zone.

For the event feed (`/calendar/events/`) and the answers of a move or a quick create. One query
per activity type (plus one more per type whose edit scope is Team, to mark what the viewer may
drag), only the columns an event shows (`.values()`), and a range on the indexed start column:
`date_start >= start - longest duration` and `< end`, the longest duration being the model's
own limit, so a meeting that began before the range and still runs is found.

The browser's calendar runs in UTC mode: an event's `start` and `end` are the viewer's wall
times without an offset (FullCalendar shows them as they are, whatever the browser's zone), and
`extendedProps.at` is the same instant with the viewer's offset.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.validators import MaxValueValidator
from django.utils import timezone

from kontor.activities.models import Call, Meeting, Task
from kontor.calendar.people import Selection, colour_of
from kontor.core import permissions, registry

#: Tasks have no duration: they are drawn this long at their due time.
TASK_MINUTES = 30
_PLACEHOLDER = uuid.UUID(int=0)


@dataclass(frozen=True)
class Kind:
    """An activity type as the calendar shows it."""

    slug: str
    model: type
    start_field: str
    #: minutes; None for tasks, which are shown at their due time
    has_duration: bool

    @property
    def longest(self) -> timedelta:
        """The longest duration the model allows (its validator), the reach of a range."""
        if not self.has_duration:
            return timedelta(0)
        field = self.model._meta.get_field("duration_minutes")
        limits = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
        return timedelta(minutes=max(limits))


KINDS = {
    "calls": Kind("calls", Call, "date_start", True),
    "meetings": Kind("meetings", Meeting, "date_start", True),
    "tasks": Kind("tasks", Task, "date_due", False),
}

COLUMNS = ("pk", "name", "status", "assigned_user_id", "created_by_id", "date_modified")


def wall(value: datetime, zone=None) -> str:
    """A time as the viewer's wall time, without offset (what FullCalendar in UTC mode shows)."""
    local = value.astimezone(zone or timezone.get_current_timezone())
    return local.replace(tzinfo=None).isoformat(timespec="seconds")


def editable_ids(viewer, kind: Kind, rows: list[dict]) -> set | None:
    """Which of `rows` the viewer may move: None for all of them (scope All), else a set."""
    reach = permissions.scope(viewer, "edit", kind.model)
    if reach == "all" or reach == permissions.scope(viewer, "view", kind.model):
        return None  # the same reach as the feed's filter: every row it found
    if reach == "none":
        return set()
    owned = {r["pk"] for r in rows if (r["assigned_user_id"] or r["created_by_id"]) == viewer.pk}
    if reach == "owner":
        return owned
    others = [r["pk"] for r in rows if r["pk"] not in owned]
    return owned | permissions.visible_ids(viewer, kind.model, others, "edit")


def rows_of(viewer, kind: Kind, start: datetime, end: datetime, user_ids: list[int]) -> list:
    """The visible activities of `kind` assigned to `user_ids` that overlap [start, end)."""
    field = kind.start_field
    columns = (*COLUMNS, field, *(("duration_minutes",) if kind.has_duration else ()))
    found = (
        kind.model.objects.visible_to(viewer, "view")
        .filter(
            **{
                f"{field}__gte": start - kind.longest,
                f"{field}__lt": end,
                "assigned_user_id__in": user_ids,
            }
        )
        .values(*columns)
    )
    if not kind.has_duration:
        return list(found)
    return [
        r
        for r in found
        if r[field] >= start or r[field] + timedelta(minutes=r["duration_minutes"] or 0) > start
    ]


def event(kind: Kind, row: dict, colours: dict, editable: bool, detail: str, zone=None) -> dict:
    """One event as FullCalendar reads it (`zone`: the viewer's, the current one if None)."""
    zone = zone or timezone.get_current_timezone()
    begins = row[kind.start_field]
    minutes = row["duration_minutes"] if kind.has_duration else TASK_MINUTES
    ends = begins + timedelta(minutes=minutes or 0)
    colour = colours.get(row["assigned_user_id"], "#3d4f5c")
    return {
        "id": f"{kind.slug}:{row['pk']}",
        "title": row["name"],
        "start": wall(begins, zone),
        "end": wall(ends, zone),
        "url": detail.replace(str(_PLACEHOLDER), str(row["pk"])),
        "backgroundColor": colour,
        "borderColor": colour,
        "textColor": "#ffffff",
        "editable": editable,
        "durationEditable": editable and kind.has_duration,
        "classNames": [f"kt-cal-{kind.slug}"],
        "extendedProps": {
            "type": kind.slug,
            "status": row["status"],
            "user": row["assigned_user_id"],
            "version": row["date_modified"].isoformat(),
            "at": begins.astimezone(zone).isoformat(),
        },
    }


def events(viewer, start: datetime, end: datetime, selection: Selection, kinds=None) -> list:
    """The events of the chosen users between `start` and `end` that `viewer` may see."""
    colours = {p.id: p.colour for p in selection.people}
    zone = timezone.get_current_timezone()
    found = []
    for kind in kinds or KINDS.values():
        if not permissions.can(viewer, "view", kind.model):
            continue
        rows = rows_of(viewer, kind, start, end, selection.user_ids)
        mine = editable_ids(viewer, kind, rows)
        detail = registry.for_model(kind.model).url("detail", _PLACEHOLDER)
        found += [
            event(kind, r, colours, mine is None or r["pk"] in mine, detail, zone) for r in rows
        ]
    return found


def one(viewer, kind: Kind, pk) -> dict | None:
    """The event of one activity as stored now (after a move or a create), or None."""
    field = kind.start_field
    columns = (*COLUMNS, field, *(("duration_minutes",) if kind.has_duration else ()))
    row = kind.model.objects.visible_to(viewer, "view").filter(pk=pk).values(*columns).first()
    if row is None or row[field] is None:
        return None
    user_id = row["assigned_user_id"]
    colours = {user_id: colour_of(user_id)} if user_id else {}
    mine = editable_ids(viewer, kind, [row])
    detail = registry.for_model(kind.model).url("detail", _PLACEHOLDER)
    return event(kind, row, colours, mine is None or row["pk"] in mine, detail)
