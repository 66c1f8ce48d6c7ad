"""What a report may group by and aggregate for a record type, and the check of a report's
definition.

Read from the model's fields, the module's declaration (`kontor.core.registry`) and the record
type's Studio custom fields (`kontor.core.config.custom_fields`, the definitions the list
filters and sorts by), so a new record type or custom field can be reported on with nothing
declared. A group field is a dropdown, a user, a link to another record type, a yes/no field, a
short text field the list shows or filters by, an amount's currency, or a date (by week, month,
quarter or year); of the custom fields: dropdown, yes/no, text, date, date and time and link. A
figure is the count, or the sum, average, minimum or maximum of a number (custom number,
decimal and currency fields too); an amount that names its currency
(`kontor.core.fields.amount_in`) is added up in the base currency when the model keeps it there
(a `<field>_base` column, as opportunities do), otherwise only per currency. A custom currency
field names no currency: it is added up as its list column shows it.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Value, When
from django.db.models.functions import Cast
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kontor.core import config, registry
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
    datetime; `filterable`: the list's filters accept it (a group links to its records);
    `expression`: what the query groups by (the column, or a custom field's typed JSON value);
    `dropdown`: the list of a dropdown; `related_model`: the model a link points at."""

    name: str
    label: str
    kind: str
    filterable: bool
    expression: object
    dropdown: str = ""
    related_model: type | None = None


@dataclass(frozen=True)
class NumberField:
    """A field a report may sum: `column` is what is added up (the base-currency column of an
    amount kept in both, or a custom field's typed JSON value), `currency_field` the field
    naming the currency of an amount summed per currency ("" otherwise), `in_base` whether
    `column` is in the base currency."""

    name: str
    label: str
    column: object
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
    """The fields of `module` a report may group by, in the model's order, then its custom
    fields in the order admins set."""
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
            field.name in module.filters,
            F(field.attname),
            dropdown=field.dropdown if kind == "dropdown" else "",
            related_model=field.related_model if kind in ("user", "link") else None,
        )
    for definition in config.custom_fields(module.model):
        group = _custom_group(definition)
        if group is not None:
            found[definition.name] = group
    return found


#: Custom field types a report groups by, and the kind of group each is.
_CUSTOM_GROUPS = {
    "dropdown": "dropdown",
    "boolean": "boolean",
    "text": "text",
    "date": "date",
    "datetime": "datetime",
    "relate": "link",
}


def _custom_group(definition) -> GroupField | None:
    """A custom field as a group: its JSON value typed as the list filters it (dates as dates,
    yes/no as booleans on both databases), linked records by their id."""
    kind = _CUSTOM_GROUPS.get(definition.field_type)
    if kind is None:
        return None
    value = definition.expression()
    if kind == "date":
        value = Cast(value, models.DateField())
    elif kind == "datetime":
        value = Cast(value, models.DateTimeField())
    elif kind == "boolean":
        # PostgreSQL's ->> gives 'true', SQLite's JSON_EXTRACT 1: compare as JSON instead.
        stored = f"custom__{definition.name}"
        value = Case(
            When(**{stored: True}, then=Value(True)),
            When(**{stored: False}, then=Value(False)),
            default=Value(None),
            output_field=models.BooleanField(null=True),
        )
    related = None
    if kind == "link":
        try:
            related = definition.link_model()
        except KeyError:  # a record type no longer installed
            return None
    return GroupField(
        definition.name,
        capfirst(definition.label),
        kind,
        kind != "link",  # the list filters every one of these types but links
        value,
        dropdown=definition.dropdown if kind == "dropdown" else "",
        related_model=related,
    )


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
    for definition in config.custom_fields(module.model):
        if definition.field_type in ("integer", "decimal", "currency"):
            found[definition.name] = NumberField(
                definition.name,
                capfirst(definition.label),
                definition.expression(),
                decimals=definition.field_type != "integer",
            )
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
    custom = config.custom_field(module.model, name)
    if custom is not None:
        return capfirst(custom.label)
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
