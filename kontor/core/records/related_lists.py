"""Parts of a record page's related lists (kontor.core.records.detail.subpanels), for the
salesperson looking at an account or a contact: the totals of amount columns per currency,
and the activities of the records a module names as `activity_sources` (an account shows the
calls, meetings, tasks and notes of its contacts and opportunities).

Cost: totals are free for a list that fits on the panel and one capped aggregate otherwise;
the activities take one query per activity module and one per source module whose names show,
however many records there are. Everything goes through the permission filter.
"""

from collections import defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Sum

from kontor.core import permissions, registry
from kontor.core.records import tables, timeline_activities

#: Totals of a long related list add up at most this many rows (docs/performance.md rule 4).
TOTALS_CAP = 1000
#: Rows of the activities of the related records
ACTIVITY_ROWS = 10


def totals(cols, queryset, rows, more: bool) -> list[dict]:
    """{"before", "after", "sums": [(currency, text)], "capped"} of each amount column of a related
    list: over the rows shown when they are all, else over at most TOTALS_CAP of them."""
    out = []
    for index, col in enumerate(cols):
        currency = getattr(col.field, "currency_field", None)
        if not currency:
            continue
        sums: dict = defaultdict(Decimal)
        capped = False
        if not more:
            for row in rows:
                amount = getattr(row, col.name)
                if amount is not None:
                    sums[getattr(row, currency)] += amount
        else:
            ids = queryset.order_by().values("pk")[:TOTALS_CAP]
            found = (
                queryset.model.objects.filter(pk__in=ids)
                .values(currency)
                .annotate(total=Sum(col.name))
                .order_by(currency)
            )
            sums.update({r[currency]: r["total"] for r in found if r["total"] is not None})
            capped = queryset.order_by().values("pk")[TOTALS_CAP : TOTALS_CAP + 1].exists()
        if sums:
            out.append(
                {
                    "before": index,  # cells before the amount column (its label's colspan)
                    "after": len(cols) - index - 1,
                    "sums": [(c, tables.display(col.field, sums[c])) for c in sorted(sums)],
                    "capped": capped,
                }
            )
    return out


def source_activities(module, record, user) -> list[dict]:
    """The newest activities of `record` and of the records pointing at it that
    `module.activity_sources` names, newest first; [] for a module without sources."""
    if not module.activity_sources:
        return []
    types = ContentType.objects.get_for_models(
        type(record), *[registry.get(slug).model for slug, _f in module.activity_sources]
    )
    own = types[type(record)]
    parents = Q(parent_type=own, parent_id=record.pk)
    for slug, field in module.activity_sources:
        source = registry.get(slug)
        if permissions.can(user, "view", source.model):
            ids = source.model.objects.visible_to(user, "view").filter(**{field: record})
            parents |= Q(parent_type=types[source.model], parent_id__in=ids.values("pk"))
    items = []
    for activity in registry.activity_modules():
        if not permissions.can(user, "list", activity.model):
            continue
        found = (
            activity.model.objects.visible_to(user, "list")
            .filter(parents)
            .select_related("assigned_user")
            .order_by("-date_entered", "-pk")[:ACTIVITY_ROWS]
        )
        items += [(activity, row) for row in found]
    items.sort(key=lambda pair: pair[1].date_entered, reverse=True)
    items = items[:ACTIVITY_ROWS]
    names = _parent_names(items, record, user)
    return [
        {
            "module": activity,
            "record": row,
            "url": activity.detail_url(row.pk),
            "when": timeline_activities.time_of(row),
            "status": tables.display(row._meta.get_field("status"), row.status)
            if hasattr(row, "status")
            else "",
            "parent": names.get((row.parent_type_id, row.parent_id)),
            "owner": tables.user_label(row.assigned_user),
        }
        for activity, row in items
    ]


def _parent_names(items, record, user) -> dict:
    """(content type id, id) → (module, record) of the activities' parents other than
    `record`: one query per parent type (they passed the permission filter already)."""
    wanted: dict = defaultdict(set)
    for _activity, row in items:
        if row.parent_id != record.pk:
            wanted[row.parent_type_id].add(row.parent_id)
    names = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        parent_module = registry.for_model(model)
        for parent in model.objects.visible_to(user, "view").filter(pk__in=ids):
            names[(type_id, parent.pk)] = (parent_module, parent)
    return names
