"""Template filters of the pipeline board."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def money(value, currency: str) -> str:
    """An amount with its currency, in the viewer's number format: "12.000,00 EUR"."""
    if value is None:
        return ""
    return f"{formats.number_format(value, 2, use_l10n=True, force_grouping=True)} {currency}"
