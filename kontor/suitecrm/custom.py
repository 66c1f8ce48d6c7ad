"""SuiteCRM's Studio fields (`fields_meta_data`) as Kontor custom fields, for the migration's
custom fields and audit steps: their Kontor names, nearest types and values.

A Studio field `bonitaet_c` becomes the Kontor custom field `bonitaet`; a name Kontor reserves
for the record type (a built-in field such as `status`, a Python keyword) keeps its `_c`.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.contacts.models import Contact
from kontor.core import config
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.suitecrm.source import day, multienum, text, when
from kontor.targets.models import Target

#: SuiteCRM module (`custom_module`) → its table and Kontor record type
MODULES = {
    "Accounts": ("accounts", Account),
    "Contacts": ("contacts", Contact),
    "Prospects": ("prospects", Target),
    "Leads": ("leads", Lead),
    "Opportunities": ("opportunities", Opportunity),
    "Calls": ("calls", Call),
    "Meetings": ("meetings", Meeting),
    "Tasks": ("tasks", Task),
    "Notes": ("notes", Note),
}
#: SuiteCRM field type → the nearest Kontor custom field type
TYPES = {
    "varchar": "text",
    "name": "text",
    "phone": "phone",
    "url": "url",
    "email": "email",
    "text": "longtext",
    "textarea": "longtext",
    "html": "longtext",
    "wysiwyg": "longtext",
    "int": "integer",
    "float": "decimal",
    "decimal": "decimal",
    "currency": "currency",
    "bool": "boolean",
    "date": "date",
    "datetime": "datetime",
    "datetimecombo": "datetime",
    "enum": "dropdown",
    "radioenum": "dropdown",
    "dynamicenum": "dropdown",
    "multienum": "multiselect",
}
#: Types without an exact counterpart: moved as text, reported
AS_TEXT = {"relate", "id", "image", "encrypt", "address", "iframe", "parent", "currency_id"}
#: SuiteCRM's Maps module adds these to every module; moved only where a record holds a value
MAPS_PREFIX = "jjwg_maps_"


@dataclass(frozen=True)
class StudioField:
    """One live row of `fields_meta_data` of a record type Kontor has."""

    table: str
    model: type
    column: str  # the `<table>_cstm` column (SuiteCRM's field name)
    name: str  # the Kontor custom field name
    suitecrm_type: str
    field_type: str  # the Kontor type
    dropdown: str  # the dropdown list (dropdown and multi-select)
    required: bool
    max_length: int | None

    @property
    def label(self) -> str:
        """A label from the name: SuiteCRM keeps labels in its PHP language files."""
        words = self.column.removesuffix("_c").replace("_", " ").strip()
        return (words[:1].upper() + words[1:])[:100] or self.name


def kontor_name(model, suitecrm_name: str) -> str:
    """The Kontor custom field name of SuiteCRM's Studio field `suitecrm_name` on `model`."""
    name = suitecrm_name.lower()
    short = name[: -len("_c")] if name.endswith("_c") else name
    if not short or short in config.reserved_names(model):
        return name[:50]
    return short[:50]


def studio_fields(source) -> tuple[list[StudioField], list[dict]]:
    """(the Studio fields of Kontor's record types, the `fields_meta_data` rows of others)."""
    fields, others = [], []
    for row in source.rows(
        "SELECT id, name, custom_module, type, len, required, ext1 FROM fields_meta_data "
        "WHERE deleted = 0 ORDER BY custom_module, name"
    ):
        found = MODULES.get(text(row["custom_module"]))
        if found is None:
            others.append(row)
            continue
        table, model = found
        column, kind = text(row["name"]), text(row["type"]).lower()
        field_type = TYPES.get(kind, "text")
        if field_type == "text" and _length(row["len"]) > 255:
            field_type = "longtext"
        name = kontor_name(model, column)
        dropdown = ""
        if field_type in ("dropdown", "multiselect"):
            dropdown = list_name(text(row["ext1"]), name)
        fields.append(
            StudioField(
                table,
                model,
                column,
                name,
                kind,
                field_type,
                dropdown,
                text(row["required"]) in ("1", "true"),
                _length(row["len"]) or None,
            )
        )
    return fields, others


def list_name(ext1: str, field_name: str) -> str:
    """The Kontor dropdown list of a Studio dropdown: SuiteCRM's list name where Kontor can
    take it (lower-case letters, digits, underscores), else one made from the field's name."""
    name = ext1.strip()
    if name and name[0].isalpha() and name.isascii() and name.replace("_", "").isalnum():
        return name.lower()[:64]
    return f"{field_name}_list"[:64]


def _length(value) -> int:
    try:
        return int(str(value or "0").strip() or 0)
    except ValueError:
        return 0


def value_of(field: StudioField, raw):
    """A `_cstm` column's value in the form Kontor's custom field parser takes (None: empty)."""
    if raw is None:
        return None
    kind = field.field_type
    if kind == "multiselect":
        return multienum(raw) or None
    if kind == "boolean":
        return bool(int(raw)) if str(raw).strip().lstrip("-").isdigit() else text(raw)
    if kind == "date":
        return day(raw)
    if kind == "datetime":
        return when(raw)
    if kind in ("decimal", "currency", "integer"):
        if isinstance(raw, float):
            return Decimal(repr(raw)) if kind != "integer" else raw
        if isinstance(raw, Decimal | int):
            return raw
        return text(raw) or None
    if isinstance(raw, datetime.date | datetime.datetime):
        return raw.isoformat()
    return text(raw) or None


def maps_field_used(source, field: StudioField) -> bool:
    """Whether any record holds a value of a Maps field (NULL, "" and 0 are its emptiness)."""
    column = f"`{field.column}`"
    empty = f"{column} <> 0" if field.field_type in ("decimal", "integer") else f"{column} <> ''"
    return bool(
        source.scalar(
            f"SELECT COUNT(*) FROM `{field.table}_cstm` WHERE {column} IS NOT NULL AND {empty}"
        )
    )
