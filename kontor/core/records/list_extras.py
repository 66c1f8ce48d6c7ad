"""What a list page offers beyond its rows: the totals of its number columns, a task's quick
"done" and the density its user chose.

For the generic list (list_views.ListView). Totals are summed per currency for amounts that
name theirs (kontor.core.fields.amount_in). The page renders the totals of the rows it shows
("this page": its rows are loaded anyway); the totals of the whole filter load afterwards
(`/<slug>/totals/`, list_views.TotalsView) in one query over at most KONTOR_COUNT_LIMIT rows
of the filter, and when the filter holds more, the page's totals stay (docs/performance.md
rules 4 and 6).
"""

from decimal import Decimal, InvalidOperation
from html import escape

from django.conf import settings
from django.db import connection, models
from django.db.models import F
from django.db.models.functions import Cast
from django.http import HttpResponseRedirect
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.core import preferences
from kontor.core.records import tables
from kontor.core.records.views import ModuleView

_NUMBERS = (models.IntegerField, models.DecimalField, models.FloatField)
_CUSTOM_NUMBERS = frozenset({"integer", "decimal", "currency"})


def _is_number(field) -> bool:
    if isinstance(field, tables.CustomColumnField):
        return field.definition.field_type in _CUSTOM_NUMBERS
    return (
        isinstance(field, _NUMBERS)
        and not field.is_relation
        and not field.choices
        and not isinstance(field, models.BooleanField)
    )


def number_columns(cols) -> list[int]:
    """The indexes of the columns that are summed."""
    return [i for i, col in enumerate(cols) if _is_number(col.field)]


def _value(col, record):
    if isinstance(col.field, tables.CustomColumnField):
        stored = (record.custom or {}).get(col.name) if isinstance(record.custom, dict) else None
        try:
            return Decimal(str(stored)) if stored not in (None, "") else None
        except InvalidOperation:
            return None
    return getattr(record, col.name)


def page_totals(cols, records) -> dict | None:
    """The totals row of the rows a page shows (None when no column is summed)."""
    summed = number_columns(cols)
    if not summed:
        return None
    sums: dict[int, dict] = {i: {} for i in summed}
    for record in records:
        for i in summed:
            value = _value(cols[i], record)
            if value is None:
                continue
            currency = getattr(cols[i].field, "currency_field", None)
            key = getattr(record, currency) or "" if currency else ""
            sums[i][key] = sums[i].get(key, 0) + value
    return _row(cols, sums, _("Total of this page"), page=True)


def filter_totals(module, cols, queryset) -> dict | None:
    """The totals row of every record of the filter, or None when the filter holds more than
    KONTOR_COUNT_LIMIT records (or no column is summed).

    One query: the filter's rows, at most the limit plus one and in no order (the database
    stops reading there), summed per currency outside. `pk IN (… LIMIT n)` instead would let
    PostgreSQL scan the whole table for the outer side (0.3 s at a million leads).
    """
    summed = number_columns(cols)
    if not summed:
        return None
    limit = settings.KONTOR_COUNT_LIMIT
    currencies = sorted(
        {c for i in summed if (c := getattr(cols[i].field, "currency_field", None))}
    )
    picked = {f"kt_c{n}": F(name) for n, name in enumerate(currencies)}
    picked.update({f"kt_s{i}": _expression(cols[i]) for i in summed})
    inner = queryset.order_by().annotate(**picked).values(*picked)[: limit + 1]
    sql, params = inner.query.sql_with_params()
    quote = connection.ops.quote_name
    keys = [quote(f"kt_c{n}") for n in range(len(currencies))]
    sums = [f"SUM({quote(f'kt_s{i}')})" for i in summed]
    grouped = f" GROUP BY {', '.join(keys)}" if keys else ""
    outer = f"SELECT {', '.join([*keys, 'COUNT(*)', *sums])} FROM ({sql}) kt_rows{grouped}"
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        groups = cursor.fetchall()
    count = sum(g[len(keys)] for g in groups)
    if count > limit:
        return None
    totals: dict[int, dict] = {i: {} for i in summed}
    for group in groups:
        for n, i in enumerate(summed):
            value = group[len(keys) + 1 + n]
            if value is None:
                continue
            currency = getattr(cols[i].field, "currency_field", None)
            key = (group[currencies.index(currency)] or "") if currency else ""
            totals[i][key] = totals[i].get(key, 0) + _typed(cols[i], value)
    label = ngettext("Total of %(count)s record", "Total of %(count)s records", count) % {
        "count": formats.number_format(count, force_grouping=True)
    }
    return _row(cols, totals, label, page=False)


def _typed(col, value):
    """A sum as the column's type: SQLite answers a float for a sum of decimals."""
    if not _decimals(col):
        return int(value)
    places = getattr(col.field, "decimal_places", None)
    if places is None:  # a custom field: currency has two places, decimal four
        places = 2 if col.field.definition.field_type == "currency" else 4
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))


def _expression(col):
    if isinstance(col.field, tables.CustomColumnField):
        return Cast(col.field.text(), models.DecimalField(max_digits=30, decimal_places=4))
    return F(col.name)


def _row(cols, sums: dict, label: str, *, page: bool) -> dict:
    """{"cells": [html, …] per column, "label", "page"}: the label stands in the first column
    that is not summed."""
    cells = []
    placed = False
    for i, col in enumerate(cols):
        if i in sums:
            cells.append(_text(col, sums[i]))
        elif not placed:
            cells.append(mark_safe(f'<span class="list-totals-label">{escape(label)}</span>'))  # noqa: S308 - escaped
            placed = True
        else:
            cells.append("")
    return {"cells": cells, "label": label, "page": page}


def _text(col, per_currency: dict):
    """One column's total; amounts one line per currency."""
    lines = []
    for currency in sorted(per_currency):
        value = per_currency[currency]
        if isinstance(value, Decimal) and value == value.to_integral() and not _decimals(col):
            text = formats.number_format(int(value), force_grouping=True)
        elif isinstance(value, Decimal | float):
            text = formats.number_format(value, 2, use_l10n=True, force_grouping=True)
        else:
            text = formats.number_format(value, force_grouping=True)
        lines.append(escape(f"{text} {currency}".strip()))
    return mark_safe("<br>".join(lines))  # noqa: S308 - every line is escaped


def _decimals(col) -> bool:
    field = col.field
    if isinstance(field, tables.CustomColumnField):
        return field.definition.field_type != "integer"
    return isinstance(field, models.DecimalField | models.FloatField)


def quick_done(module, cols, records, rows: list[dict]) -> list[dict]:
    """Rows (for tables.body) whose open activities that can be marked done in one click (a
    task) carry that button beside their name; it works without JavaScript too (it submits
    the list's form to the verb, which comes back to the list)."""
    if not rows or not cols or not module.closed_statuses:
        return rows
    names = [c.name for c in cols]
    index = names.index(module.link_column) if module.link_column in names else 0
    title = escape(_("Mark done"))
    out = []
    for record, row in zip(records, rows, strict=True):
        url = "" if "status" in record.get_deferred_fields() else module.complete_url(record)
        if not url:
            out.append(row)
            continue
        cells = list(row["cells"])
        text, href = cells[index]
        text = text if hasattr(text, "__html__") else escape(str(text))
        link_html = f'<a href="{escape(href)}">{text}</a>' if href else text
        cells[index] = (
            mark_safe(  # noqa: S308 - escaped above
                f"{link_html} "
                f'<button type="submit" class="btn btn-sm btn-outline-success quick-done" '
                f'formaction="{url}" hx-post="{url}" hx-swap="outerHTML" title="{title}" '
                f'aria-label="{title}"><i class="bi bi-check2"></i></button>'
            ),
            "",
        )
        out.append({**row, "cells": cells})
    return out


class DensityView(ModuleView):
    """Remember whether the user's lists show compact rows, then show the list again."""

    action = "list"

    def post(self, request):
        density = "compact" if request.POST.get("density") == "compact" else ""
        preferences.save_list_density(request.user, density, actor=request.user)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, {request.get_host()}, require_https=request.is_secure()
        ):
            back = self.module.url("list")
        return HttpResponseRedirect(back)
