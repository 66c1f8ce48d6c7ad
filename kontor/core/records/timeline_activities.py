"""The activities part of a record's timeline (kontor.core.records.timeline).

Each activity module says which of its records reach a journey (`Module.timeline_queries`:
those hanging off a member, and e.g. the calls a member person is invited to) and how an event
reads (`Module.timeline_pattern`); here they are queried, the newest `limit` per query, and a
copy made by a conversion counts once.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
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
    """The time an activity shows at: due (tasks), start (calls, meetings), else created."""
    parts = [
        n for n in ("date_due", "date_start") if n in {f.name for f in model._meta.concrete_fields}
    ]
    return Coalesce(*parts, "date_entered") if parts else F("date_entered")


def time_of(item) -> datetime:
    """The time an activity shows at (see `_when`)."""
    return getattr(item, "date_due", None) or getattr(item, "date_start", None) or item.date_entered


def event(item, owner, names: Names) -> Event:
    """The timeline event of an activity: its module's sentence with a link, its status."""
    module = registry.for_model(type(item))
    status, url = getattr(item, "status", ""), names.url(module, item.pk)
    name = format_html('<a href="{}">{}</a>', url, item.name)
    text = mark_safe(escape(module.timeline_pattern(status)) % {"name": name})
    shown = names.label(module.model._meta.get_field("status"), status) if status else ""
    return Event(
        time_of(item),
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
