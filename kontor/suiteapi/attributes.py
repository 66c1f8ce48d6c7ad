"""The kinds of attribute a SuiteCRM module offers its API clients, for `kontor.suiteapi.mapping`
(which lists them per module) and the V8 and v4_1 endpoints (which read and write through them).

An attribute reads a Python value from a Kontor record (`get`), turns it into SuiteCRM's text
(`text`), builds a filter condition from a SuiteCRM value (`condition`) and writes a SuiteCRM
value onto a record (`set`, which raises ValidationError keyed by the SuiteCRM name). Values
that need other rows (user ids of migrated users, the names of activity parents) come from
`prepared`, filled once per page by `ApiModule.prepare`.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

#: SuiteCRM's words for true and false on input (V8 and v4_1 alike)
TRUE = {"1", "true", "on", "yes"}
FALSE = {"0", "false", "off", "no", ""}
#: Numbers a filter compares with: beyond this no column of Kontor holds a value
LARGEST = Decimal(10) ** 20
OPERATORS = {"eq": "exact", "neq": "exact", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}


def text(value) -> str:
    """A value as SuiteCRM's database hands it out: "" for empty, "1"/"0", UTC datetimes as
    "Y-m-d H:i:s", decimals as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return ",".join(f"^{v}^" for v in value)
    return str(value)


def invalid(name: str, value) -> ValidationError:
    return ValidationError({name: _("“%(value)s” is not a valid value.") % {"value": value}})


def parse_bool(name: str, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE or word in FALSE:
        return word in TRUE
    raise invalid(name, raw)


def parse_when(name: str, raw) -> datetime | None:
    """SuiteCRM's "Y-m-d H:i:s" in UTC, or ISO 8601 with an offset; empty is None."""
    if raw in (None, ""):
        return None
    try:
        found = parse_datetime(str(raw).strip().replace(" ", "T", 1))
    except ValueError:
        found = None
    if found is None:
        raise invalid(name, raw)
    return found if timezone.is_aware(found) else found.replace(tzinfo=UTC)


def parse_day(name: str, raw) -> date | None:
    if raw in (None, ""):
        return None
    try:
        found = parse_date(str(raw).strip()[:10])
    except ValueError:
        found = None
    if found is None:
        raise invalid(name, raw)
    return found


def like_q(path: str, pattern: str) -> Q:
    """SQL LIKE as SuiteCRM runs it on MySQL (case-insensitive; "%" any text, "_" one
    character), through the lookups that use Kontor's indexes where the pattern allows."""
    pattern = str(pattern)
    inner = pattern.strip("%")
    if "_" not in pattern and "%" not in inner:
        starts, ends = pattern.startswith("%"), pattern.endswith("%") and len(pattern) > 1
        lookup = {
            (True, True): "icontains",
            (False, True): "istartswith",
            (True, False): "iendswith",
        }.get((starts, ends), "iexact")
        return Q(**{f"{path}__{lookup}": inner})
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return Q(**{f"{path}__iregex": f"^{regex}$"})


#: The SuiteCRM types whose values are text: a number or boolean sent for one is stored as text
TEXTS = frozenset({"varchar", "name", "text", "phone", "url", "email", "enum", "relate", "id"})


@dataclass
class Attribute:
    """One SuiteCRM attribute of a module, stored in the Kontor field `field` unless a
    subclass says otherwise."""

    name: str
    #: ORM path for filters and order_by; None when SuiteCRM's clients cannot filter by it
    field: str | None
    #: SuiteCRM's vardef type (varchar, enum, bool, datetime, id, relate …)
    type: str = "varchar"
    read_only: bool = False
    #: shown by the V8 API (SuiteCRM hides a few user columns there)
    api_visible: bool = True
    required: bool = False
    len: int | None = None
    #: dropdown list name, for enum and multienum
    options: str = ""
    #: select_related paths a list needs to read this attribute without a query per row
    select: tuple = field(default_factory=tuple)

    # --- reading -----------------------------------------------------------------------------
    def get(self, record, prepared: dict | None = None):
        """The Python value of this attribute on `record` (None for empty)."""
        value = record
        for part in self.field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def text(self, record, prepared: dict | None = None) -> str:
        """SuiteCRM's text of this attribute on `record` (v4_1's form, and V8's before dates
        become ISO 8601)."""
        return text(self.get(record, prepared))

    # --- filtering ---------------------------------------------------------------------------
    def value(self, raw):
        """A SuiteCRM value as the ORM compares it with `field`; ValidationError when it
        cannot be one."""
        if self.type == "bool":
            return parse_bool(self.name, raw)
        if self.type in ("datetime", "datetimecombo"):
            return parse_when(self.name, raw)
        if self.type == "date":
            return parse_day(self.name, raw)
        if self.type in ("int", "currency", "decimal"):
            try:
                number = Decimal(str(raw).strip())
            except InvalidOperation:
                raise invalid(self.name, raw) from None
            if not number.is_finite() or abs(number) >= LARGEST:
                raise invalid(self.name, raw)
            return number
        if self.type == "email":
            return str(raw).strip().lower()
        if self.type == "id":
            try:
                return uuid.UUID(str(raw).strip())
            except ValueError:
                raise invalid(self.name, raw) from None
        return str(raw)

    def condition(self, op: str, raw) -> Q:
        """The records whose attribute compares to `raw` by SuiteCRM's operator `op` (eq,
        neq, gt, gte, lt, lte, like). ValueError when not filterable or `op` is unknown;
        ValidationError for a value of the wrong kind."""
        if self.field is None:
            raise ValueError(self.name)
        op = op.lower()
        if op == "like":
            return like_q(self.field, raw)
        if op not in OPERATORS:
            raise ValueError(op)
        value = self.value(raw)
        if value is None:  # an empty date: SuiteCRM compares with '' and NULL means empty
            q = Q(**{f"{self.field}__isnull": True})
        else:
            q = Q(**{f"{self.field}__{OPERATORS[op]}": value})
        return ~q if op == "neq" else q

    # --- writing -----------------------------------------------------------------------------
    def as_stored(self, raw):
        """A JSON value as SuiteCRM would store it in this attribute: a number or a boolean in
        a text field as PHP prints it ("1", "" for false); a list only for a multi-select, an
        object nowhere (ValidationError)."""
        if isinstance(raw, dict) or (isinstance(raw, list) and self.type != "multienum"):
            raise ValidationError({self.name: _("Expected a single value.")})
        if isinstance(raw, bool) and self.type in TEXTS:
            return "1" if raw else ""
        if isinstance(raw, int | float) and self.type in TEXTS:
            return str(raw)
        return raw

    def set(self, record, raw, user) -> None:
        """Write SuiteCRM's `raw` onto `record` (unsaved); ValidationError on bad input."""
        if self.read_only:
            raise ValidationError({self.name: _("This field cannot be changed.")})
        model_field = type(record)._meta.get_field(self.field)
        if self.type == "bool":
            value = parse_bool(self.name, raw)
        elif self.type in ("datetime", "datetimecombo", "date"):
            value = self.value(raw)
        elif raw is None:
            value = None if model_field.null else ""
        else:
            value = self.as_stored(raw)
            if not isinstance(value, int | float):
                value = str(value)
            if value == "" and model_field.null:
                value = None
        setattr(record, model_field.attname, value)
