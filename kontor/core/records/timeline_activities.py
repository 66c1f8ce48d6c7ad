"""The activities part of a record's timeline (kontor.core.records.timeline).

Each activity module says which of its records reach a journey (`Module.timeline_queries`:
those hanging off a member, and e.g. the calls a member person is invited to) and how an event
reads (`Module.timeline_pattern`); here they are queried, the newest `limit` per query, and a
copy made by a conversion counts once.

An activity is history at the time it happened (`happened_at`): a call or meeting at its start,
a finished task when it was last saved (completing it saves it, so that is its completion time:
no change-log query is needed), a note when written. An open call, meeting or task whose time
is still ahead, or that has no time yet, is planned (`is_planned`), shown apart.
"""

import functools
import uuid
from datetime import datetime
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import router
from django.db.models import Case, F, Q, When
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe

from kontor.core import registry
from kontor.core.journey import Journey
from kontor.core.records.timeline_changes import Event, Names

#: What an activity event reads, of the columns its type has: the rest stays in the database.
COLUMNS = (
    "id",
    "name",
    "description",
    "status",
    "date_start",
    "date_due",
    "date_entered",
    "date_modified",
    "parent_type_id",
    "parent_id",
    "assigned_user_id",
)
#: The assignee's name, joined to the activity's row.
USER_COLUMNS = ("assigned_user__username", "assigned_user__first_name", "assigned_user__last_name")


class Activity(NamedTuple):
    """An activity as its timeline event reads it: a row of `COLUMNS` (None where its type has
    no such column: a note has no status, a call no due date), not a model instance."""

    model: type
    pk: uuid.UUID
    name: str
    description: str
    status: str | None
    date_start: datetime | None
    date_due: datetime | None
    date_entered: datetime
    date_modified: datetime | None
    parent_type_id: int | None
    parent_id: uuid.UUID | None
    assigned_user_id: int | None
    user: tuple  # the assignee's (username, first name, last name)
    via: object  # the member it reaches through other than its parent (see timeline_queries)

    @property
    def is_open(self) -> bool:
        """Not held, not finished (Activity.is_open); a type without a status (notes) never."""
        return self.status is not None and self.status not in self.model.CLOSED_STATUSES

    def instance(self):
        """The model instance of the row, as `.only(*COLUMNS)` with the assignee joined
        would load it (for callers that want the record: the API, the detail page's lists)."""
        model, db = self.model, router.db_for_read(self.model)
        values = {"id": self.pk, **self._asdict()}
        names = [f.attname for f in model._meta.concrete_fields if f.attname in COLUMNS]
        record = model.from_db(db, names, [values[name] for name in names])
        if self.assigned_user_id is not None:
            record.assigned_user = get_user_model().from_db(
                db,
                ["id", "username", "first_name", "last_name"],
                [self.assigned_user_id, *self.user],
            )
        record.via = self.via
        return record


@functools.cache
def _columns(model) -> tuple:
    """The `COLUMNS` of `model`'s type."""
    names = {f.attname for f in model._meta.concrete_fields}
    return tuple(c for c in COLUMNS if c in names)


def _activity(model, row: dict) -> Activity:
    return Activity(
        model,
        row["id"],
        row["name"],
        row["description"],
        row.get("status"),
        row.get("date_start"),
        row.get("date_due"),
        row["date_entered"],
        row["date_modified"],
        row["parent_type_id"],
        row["parent_id"],
        row["assigned_user_id"],
        tuple(row[c] for c in USER_COLUMNS),
        row["via"],
    )


def found(journey: Journey, limit: int) -> list[tuple]:
    """(activity, owner) pairs, newest `limit` per query of each activity module. A copy made
    by a conversion counts once (the one on the page's own record wins)."""
    parents, owners, by_pk = Q(), {}, {}
    for (model, pk), (rec, whole) in journey.members.items():
        by_pk[pk] = rec
        if whole and registry.for_model(model).has_activities:
            ct = ContentType.objects.get_for_model(model)
            owners[(ct.pk, pk)] = rec
            parents |= Q(parent_type=ct, parent_id=pk)
    if not owners:
        return []
    pairs: dict = {}
    for module in registry.activity_modules():
        model = module.model
        visible = model.objects.visible_to(journey.user, "view")
        columns = (*_columns(model), *USER_COLUMNS, "via")
        for queryset in module.timeline_queries(visible, parents, journey):
            rows = queryset.order_by(_when(model).desc(), "-pk").values(*columns)
            for row in rows[:limit]:
                item = _activity(model, row)
                owner = owners.get((item.parent_type_id, item.parent_id)) or by_pk.get(
                    item.via, journey.record
                )
                pairs.setdefault((model, item.pk), (item, owner))
    result, seen = [], set()
    for item, owner in sorted(pairs.values(), key=lambda pair: pair[1] is not journey.record):
        key = (item.model, item.name, item.description, item.status, item.date_start, item.date_due)
        if key not in seen:
            seen.add(key)
            result.append((item, owner))
    return result


def _when(model):
    """The order of an activity's query, newest first: when it happened (`happened_at`), a
    planned one at its planned time, so the planned ones come first and do not push history
    out of the `limit` of a record with only a few plans."""
    names = {f.name for f in model._meta.concrete_fields}
    parts = [n for n in ("date_due", "date_start") if n in names]
    planned = Coalesce(*parts, "date_entered") if parts else F("date_entered")
    if "date_due" in names and model.CLOSED_STATUSES:  # a finished task: when it was finished
        return Case(
            When(status__in=model.CLOSED_STATUSES, then=F("date_modified")), default=planned
        )
    return planned


def time_of(item) -> datetime:
    """The time an activity (an `Activity` row or a model instance) shows at (see `_when`)."""
    return getattr(item, "date_due", None) or getattr(item, "date_start", None) or item.date_entered


def happened_at(item: Activity) -> datetime:
    """When an activity happened, for the history: a finished task when it was finished (its
    last save), a call or meeting at its start, an open overdue task at its due date."""
    if "date_due" in _columns(item.model) and not item.is_open:
        return item.date_modified or time_of(item)
    return time_of(item)


def is_planned(item: Activity, now: datetime) -> bool:
    """Is the activity still to come: open (not held, not finished) and due or starting later
    than `now`, or open without any time set? Notes never are."""
    if not item.is_open:
        return False
    when = item.date_due or item.date_start
    return when is None or when > now


def event(item: Activity, owner, names: Names) -> Event:
    """The timeline event of an activity: its module's sentence with a link, its status."""
    module = registry.for_model(item.model)
    status, url = item.status or "", names.url(module, item.pk)
    name = f'<a href="{escape(url)}">{escape(item.name)}</a>'
    text = mark_safe(names.pattern(module, status) % {"name": name})  # noqa: S308 - escaped
    shown = names.label(module.model._meta.get_field("status"), status) if status else ""
    return Event(
        happened_at(item),
        module.slug,
        module.icon,
        text,
        url=url,
        status=shown,
        actor=names.user(item.assigned_user_id, *item.user),
        activity=item,
        is_open=item.is_open,
        owner=owner,
    )
