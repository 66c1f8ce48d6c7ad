"""The HTML of one field's value on a record page, built in Python: the page's panels
(kontor.core.records.detail.panels) show sixty fields of a lead, and a template include per
field cost more CPU than the rest of the page (docs/performance.md rule 6). The inline editor's
answer after a save (records/_field_value.html) uses the same function, so both agree.

A field the reader may change inline is the inline editor's target
(kontor/static/kontor/inline.js), with a link to the edit form that works without JavaScript.
"""

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kontor.core import inline_fields


class Editing:
    """What a page needs to offer inline edit on one record: the fields the module offers and
    the record's edit form, worked out once per page (not per field)."""

    def __init__(self, module, record):
        self.fields = inline_fields.editable_fields(module)
        self.module = module
        self.pk = record.pk
        self.edit_url = module.url("edit", record.pk)


def value_html(item: dict, editing: Editing | None = None) -> SafeString:
    """The value of `item` ({"name", "label", "text", "url"}, as detail.panels() gives it):
    a link when it has one, "—" when empty; wrapped for the inline editor when `editing`
    offers the field."""
    text, url = item["text"], item.get("url")
    if url:
        inner = format_html('<a href="{}">{}</a>', url, text)
    else:
        inner = conditional_escape(text) if text else "—"
    if editing is None or item["name"] not in editing.fields:
        return mark_safe(inner)  # noqa: S308 - escaped above
    title = _("Edit %(field)s") % {"field": item["label"]}
    return format_html(
        '<span class="inline-value" data-inline="{}"><span class="inline-text">{}</span>'
        '<a class="inline-edit" href="{}" title="{}" aria-label="{}">'
        '<i class="bi bi-pencil"></i></a></span>',
        inline_fields.inline_url(editing.module, editing.pk, item["name"]),
        inner,
        editing.edit_url,
        title,
        title,
    )
