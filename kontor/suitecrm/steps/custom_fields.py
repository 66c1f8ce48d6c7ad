"""SuiteCRM's Studio fields and their values, for `kontor migrate-suitecrm`.

Step "custom_fields" (before the records): each live `fields_meta_data` row of a record type
Kontor has becomes a custom field of the nearest type through Studio's actions
(`kontor.suitecrm.custom.TYPES`); a dropdown or multi-select gets SuiteCRM's list name and the
keys its records use, labelled with the key (SuiteCRM keeps labels in its language files, not
in the database). The fields SuiteCRM's Maps module adds to every module (`jjwg_maps_*`) are
created only where a record holds a value. A second run reuses what exists.

Step "custom_values" (after every record): `<table>_cstm` into each migrated record's custom
values, chunk by chunk in one transaction each, set-based: the values checked as Kontor's
custom field parser checks them (a bad one reported and left out), one change-log row per
changed value ("custom.<name>", naming the run's origin), search text and one event per chunk
after the commit. A record edited in Kontor since the last run keeps its values; a
difference is listed as a conflict.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.core import config, events, registry
from kontor.core.actions import as_text
from kontor.core.context import current_origin
from kontor.core.dropdown_models import DropdownList
from kontor.core.models import ChangeLog
from kontor.imports.engine import one_array
from kontor.imports.sql import insert_rows, update_rows
from kontor.imports.writer import LOG_COLUMNS
from kontor.studio.actions.dropdowns import KEY_RE, add_value, create_list
from kontor.studio.actions.fields import create_custom_field
from kontor.studio.models import CustomField
from kontor.suitecrm.custom import AS_TEXT, MAPS_PREFIX, maps_field_used, studio_fields, value_of
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.source import multienum, text
from kontor.suitecrm.steps import step
from kontor.suitecrm.writer import created_by_this_run, edited_in_kontor

CHUNK = 2000
# Report lines naming several fields at once (translated where they are reported).
_OTHER_MODULE = gettext_noop(
    "Module %(where)s is not migrated: its fields %(fields)s are left out."
)
_NO_TABLE = gettext_noop("Table %(where)s is missing: fields %(fields)s left out.")
_MAPS_EMPTY = gettext_noop(
    "SuiteCRM Maps fields without a value in any record of %(where)s, not created: %(fields)s."
)


@step("custom_fields", 35, tables=("fields_meta_data",))
def custom_fields(context) -> None:
    """The Studio fields of Kontor's record types as custom fields, with their lists."""
    fields, others = studio_fields(context.source)
    left_out: dict[tuple, list] = {}  # (message, its module or table) → the fields
    for row in others:
        context.report.count("fields_meta_data", "skipped")
        left_out.setdefault((_OTHER_MODULE, text(row["custom_module"])), []).append(row["name"])
    for field in fields:
        if not context.source.has(f"{field.table}_cstm"):
            context.report.count("fields_meta_data", "skipped")
            left_out.setdefault((_NO_TABLE, f"{field.table}_cstm"), []).append(field.column)
            continue
        if field.column not in context.source.columns(f"{field.table}_cstm"):
            context.report.count("fields_meta_data", "skipped")
            context.report.problem(
                "fields_meta_data",
                field.column,
                _("%(type)s field %(field)s holds no value of its own in SuiteCRM; left out.")
                % {"type": field.suitecrm_type, "field": field.column},
            )
            continue
        if field.column.startswith(MAPS_PREFIX) and not maps_field_used(context.source, field):
            context.report.count("fields_meta_data", "skipped")
            left_out.setdefault((_MAPS_EMPTY, f"{field.table}_cstm"), []).append(field.column)
            continue
        with transaction.atomic():
            _define(context, field)
    for (message, where), names in left_out.items():
        context.report.problem(
            "fields_meta_data",
            where,
            _(message) % {"where": where, "fields": ", ".join(text(n) for n in names)},
        )


def _define(context, field) -> None:
    label = config.label_of(field.model)
    table = "fields_meta_data"
    if field.suitecrm_type in AS_TEXT:
        context.report.problem(
            table,
            field.column,
            _("Type %(type)s has no counterpart in Kontor: moved as text.")
            % {"type": field.suitecrm_type},
        )
    if field.dropdown:
        _ensure_list(context, field)
    existing = CustomField.objects.filter(model_label=label, name=field.name).first()
    if existing is not None:
        if existing.field_type != field.field_type or existing.dropdown != field.dropdown:
            context.report.problem(
                table,
                field.column,
                _("Kontor's custom field %(name)s exists with another type; it is kept.")
                % {"name": field.name},
            )
        context.report.count(table, "unchanged")
        return
    try:
        create_custom_field(
            registry.for_model(field.model),
            name=field.name,
            label_en=field.label,
            label_de=field.label,
            field_type=field.field_type,
            dropdown=field.dropdown,
            required=field.required,
            actor=context.actor,
        )
    except ValidationError as error:
        context.report.count(table, "skipped")
        for messages in error.message_dict.values():
            for message in messages:
                context.report.problem(table, field.column, message)
        return
    context.report.count(table, "created")


def _ensure_list(context, field) -> None:
    """The field's dropdown list with every key its records use (labelled with the key)."""
    keys: dict[str, None] = {}
    column = f"`{field.column}`"
    for row in context.source.rows(
        f"SELECT DISTINCT {column} AS value FROM `{field.table}_cstm` "
        f"WHERE {column} IS NOT NULL AND {column} <> ''"
    ):
        values = multienum(row["value"]) if field.field_type == "multiselect" else [row["value"]]
        keys.update(dict.fromkeys(text(v) for v in values if text(v)))
    dropdown = DropdownList.objects.filter(name=field.dropdown).first()
    if dropdown is None:
        dropdown = create_list(
            name=field.dropdown,
            label_en=field.dropdown,
            label_de=field.dropdown,
            actor=context.actor,
        )
        context.report.problem(
            "fields_meta_data",
            field.column,
            _(
                "Dropdown list %(list)s created with the keys SuiteCRM's records use, labelled "
                "with the key (SuiteCRM keeps labels in its language files)."
            )
            % {"list": field.dropdown},
        )
    known = set(dropdown.values.values_list("key", flat=True))
    for key in sorted(keys):
        if key in known:
            continue
        if not KEY_RE.match(key):
            context.report.problem(
                "fields_meta_data",
                field.column,
                _("Key “%(key)s” cannot be a dropdown key in Kontor; its values are left out.")
                % {"key": key},
            )
            continue
        add_value(dropdown, key=key, label_en=key, label_de=key, actor=context.actor)
        context.report.problem(
            "fields_meta_data",
            field.column,
            _("Value “%(key)s” added to the dropdown list %(list)s.")
            % {"key": key, "list": field.dropdown},
        )


@step("custom_values", 135, tables=("fields_meta_data",), delta=True)
def custom_values(context) -> None:
    """The `_cstm` values of every migrated record, table by table."""
    fields, _others = studio_fields(context.source)
    by_table: dict[str, list] = {}
    for field in fields:
        defined = config.custom_field(field.model, field.name)
        cstm = f"{field.table}_cstm"
        if (
            defined is not None
            and context.source.has(cstm)
            and field.column in context.source.columns(cstm)
        ):
            by_table.setdefault(field.table, []).append((field, defined))
    for table, pairs in by_table.items():
        columns = ", ".join(f"`{field.column}`" for field, _defined in pairs)
        chunk = []
        # SuiteCRM saves a record's custom values with the record: its date tells.
        where, params = context.delta(
            f"id_c IN (SELECT id FROM `{table}` WHERE date_modified >= %s)"
        )
        sql = f"SELECT id_c, {columns} FROM `{table}_cstm` WHERE 1 = 1{where} ORDER BY id_c"
        for row in context.source.rows(sql, params):
            chunk.append(row)
            if len(chunk) == CHUNK:
                _write_values(context, table, pairs, chunk)
                chunk = []
        if chunk:
            _write_values(context, table, pairs, chunk)


def _write_values(context, table: str, pairs: list, chunk: list[dict]) -> None:
    cstm, model = f"{table}_cstm", pairs[0][0].model
    now, origin = timezone.now(), current_origin()
    with transaction.atomic():
        ids = {row["id_c"]: kontor_id(table, text(row["id_c"])) for row in chunk}
        records = {
            r.pk: r for r in model.with_deleted.filter(pk__in=one_array(set(ids.values()), "uuid"))
        }
        edited = edited_in_kontor(model, records)
        module = registry.for_model(model)
        updates, counts = [], {"unchanged": 0, "skipped": 0}
        for row in chunk:
            values = _values(context, cstm, row, pairs)
            record = records.get(ids[row["id_c"]])
            if record is None:
                counts["skipped"] += 1
                if values:
                    context.report.problem(
                        cstm, row["id_c"], _("Record not migrated; its custom values left out.")
                    )
                continue
            before = dict(record.custom or {})
            after = {k: v for k, v in before.items() if k not in {d.name for _f, d in pairs}}
            after.update(values)
            changes = {
                f"custom.{name}": (as_text(before.get(name)), as_text(after.get(name)))
                for name in sorted(set(before) | set(after))
                if before.get(name) != after.get(name)
            }
            if not changes:
                counts["unchanged"] += 1
            elif record.pk in edited:
                counts["skipped"] += 1
                context.report.problem(
                    cstm,
                    row["id_c"],
                    _("Custom values differ from Kontor's, edited since the last run; kept."),
                )
            else:
                record.custom = after
                record.search_text = module.search_text_for(record)
                updates.append((record, changes))
        _store(context, model, updates, now, origin)
    context.report.count(cstm, "updated", len(updates))
    context.report.count(cstm, "unchanged", counts["unchanged"])
    context.report.count(cstm, "skipped", counts["skipped"])


def _values(context, cstm: str, row: dict, pairs: list) -> dict:
    """The row's values as Kontor stores them; a value Kontor refuses is reported."""
    found = {}
    for field, defined in pairs:
        try:
            value = defined.to_python(value_of(field, row[field.column]))
        except ValidationError as error:
            context.report.problem(
                cstm,
                row["id_c"],
                f"{field.column}: {' '.join(error.messages)} ({text(row[field.column])[:100]})",
            )
            continue
        if value is not None:
            found[defined.name] = value
    return found


def _store(context, model, updates: list, now, origin: str) -> None:
    """The changed records' custom values and search text, their change-log rows and one
    event after the commit."""
    if not updates:
        return
    update_rows(model, [record for record, _changes in updates], ["custom", "search_text"])
    ct = ContentType.objects.get_for_model(model).pk
    actor_id = getattr(context.actor, "pk", None)
    fresh = created_by_this_run(model, [record.pk for record, _changes in updates])
    insert_rows(
        ChangeLog,
        LOG_COLUMNS,
        (
            (ct, record.pk, ChangeLog.Action.UPDATE, name, old, new, actor_id, now, origin)
            for record, changes in updates
            if record.pk not in fresh
            for name, (old, new) in changes.items()
        ),
    )
    events.record_events(
        events.UPDATED,
        model,
        [(record.pk, changes) for record, changes in updates],
        actor=context.actor,
        origin=origin,
    )
