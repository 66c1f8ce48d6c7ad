"""What a report may group by and aggregate for a record type, and the check of a report's
definition.

Read from the model's fields and the module's declaration (`kontor.core.registry`), so a new
record type can be reported on with nothing declared. A group field is a dropdown, a user, a
link to another record type, a yes/no field, a short text field the list shows or filters by,
an amount's currency, or a date (by week, month, quarter or year). A figure is the count, or
the sum, average, minimum or maximum of a number; an amount that names its currency
(`kontor.core.fields.amount_in`) is added up in the base currency when the model keeps it there
(a `<field>_base` column, as opportunities do), otherwise only per currency.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kontor.core import registry
from kontor.core.fields import DropdownField, PhoneField

#: Group fields a report may have, figures it may show, and groups it lists.
MAX_GROUP_FIELDS = 2
MAX_FIGURES = 6
MAX_GROUPS = 500

PERIODS = {
    "week": gettext_lazy("Week"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}
OPERATIONS = {
    "sum": gettext_lazy("Sum of %(field)s"),
    "avg": gettext_lazy("Average of %(field)s"),
    "min": gettext_lazy("Minimum of %(field)s"),
    "max": gettext_lazy("Maximum of %(field)s"),
}
_NUMBERS = (models.IntegerField, models.DecimalField, models.FloatField)
_TEXT_LIMIT = 100  # longer text fields hold free text, not a few values


@dataclass(frozen=True)
class GroupField:
    """A field a report may group by. `kind`: dropdown, user, link, boolean, text, date,
    datetime; `filterable`: the list's filters accept it (a group links to its records)."""

    name: str
    label: str
    kind: str
    field: models.Field
    filterable: bool


@dataclass(frozen=True)
class NumberField:
    """A field a report may sum: `column` is what is added up (the base-currency column of an
    amount kept in both), `currency_field` the field naming the currency of an amount summed
    per currency ("" otherwise), `in_base` whether `column` is in the base currency."""

    name: str
    label: str
    column: str
    decimals: bool
    currency_field: str = ""
    in_base: bool = False


def module_for(slug: str):
    """The module of `slug`, or None."""
    try:
        return registry.get(slug)
    except (KeyError, LookupError):
        return None


def _kind(module, field) -> str | None:
    if isinstance(field, DropdownField):
        return "dropdown"
    if isinstance(field, models.ForeignKey):
        if field.related_model is get_user_model():
            return "user"
        return "link" if registry.find(field.related_model) else None
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.CharField) and (field.max_length or 0) <= _TEXT_LIMIT:
        shown = set(module.filters) | set(module.all_columns) | _currency_fields(module)
        return "text" if field.name in shown else None
    return None


def _currency_fields(module) -> set[str]:
    return {
        f.currency_field for f in module.model._meta.concrete_fields if hasattr(f, "currency_field")
    }


def group_fields(module) -> dict[str, GroupField]:
    """The fields of `module` a report may group by, in the model's order."""
    found = {}
    for field in module.model._meta.concrete_fields:
        if field.primary_key or isinstance(field, models.EmailField | PhoneField):
            continue
        kind = _kind(module, field)
        if kind is None:
            continue
        found[field.name] = GroupField(
            field.name,
            capfirst(str(field.verbose_name)),
            kind,
            field,
            field.name in module.filters,
        )
    return found


def number_fields(module) -> dict[str, NumberField]:
    """The fields of `module` whose values a report may sum, average, and take the minimum
    and maximum of."""
    names = {f.name for f in module.model._meta.concrete_fields}
    found = {}
    for field in module.model._meta.concrete_fields:
        if not isinstance(field, _NUMBERS) or field.is_relation or field.choices:
            continue
        if field.primary_key or isinstance(field, models.BooleanField):
            continue
        base = field.name.removesuffix("_base")
        if field.name.endswith("_base") and base in names:
            continue  # offered as the amount it converts
        label = capfirst(str(field.verbose_name))
        decimals = isinstance(field, models.DecimalField | models.FloatField)
        currency = getattr(field, "currency_field", "")
        if currency and f"{field.name}_base" in names:
            found[field.name] = NumberField(
                field.name, label, f"{field.name}_base", decimals, in_base=True
            )
        else:
            found[field.name] = NumberField(field.name, label, field.name, decimals, currency)
    return found


def parse_group(value: str) -> tuple[str, str]:
    """("date_entered", "month") of "date_entered:month"; ("status", "") of "status"."""
    name, _sep, period = str(value).partition(":")
    return name, period


def parse_figure(value: str) -> tuple[str, str]:
    """("sum", "amount") of "sum:amount"; ("count", "") of "count"."""
    operation, _sep, name = str(value).partition(":")
    return operation, name


def check(slug: str, group_by: list, figures: list) -> dict[str, list[str]]:
    """The errors of a report's definition by the form field they belong to ("module",
    "group_by", "aggregates"); empty when it is valid."""
    module = module_for(slug)
    if module is None:
        return {"module": [_("Choose a record type that exists.")]}
    errors: dict[str, list[str]] = {}
    groups, numbers = group_fields(module), number_fields(module)
    grouped = []
    if not group_by:
        errors.setdefault("group_by", []).append(_("Choose a field to group by."))
    if len(group_by) > MAX_GROUP_FIELDS:
        errors.setdefault("group_by", []).append(
            _("A report groups by at most %(count)d fields.") % {"count": MAX_GROUP_FIELDS}
        )
    for value in group_by:
        name, period = parse_group(value)
        field = groups.get(name)
        if field is None:
            errors.setdefault("group_by", []).append(
                _(
                    "“%(name)s” cannot be grouped by: choose a dropdown, a user, a link, "
                    "a date or a short text field."
                )
                % {"name": name}
            )
        elif field.kind in ("date", "datetime") and period not in PERIODS:
            errors.setdefault("group_by", []).append(
                _("Choose whether to group “%(field)s” by week, month, quarter or year.")
                % {"field": field.label}
            )
        elif field.kind not in ("date", "datetime") and period:
            errors.setdefault("group_by", []).append(_("Only dates are grouped by a period."))
        elif name in grouped:
            errors.setdefault("group_by", []).append(_("Group by two different fields."))
        grouped.append(name)
    if not figures:
        errors.setdefault("aggregates", []).append(_("Choose at least one figure."))
    if len(figures) > MAX_FIGURES:
        errors.setdefault("aggregates", []).append(
            _("A report shows at most %(count)d figures.") % {"count": MAX_FIGURES}
        )
    for value in figures:
        operation, name = parse_figure(value)
        if operation == "count" and not name:
            continue
        if operation not in OPERATIONS:
            errors.setdefault("aggregates", []).append(_("Choose a figure from the list."))
            continue
        number = numbers.get(name)
        if number is None:
            label = _field_label(module, name)
            errors.setdefault("aggregates", []).append(
                _("“%(field)s” is not a number: it can only be counted.") % {"field": label}
            )
        elif number.currency_field and number.currency_field not in grouped:
            errors.setdefault("aggregates", []).append(
                _(
                    "“%(field)s” holds amounts in different currencies: group by "
                    "“%(currency)s” too, so that each sum is in one currency."
                )
                % {
                    "field": number.label,
                    "currency": _field_label(module, number.currency_field),
                }
            )
    if len(set(figures)) != len(figures):
        errors.setdefault("aggregates", []).append(_("Each figure once, please."))
    return errors


def validate(slug: str, group_by: list, figures: list) -> None:
    """Raise ValidationError with the errors of `check`."""
    errors = check(slug, group_by, figures)
    if errors:
        raise ValidationError(errors)


def _field_label(module, name: str) -> str:
    try:
        return capfirst(str(module.model._meta.get_field(name).verbose_name))
    except Exception:  # noqa: BLE001 - an unknown name is shown as sent
        return name


def figure_label(module, value: str) -> str:
    """ "Count", "Sum of Amount (EUR)" … of a valid figure."""
    from kontor.currencies.rates import base_currency

    operation, name = parse_figure(value)
    if operation == "count":
        return _("Count")
    number = number_fields(module)[name]
    label = OPERATIONS[operation] % {"field": number.label}
    return f"{label} ({base_currency()})" if number.in_base else label


def group_label(module, value: str) -> str:
    """ "Lead source", "Date created (month)" … of a valid group field."""
    name, period = parse_group(value)
    label = group_fields(module)[name].label
    return f"{label} ({PERIODS[period]})" if period else label
