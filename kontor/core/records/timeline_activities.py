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

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, Q, When
from django.db.models.functions import Coalesce
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from kontor.core import registry
from kontor.core.journey import Journey
from kontor.core.records import tables
from kontor.core.records.timeline_changes import Event, Names

#: What an activity event reads: the rest stays in the database.
COLUMNS = (
    "name",
    "description",
    "status",
    "date_start",
    "date_due",
    "date_entered",
    "date_modified",
    "parent_type",
    "parent_id",
    "assigned_user__username",
    "assigned_user__first_name",
    "assigned_user__last_name",
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
        columns = {f.name for f in model._meta.concrete_fields}
        visible = (
            model.objects.visible_to(journey.user, "view")
            .select_related("assigned_user")
            .only(*[c for c in COLUMNS if c.split("__")[0] in columns])
        )
        for queryset in module.timeline_queries(visible, parents, journey):
            for item in queryset.order_by(_when(model).desc(), "-pk")[:limit]:
                owner = owners.get((item.parent_type_id, item.parent_id)) or by_pk.get(
                    item.via, journey.record
                )
                pairs.setdefault((model, item.pk), (item, owner))
    result, seen = [], set()
    for item, owner in sorted(pairs.values(), key=lambda pair: pair[1] is not journey.record):
        key = (
            type(item),
            item.name,
            item.description,
            getattr(item, "status", ""),
            getattr(item, "date_start", None),
            getattr(item, "date_due", None),
        )
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
    """The time an activity shows at (see `_when`)."""
    return getattr(item, "date_due", None) or getattr(item, "date_start", None) or item.date_entered


def happened_at(item) -> datetime:
    """When an activity happened, for the history: a finished task when it was finished (its
    last save), a call or meeting at its start, an open overdue task at its due date."""
    if hasattr(item, "date_due") and not item.is_open:
        return item.date_modified or time_of(item)
    return time_of(item)


def is_planned(item, now: datetime) -> bool:
    """Is the activity still to come: open (not held, not finished) and due or starting later
    than `now`, or open without any time set? Notes never are."""
    if not item.is_open:
        return False
    when = getattr(item, "date_due", None) or getattr(item, "date_start", None)
    return when is None or when > now


def event(item, owner, names: Names) -> Event:
    """The timeline event of an activity: its module's sentence with a link, its status."""
    module = registry.for_model(type(item))
    status, url = getattr(item, "status", ""), names.url(module, item.pk)
    name = format_html('<a href="{}">{}</a>', url, item.name)
    text = mark_safe(escape(module.timeline_pattern(status)) % {"name": name})
    shown = names.label(module.model._meta.get_field("status"), status) if status else ""
    return Event(
        happened_at(item),
        module.slug,
        module.icon,
        text,
        url=url,
        status=shown,
        actor=tables.user_label(item.assigned_user),
        record=item,
        is_open=item.is_open,
        owner=owner,
    )
