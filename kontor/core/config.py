"""The configuration admins make in Studio, as the rest of Kontor reads it.

`required_fields(model)` and `custom_fields(model)` are what forms, the import, web forms and
the API ask; `validate(record, exclude)` is the check `Record.full_clean` runs, so every entry
path that validates a record gets the rules without knowing about them. The definitions are
stored by `kontor.studio` and read here from one cached snapshot (three queries on a cold cache,
none after); Studio's actions call `invalidate()` on every change.
"""

import json
import keyword
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kontor.core import dropdowns
from kontor.core.fields import DropdownFormField, validate_phone

CACHE_KEY = "kontor:config:v1"
CACHE_SECONDS = 300
REQUIRED = forms.Field.default_error_messages["required"]
TEXT_TYPES = {"text", "longtext", "url", "email", "phone", "dropdown", "relate"}
MAX_TEXT = {"text": 255, "longtext": 20_000, "url": 500, "email": 254, "phone": 40}


def label_of(model) -> str:
    """The key of a record type in the configuration tables, e.g. "leads.lead"."""
    model = model if isinstance(model, type) else type(model)
    return model._meta.label_lower


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
                choices=lambda: dropdowns.choices(self.dropdown), **common)
        if t == "url":
            return forms.URLField(max_length=MAX_TEXT[t], assume_scheme="https", **common)
        if t == "email":
            return forms.EmailField(max_length=MAX_TEXT[t], **common)
        if t == "relate":
            return forms.ModelChoiceField(queryset=self.link_model().objects.all(), **common)
        raise ValueError(f"unknown custom field type {t!r}")

    def link_model(self):
        from kontor.core import registry

        return registry.get(self.link_module).model

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
                    _("Ensure this value has at most %(max)d characters.") % {
                        "max": MAX_TEXT[t]}, code="max_length")
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
                raise ValidationError(forms.IntegerField.default_error_messages["invalid"],
                                      code="invalid")
            return forms.IntegerField(min_value=-(2**53), max_value=2**53).clean(
                value if isinstance(value, int) else str(value).strip())
        if t in {"decimal", "currency"}:
            places = 2 if t == "currency" else 4
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                raise ValidationError(forms.DecimalField.default_error_messages["invalid"],
                                      code="invalid") from None
            number = forms.DecimalField(max_digits=18, decimal_places=places).clean(number)
            return format(number.quantize(Decimal(1).scaleb(-places)), "f")
        if t == "date":
            parsed = value if isinstance(value, date) and not isinstance(value, datetime) \
                else parse_date(str(value).strip()[:10]) if _is_iso(value) else None
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
            items = value if isinstance(value, list | tuple) else [
                v.strip() for v in str(value).split(",") if v.strip()]
            return self._keys(list(dict.fromkeys(items)),
                              previous=previous if isinstance(previous, list) else []) or None
        if t == "relate":
            pk = getattr(value, "pk", value)
            try:
                found = self.link_model().with_deleted.filter(pk=pk).exists()
            except (ValueError, ValidationError):
                found = False
            if not found:
                raise ValidationError(
                    forms.ModelChoiceField.default_error_messages["invalid_choice"],
                    code="invalid_choice")
            return str(pk)
        raise ValidationError(_("Unknown field type."), code="invalid")

    clean = to_python

    def _keys(self, values, *, previous) -> list[str]:
        allowed = {o.key for o in dropdowns.options(self.dropdown, include_inactive=True)
                   if o.active or o.key in (previous or [])}
        labels = {o.label.lower(): o.key for o in dropdowns.options(self.dropdown)}
        out = []
        for value in values:
            key = str(value).strip()
            key = key if key in allowed else labels.get(key.lower(), key)
            if key not in allowed:
                raise ValidationError(
                    _("“%(value)s” is not a valid choice."), code="invalid_choice",
                    params={"value": value})
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
            return formats.number_format(value, 2 if t == "currency" else None,
                                         use_l10n=True, force_grouping=True)
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
        text = KeyTextTransform(self.name, "custom")
        if self.field_type == "integer":
            return Cast(text, models.BigIntegerField())
        if self.field_type in {"decimal", "currency"}:
            return Cast(text, models.DecimalField(max_digits=18, decimal_places=4))
        # Cast to plain text: lookups on it are text lookups on both databases (SQLite would
        # read the parameters of "in" and "exact" on a JSON key as JSON).
        return Cast(text, models.TextField())


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


@dataclass(frozen=True)
class Snapshot:
    """Everything configured, as read from the Studio tables."""

    required: dict  # model label -> frozenset of field names
    custom: dict  # model label -> tuple of CustomFieldDef (active, in order)
    layouts: dict  # (model label, kind) -> data


def _load() -> Snapshot:
    if not apps.is_installed("kontor.studio"):
        return Snapshot({}, {}, {})
    from kontor.studio.models import CustomField, FieldRule, Layout

    required: dict = {}
    for rule in FieldRule.objects.filter(required=True):
        required.setdefault(rule.model_label, set()).add(rule.field)
    custom: dict = {}
    for f in CustomField.objects.filter(active=True).order_by("position", "id"):
        custom.setdefault(f.model_label, []).append(CustomFieldDef(
            f.name, f.label_en, f.label_de, f.field_type, f.dropdown, f.link_module,
            f.required, f.indexed))
    layouts = {(lay.model_label, lay.kind): lay.data for lay in Layout.objects.all()}
    return Snapshot({k: frozenset(v) for k, v in required.items()},
                    {k: tuple(v) for k, v in custom.items()}, layouts)


def snapshot() -> Snapshot:
    """The configuration, from the request's copy, the shared cache or the database."""
    held = dropdowns._request_copy.get()
    if held is not None and "config" in held:
        return held["config"]
    snap = cache.get(CACHE_KEY)
    if snap is None:
        snap = _load()
        cache.set(CACHE_KEY, snap, CACHE_SECONDS)
    if held is not None:
        held["config"] = snap
    return snap


def invalidate() -> None:
    """Forget the cached configuration (Studio's actions call this on every change)."""
    cache.delete(CACHE_KEY)
    held = dropdowns._request_copy.get()
    if held is not None:
        held.pop("config", None)


# --- the read API ------------------------------------------------------------------------------
def builtin_required(model) -> frozenset[str]:
    """The fields the model itself requires (e.g. a last name): never optional."""
    model = model if isinstance(model, type) else type(model)
    return frozenset(
        f.name for f in model._meta.concrete_fields
        if f.editable and not f.blank and not f.primary_key
        and not isinstance(f, models.BooleanField))


def configured_required(model) -> frozenset[str]:
    """The built-in fields admins marked required for this record type."""
    return snapshot().required.get(label_of(model), frozenset())


def required_fields(model) -> frozenset[str]:
    """Built-in required fields plus the ones admins marked required (custom ones included)."""
    return (builtin_required(model) | configured_required(model)
            | {f.name for f in custom_fields(model) if f.required and f.field_type != "boolean"})


def custom_fields(model) -> list[CustomFieldDef]:
    """The active custom fields of this record type, in the order admins set."""
    return list(snapshot().custom.get(label_of(model), ()))


def custom_field(model, name: str) -> CustomFieldDef | None:
    return next((f for f in custom_fields(model) if f.name == name), None)


def layout(model, kind: str):
    """A stored layout ("panels" or "list") of this record type, or None for the default."""
    return snapshot().layouts.get((label_of(model), kind))


def panels(module) -> list[tuple]:
    """The detail and edit panels of a module: [(title, (field or custom name, …)), …].

    A stored layout (Studio) orders and hides fields within the module's declared panels
    (addressed by position, so titles stay translated); the declaration is the default.
    Custom fields not placed by the layout (and not hidden) join a panel of their own.
    """
    stored = layout(module.model, "panels") or {}
    custom = [f.name for f in custom_fields(module.model)]
    allowed = set(module.form_fields) | set(custom)
    if stored.get("panels"):
        by_index = dict((int(i), names) for i, names in stored["panels"])
        out = [(title, tuple(n for n in by_index.get(i, ()) if n in allowed))
               for i, (title, _names) in enumerate(module.panels)]
    else:
        out = [(title, tuple(names)) for title, names in module.panels]
    placed = {n for _title, names in out for n in names} | set(stored.get("hidden", ()))
    extra = tuple(n for n in custom if n not in placed)
    if extra:
        out.append((_("More details"), extra))
    return out


def panel_fields(module) -> list[str]:
    """Every field and custom field name the panels show, in order."""
    return [n for _title, names in panels(module) for n in names]


def list_columns(module) -> tuple:
    """The default list columns: a stored layout's, else the module declaration's."""
    stored = layout(module.model, "list") or {}
    allowed = set(all_columns(module))
    chosen = tuple(c for c in stored.get("columns", ()) if c in allowed)
    return chosen or module.list_columns


def all_columns(module) -> tuple:
    """Every column a list can show: the declared ones and the custom fields."""
    return module.all_columns + tuple(f.name for f in custom_fields(module.model))


def validate(record, exclude=None) -> dict[str, list[ValidationError]]:
    """The configured rules `record` breaks: {field name: [errors]} (empty when none).

    Checks the required marks of built-in fields not in `exclude`, and, unless "custom" is
    excluded, the custom values (required ones present, each parseable); parsed values are
    written back in their stored form.
    """
    exclude = set(exclude or ())
    errors: dict[str, list[ValidationError]] = {}
    for name in configured_required(record):
        if name in exclude:
            continue
        try:
            field = record._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a rule for a field that no longer exists
            continue
        if field.concrete and getattr(record, field.attname) in field.empty_values:
            errors[name] = [ValidationError(REQUIRED, code="required")]
    if "custom" in exclude:
        return errors
    values = record.custom if isinstance(record.custom, dict) else {}
    loaded = getattr(record, "_loaded", {}).get("custom") or {}
    for f in custom_fields(record):
        try:
            stored = f.to_python(values.get(f.name), previous=loaded.get(f.name)
                                 if isinstance(loaded, dict) else None)
        except ValidationError as error:
            errors[f.name] = error.error_list
            continue
        if stored is None:
            values.pop(f.name, None)
            if f.required and f.field_type != "boolean":
                errors[f.name] = [ValidationError(REQUIRED, code="required")]
        else:
            values[f.name] = stored
    record.custom = values
    return errors


def search_values(record) -> list[str]:
    """The custom text values of `record` that the search index holds."""
    values = getattr(record, "custom", None)
    if not isinstance(values, dict) or not values:
        return []
    return [str(values[f.name]) for f in custom_fields(record)
            if f.is_text and f.field_type != "longtext" and values.get(f.name)]


RESERVED_EXTRA = frozenset({"custom", "pk", "id", "objects", "teams", "parent", "q", "sort",
                            "cursor", "mine", "columns", "ids", "verb", "field", "next"})


def reserved_names(model) -> frozenset[str]:
    """Names a custom field of `model` may not take: its fields and Python keywords, …"""
    names = {f.name for f in model._meta.get_fields()}
    names |= {f.attname for f in model._meta.concrete_fields}
    return frozenset(names | set(keyword.kwlist) | set(keyword.softkwlist) | RESERVED_EXTRA)
