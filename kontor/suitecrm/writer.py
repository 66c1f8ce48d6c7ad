"""Writing migrated SuiteCRM rows of one record type into Kontor, chunk by chunk, for the
migration's steps (`kontor.suitecrm.steps`).

`write_rows(context, model, table, rows)` takes one chunk of `Row`s (the Kontor id, the field
values as SuiteCRM had them — bookkeeping included: dates, creator, modifier, owner, trash —
and the SuiteCRM id) and, in one transaction: checks each record as Kontor's models check it
(field by field, then the model's `clean()`), creates the missing records and updates those
whose values differ, through the import's set-based writer (`kontor.imports.writer`): change
log rows naming the run's origin, search text, external ids (source "suitecrm") and one event
per kind after the commit. A bad value never stops the run: the report names it and the field
stays empty, or the row is skipped when the field is required.
"""

import functools
import re
import uuid
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.core import dropdowns, registry
from kontor.core.actions import as_text
from kontor.core.context import current_origin
from kontor.core.dropdown_models import DropdownList
from kontor.core.fast.checks import QuickCheck
from kontor.core.fields import DropdownField
from kontor.core.models import ChangeLog, ExternalId, Record
from kontor.imports.engine import one_array
from kontor.imports.sql import insert_rows, link_external_ids, prepare_bulk_transaction
from kontor.imports.writer import LOG_COLUMNS, derived_fields, write_new, write_updates
from kontor.studio.actions.dropdowns import add_value, create_list
from kontor.suitecrm.models import SOURCE

#: Columns a migration writes on every update as SuiteCRM had them; not shown as edits.
BOOKKEEPING = (
    "date_entered",
    "created_by_id",
    "date_modified",
    "modified_by_id",
    "deleted",
    "deleted_at",
)
#: What a dropdown key may look like (Studio's rule for keys).
DROPDOWN_KEY = re.compile(r"^[\w .&/+\-]{1,100}$")


@dataclass
class Row:
    """One SuiteCRM row as a Kontor record: field name (attname for links) → value."""

    kontor_id: uuid.UUID
    values: dict
    suitecrm_id: str


@dataclass
class Written:
    """What one chunk did: the ids created and updated, and how many were left alone."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0


def write_rows(context, model, table: str, rows: list[Row], *, count: bool = True) -> Written:
    """Create or update the records of `rows` (one chunk) in one transaction.

    `table` names the SuiteCRM table in the report; with `count` off (a second pass that only
    fills links) the report's counts are left to the first pass.
    """
    # The dropdown lists are read once per chunk, not once per field and row.
    with transaction.atomic(), dropdowns.request_copy():
        written = _write(context, model, table, rows)
    if count:
        for outcome in ("created", "updated"):
            context.report.count(table, outcome, len(getattr(written, outcome)))
        context.report.count(table, "unchanged", written.unchanged)
        context.report.count(table, "skipped", written.skipped)
    return written


def _write(context, model, table: str, rows: list[Row]) -> Written:
    now = timezone.now()
    prepare_bulk_transaction(model)
    context.shared.setdefault("written_tables", set()).add(model._meta.db_table)
    module = registry.for_model(model)
    ensure_dropdown_keys(context, model, table, rows)
    written, news, updates = Written(), [], []
    rows, stored = _differing(model, rows, written)
    ids = one_array([row.kontor_id for row in rows if row.kontor_id in stored], "uuid")
    existing = (
        {record.pk: record for record in model.with_deleted.filter(pk__in=ids)} if stored else {}
    )
    edited = edited_in_kontor(model, existing)
    quick = QuickCheck(model)
    for row in rows:
        record = existing.get(row.kontor_id)
        before = None
        if record is not None and record.pk in edited:
            if _changed_in_suitecrm(context, row, record):
                context.report.problem(
                    table,
                    row.suitecrm_id,
                    _("Changed in SuiteCRM and in Kontor since the last run; Kontor's edit kept."),
                )
                written.skipped += 1
            else:
                written.unchanged += 1
            continue
        if record is not None:
            before = {name: getattr(record, name) for name in row.values}
            # What Kontor stores passed its checks: only the differing values are checked.
            names = frozenset(n for n, value in row.values.items() if before[n] != value)
            if not names:
                written.unchanged += 1
                continue
            for name in names:
                setattr(record, name, row.values[name])
        else:
            names = frozenset(row.values)
            record = model.new({**row.values, "id": row.kontor_id})
        _fill_dates(context, table, row, record, now)
        if not checked(context, model, table, row, record, before, names, quick):
            written.skipped += 1
            continue
        record.search_text = module.search_text_for(record)
        if before is None:
            news.append((row, record))
            continue
        changed = {
            name: (as_text(before[name]), as_text(getattr(record, name)))
            for name in row.values
            if before[name] != getattr(record, name)
        }
        if not changed:
            written.unchanged += 1
            continue
        updates.append((record, changed))
    if news:
        records = [record for _row, record in news]
        # Created when and by whom SuiteCRM says: the timeline shows SuiteCRM's history
        # after it, not under a creation on the day of the migration.
        write_new(model, records, context.actor, now, join_teams=False, backdated=True)
        _write_external_ids(model, news, now)
        written.created = [record.pk for record in records]
    if updates:
        _write_changes(context, model, updates, now)
        written.updated = [record.pk for record, _changed in updates]
    return written


def _differing(model, rows: list[Row], written: Written) -> tuple[list[Row], set]:
    """The rows that are new or hold a value their record lacks (the others are counted as
    unchanged), and the ids of those among them that exist: a second run, or a step filling
    links most records do not have, loads and checks only what it changes (a few columns read
    instead of every record)."""
    names = list(dict.fromkeys(name for row in rows for name in row.values))
    if not names:
        return rows, {row.kontor_id for row in rows}
    stored = {
        pk: values
        for pk, *values in model.with_deleted.filter(
            pk__in=one_array([row.kontor_id for row in rows], "uuid")
        ).values_list("pk", *names)
    }
    position = {name: i for i, name in enumerate(names)}
    differing = [
        row
        for row in rows
        if row.kontor_id not in stored
        or any(stored[row.kontor_id][position[name]] != value for name, value in row.values.items())
    ]
    written.unchanged += len(rows) - len(differing)
    return differing, set(stored)


def edited_in_kontor(model, existing) -> set:
    """The ids among `existing` (ids, or a dict keyed by them) of records changed in Kontor
    since the migration brought them: they have a change-log row of another origin than a
    migration run (a person, the API, an import, a workflow). Their edits are never
    overwritten; a later change in SuiteCRM is listed as a conflict."""
    if not existing:
        return set()
    ct = ContentType.objects.get_for_model(model).pk
    return set(
        ChangeLog.objects.filter(record_type_id=ct, record_id__in=one_array(existing, "uuid"))
        .exclude(origin__startswith="suitecrm:")
        .values_list("record_id", flat=True)
        .distinct()
    )


def _changed_in_suitecrm(context, row: Row, record) -> bool:
    """Whether SuiteCRM changed `row` since the last run (by its date_modified; a row of links
    only, without a date, by its values) to something Kontor does not have already."""
    differs = any(
        getattr(record, name) != value
        for name, value in row.values.items()
        if name not in BOOKKEEPING
    )
    if "date_modified" not in row.values:
        return differs
    return differs and context.changed_since_last_run(row.values["date_modified"])


def _fill_dates(context, table: str, row: Row, record, now) -> None:
    """A record always has its created and modified dates: a missing or 0000-00-00 one in
    SuiteCRM becomes the other one, or the time of the migration."""
    for name, other in (("date_entered", "date_modified"), ("date_modified", "date_entered")):
        if name in row.values and row.values[name] is None:
            setattr(record, name, row.values.get(other) or now)
            context.report.problem(
                table, row.suitecrm_id, _("%(field)s is empty or invalid.") % {"field": name}
            )


def checked(context, model, table: str, row: Row, record, before, names, quick) -> bool:
    """Check the fields `names` of `record` and the record as Kontor's models do; a bad value
    is reported and left empty (or as it was), a bad required value skips the row. True when
    the record can be written. `quick` (a `QuickCheck` of `model`) spares Django's field
    checks for the plain values most rows have."""
    try:
        if not quick.passes(record, names):
            record.clean_fields(exclude=_unchecked(model, names))
    except ValidationError as error:
        if not _drop_bad(context, model, table, row, record, before, error):
            return False
    try:
        record.clean()
    except ValidationError as error:
        if not _drop_bad(context, model, table, row, record, before, error):
            return False
        try:
            record.clean()
        except ValidationError as again:
            if again.message_dict != error.message_dict:
                _problems(context, table, row, again)
            return False
    return True


@functools.cache
def _unchecked(model, names: frozenset) -> frozenset:
    """The fields `clean_fields` leaves out for rows setting `names`: those not set, links
    (their targets were looked up by the step) and the id."""
    checked = {model._meta.get_field(name).name for name in names} - {"id"}
    return frozenset(
        f.name
        for f in model._meta.concrete_fields
        if f.name not in checked or isinstance(f, models.ForeignKey)
    )


def _drop_bad(context, model, table, row, record, before, error) -> bool:
    """Report the fields of `error` and empty them (an existing record keeps its value);
    False when one of them cannot be empty."""
    _problems(context, table, row, error)
    for name in error.message_dict:
        if name == "__all__":
            return False
        f = model._meta.get_field(name)
        if before is not None and f.attname in before:
            setattr(record, f.attname, before[f.attname])
        elif f.blank or f.null:
            setattr(record, f.attname, None if f.null else f.get_default())
        else:
            return False
    return True


def _problems(context, table: str, row: Row, error: ValidationError) -> None:
    for name, messages in error.message_dict.items():
        for message in messages:
            context.report.problem(
                table, row.suitecrm_id, message if name == "__all__" else f"{name}: {message}"
            )


def ensure_dropdown_keys(context, model, table: str, rows: list[Row]) -> None:
    """Add the dropdown keys the rows use but Kontor's lists lack, labelled with the key, so
    no value is lost; the report names each once. Keys Studio cannot store stay invalid (the
    field's check reports them)."""
    added = context.shared.setdefault("dropdown_keys_added", set())
    for f in model._meta.concrete_fields:
        if not isinstance(f, DropdownField) or not f.dropdown:
            continue
        used = {row.values.get(f.name) or row.values.get(f.attname) for row in rows}
        used -= {"", None}
        if not used:
            continue
        known = {o.key for o in dropdowns.options(f.dropdown, include_inactive=True)}
        for key in sorted(k for k in used - known if isinstance(k, str)):
            if (f.dropdown, key) in added or not DROPDOWN_KEY.match(key):
                continue
            dropdown = DropdownList.objects.filter(name=f.dropdown).first() or create_list(
                name=f.dropdown, label_en=f.dropdown, label_de=f.dropdown, actor=context.actor
            )
            add_value(dropdown, key=key, label_en=key, label_de=key, actor=context.actor)
            added.add((f.dropdown, key))
            context.report.problem(
                table,
                "",
                _("Value “%(key)s” added to the dropdown list %(list)s.")
                % {"key": key, "list": f.dropdown},
            )


def _write_external_ids(model, news: list, now) -> None:
    link_external_ids(
        SOURCE,
        ContentType.objects.get_for_model(model).pk,
        [(row.suitecrm_id, record.pk) for row, record in news],
        current_origin(),
        now,
    )


def _write_changes(context, model, updates: list, now) -> None:
    """The updates, their change-log rows (content fields; a trash move as delete/restore)."""
    logged = [
        (record, {n: c for n, c in changed.items() if _audited(model, n)})
        for record, changed in updates
    ]
    # Bookkeeping columns go with every update: a record SuiteCRM only touched (a newer
    # date_modified) is updated without a change-log row.
    columns = [*BOOKKEEPING, *derived_fields(model), "search_text"]
    fresh = created_by_this_run(model, [record.pk for record, _changed in updates])
    write_updates(model, logged, columns, context.actor, now, unlogged=fresh)
    ct = ContentType.objects.get_for_model(model).pk
    actor_id, origin = getattr(context.actor, "pk", None), current_origin()
    insert_rows(
        ChangeLog,
        LOG_COLUMNS,
        (
            (
                ct,
                record.pk,
                ChangeLog.Action.DELETE if record.deleted else ChangeLog.Action.RESTORE,
                "",
                "",
                "",
                actor_id,
                now,
                origin,
            )
            for record, changed in updates
            if "deleted" in changed
        ),
    )


def created_by_this_run(model, ids) -> set:
    """The ids among `ids` of records this run created (their external id names the run):
    what a later step fills in (links, custom values) completes their creation, dated as
    SuiteCRM dated it, and is not logged as a change made on the day of the migration."""
    if not ids:
        return set()
    return set(
        ExternalId.objects.filter(
            source=SOURCE,
            record_type_id=ContentType.objects.get_for_model(model).pk,
            record_id__in=one_array(ids, "uuid"),
            origin=current_origin(),
        ).values_list("record_id", flat=True)
    )


def _audited(model, name: str) -> bool:
    f = model._meta.get_field(name)
    return f.name not in Record.AUDIT_EXCLUDE
