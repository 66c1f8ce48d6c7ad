"""The `custom` object of the API's records: the values of Studio's custom fields by name.

For API clients (docs/api.md): only the custom fields defined for the record type are
accepted, each with a value of its kind (text, number, yes/no, a list of keys; dates from
1900 to 9998), or null to clear it; anything else is a 400 naming the key, before anything is
saved. The values
themselves (a valid e-mail, a dropdown key) are then checked by the record, as in every other
path (kontor.core.config.validate).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kontor.core import config
from kontor.core.records.filters import DATE_RANGE_MESSAGE, within_dates

NUMBERS = {"integer", "decimal", "currency"}

EXPECTS_TEXT = _("Custom field '%(name)s' expects text.")
EXPECTS_NUMBER = _("Custom field '%(name)s' expects a number.")
EXPECTS_YES_NO = _("Custom field '%(name)s' expects true or false.")
EXPECTS_LIST = _("Custom field '%(name)s' expects a list of texts.")
NUL = _("Custom field '%(name)s' may not contain NUL characters.")
UNKNOWN = _("Unknown custom field '%(name)s'.")


def _problem(field_type: str, value):
    """The message for a value of the wrong kind for `field_type`, or None."""
    if value is None:
        return None
    if field_type in NUMBERS:
        ok = isinstance(value, int | float | str) and not isinstance(value, bool)
        return None if ok else EXPECTS_NUMBER
    if field_type == "boolean":
        return None if isinstance(value, bool | str) else EXPECTS_YES_NO
    if field_type == "multiselect":
        ok = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        return None if ok else EXPECTS_LIST
    return None if isinstance(value, str) else EXPECTS_TEXT


def _out_of_range(field_type: str, value) -> bool:
    """Whether a date or date-time value names a day outside 1900–9998 (checked before the
    record parses it: converting the first days of the calendar to UTC overflows)."""
    if field_type not in {"date", "datetime"} or not isinstance(value, str):
        return False
    text = value.strip()
    try:
        parsed = parse_datetime(text.replace(" ", "T", 1)) or parse_date(text[:10])
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            parsed = forms.DateTimeField().clean(text)
        except ValidationError:
            return False  # not a date at all: the record's own check names the problem
    try:
        within_dates(parsed)
    except ValidationError:
        return True
    return False


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    return isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value)


class CustomValuesField(serializers.DictField):
    """{"<custom field name>": value, …} checked against the record type's definitions."""

    def __init__(self, *, model, **kwargs):
        self.record_model = model
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Custom fields"))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        kinds = {f.name: f.field_type for f in config.custom_fields(self.record_model)}
        errors = {}
        for key, value in data.items():
            if key not in kinds:
                errors[key] = [UNKNOWN % {"name": key}]
                continue
            message = _problem(kinds[key], value)
            if message is None and _has_nul(value):
                message = NUL
            if message is None and _out_of_range(kinds[key], value):
                message = DATE_RANGE_MESSAGE
            if message is not None:
                errors[key] = [message % {"name": key}]
        if errors:
            raise serializers.ValidationError(errors)
        return dict(data)
