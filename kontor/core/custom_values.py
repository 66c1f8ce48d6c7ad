"""Custom field definitions as the rest of Kontor uses them: form field, parsing of typed or
text input (forms, import, API), display, and the SQL expression lists sort and filter by.

Read through `kontor.core.config.custom_fields(model)`; defined by admins in Studio.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.db.models import F, Func
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kontor.core import catalog, dropdowns
from kontor.core.fields import DropdownFormField, validate_phone

MAX_TEXT = {"text": 255, "longtext": 20_000, "url": 500, "email": 254, "phone": 40}


@dataclass(frozen=True)
class CustomFieldDef:
    """One active custom field of a record type: how to show, parse, validate and sort it.

    Values are stored in `record.custom[name]` as JSON: text as strings, numbers as integers,
    decimals and currency as strings ("1250.50", exact), dates and date-times as ISO text
    (date-times in UTC), yes/no as booleans, multi-select as a list of keys, links as the id.
    """

    name: str
    label_en: str
    label_de: str
    field_type: str
    dropdown: str = ""
    link_module: str = ""
    required: bool = False
    indexed: bool = False

    @property
    def label(self) -> str:
        return self.label_de if (get_language() or "").startswith("de") else self.label_en

    @property
    def is_text(self) -> bool:
        return self.field_type in {"text", "longtext", "url", "email", "phone"}

    # --- forms ---------------------------------------------------------------------------------
    def formfield(self, **kwargs) -> forms.Field:
        """The form field of this custom field (required as configured; yes/no never)."""
        required = self.required and self.field_type != "boolean"
        common = {"label": self.label, "required": required, **kwargs}
        t = self.field_type
        if t in {"text", "phone"}:
            validators = [validate_phone] if t == "phone" else []
            return forms.CharField(max_length=MAX_TEXT[t], validators=validators, **common)
        if t == "longtext":
            return forms.CharField(max_length=MAX_TEXT[t], widget=forms.Textarea, **common)
        if t == "integer":
            return forms.IntegerField(min_value=-(2**53), max_value=2**53, **common)
        if t in {"decimal", "currency"}:
            places = 2 if t == "currency" else 4
            return forms.DecimalField(max_digits=18, decimal_places=places, **common)
        if t == "date":
            return forms.DateField(**common)
        if t == "datetime":
            return forms.DateTimeField(**common)
        if t == "boolean":
            return forms.BooleanField(**{**common, "required": False})
        if t == "dropdown":
            return DropdownFormField(dropdown=self.dropdown, **common)
        if t == "multiselect":
            return forms.MultipleChoiceField(
                choices=lambda: dropdowns.choices(self.dropdown), **common
            )
        if t == "url":
            return forms.URLField(max_length=MAX_TEXT[t], assume_scheme="https", **common)
        if t == "email":
            return forms.EmailField(max_length=MAX_TEXT[t], **common)
        if t == "relate":
            return forms.ModelChoiceField(queryset=self.link_model().objects.all(), **common)
        raise ValueError(f"unknown custom field type {t!r}")

    def link_model(self):
        return catalog.get(self.link_module).model

    def initial(self, stored):
        """The form's initial value of a stored value."""
        value = self.python(stored)
        return getattr(value, "pk", value)

    # --- parsing and validation ----------------------------------------------------------------
    def to_python(self, value, *, previous=None):
        """The stored (JSON) form of `value`, typed or as text (import, API, form, stored).

        Raises ValidationError with Django's messages. Empty input gives None.
        `previous` is the stored value before the edit: a deactivated dropdown key stays valid
        where it was already set.
        """
        if value is None or value == "" or value == []:
            return None
        t = self.field_type
        if t in {"text", "longtext", "url", "email", "phone"}:
            value = str(value).strip()
            if len(value) > MAX_TEXT[t]:
                raise ValidationError(
                    _("Ensure this value has at most %(max)d characters.") % {"max": MAX_TEXT[t]},
                    code="max_length",
                )
            if t == "url":
                value = forms.URLField(assume_scheme="https").clean(value)
                URLValidator()(value)
            elif t == "email":
                EmailValidator()(value)
                value = value.lower()
            elif t == "phone":
                validate_phone(value)
            return value or None
        if t == "integer":
            if isinstance(value, bool):
                raise ValidationError(
                    forms.IntegerField.default_error_messages["invalid"], code="invalid"
                )
            return forms.IntegerField(min_value=-(2**53), max_value=2**53).clean(
                value if isinstance(value, int) else str(value).strip()
            )
        if t in {"decimal", "currency"}:
            places = 2 if t == "currency" else 4
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                raise ValidationError(
                    forms.DecimalField.default_error_messages["invalid"], code="invalid"
                ) from None
            number = forms.DecimalField(max_digits=18, decimal_places=places).clean(number)
            return format(number.quantize(Decimal(1).scaleb(-places)), "f")
        if t == "date":
            parsed = (
                value
                if isinstance(value, date) and not isinstance(value, datetime)
                else parse_date(str(value).strip()[:10])
                if _is_iso(value)
                else None
            )
            if parsed is None:
                parsed = forms.DateField().clean(value)
            return parsed.isoformat()
        if t == "datetime":
            parsed = value if isinstance(value, datetime) else _parse_dt(value)
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            return parsed.astimezone(UTC).isoformat()
        if t == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "ja", "y", "on", "x"}:
                return True
            if text in {"0", "false", "no", "nein", "n", "off"}:
                return False
            raise ValidationError(_("Enter yes or no."), code="invalid")
        if t == "dropdown":
            return self._keys([value], previous=[previous])[0]
        if t == "multiselect":
            items = (
                value
                if isinstance(value, list | tuple)
                else [v.strip() for v in str(value).split(",") if v.strip()]
            )
            return (
                self._keys(
                    list(dict.fromkeys(items)),
                    previous=previous if isinstance(previous, list) else [],
                )
                or None
            )
        if t == "relate":
            pk = getattr(value, "pk", value)
            try:
                found = self.link_model().with_deleted.filter(pk=pk).exists()
            except (ValueError, ValidationError):
                found = False
            if not found:
                raise ValidationError(
                    forms.ModelChoiceField.default_error_messages["invalid_choice"],
                    code="invalid_choice",
                )
            return str(pk)
        raise ValidationError(_("Unknown field type."), code="invalid")

    clean = to_python

    def _keys(self, values, *, previous) -> list[str]:
        allowed = {
            o.key
            for o in dropdowns.options(self.dropdown, include_inactive=True)
            if o.active or o.key in (previous or [])
        }
        labels = {o.label.lower(): o.key for o in dropdowns.options(self.dropdown)}
        out = []
        for value in values:
            key = str(value).strip()
            key = key if key in allowed else labels.get(key.lower(), key)
            if key not in allowed:
                raise ValidationError(
                    _("“%(value)s” is not a valid choice."),
                    code="invalid_choice",
                    params={"value": value},
                )
            out.append(key)
        return out

    def python(self, stored):
        """The Python value of a stored value (Decimal, date, datetime …) for display."""
        if stored is None or stored == "":
            return None
        t = self.field_type
        try:
            if t in {"decimal", "currency"}:
                return Decimal(str(stored))
            if t == "date":
                return parse_date(str(stored))
            if t == "datetime":
                return parse_datetime(str(stored))
        except (InvalidOperation, ValueError):
            return stored
        return stored

    def display(self, stored) -> str:
        """The text a user sees for a stored value."""
        value = self.python(stored)
        if value is None:
            return ""
        t = self.field_type
        if t == "dropdown":
            return dropdowns.label(self.dropdown, value)
        if t == "multiselect":
            return ", ".join(dropdowns.label(self.dropdown, k) for k in value)
        if t == "boolean":
            return _("Yes") if value else _("No")
        if t == "datetime" and isinstance(value, datetime):
            return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if t == "date" and isinstance(value, date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        if t in {"decimal", "currency"} and isinstance(value, Decimal):
            return formats.number_format(
                value, 2 if t == "currency" else None, use_l10n=True, force_grouping=True
            )
        return str(value)

    def display_text(self, text: str) -> str:
        """The text a user sees for a value as the change log stores it (see as_text)."""
        if not text:
            return ""
        if self.field_type == "multiselect":
            try:
                return self.display(json.loads(text))
            except ValueError:
                return text
        if self.field_type == "boolean":
            return self.display(text == "1")
        if self.field_type == "integer":
            return self.display(int(text)) if text.lstrip("-").isdigit() else text
        return self.display(text)

    # --- queries -------------------------------------------------------------------------------
    def expression(self):
        """The SQL expression of this field's value, typed for sorting (both databases).

        An index requested for the field is built on exactly this expression.
        """
        if self.field_type == "integer":
            return JsonKeyText(self.name, cast="integer")
        if self.field_type in {"decimal", "currency"}:
            return JsonKeyText(self.name, cast="numeric")
        return JsonKeyText(self.name)


class JsonKeyText(Func):
    """The text of one key of `custom`, with the key written into the SQL as a literal.

    Django passes the path of a JSON key transform as a query parameter; SQLite can only use
    an expression index when the query's expression is the indexed one literally, so a
    parameter would never match. Names are identifiers (checked here again), so the literal is
    safe.
    """

    # Numbers come back as floats: Django wraps a DecimalField expression in one more CAST in
    # an SQLite index (not in a query), and the two would no longer match.
    OUTPUT = {"": models.TextField, "integer": models.BigIntegerField, "numeric": models.FloatField}

    def __init__(self, key: str, cast: str = ""):
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,49}", key) or cast not in self.OUTPUT:
            raise ValueError(f"not a custom field name: {key!r}")
        self.key, self.cast = key, cast
        # Typed in SQL the same way in a query and in an index (Django's Cast is not).
        super().__init__(F("custom"), output_field=self.OUTPUT[cast]())

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        sql = f"({column} ->> '{self.key}')"
        return (f"({sql})::{self.cast}" if self.cast else sql), params

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        sql = f"JSON_EXTRACT({column}, '$.{self.key}')"
        return (f"CAST({sql} AS {self.cast.upper()})" if self.cast else sql), params


def _is_iso(value) -> bool:
    text = str(value).strip()
    return len(text) >= 10 and text[4] == "-" and text[7] == "-"


def _parse_dt(value) -> datetime:
    text = str(value).strip()
    try:
        parsed = parse_datetime(text.replace(" ", "T", 1))
    except ValueError:
        parsed = None
    if parsed is None:
        parsed = forms.DateTimeField().clean(text)
    return parsed
