"""Field actions: required marks on built-in fields, custom field definitions, their indexes.

A definition is refused when it would be ambiguous or lose data: a duplicate or reserved name,
a name that is no identifier, a dropdown without a list, or a type change that existing
values cannot survive.
"""

import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from kontor.core import config, registry
from kontor.core.models import DropdownList
from kontor.studio.actions import log_change
from kontor.studio.models import CustomField, FieldRule, FieldType

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def optional_fields(module) -> list[models.Field]:
    """The built-in fields of a module's form that admins may mark required."""
    builtin = config.builtin_required(module.model)
    out = []
    for name in module.form_fields:
        field = module.model._meta.get_field(name)
        if (
            name in builtin
            or not field.concrete
            or not field.editable
            or isinstance(field, models.BooleanField | models.FileField)
        ):
            continue
        out.append(field)
    return out


@transaction.atomic
def set_required(module, names, *, actor) -> None:
    """Make exactly `names` (built-in fields of the module) required beyond the minimum."""
    allowed = {f.name for f in optional_fields(module)}
    names = set(names)
    unknown = names - allowed
    if unknown:
        raise ValidationError(
            {
                "required": _("These fields cannot be marked required: %(names)s.")
                % {"names": ", ".join(sorted(unknown))}
            }
        )
    label = config.label_of(module.model)
    before = set(
        FieldRule.objects.filter(model_label=label, required=True).values_list("field", flat=True)
    )
    if before == names:
        return
    FieldRule.objects.filter(model_label=label).exclude(field__in=names).delete()
    FieldRule.objects.bulk_create(
        [FieldRule(model_label=label, field=n) for n in sorted(names - before)]
    )
    log_change(
        actor=actor,
        area="required",
        target=label,
        summary=gettext_noop("Required fields changed"),
        detail={"old": sorted(before), "new": sorted(names)},
    )


def _check_definition(
    module, *, name, label_en, label_de, field_type, dropdown, link_module, new: bool
) -> None:
    errors = {}
    if new:
        if not NAME_RE.match(name):
            errors["name"] = [
                _(
                    "Use lower-case letters, digits and underscores, starting "
                    "with a letter (at most 50)."
                )
            ]
        elif name in config.reserved_names(module.model):
            errors["name"] = [
                _("“%(name)s” is reserved: a built-in field or a word Kontor uses.")
                % {"name": name}
            ]
        elif CustomField.objects.filter(
            model_label=config.label_of(module.model), name=name
        ).exists():
            errors["name"] = [_("This record type has a custom field with this name already.")]
    if not label_en.strip():
        errors["label_en"] = [_("This field is required.")]
    if not label_de.strip():
        errors["label_de"] = [_("This field is required.")]
    if field_type not in FieldType.values:
        errors["field_type"] = [_("Choose a type.")]
    if (
        field_type in {"dropdown", "multiselect"}
        and not DropdownList.objects.filter(name=dropdown).exists()
    ):
        errors["dropdown"] = [_("Choose the dropdown list of this field.")]
    if field_type == "relate" and link_module not in {m.slug for m in registry.modules()}:
        errors["link_module"] = [_("Choose the record type this field links to.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_custom_field(
    module,
    *,
    name: str,
    label_en: str,
    label_de: str,
    field_type: str,
    dropdown: str = "",
    link_module: str = "",
    required: bool = False,
    actor,
) -> CustomField:
    """Add a custom field to a record type; it appears in forms, lists, filters at once."""
    name = name.strip()
    _check_definition(
        module,
        name=name,
        label_en=label_en,
        label_de=label_de,
        field_type=field_type,
        dropdown=dropdown,
        link_module=link_module,
        new=True,
    )
    label = config.label_of(module.model)
    position = (
        CustomField.objects.filter(model_label=label).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    field = CustomField.objects.create(
        model_label=label,
        name=name,
        label_en=label_en.strip(),
        label_de=label_de.strip(),
        field_type=field_type,
        dropdown=dropdown if field_type in {"dropdown", "multiselect"} else "",
        link_module=link_module if field_type == "relate" else "",
        required=required,
        position=position,
    )
    log_change(
        actor=actor,
        area="custom_field",
        target=f"{label}.{name}",
        summary=gettext_noop("Custom field added"),
        detail=definition(field),
    )
    return field


def definition(field: CustomField) -> dict:
    """A custom field as the change log and the configuration file hold it."""
    return {
        k: getattr(field, k)
        for k in (
            "name",
            "label_en",
            "label_de",
            "field_type",
            "dropdown",
            "link_module",
            "required",
            "active",
            "indexed",
            "position",
        )
    }


def _as_def(field: CustomField, **changes) -> config.CustomFieldDef:
    values = {**definition(field), **changes}
    return config.CustomFieldDef(
        values["name"],
        values["label_en"],
        values["label_de"],
        values["field_type"],
        values["dropdown"],
        values["link_module"],
        False,
        False,
    )


def _converted(field: CustomField, new_type: str, model) -> list:
    """The records whose value of `field` must be rewritten for `new_type`, rewritten.

    Refuses with the count of records whose value the new type cannot hold.
    """
    new = _as_def(field, field_type=new_type)
    rows = list(model.with_deleted.filter(custom__has_key=field.name).select_for_update())
    changed, lost = [], 0
    for row in rows:
        value = row.custom.get(field.name)
        if isinstance(value, list) and new_type != "multiselect":
            value = value[0] if len(value) == 1 else ",".join(value)
        elif new_type == "multiselect" and isinstance(value, str):
            value = [value]
        elif not isinstance(value, str | list) and new.is_text:
            value = str(value).lower() if isinstance(value, bool) else str(value)
        try:
            stored = new.to_python(value)
        except ValidationError:
            lost += 1
            continue
        if stored != row.custom.get(field.name):
            row.custom[field.name] = stored
            changed.append(row)
    if lost:
        raise ValidationError(
            {
                "field_type": ngettext(
                    "%(count)d record has a value this type cannot hold; the type stays.",
                    "%(count)d records have values this type cannot hold; the type stays.",
                    lost,
                )
                % {"count": lost}
            }
        )
    return changed


@transaction.atomic
def update_custom_field(
    field: CustomField,
    *,
    label_en: str,
    label_de: str,
    field_type: str,
    required: bool,
    active: bool,
    indexed: bool,
    actor,
) -> CustomField:
    """Rename, change the type (when no value is lost), require, (de)activate, index."""
    module = _module_of(field.model_label)
    _check_definition(
        module,
        name=field.name,
        label_en=label_en,
        label_de=label_de,
        field_type=field_type,
        dropdown=field.dropdown,
        link_module=field.link_module,
        new=False,
    )
    if field_type != field.field_type and _kind(field_type) != _kind(field.field_type):
        raise ValidationError(
            {
                "field_type": _(
                    "A dropdown, multi-select or link field keeps its kind; "
                    "add a new field instead."
                )
            }
        )
    before = definition(field)
    rewritten = (
        _converted(field, field_type, module.model) if field_type != field.field_type else []
    )
    if field.indexed and (not indexed or field_type != field.field_type):
        drop_index(module.model, field)
    field.label_en, field.label_de = label_en.strip(), label_de.strip()
    field.field_type, field.required, field.active = field_type, required, active
    field.indexed = indexed
    after = definition(field)
    if after == before:
        return field
    field.save()
    if rewritten:
        module.model.with_deleted.bulk_update(rewritten, ["custom"], batch_size=500)
    if indexed and (not before["indexed"] or field_type != before["field_type"]):
        create_index(module.model, field)
    log_change(
        actor=actor,
        area="custom_field",
        target=f"{field.model_label}.{field.name}",
        summary=gettext_noop("Custom field changed"),
        detail={"old": before, "new": after, "rewritten": len(rewritten)},
    )
    return field


def _kind(field_type: str) -> str:
    """Types of one kind convert into each other (values permitting); kinds never do."""
    return {"dropdown": "list", "multiselect": "list", "relate": "link"}.get(field_type, "value")


def _module_of(model_label: str):
    for module in registry.modules():
        if config.label_of(module.model) == model_label:
            return module
    raise ValidationError(_("This record type does not exist any more."))


# --- indexes -----------------------------------------------------------------------------------
def index_name(model, field: CustomField) -> str:
    digest = hashlib.sha1(f"{model._meta.db_table}.{field.name}".encode()).hexdigest()[:10]
    return f"cf_{model._meta.model_name[:12]}_{field.name[:10]}_{digest}"


def _index(model, field: CustomField) -> models.Index:
    # (value, id): the order a list's keyset pages walk, as the built-in sort indexes.
    return models.Index(_as_def(field).expression(), models.F("id"), name=index_name(model, field))


def create_index(model, field: CustomField) -> None:
    """An expression index on the field's JSON key, matching the expression lists sort by.

    Written as plain SQL so it also runs inside the action's transaction on SQLite (whose
    schema editor refuses to work inside one).
    """
    editor = connection.schema_editor(atomic=False, collect_sql=True)  # never entered
    sql = str(_index(model, field).create_sql(model, editor))
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))


def drop_index(model, field: CustomField) -> None:
    with connection.cursor() as cursor:
        name = connection.ops.quote_name(index_name(model, field))
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
