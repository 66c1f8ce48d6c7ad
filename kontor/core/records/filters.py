"""The list filters of a module, one django-filter FilterSet built from its declaration.

The same FilterSet will serve the REST API (DESIGN.md: one FilterSet for page and API).
"""

import django_filters as df
from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.core import dropdowns
from kontor.core.fields import DropdownField


class DateRangeWidget(df.widgets.RangeWidget):
    """From and to as one compact input group."""

    template_name = "records/widgets/date_range.html"


def _dropdown_filter(field: DropdownField) -> df.Filter:
    return df.MultipleChoiceFilter(
        field_name=field.name, label=field.verbose_name,
        choices=lambda: dropdowns.choices(field.dropdown),
        widget=forms.SelectMultiple(attrs={"class": "form-select form-select-sm",
                                           "data-enhance": "multi"}),
    )


def _filter_for(field: models.Field) -> df.Filter:
    label = field.verbose_name
    if isinstance(field, DropdownField):
        return _dropdown_filter(field)
    if field.is_relation and field.related_model is get_user_model():
        return df.ModelMultipleChoiceFilter(
            field_name=field.name, label=label,
            queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
            widget=forms.SelectMultiple(attrs={"class": "form-select form-select-sm",
                                               "data-enhance": "multi"}),
        )
    if field.is_relation:
        # Set by links such as an account's "show all contacts"; the id is a plain parameter.
        return df.UUIDFilter(field_name=field.name, label=label, widget=forms.HiddenInput)
    if isinstance(field, models.DateTimeField | models.DateField):
        return df.DateFromToRangeFilter(
            field_name=field.name, label=label,
            widget=DateRangeWidget(attrs={"type": "date", "class": "form-control"}),
        )
    if isinstance(field, models.BooleanField):
        return df.BooleanFilter(field_name=field.name, label=label)
    return df.CharFilter(field_name=field.name, label=label, lookup_expr="iexact",
                         widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))


class RecordFilterSet(df.FilterSet):
    """Base: adds "only mine" to every module's declared filters."""

    mine = df.BooleanFilter(
        label=_("Only mine"), method="filter_mine",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(assigned_user=self.request.user)
        return queryset


def filterset_for(module) -> type[RecordFilterSet]:
    """The FilterSet class of a module (built once per module)."""
    cached = getattr(module, "_filterset", None)
    if cached is not None:
        return cached
    attrs = {name: _filter_for(module.model._meta.get_field(name)) for name in module.filters}
    meta = type("Meta", (), {"model": module.model, "fields": []})
    cls = type(f"{module.model.__name__}FilterSet", (RecordFilterSet,), {**attrs, "Meta": meta})
    module._filterset = cls
    return cls
