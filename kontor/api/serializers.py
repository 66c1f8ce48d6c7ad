"""The JSON shape of every record type, generated from its module declaration.

For API clients: the editable fields are those of the module's edit form, the rest of the
record is read-only; links to records are ids checked against the permission filter (an id
the caller may not see is refused like one that does not exist); activities name their parent
as {"type": "<module slug>", "id": "<uuid>"}. Values are validated by the record itself
(Record.full_clean, called by save_record), whose errors come back as field errors.
"""

import copy
import operator
import uuid

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings

from kontor.api.custom import CustomValuesField
from kontor.core import registry
from kontor.core.records.filters import within_dates

#: Columns of the kernel that are bookkeeping, not data for API clients.
HIDDEN = {"search_text", "deleted", "deleted_at", "parent_type", "parent_id", "todo_order"}


class VisibleRecordField(serializers.PrimaryKeyRelatedField):
    """An id of a record the caller may see (others are "does not exist")."""

    def __init__(self, model, **kwargs):
        self.record_model = model
        kwargs.setdefault("pk_field", serializers.UUIDField(format="hex_verbose"))
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.record_model.objects.visible_to(user, "view")

    def use_pk_only_optimization(self):
        return True

    def to_internal_value(self, data):
        # The link the record already has is kept as it is, seen by the caller or not: a
        # client that sends back what it read must not be refused (nor learn anything new).
        kept = _stored_link(self)
        if kept is not None and _same_id(data, kept[1]):
            return getattr(kept[0], self.source)
        return super().to_internal_value(data)


def _stored_link(field) -> tuple | None:
    """(record, stored id) of the link `field` sets on the record being updated, or None."""
    instance = getattr(field.parent, "instance", None)
    if instance is None or isinstance(instance, list) or not field.source:
        return None
    try:
        attname = instance._meta.get_field(field.source).attname
    except FieldDoesNotExist:
        return None
    stored = getattr(instance, attname, None)
    return (instance, stored) if stored is not None else None


def _same_id(data, stored) -> bool:
    try:
        return uuid.UUID(str(data)) == stored
    except ValueError:
        return False


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {"type": {"type": "string"}, "id": {"type": "string", "format": "uuid"}},
        "required": ["type", "id"],
    }
)
class ParentField(serializers.Field):
    """An activity's parent: {"type": "leads", "id": "<uuid>"}, a record the caller may see."""

    default_error_messages = {
        "invalid": _('Send {"type": "<record type>", "id": "<id>"} or null.'),
        "not_visible": _("Choose a record you can see."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, instance):
        if not instance.parent_type_id:
            return None
        model = ContentType.objects.get_for_id(instance.parent_type_id).model_class()
        module = registry.find(model)
        return {"type": module.slug if module else "", "id": str(instance.parent_id)}

    def validate_empty_values(self, data):
        if data is None:
            return True, {"parent_type": None, "parent_id": None}
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if (
            not isinstance(data, dict)
            or set(data) != {"type", "id"}
            or not all(isinstance(v, str) for v in data.values())
        ):
            # Raised as is: the message's braces are no str.format() placeholders (fail()).
            raise serializers.ValidationError(self.error_messages["invalid"], code="invalid")
        slugs = {m.slug for m in registry.modules() if m.has_activities and not m.is_activity}
        if data["type"] not in slugs:
            self.fail("not_visible")
        model = registry.get(data["type"]).model
        instance = getattr(self.parent, "instance", None)
        if (
            instance is not None
            and not isinstance(instance, list)
            and instance.parent_type_id == ContentType.objects.get_for_model(model).pk
            and _same_id(data["id"], instance.parent_id)
        ):
            # The parent the activity already has is kept, seen by the caller or not.
            return {"parent_type": instance.parent_type, "parent_id": instance.parent_id}
        user = getattr(self.context.get("request"), "user", None)
        try:
            record = model.objects.visible_to(user, "view").filter(pk=data["id"]).first()
        except Exception:  # noqa: BLE001 - a malformed id: not visible either
            record = None
        if record is None:
            self.fail("not_visible")
        return {"parent_type": ContentType.objects.get_for_model(model), "parent_id": record.pk}


class RecordSerializer(serializers.ModelSerializer):
    """Base: refuses fields it does not know (a typo must not be dropped silently)."""

    def get_fields(self):
        # Working the sixty fields out from the model costs more than the rest of a create;
        # they depend on the class only, so they are worked out once and copied (as DRF
        # copies declared fields) for each serializer.
        cls = type(self)
        prototype = cls.__dict__.get("_prototype_fields")
        if prototype is None:
            prototype = super().get_fields()
            cls._prototype_fields = prototype
            cls._always_parsed = frozenset(
                name
                for name, field in prototype.items()
                if (field.required and not field.read_only) or field.default is not empty
            )
        data = getattr(self, "initial_data", None)
        if isinstance(data, dict) and cls.__dict__.get("_plain_validation"):
            # Input is parsed by the fields it names, plus the required ones (their absence
            # is an error) and those with a default: every other field would be skipped, and
            # copying sixty fields was a third of a create's time. (Only when the class has
            # no serializer validators, which would need all fields: see get_validators.)
            always = cls._always_parsed
            prototype = {
                name: field for name, field in prototype.items() if name in data or name in always
            }
        return copy.deepcopy(prototype)

    def get_validators(self):
        # The serializer's own validators (unique together …) come from the model and need
        # every field; once a full serializer showed there are none, writes skip both the
        # fields they were not sent and this lookup (a fifth of a create's validation).
        cls = type(self)
        if cls.__dict__.get("_plain_validation"):
            return []
        validators = super().get_validators()
        cls._plain_validation = not validators
        return validators

    @classmethod
    def all_field_names(cls) -> frozenset[str]:
        """Every field of the serializer, also those a write that did not name them skips."""
        if "_prototype_fields" not in cls.__dict__:
            cls().fields  # noqa: B018 - works the prototype out
        return frozenset(cls._prototype_fields)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - self.all_field_names())
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.DateField):  # date-times too (a subclass)
            kwargs["validators"] = [*kwargs.get("validators", ()), within_dates]
        return field_class, kwargs

    def build_relational_field(self, field_name, relation_info):
        model = relation_info.related_model
        if registry.find(model) is not None and not relation_info.to_many:
            kwargs = {"allow_null": True, "required": False}
            if relation_info.model_field and not relation_info.model_field.editable:
                kwargs = {"read_only": True, "allow_null": True}
            return VisibleRecordField, {"model": model, **kwargs}
        return super().build_relational_field(field_name, relation_info)


def writable_fields(module) -> list[str]:
    fields = [name for name in module.form_fields if name not in ("parent",)]
    return [name for name in fields if not module.model._meta.get_field(name).many_to_many]


def _fields(module) -> tuple[list[str], list[str]]:
    """(all field names, read-only ones) of a module's serializer."""
    writable = writable_fields(module)
    names = ["id"]
    for field in module.model._meta.concrete_fields:
        if field.name in HIDDEN or field.name == "id":
            continue
        names.append(field.name)
    for name in writable:
        if name not in names:
            names.append(name)
    read_only = [n for n in names if n not in writable and n not in ("custom",)]
    return names, read_only


def serializer_for(module) -> type[RecordSerializer]:
    """The serializer class of a module (built once)."""
    cached = module.__dict__.get("_api_serializer")
    if cached is not None:
        return cached
    names, read_only = _fields(module)
    attrs = {
        "custom": CustomValuesField(model=module.model),
    }
    if module.is_activity:
        attrs["parent"] = ParentField()
        names.append("parent")
    for name in names:
        field = module.model._meta.get_field(name) if name != "parent" else None
        if isinstance(field, models.FileField):
            attrs[name] = serializers.FileField(read_only=True, use_url=False)
        elif field is not None and field.is_relation and field.related_model is get_user_model():
            attrs[name] = (
                serializers.PrimaryKeyRelatedField(
                    queryset=get_user_model().objects.filter(is_active=True),
                    allow_null=True,
                    required=False,
                    read_only=False,
                )
                if name not in read_only
                else serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
            )
    meta = type(
        "Meta",
        (),
        {
            "model": module.model,
            "fields": names,
            "read_only_fields": [n for n in read_only if n not in attrs],
        },
    )
    cls = type(f"{module.model.__name__}Serializer", (RecordSerializer,), {**attrs, "Meta": meta})
    module._api_serializer = cls
    return cls


_PLAIN = object()  # a value that is shown as stored (text, yes/no)


def _reader(field):
    """(attribute, converter) of one readable field: what DRF's Serializer.to_representation
    does for it, without its per-row attribute lookup machinery. `_PLAIN` means as stored;
    attribute None means the row itself."""
    if isinstance(field, ParentField):
        return None, field.to_representation
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        return f"{field.source}_id", (str if isinstance(field, VisibleRecordField) else _PLAIN)
    if isinstance(field, serializers.CharField | serializers.BooleanField) and not isinstance(
        field, serializers.UUIDField
    ):
        return field.source, _PLAIN
    if isinstance(field, serializers.UUIDField):
        return field.source, str
    if isinstance(field, serializers.FileField):  # as stored: the file's name
        return field.source, lambda value: getattr(value, "name", value) or None
    if (
        type(field) is serializers.DateTimeField
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
    ):
        return field.source, _DATETIME
    return field.source, field.to_representation


_DATETIME = object()  # an ISO 8601 date and time in the current time zone, as DRF writes it


def _datetime(tz):
    def convert(value):
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


_readers: dict = {}


def field_names(serializer_class) -> tuple[str, ...]:
    """The fields of a serializer class, built once (building them costs milliseconds)."""
    return tuple(_readers_of(serializer_class, None))


def _readers_of(serializer_class, chosen) -> dict:
    key = (serializer_class, chosen)
    found = _readers.get(key)
    if found is None:
        # Representation needs no request: the fields of one instance serve every request.
        fields = serializer_class().fields
        found = _readers[key] = {
            name: _reader(field)
            for name, field in fields.items()
            if not field.write_only and (chosen is None or name in chosen)
        }
    return found


def row_attributes(serializer_class, chosen: frozenset | None = None) -> list[str]:
    """The columns `rows_data` reads: what a list loads with values_list() instead of whole
    records (no model instances for fifty rows of sixty columns)."""
    names = []
    for attname, _convert in _readers_of(serializer_class, chosen).values():
        names.extend(["parent_type_id", "parent_id"] if attname is None else [attname])
    return list(dict.fromkeys(names))


def rows_data(serializer_class, rows, chosen: frozenset | None = None) -> list[dict]:
    """The representation of `rows` as the serializer's `.data` gives it (only the `chosen`
    fields when given), at a fraction of the cost for list pages (docs/performance.md rule 6)."""
    readers = _readers_of(serializer_class, chosen)
    order = list(readers)
    plain = [(n, a) for n, (a, c) in readers.items() if c is _PLAIN]
    # DRF asks for the current time zone per value (a context-local lookup); once is enough.
    as_datetime = _datetime(timezone.get_current_timezone())
    converted = [
        (n, a, as_datetime if c is _DATETIME else c)
        for n, (a, c) in readers.items()
        if c is not _PLAIN
    ]
    # One attrgetter fetches every value shown as stored, the slow part of a wide row.
    fetch = operator.attrgetter(*[a for _n, a in plain]) if len(plain) > 1 else None
    names = [n for n, _a in plain]
    out = []
    for row in rows:
        item = (
            dict(zip(names, fetch(row), strict=True))
            if fetch
            else {n: getattr(row, a) for n, a in plain}
        )
        for name, attname, convert in converted:
            value = row if attname is None else getattr(row, attname)
            item[name] = None if value is None else convert(value)
        out.append({name: item[name] for name in order})
    return out
