"""The configuration admins make in Studio, as the rest of Kontor reads it.

`required_fields(model)` and `custom_fields(model)` are what forms, the import, web forms and
the API ask; `validate(record, exclude)` is the check `Record.full_clean` runs, so every entry
path that validates a record gets the rules without knowing about them. The definitions are
stored by `kontor.studio`, which provides their reader (`provide`), and read here from one cached
snapshot (four queries on a cold cache, none after); Studio's actions call `invalidate()` on
every change.
"""

import keyword
from dataclasses import dataclass, field

from django import forms
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from kontor.core import dropdowns
from kontor.core.custom_values import CustomFieldDef

CACHE_KEY = "kontor:config:v3"
REQUIRED = forms.Field.default_error_messages["required"]


def label_of(model) -> str:
    """The key of a record type in the configuration tables, e.g. "leads.lead"."""
    model = model if isinstance(model, type) else type(model)
    return model._meta.label_lower


@dataclass(frozen=True)
class Snapshot:
    """Everything configured, as read from the Studio tables."""

    required: dict  # model label -> frozenset of field names
    custom: dict  # model label -> tuple of CustomFieldDef (active, in order)
    layouts: dict  # (model label, kind) -> data
    settings: dict = field(default_factory=dict)  # installation setting -> value an admin set


#: The function that reads the definitions (Studio provides it in its AppConfig.ready()).
_source = None


def provide(load) -> None:
    """Register `load() -> Snapshot`, which reads the configuration from its tables: the app
    that stores it (kontor.studio) calls this, so core reads it without importing that app."""
    global _source
    _source = load


def _load() -> Snapshot:
    return _source() if _source is not None else Snapshot({}, {}, {})


def snapshot() -> Snapshot:
    """The configuration, from the request's copy, the shared cache or the database."""
    return dropdowns.cached("config", CACHE_KEY, _load)


def invalidate() -> None:
    """Forget the cached configuration (Studio's actions call this on every change)."""
    dropdowns.forget(CACHE_KEY)
    held = dropdowns._request_copy.get()
    if held is not None:
        held.pop("config", None)


# --- installation settings ---------------------------------------------------------------------
#: Settings of the whole installation admins change in Administration → Settings: each one's
#: environment variable (read in kontor/settings.py) is in force until an admin sets it.
SETTINGS = {
    "mode": ("KONTOR_MODE", ("b2b", "b2c")),
    "conversion_policy": ("KONTOR_CONVERSION_POLICY", ("early", "late")),
}


def setting(name: str) -> str:
    """The value in force of installation setting `name`: an admin's, else the environment's."""
    variable, allowed = SETTINGS[name]
    chosen = snapshot().settings.get(name)
    return chosen if chosen in allowed else getattr(django_settings, variable)


def mode() -> str:
    """The mode: "b2b" (opportunities and conversions need an account) or "b2c" (§1 of
    docs/domain.md)."""
    return setting("mode")


def conversion_policy() -> str:
    """The conversion policy, "early" or "late": what converting a lead proposes (§1 of
    docs/domain.md)."""
    return setting("conversion_policy")


# --- the read API ------------------------------------------------------------------------------
def builtin_required(model) -> frozenset[str]:
    """The fields the model itself requires (e.g. a last name): never optional."""
    model = model if isinstance(model, type) else type(model)
    return frozenset(
        f.name
        for f in model._meta.concrete_fields
        if f.editable
        and not f.blank
        and not f.primary_key
        and not isinstance(f, models.BooleanField)
    )


def configured_required(model) -> frozenset[str]:
    """The built-in fields admins marked required for this record type."""
    return snapshot().required.get(label_of(model), frozenset())


def required_fields(model) -> frozenset[str]:
    """Built-in required fields plus the ones admins marked required (custom ones included)."""
    return (
        builtin_required(model)
        | configured_required(model)
        | {f.name for f in custom_fields(model) if f.required and f.field_type != "boolean"}
    )


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
        out = [
            (title, tuple(n for n in by_index.get(i, ()) if n in allowed))
            for i, (title, _names) in enumerate(module.panels)
        ]
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
            stored = f.to_python(
                values.get(f.name),
                previous=loaded.get(f.name) if isinstance(loaded, dict) else None,
            )
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
    return [
        str(values[f.name])
        for f in custom_fields(record)
        if f.is_text and f.field_type != "longtext" and values.get(f.name)
    ]


RESERVED_EXTRA = frozenset(
    {
        "custom",
        "pk",
        "id",
        "objects",
        "teams",
        "parent",
        "q",
        "sort",
        "cursor",
        "mine",
        "columns",
        "ids",
        "verb",
        "field",
        "next",
    }
)


def reserved_names(model) -> frozenset[str]:
    """Names a custom field of `model` may not take: its fields and Python keywords, …"""
    names = {f.name for f in model._meta.get_fields()}
    names |= {f.attname for f in model._meta.concrete_fields}
    return frozenset(names | set(keyword.kwlist) | set(keyword.softkwlist) | RESERVED_EXTRA)
