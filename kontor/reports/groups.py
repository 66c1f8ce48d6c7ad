"""A report's groups: what each group's key is called (users, linked records, dropdown values
and date periods, in the viewer's language), in which order the groups come, and the list
address that opens a group. For `engine.run`; the names of users and linked records come in
one query each, through the permission filter, never one per group.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kontor.core import dropdowns
from kontor.core.records.tables import name_label, not_available


def key_of(value, tz, part):
    """A grouped value as Python: a period's first day as a date."""
    group, period = part
    if period and isinstance(value, datetime):
        return timezone.localtime(value, tz).date() if timezone.is_aware(value) else value.date()
    return value


def json_key(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value if value is None or isinstance(value, bool | int | float) else str(value)


def order_of(group):
    """The sort key of a group column's rows: the dropdown's own order, dates in time, yes
    before no, else by label; empty values last."""
    positions = {}
    if group.kind == "dropdown":
        options = dropdowns.options(group.dropdown, include_inactive=True)
        positions = {o.key: n for n, o in enumerate(options)}

    def order(key, label):
        if key is None or key == "":
            return (1, 0, "")
        if group.kind == "dropdown":
            return (0, positions.get(key, len(positions)), label.lower())
        if group.kind in ("date", "datetime"):
            return (0, 0, str(key))
        if group.kind == "boolean":
            return (0, 0 if key else 1, "")
        return (0, 0, label.lower())

    return order


def labels_of(parts, found: list, user) -> list:
    """Per group column, a function key -> label; users and linked records are named with
    one query each."""
    out = []
    for i, (group, period) in enumerate(parts):
        present = {item[f"g{i}"] for item in found if item[f"g{i}"] is not None}
        out.append(_labeller(group, period, present, user))
    return out


def _labeller(group, period, present: set, user):
    empty = _("(empty)")
    if group.kind == "dropdown":
        name = group.dropdown
        return lambda k: dropdowns.label(name, k) or k if k else empty
    if group.kind == "boolean":
        return lambda k: empty if k is None else (_("Yes") if k else _("No"))
    if group.kind == "user":
        from django.contrib.auth import get_user_model

        names = {
            pk: name_label(username, first, last)
            for pk, username, first, last in get_user_model()
            .objects.filter(pk__in=present)
            .values_list("pk", "username", "first_name", "last_name")
        }
        return lambda k: names.get(k, str(k)) if k is not None else _("(no one)")
    if group.kind == "link":
        from kontor.core import registry

        module = registry.find(group.related_model)
        column = module.link_column or "pk"
        visible = (
            group.related_model.objects.visible_to(user, "view")
            .filter(pk__in=present)
            .values_list("pk", column)
            if present
            else []
        )
        # By text: a custom link holds the id as text, a foreign key as a UUID.
        names = {str(pk): str(text) for pk, text in visible}
        return lambda k: names.get(str(k), not_available()) if k is not None else empty
    if period:
        return lambda k: period_label(k, period) if k is not None else empty
    return lambda k: str(k) if k not in (None, "") else empty


def period_label(day: date, period: str) -> str:
    """ "Dec. 2026", "Q4 2026", "2026", "Week of 07.12.2026" in the active language."""
    if period == "year":
        return str(day.year)
    if period == "quarter":
        return _("Q%(quarter)d %(year)d") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}
    if period == "month":
        return formats.date_format(day, "YEAR_MONTH_FORMAT")
    return _("Week of %(date)s") % {"date": formats.date_format(day, "SHORT_DATE_FORMAT")}


def period_end(day: date, period: str) -> date:
    """The last day of the period starting on `day`."""
    try:
        if period == "week":
            return day + timedelta(days=6)
        if period == "year":
            return date(day.year, 12, 31)
        months = 3 if period == "quarter" else 1
        month = day.month + months
        following = date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        return following - timedelta(days=1)
    except (OverflowError, ValueError):
        # The calendar's last period (a date typed as 31.12.9999) ends with the calendar.
        return date.max


def link_of(module, filters: str, parts, key_values) -> str:
    """The list of `module` filtered as the report and to this group, or "" when its
    filters cannot say so (an empty value, a field the list does not filter by)."""
    params = QueryDict(filters, mutable=True)
    for (group, period), key in zip(parts, key_values, strict=True):
        if not group.filterable or key is None or key == "":
            return ""
        if period:
            # The period within the report's own date range: the tighter end wins.
            start, end = key.isoformat(), period_end(key, period).isoformat()
            params.setlist(f"{group.name}_min", [max(start, params.get(f"{group.name}_min", ""))])
            wanted_end = params.get(f"{group.name}_max") or end
            params.setlist(f"{group.name}_max", [min(end, wanted_end)])
        elif group.kind == "boolean":
            params.setlist(group.name, ["true" if key else "false"])
        else:
            params.setlist(group.name, [str(key)])
    return f"{module.url_list}?{params.urlencode()}"
