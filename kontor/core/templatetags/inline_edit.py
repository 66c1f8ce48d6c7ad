"""Template helpers of inline edit (kontor.core.records.inline) for the record page."""

from django import template

from kontor.core import inline_fields as inline

register = template.Library()


@register.simple_tag
def inline_edit(module, record, item, can_edit) -> dict | None:
    """{"url": the inline editor, "edit_url": the edit form} of the field of `item` (an item
    of detail.panels()) when the page may offer it for inline edit, else None. What the
    module offers is worked out once per record and page."""
    if not can_edit or module is None or record is None or not item:
        return None
    cached = getattr(record, "_inline_fields", None)
    if cached is None:
        cached = record._inline_fields = (
            inline.editable_fields(module),
            module.url("edit", record.pk),
        )
    editable, edit_url = cached
    if item.get("name") not in editable:
        return None
    return {"url": inline.inline_url(module, record.pk, item["name"]), "edit_url": edit_url}
