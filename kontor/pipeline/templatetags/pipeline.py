"""Template filters of the pipeline board."""

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def money(value, currency: str) -> str:
    """An amount with its currency, in the viewer's number format: "12.000,00 EUR"."""
    if value is None:
        return ""
    return f"{formats.number_format(value, 2, use_l10n=True, force_grouping=True)} {currency}"


def money_formatter():
    """`money` for many amounts of one request: the viewer's separators are read once (each
    `number_format` reads three formats through the user's chosen ones), and an amount of at
    most two decimal places in groups of three, as a card's amount always is, is formatted
    by Python's own grouping; any other falls back to `money`, so both read the same."""
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    thousand = formats.get_format("THOUSAND_SEPARATOR")
    if formats.get_format("NUMBER_GROUPING") != 3:
        return money
    swap = str.maketrans({",": thousand, ".": decimal})

    def formatted(value, currency: str) -> str:
        if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent >= -2:
            return f"{format(value, ',.2f').translate(swap)} {currency}"
        return money(value, currency)

    return formatted
