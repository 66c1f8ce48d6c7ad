"""Template helpers of Kontor's design system: a status value as a coloured badge.

    {% load design %}
    <span class="{{ opp.sales_stage|status_class:'sales_stage' }}">{{ label }}</span>
    {% status_badge opp.sales_stage "sales_stage_dom" label %}

The tones are in kontor/core/design.py; docs/ui.md describes the rules.
"""

from django import template
from django.utils.html import format_html

from kontor.core.design import badge_class

register = template.Library()


@register.filter
def status_class(value, dropdown: str) -> str:
    """`{{ key|status_class:"sales_stage" }}`: the badge classes of a status value."""
    return badge_class(value, dropdown)


@register.simple_tag
def status_badge(value, dropdown: str, label=None):
    """`{% status_badge key "lead_status" label %}`: the value as a coloured badge (its key
    when no label is given); nothing for an empty value."""
    if value is None or value == "":
        return ""
    return format_html('<span class="{}">{}</span>', badge_class(value, dropdown), label or value)
