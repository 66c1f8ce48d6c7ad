"""What a record's detail page shows: field panels, subpanels, activities, change log."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from kontor.core import registry
from kontor.core.models import ChangeLog
from kontor.core.records import tables

SUBPANEL_ROWS = 10
CHANGELOG_ROWS = 50


def panels(module, record) -> list[dict]:
    out = []
    for title, names in module.panels:
        fields = []
        for name in names:
            field = module.model._meta.get_field(name)
            text, url = tables.cell(tables.Column(name, "", "", field), record)
            if name == "filename" and text:
                url = reverse("note-download", args=[record.pk])
            fields.append({"label": field.verbose_name, "text": text, "url": url,
                           "wide": field.get_internal_type() == "TextField"})
        out.append({"title": title, "fields": [f for f in fields if not f["wide"]],
                    "wide_fields": [f for f in fields if f["wide"]]})
    return out


def subpanels(module, record, user) -> list[dict]:
    out = []
    for sub in module.subpanels:
        related = registry.get(sub.module)
        # The column that points back at this record would repeat it on every row.
        cols = tables.columns(related, [c for c in related.list_columns if c != sub.field][:4])
        queryset = related.model.objects.visible_to(user, "list").filter(**{sub.field: record})
        queryset = queryset.select_related(*tables.related_fields(cols))
        rows = list(queryset.order_by(*_order(related))[: SUBPANEL_ROWS + 1])
        field = related.model._meta.get_field(sub.field)
        out.append({
            "module": related,
            "title": sub.title or related.verbose_name_plural,
            "columns": cols,
            "rows": tables.rows(related, cols, rows[:SUBPANEL_ROWS]),
            "more": len(rows) > SUBPANEL_ROWS,
            "all_url": f"{related.url('list')}?{sub.field}={record.pk}",
            "create_url": f"{related.url('create')}?{sub.field}={record.pk}"
            if not field.many_to_many else "",
        })
    return out


def _order(module):
    sort = module.default_sort
    return [sort, "-pk" if sort.startswith("-") else "pk"]


def activities(record, user) -> tuple[list[dict], list[dict]]:
    """(open, history) activities whose parent is `record`, newest first, at most 20 each."""
    ct = ContentType.objects.get_for_model(record)
    open_items, history = [], []
    for module in registry.activity_modules():
        rows = (module.model.objects.visible_to(user, "list")
                .filter(parent_type=ct, parent_id=record.pk)
                .order_by("-date_entered", "-pk")[:20])
        for row in rows:
            item = {"module": module, "record": row, "url": module.url("detail", row.pk),
                    "when": getattr(row, "date_due", None) or getattr(row, "date_start", None)
                    or row.date_entered,
                    "status": tables.display(module.model._meta.get_field("status"),
                                             row.status) if hasattr(row, "status") else ""}
            (open_items if row.is_open else history).append(item)
    open_items.sort(key=lambda i: i["when"])
    history.sort(key=lambda i: i["when"], reverse=True)
    return open_items, history


def changelog(module, record) -> list[dict]:
    ct = ContentType.objects.get_for_model(record)
    entries = (ChangeLog.objects.filter(record_type=ct, record_id=record.pk)
               .select_related("actor").order_by("-at", "-id")[:CHANGELOG_ROWS])
    out = []
    for entry in entries:
        label, old, new = "", entry.old_value, entry.new_value
        if entry.field:
            try:
                field = module.model._meta.get_field(entry.field)
                label = field.verbose_name
                old, new = _shown(field, old), _shown(field, new)
            except Exception:  # noqa: BLE001 - a field removed since keeps its raw values
                label = entry.field
        out.append({"entry": entry, "action": entry.get_action_display(), "label": label,
                    "old": old, "new": new,
                    "actor": tables.user_label(entry.actor) or _("System")})
    return out


def _shown(field, text: str) -> str:
    if text and getattr(field, "dropdown", None):
        return tables.display(field, text)
    return text


def context(module, record, user) -> dict:
    open_items, history = activities(record, user) if module.has_activities else ([], [])
    return {
        "panels": panels(module, record),
        "subpanels": subpanels(module, record, user),
        "open_activities": open_items,
        "history": history,
        "changelog": changelog(module, record),
        "activity_modules": registry.activity_modules() if module.has_activities else [],
    }
