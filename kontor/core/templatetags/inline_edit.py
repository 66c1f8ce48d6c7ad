"""Template helpers of inline edit (kontor.core.records.inline) for the record page."""

from django import template

from kontor.core import field_values

register = template.Library()


@register.simple_tag
def field_value(module, record, item, can_edit):
    """The HTML of the value of `item` (an item of detail.panels()), the inline editor's
    target when the page may offer the field for inline edit (field_values.value_html)."""
    editing = None
    if can_edit and module is not None and record is not None:
        editing = getattr(record, "_inline_editing", None)
        if editing is None:
            editing = record._inline_editing = field_values.Editing(module, record)
    return field_values.value_html(item, editing)
