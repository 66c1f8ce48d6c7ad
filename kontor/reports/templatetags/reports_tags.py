"""Template filters of the report pages."""

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def figure(value) -> str:
    """A figure in the viewer's number format; "–" for none (no values in the group)."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return formats.number_format(value, 2, use_l10n=True, force_grouping=True)
    return formats.number_format(value, use_l10n=True, force_grouping=True)
