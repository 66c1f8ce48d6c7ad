"""The writes every record type shares: save, delete to trash, restore, mass update.

UI views, the API, imports and jobs call these; each is one transaction that writes the record
and its change-log rows together (docs/architecture.md rules 1 and 4). Module actions
(convert_lead …) build on them.
"""

import copy
import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kontor.core import events, permissions, registry
from kontor.core.context import current_origin
from kontor.core.edits import EditConflict, VersionMismatch, content_fields, rebase
from kontor.core.fast import inserts
from kontor.core.models import ChangeLog, Record


def audited_fields(model: type[Record]) -> list:
    """The fields whose changes the change log records: what users edit, and custom values.

    Derived, non-editable columns (match keys, E.164 phones, conversion links) are left out:
    they change with the field they come from, or with a verb that logs itself.
    """
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in Record.AUDIT_EXCLUDE and (f.editable or f.name == "custom")
    ]


def as_text(value) -> str:
    """A field value as the change log stores it (keys and ids, not labels)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def log_event(
    record: Record, action: str, *, actor, field: str = "", old="", new="", at=None
) -> ChangeLog:
    """Write one change-log row for `record` (inside the caller's transaction). Its id is not
    read back on the fast path (kontor.core.fast.inserts)."""
    row = _log_row(record, action, actor=actor, field=field, old=old, new=new, at=at)
    inserts.insert(row)
    return row


def _log_row(
    record: Record, action: str, *, actor, field: str = "", old="", new="", at=None
) -> ChangeLog:
    return ChangeLog(
        record_type=ContentType.objects.get_for_model(record),
        record_id=record.pk,
        action=action,
        field=field,
        old_value=as_text(old),
        new_value=as_text(new),
        actor=actor,
        at=at or timezone.now(),
        origin=current_origin(),
    )


def save_record(
    record: Record,
    *,
    actor,
    validate: bool = True,
    sent: Iterable[str] = (),
    if_version=None,
) -> Record:
    """Create or update `record` as `actor`, with its change log; nothing changed, nothing written.

    An update writes only what this save changed: the fields whose values differ from those
    the record was loaded with (`Record.from_db`; `edit_from` for a form's values) and the
    fields named in `sent` (an API PATCH's keys, "custom.<name>" for a custom value); every
    other field keeps what is stored now, even when another request changed it meanwhile
    (docs/architecture.md, "Concurrent edits"). A record built without loading is written
    whole, field by field as it differs from the stored row.

    `if_version`: refuse with VersionMismatch unless the stored `date_modified` is this one
    (checked under the row lock). Raises ValidationError (with field errors) and writes
    nothing when the record is invalid; EditConflict when `edit_from(…, refuse_conflicts=True)`
    found a field changed twice.
    """
    if validate:
        _validate(record)
    # Validation reads only, so it runs first; the writes need no savepoint of their own inside
    # a larger action (a conversion saves a dozen records: 24 SAVEPOINT round trips saved), and
    # any database error there fails that whole action, as it should. A save refused under
    # the row lock (a version, a conflict, a rebased record that is invalid) has written
    # nothing yet: it leaves the block normally and is raised after it, so the caller's
    # transaction stays usable without a savepoint (two round trips). A save that is its own
    # transaction simply rolls back.
    nested = transaction.get_connection().in_atomic_block
    refused = None
    with transaction.atomic(savepoint=False):
        try:
            _write(
                record,
                actor=actor,
                validate=False,
                sent=frozenset(sent),
                if_version=if_version,
                validate_rebased=validate,
            )
        except (VersionMismatch, EditConflict, ValidationError) as error:
            if not nested:
                raise
            refused = error
    if refused is not None:
        raise refused
    return record


def _validate(record: Record) -> None:
    # The id and the audit users come from the action, not from input: checking that a fresh
    # UUID is unique or that the actor exists costs a query each and finds nothing.
    record.full_clean(exclude=["id", "created_by", "modified_by", *_kept_links(record)])


def _kept_links(record: Record) -> list[str]:
    """The foreign keys of `record` that still hold the (non-empty) value it was loaded with:
    the database's foreign key kept them valid, so Django's check that the linked row exists
    (a query per link: the owner on every save) would find it. A changed link is checked."""
    loaded, held = getattr(record, "_loaded", None) or {}, record.__dict__
    return [
        f.name
        for f in type(record)._meta.concrete_fields
        if f.many_to_one
        and held.get(f.attname) is not None
        and f.attname in loaded
        and held[f.attname] == loaded[f.attname]
    ]


def _write(
    record: Record,
    *,
    actor,
    validate: bool,
    sent: frozenset = frozenset(),
    if_version=None,
    validate_rebased: bool = True,
) -> bool:
    """save_record's work; True when something was written. `validate_rebased`: validate
    again when fields were taken from a stored row another request changed."""
    model = type(record)
    module = registry.for_model(model)
    now = timezone.now()
    is_new = record._state.adding
    if is_new:
        record.created_by = actor
        record.date_entered = now
        if record.assigned_user_id is None and actor is not None:
            record.assigned_user = actor
    if validate:
        _validate(record)
    if is_new:
        record.search_text = module.search_text_for(record)
        record.modified_by, record.date_modified = actor, now
        # One statement on the fast path, Model.save() and teams.add() with it off
        inserts.insert_new(
            record,
            _log_row(record, ChangeLog.Action.CREATE, actor=actor, at=now),
            _new_teams(record, actor),
        )
        _remember_loaded(record)
        events.record_event(events.CREATED, record, actor=actor)
        return True

    fields = content_fields(model)
    # Lock the row and read what is stored: the old values of the log, and the values of the
    # fields this save leaves alone, even if another request changed the record since this
    # one loaded it.
    old = (
        model.with_deleted.select_for_update()
        .values(*[f.attname for f in fields], "date_modified", "modified_by_id")
        .get(pk=record.pk)
    )
    if if_version is not None and old["date_modified"] != if_version:
        raise VersionMismatch(old["date_modified"])
    baseline = getattr(record, "_loaded", None)
    if baseline is not None and rebase(record, fields, baseline, old, sent) and validate_rebased:
        _validate(record)
    record.search_text = module.search_text_for(record)
    changed = [f for f in fields if getattr(record, f.attname) != old[f.attname]]
    if not changed:
        record.date_modified, record.modified_by_id = old["date_modified"], old["modified_by_id"]
        _remember_loaded(record)
        return False
    record.modified_by, record.date_modified = actor, now
    record.save(
        update_fields=[f.attname for f in changed] + ["modified_by", "date_modified", "search_text"]
    )
    changed_columns = tuple(f.attname for f in changed)
    audited = set(audited_fields(model))
    changed = [f for f in changed if f in audited]
    ct = ContentType.objects.get_for_model(model)
    ChangeLog.objects.bulk_create(
        ChangeLog(
            record_type=ct,
            record_id=record.pk,
            action=ChangeLog.Action.UPDATE,
            field=name,
            old_value=before,
            new_value=after,
            actor=actor,
            at=now,
            origin=current_origin(),
        )
        for name, before, after in _changes(changed, old, record)
    )
    _remember_loaded(record)
    events.record_event(events.UPDATED, record, actor=actor, fields=changed_columns)
    return True


def _changes(changed: list, old: dict, record: Record):
    """(field, old text, new text) of each change; custom fields one row each ("custom.<name>")
    so the timeline can name them."""
    for f in changed:
        before, after = old[f.attname], getattr(record, f.attname)
        if f.name != "custom" or not isinstance(before, dict) or not isinstance(after, dict):
            yield f.name, as_text(before), as_text(after)
            continue
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                yield f"custom.{key}", as_text(before.get(key)), as_text(after.get(key))


def _new_teams(record: Record, actor) -> set[int]:
    """A new record joins the teams of its creator and of its parent records (docs/domain.md §6)."""
    teams = set(permissions.user_team_ids(actor))
    for parent in record.team_parents():
        teams.update(parent.teams.values_list("pk", flat=True))
    return teams


def _remember_loaded(record: Record) -> None:
    """After a save the stored values are the loaded ones (see Record.from_db); a custom dict
    is copied, so a change made to it in place still counts as a change."""
    record._loaded = {
        f.attname: copy.deepcopy(record.__dict__[f.attname])
        if f.name == "custom"
        else record.__dict__.get(f.attname)
        for f in type(record)._meta.concrete_fields
        if f.attname in record.__dict__
    }


def _set_deleted(records: Iterable[Record], deleted: bool, *, actor) -> int:
    records = [r for r in records if r.deleted != deleted]
    if not records:
        return 0
    model = type(records[0])
    now = timezone.now()
    model.with_deleted.filter(pk__in=[r.pk for r in records]).update(
        deleted=deleted, deleted_at=now if deleted else None, modified_by=actor, date_modified=now
    )
    ct = ContentType.objects.get_for_model(model)
    action = ChangeLog.Action.DELETE if deleted else ChangeLog.Action.RESTORE
    ChangeLog.objects.bulk_create(
        ChangeLog(
            record_type=ct,
            record_id=r.pk,
            action=action,
            actor=actor,
            at=now,
            origin=current_origin(),
        )
        for r in records
    )
    for r in records:
        r.deleted, r.deleted_at = deleted, now if deleted else None
        r.modified_by, r.date_modified = actor, now
        events.record_event(events.DELETED if deleted else events.RESTORED, r, actor=actor)
    return len(records)


@transaction.atomic
def delete_records(records: Iterable[Record], *, actor, if_version=None) -> int:
    """Move records to the trash (soft delete); returns how many were moved.

    `if_version`: refuse with VersionMismatch, moving nothing, unless every record's stored
    `date_modified` is this one (the API's If-Match of one record; checked under row locks)."""
    records = list(records)
    if if_version is not None and records:
        stored = (
            type(records[0])
            .with_deleted.select_for_update()
            .filter(pk__in=[r.pk for r in records])
            .values_list("date_modified", flat=True)
        )
        for version in stored:
            if version != if_version:
                raise VersionMismatch(version)
    return _set_deleted(records, True, actor=actor)


@transaction.atomic
def restore_records(records: Iterable[Record], *, actor) -> int:
    """Bring records back from the trash; returns how many were restored."""
    return _set_deleted(list(records), False, actor=actor)


@transaction.atomic
def mass_update(records: Iterable[Record], values: dict, *, actor) -> tuple[int, dict]:
    """Set `values` on every record; all or nothing.

    Returns (number of records that changed, {}) or, when any record refuses the values,
    (0, {record: errors}) and writes nothing: a mass update never skips a row silently.
    """
    records = list(records)
    refused: dict = {}
    for record in records:
        for name, value in values.items():
            setattr(record, name, value)
        try:
            record.full_clean()
        except ValidationError as error:
            refused[record] = error.message_dict
    if refused:
        transaction.set_rollback(True)
        return 0, refused
    changed = sum(_write(record, actor=actor, validate=False) for record in records)
    return changed, {}


@transaction.atomic
def set_teams(record: Record, team_ids, *, actor) -> bool:
    """Put `record` into exactly the teams `team_ids`; logged as a change of "teams" (the team
    names before and after). True when the membership changed."""
    model = type(record)
    model.with_deleted.select_for_update().filter(pk=record.pk).first()
    before = dict(record.teams.values_list("pk", "name"))
    teams = record.teams.model.objects  # the Team model, reached through the relation
    after = dict(teams.filter(pk__in=set(team_ids)).values_list("pk", "name"))
    if set(before) == set(after):
        return False
    record.teams.set(list(after))
    log_teams_change(record, before, after, actor=actor)
    return True


def log_teams_change(record: Record, before: dict, after: dict, *, actor) -> None:
    """Log a change of `record`'s teams (team id → name, before and after) as one change of
    "teams", the names in alphabetical order; for `set_teams` and verbs that add teams."""
    log_event(
        record,
        ChangeLog.Action.UPDATE,
        actor=actor,
        field="teams",
        old=", ".join(sorted(before.values())),
        new=", ".join(sorted(after.values())),
    )
