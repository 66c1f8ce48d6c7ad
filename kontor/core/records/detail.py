"""What a record's detail page shows to its reader: the header's facts and path (header.py,
path.py), field panels, open activities, the banners the apps that link records register
(kontor.core.journey) and what other apps add to the page (kontor.core.extensions); loaded
after the page (fragments.py): the journey timeline (kontor.core.records.timeline) and the
related lists (subpanels, related.py)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router
from django.db.models import Exists, F, ForeignKey, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from kontor.core import config, extensions, field_values, journey, permissions, registry
from kontor.core.records import (
    header,
    path,
    related_lists,
    tables,
    timeline,
    timeline_rows,
)

SUBPANEL_ROWS = 10
TIMELINE_ROWS = 100


def panels(module, record, user=None, can_edit: bool = False) -> list[dict]:
    """The field panels of `record`, each field with its value's HTML (field_values): the
    inline editor's target when `can_edit` and the module offers the field."""
    out = []
    editing = field_values.Editing(module, record) if can_edit else None
    custom = {f.name: f for f in config.custom_fields(module.model)}
    layout = list(config.panels(module))
    links = [
        tables.Column(name, "", "", module.model._meta.get_field(name))
        for _title, names in layout
        for name in names
        if name not in custom
    ]
    hidden = tables.hidden_links(user, links, [record]) if user is not None else frozenset()
    for title, names in layout:
        fields = []
        for name in names:
            if name in custom:
                fields.append(_custom_item(custom[name], record, user))
                continue
            field = module.model._meta.get_field(name)
            text, url = tables.cell(tables.Column(name, "", "", field), record, hidden)
            if converted := tables.base_amount(field, record):
                text = f"{text} {converted}"
            if name == "filename" and text:
                url = reverse("note-download", args=[record.pk])
            url = url or header.value_url(field, text)  # mailto:, tel:, a web address
            fields.append(
                {
                    "name": name,
                    "label": field.verbose_name,
                    "text": text,
                    "url": url,
                    "wide": field.get_internal_type() == "TextField",
                }
            )
        for item in fields:
            item["html"] = field_values.value_html(item, editing)
        filled = [f for f in fields if f["text"] not in ("", None)]
        out.append(
            {
                "title": title,
                "fields": [f for f in filled if not f["wide"]],
                "wide_fields": [f for f in filled if f["wide"]],
                # Shown behind "Show empty fields (N)"; a panel of only these is collapsed.
                "empty_fields": [f for f in fields if f["text"] in ("", None)],
            }
        )
    return out


def _custom_item(definition, record, user) -> dict:
    """A custom field of the detail panels; a link shows the linked record if visible."""
    stored = (record.custom or {}).get(definition.name)
    text, url = definition.display(stored), ""
    if definition.field_type == "relate" and stored:
        linked = (
            definition.link_model().objects.visible_to(user, "view").filter(pk=stored).first()
            if user is not None
            else None
        )
        text, url = (
            (str(linked), linked.get_absolute_url()) if linked else (tables.not_available(), "")
        )
    return {
        "name": definition.name,
        "label": definition.label,
        "text": text,
        "url": url,
        "wide": definition.field_type == "longtext",
    }


def subpanels(module, record, user) -> list[dict]:
    out = []
    for sub in module.get_subpanels():
        related = registry.get(sub.module)
        if not permissions.can(user, "list", related.model):
            continue  # a record type the user may not see is not even an empty panel
        # The column that points back at this record would repeat it on every row.
        cols = tables.columns(related, [c for c in related.list_columns if c != sub.field][:4])
        queryset = related.model.objects.visible_to(user, "list").filter(**{sub.field: record})
        queryset = queryset.select_related(*tables.related_fields(cols))
        rows = list(queryset.order_by(*_order(related))[: SUBPANEL_ROWS + 1])
        field = related.model._meta.get_field(sub.field)
        more = len(rows) > SUBPANEL_ROWS
        out.append(
            {
                "module": related,
                "slug": f"{related.slug}-{sub.field}",
                "title": sub.title or related.verbose_name_plural,
                "columns": cols,
                "rows": tables.rows(related, cols, rows[:SUBPANEL_ROWS], user),
                "more": more,
                # Capped: a related list never counts past what it fetched.
                "count": f"{SUBPANEL_ROWS}+" if more else str(len(rows)),
                "totals": related_lists.totals(cols, queryset, rows, more),
                "all_url": f"{related.url('list')}?{sub.field}={record.pk}",
                "create_url": f"{related.url('create')}?{sub.field}={record.pk}"
                if not field.many_to_many and permissions.can(user, "create", related.model)
                else "",
            }
        )
    return out


def _order(module):
    sort = module.default_sort
    return [sort, "-pk" if sort.startswith("-") else "pk"]


#: Open activities of one type a record's page shows at most, the newest.
OPEN_PER_TYPE = 20


def open_activities(record, user) -> list[dict]:
    """Open calls, meetings and tasks whose parent is `record`, soonest first: the to-do list.

    At most OPEN_PER_TYPE of each type, the newest; notes are never open and are not queried.
    One query for all types (a UNION ALL of each type's capped part): most records have none,
    and each query costs more to compile and send than to answer.
    """
    ct = ContentType.objects.get_for_model(record)
    modules, parts = [], []
    for module in registry.activity_modules():
        if not module.closed_statuses:
            continue
        queryset = (
            module.model.objects.visible_to(user, "list")
            .filter(parent_type=ct, parent_id=record.pk)
            .exclude(status__in=module.closed_statuses)
        )
        parts.append(_open_part(queryset, len(modules)))
        modules.append(module)
    if not parts:
        return []
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    items = []
    for kind, pk, name, status, when in rows:
        module = modules[kind]
        row = _open_record(module.model, pk, name, status)
        items.append(
            {
                "module": module,
                "record": row,
                "url": module.url("detail", pk),
                "when": when,
                "status": tables.display(module.model._meta.get_field("status"), status),
                "complete_url": module.complete_url(row),
            }
        )
    items.sort(key=lambda i: i["when"])
    return items


def _open_part(queryset, kind: int):
    """One type's part of the open activities: its newest OPEN_PER_TYPE, with its type's
    number and the time it shows at (timeline_activities.time_of, in SQL)."""
    model = queryset.model
    names = {f.attname for f in model._meta.concrete_fields}
    times = [n for n in ("date_due", "date_start") if n in names] + ["date_entered"]
    newest = queryset.order_by("-date_entered", "-pk")[:OPEN_PER_TYPE]
    if not connections[queryset.db].features.supports_slicing_ordering_in_compound:
        # SQLite takes no LIMIT in a part of a UNION; it does in a subquery.
        newest = model.objects.filter(pk__in=newest.values("pk"))
    return newest.annotate(
        kind=Value(kind, output_field=IntegerField()),
        when=Coalesce(*times) if len(times) > 1 else F(times[0]),
    ).values_list("kind", "pk", "name", "status", "when")


def _open_record(model, pk, name: str, status: str):
    """The activity as its page's lists read it (its name, its status for "Mark done"),
    loaded as `.only("id", "name", "status")` would load it."""
    values = {"id": pk, "name": name, "status": status}
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(router.db_for_read(model), names, [values[n] for n in names])


def history(events) -> list[dict]:
    """The closed activities of the record itself, newest first, from its timeline events."""
    return [
        {
            "module": registry.get(e.kind),
            "record": e.record,
            "url": e.url,
            "when": e.at,
            "status": e.status,
        }
        for e in events
        if e.record is not None and not e.is_open and e.owner is None
    ]


def changelog(events) -> list[dict]:
    """The record's own change-log rows with labels, from its timeline events (newest first)."""
    out = []
    for event in events:
        if event.owner is not None:
            continue
        for change in event.changes or [
            {"entry": e, "label": "", "old": e.old_value, "new": e.new_value} for e in event.entries
        ]:
            entry = change["entry"]
            out.append({**change, "action": entry.get_action_display(), "actor": event.actor})
    return out


def context(module, record, user) -> dict:
    """The page's first answer: no timeline and no related lists (fragments.py loads them)."""
    can_edit = permissions.allows(user, "edit", record)
    found = journey.Journey.of(record, user, visible=True)
    todo = open_activities(record, user) if module.has_activities else []
    return {
        "panels": panels(module, record, user, can_edit),
        "header_facts": header.facts(module, record, user, todo),
        "path": path.steps(module, record, user),
        "open_activities": todo,
        "banners": journey.banners(found),  # registered by the apps that link records
        "activity_modules": [
            m for m in registry.activity_modules() if permissions.can(user, "create", m.model)
        ]
        if module.has_activities
        else [],
        "can_edit": can_edit,
        "can_delete": permissions.allows(user, "delete", record),
        "complete_url": module.complete_url(record),
        **teams_context(record, user, can_edit),
        **extensions.detail_context(module, record, user),  # e.g. conversion's button
    }


def timeline_context(module, record, user) -> dict:
    """The timeline fragment: what is planned, what happened (newest first), and of the record
    alone its closed activities and change log, for callers that want them."""
    found = journey.Journey.of(record, user, visible=True)
    planned, events = timeline.planned_and_history(record, user, TIMELINE_ROWS, journey=found)
    return {
        "timeline": events,
        "planned": planned,
        "timeline_rows": [timeline_rows.row(e) for e in events],
        "planned_rows": [timeline_rows.row(e, history=False) for e in planned],
        # Worked out only when read: the card shows neither.
        "history": SimpleLazyObject(lambda: history(events)),
        "changelog": SimpleLazyObject(lambda: changelog(events)),
    }


def related_context(module, record, user) -> dict:
    """The related-lists fragment: the subpanels, and the activities of the records the
    module names as `activity_sources` (an account's contacts and opportunities)."""
    return {
        "subpanels": subpanels(module, record, user),
        "source_activities": related_lists.source_activities(module, record, user),
    }


def joined(module) -> list[str]:
    """The links the page shows (panels and header): joined to the record's own query, so
    the page needs no query per linked record (an owner, an account)."""
    model = module.model
    names = set(config.panel_fields(module)) | set(module.get_header_fields())
    out = []
    for name in sorted(names):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a custom field, or the header's next activity
        if isinstance(field, ForeignKey):  # not a generic link (an activity's parent)
            out.append(name)
    return out


def teams_context(record, user, can_edit: bool) -> dict:
    """The record's teams, and the teams the user may set on it (editors only: admins any
    team, others their own teams and the ones the record is in): one query either way."""
    manager = record.teams
    if not can_edit:
        return {"record_teams": list(manager.all()), "team_choices": []}
    # Whether the record is in a team, asked of the link table in the same query.
    chosen = manager.through.objects.filter(
        **{manager.source_field_name: record.pk, manager.target_field_name: OuterRef("pk")}
    )
    teams = manager.model.objects.annotate(chosen=Exists(chosen))  # core imports no app
    if not permissions.is_admin(user):
        teams = teams.filter(Q(members=user) | Q(chosen=True)).distinct()
    teams = list(teams.order_by("name"))
    return {
        "record_teams": [t for t in teams if t.chosen],
        "team_choices": [(t, t.chosen) for t in teams],
    }
