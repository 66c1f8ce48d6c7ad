"""The list filters of a module, one django-filter FilterSet built from its declaration.

The REST API filters with the same FilterSets, so a list page and the API filter alike.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import django_filters as df
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from django_filters import fields as df_fields

from kontor.core import config, dropdowns
from kontor.core.fields import DropdownField


class DateRangeWidget(df.widgets.RangeWidget):
    """From and to as one compact input group; each input named for screen readers (the
    field's label points at neither: a multi-input widget has no single input to label)."""

    template_name = "records/widgets/date_range.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(
            context["widget"]["subwidgets"], (_("From"), _("To")), strict=False
        ):
            subwidget["attrs"]["aria-label"] = label
        return context


#: The dates a filter (and the API, docs/api.md) accepts. Before 1900 the time zones have
#: local mean time offsets in seconds (no valid RFC 3339), and the first and last days of
#: Python's calendar overflow once they are made aware and converted to UTC.
EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)
DATE_RANGE_MESSAGE = _("Enter a date from 1900-01-01 to 9998-12-31.")


def within_dates(value) -> None:
    """Validator of a date or a date and time (its own day, in its own offset): between
    EARLIEST and LATEST. Also used by the API's record fields (kontor/api/serializers.py)."""
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not EARLIEST <= day <= LATEST:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")


class BoundedDateRangeField(df_fields.DateRangeField):
    """From and to, each between EARLIEST and LATEST."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields:
            field.validators = [*field.validators, within_dates]


class DateRangeFilter(df.DateFromToRangeFilter):
    field_class = BoundedDateRangeField


class UserIdsField(df_fields.ModelMultipleChoiceField):
    """User ids: a number the id column cannot hold is refused before the query (on
    PostgreSQL it would fail the whole transaction, on SQLite it overflows)."""

    def label_from_instance(self, obj):
        # People are named as everywhere else on the page, not by their sign-in name.
        return obj.get_full_name() or obj.username

    def _check_values(self, value):
        low, high = connection.ops.integer_field_range(
            self.queryset.model._meta.pk.get_internal_type()
        )
        for item in value:
            if item == self.null_value:
                continue
            text = str(item).strip()
            digits = text.removeprefix("-")
            # isascii(): "²" is a digit to isdigit() and no number to int().
            if not (digits.isascii() and digits.isdigit()) or not low <= int(text) <= high:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class UserFilter(df.ModelMultipleChoiceFilter):
    field_class = UserIdsField


def _dropdown_filter(field: DropdownField) -> df.Filter:
    # distinct=False: the filter is on the record's own column, no join can repeat a row, and
    # DISTINCT would sort every match (139 ms at 1M leads for ?status=New).
    return df.MultipleChoiceFilter(
        field_name=field.name,
        label=field.verbose_name,
        distinct=False,
        choices=lambda: dropdowns.choices(field.dropdown),
        widget=forms.SelectMultiple(
            attrs={"class": "form-select form-select-sm", "data-enhance": "multi"}
        ),
    )


def _filter_for(field: models.Field) -> df.Filter:
    label = field.verbose_name
    if isinstance(field, DropdownField):
        return _dropdown_filter(field)
    if field.is_relation and field.related_model is get_user_model():
        return UserFilter(
            field_name=field.name,
            label=label,
            distinct=False,
            queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
            widget=forms.SelectMultiple(
                attrs={"class": "form-select form-select-sm", "data-enhance": "multi"}
            ),
        )
    if field.is_relation:
        # Set by links such as an account's "show all contacts"; the id is a plain parameter.
        return df.UUIDFilter(field_name=field.name, label=label, widget=forms.HiddenInput)
    if isinstance(field, models.DateTimeField | models.DateField):
        return DateRangeFilter(
            field_name=field.name,
            label=label,
            widget=DateRangeWidget(attrs={"type": "date", "class": "form-control"}),
        )
    if isinstance(field, models.BooleanField):
        return df.BooleanFilter(field_name=field.name, label=label)
    return df.CharFilter(
        field_name=field.name,
        label=label,
        lookup_expr="iexact",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class RecordFilterSet(df.FilterSet):
    """Base: adds "only mine" to every module's declared filters."""

    mine = df.BooleanFilter(
        label=_("Only mine"),
        method="filter_mine",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(assigned_user=self.request.user)
        return queryset


def _custom_filter(definition) -> df.Filter:
    """A filter on a custom field's JSON value (key transforms work on both databases)."""
    label, name = definition.label, f"custom__{definition.name}"
    small = {"class": "form-control form-control-sm"}
    kind = definition.field_type
    if kind in {"dropdown", "multiselect"}:

        def by_keys(queryset, _name, keys):
            if not keys:
                return queryset
            if kind == "dropdown":  # the expression an index on the field is built on
                column = f"cf_{definition.name}"
                return queryset.alias(**{column: definition.expression()}).filter(
                    **{f"{column}__in": keys}
                )
            wanted = models.Q()
            for key in keys:
                wanted |= models.Q(**{f"{name}__icontains": f'"{key}"'})
            return queryset.filter(wanted)

        return df.MultipleChoiceFilter(
            label=label,
            method=by_keys,
            choices=lambda: dropdowns.choices(definition.dropdown),
            widget=forms.SelectMultiple(
                attrs={"class": "form-select form-select-sm", "data-enhance": "multi"}
            ),
        )
    if kind == "boolean":
        return df.BooleanFilter(field_name=name, label=label)
    if kind in {"date", "datetime"}:

        def by_range(queryset, _name, value):
            if not value:
                return queryset
            queryset = queryset.alias(**{f"cf_{definition.name}": definition.expression()})
            column = f"cf_{definition.name}"
            if value.start:
                queryset = queryset.filter(**{f"{column}__gte": value.start.date().isoformat()})
            if value.stop:
                end = (value.stop.date() + timedelta(days=1)).isoformat()
                queryset = queryset.filter(**{f"{column}__lt": end})
            return queryset

        return DateRangeFilter(
            label=label,
            method=by_range,
            widget=DateRangeWidget(attrs={"type": "date", "class": "form-control"}),
        )

    def by_value(queryset, _name, value):
        if value in (None, ""):
            return queryset
        try:
            parsed = definition.to_python(value)
        except ValidationError:
            return queryset.none()
        column = f"cf_{definition.name}"
        queryset = queryset.alias(**{column: definition.expression()})
        lookup = "iexact" if definition.is_text else "exact"
        if definition.field_type in {"decimal", "currency"}:
            parsed = float(Decimal(parsed))
        return queryset.filter(**{f"{column}__{lookup}": parsed})

    return df.CharFilter(label=label, method=by_value, widget=forms.TextInput(attrs=small))


def filterset_for(module) -> type[RecordFilterSet]:
    """The FilterSet class of a module, built once per module and custom field definitions."""
    custom = tuple(config.custom_fields(module.model))
    built = module.__dict__.setdefault("_filtersets", {})
    cached = built.get(custom)
    if cached is not None:
        return cached
    attrs = {name: _filter_for(module.model._meta.get_field(name)) for name in module.filters}
    attrs.update(
        {f.name: _custom_filter(f) for f in custom if f.field_type not in {"longtext", "relate"}}
    )
    meta = type("Meta", (), {"model": module.model, "fields": []})
    cls = type(f"{module.model.__name__}FilterSet", (RecordFilterSet,), {**attrs, "Meta": meta})
    if len(built) > 20:  # definitions changed many times: start over
        built.clear()
    built[custom] = cls
    return cls
