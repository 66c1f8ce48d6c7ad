"""Studio's custom fields and SuiteCRM's split meeting duration as SuiteCRM attributes, for
`kontor.suiteapi.mapping` (also importable from `kontor.suiteapi.references`, as before).

A custom field answers under Studio's "<name>_c" and reads, filters and writes the record's
`custom` values through its definition (`kontor.core.config`); a call's or meeting's one
duration in minutes is SuiteCRM's `duration_hours` and `duration_minutes`.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from kontor.suiteapi.attributes import OPERATORS, Attribute, invalid, like_q, text


@dataclass
class DurationPart(Attribute):
    """SuiteCRM's duration_hours or duration_minutes, of Kontor's one total in minutes."""

    type: str = "int"
    hours: bool = False

    def get(self, record, prepared=None):
        total = record.duration_minutes or 0
        return total // 60 if self.hours else total % 60

    def condition(self, op, raw):
        raise ValueError(self.name)

    def set(self, record, raw, user):
        try:
            part = int(str(raw).strip() or 0)
        except ValueError:
            raise invalid(self.name, raw) from None
        if part < 0:
            raise invalid(self.name, raw)
        total = record.duration_minutes or 0
        hours, minutes = divmod(total, 60)
        record.duration_minutes = part * 60 + minutes if self.hours else hours * 60 + part


#: Kontor's custom field types → SuiteCRM's vardef types
CUSTOM_TYPES = {
    "text": "varchar",
    "longtext": "text",
    "url": "url",
    "email": "varchar",
    "phone": "phone",
    "integer": "int",
    "decimal": "decimal",
    "currency": "currency",
    "date": "date",
    "datetime": "datetimecombo",
    "boolean": "bool",
    "dropdown": "enum",
    "multiselect": "multienum",
    "relate": "relate",
}


def custom_name(definition) -> str:
    """The SuiteCRM name of a Kontor custom field: Studio's "_c" (a migrated field that kept
    its "_c" because Kontor reserves its short name has it already)."""
    name = definition.name
    return name if name.endswith("_c") else f"{name}_c"


@dataclass
class Custom(Attribute):
    """A Studio field, stored in the record's `custom` values."""

    definition: object = None

    def get(self, record, prepared=None):
        return self.definition.python((record.custom or {}).get(self.definition.name))

    def text(self, record, prepared=None) -> str:
        value = self.get(record, prepared)
        if self.definition.field_type == "relate" and value is not None:
            return str(getattr(value, "pk", value))
        return text(value)

    @property
    def alias(self) -> str:
        """The name `ApiModule.queryset` gives this field's SQL expression."""
        return f"custom_{self.definition.name}"

    def condition(self, op, raw):
        op = op.lower()
        if op == "like":
            return like_q(self.alias, raw)
        if op not in OPERATORS:
            raise ValueError(op)
        try:
            stored = self.definition.to_python(raw)
        except ValidationError:
            raise invalid(self.name, raw) from None
        if stored is None:
            q = Q(**{f"custom__{self.definition.name}__isnull": True}) | Q(
                **{f"custom__{self.definition.name}": None}
            )
        elif self.definition.field_type == "boolean":
            q = Q(**{f"custom__{self.definition.name}": stored})
        else:
            if self.definition.field_type in ("decimal", "currency"):
                stored = float(stored)
            q = Q(**{f"{self.alias}__{OPERATORS[op]}": stored})
        return ~q if op == "neq" else q

    def set(self, record, raw, user):
        stored = record.custom or {}
        name = self.definition.name
        try:
            value = self.definition.to_python(raw, previous=stored.get(name))
        except ValidationError as error:
            raise ValidationError({self.name: error.messages}) from None
        record.custom = {**stored, name: value}


def custom_type(definition) -> str:
    """SuiteCRM's vardef type of a Kontor custom field."""
    return CUSTOM_TYPES.get(definition.field_type, "varchar")
