"""The writing half of an import: one planned chunk → set-based writes in the caller's
transaction (records, change log, teams, external ids, failed and updated rows, the chunk row).

Every table gets one COPY (PostgreSQL) or one `executemany` (SQLite) per chunk, fed with plain
tuples (`kontor.imports.sql`): a chunk of thousands of rows costs about a dozen statements and
no per-field Python of Django's bulk methods.

Listeners (webhooks) hear of a chunk after its commit through `kontor.core.events.record_events`:
one event per record type and kind (created, updated) with every record's id and changes. The
created records' values are turned into text only when a listener reads them.
"""

import json
from collections import Counter, defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kontor.core import events, permissions, registry
from kontor.core.actions import as_text, audited_fields
from kontor.core.context import current_origin
from kontor.core.models import ChangeLog
from kontor.imports.engine import CREATE, DUPLICATE, FAILED, UPDATE, Planner
from kontor.imports.models import ImportChunk, ImportRow
from kontor.imports.sql import (
    insert_rows,
    link_external_ids,
    prepare_bulk_transaction,
    update_rows,
)

LOG_COLUMNS = [
    "record_type_id",
    "record_id",
    "action",
    "field",
    "old_value",
    "new_value",
    "actor_id",
    "at",
    "origin",
]
ROW_COLUMNS = ["batch_id", "row", "outcome", "record_id", "values", "message"]


def write_chunk(planner: Planner, plans: list, first_row: int, last_row: int) -> Counter:
    """Write what `plans` say; returns the counts by outcome (+ "related" created)."""
    now = timezone.now()
    prepare_bulk_transaction(planner.model)
    created: dict[str, list] = {}
    counts = Counter(p.outcome for p in plans)
    counts["related"] = _create_related(planner, plans, now, created)
    news = [p for p in plans if p.outcome == CREATE]
    records = [p.record for p in news]
    for plan in news:
        _prepare_new(planner, plan, now)
    if records:
        write_new(planner.model, records, planner.actor, now)
        created.setdefault(planner.model._meta.label_lower, []).extend(str(r.pk) for r in records)
    _write_external_ids(planner, news, now)
    _write_updates(planner, [p for p in plans if p.outcome == UPDATE], now)
    insert_rows(
        ImportRow,
        ROW_COLUMNS,
        (
            (
                planner.batch.pk,
                p.row,
                p.outcome,
                getattr(p.record, "pk", None),
                [as_text(c) for c in p.cells],
                p.message,
            )
            for p in plans
            if p.outcome in (FAILED, DUPLICATE)
        ),
    )
    ImportChunk.objects.create(
        batch=planner.batch, first_row=first_row, last_row=last_row, created=created
    )
    return counts


def write_new(
    model, records: list, actor, now, *, join_teams: bool = True, backdated: bool = False
) -> None:
    """Insert new records with their 'created' change-log rows and (with `join_teams`) the
    actor's teams; a migration leaves the teams to the source system's group rows. With
    `backdated` (a migration bringing a record's history) a 'created' row carries the record's
    own creation date and creator instead of `now` and the actor."""
    attnames = [f.attname for f in model._meta.concrete_fields]
    insert_rows(model, attnames, ([getattr(r, a) for a in attnames] for r in records))
    ct = ContentType.objects.get_for_model(model).pk
    actor_id, origin = getattr(actor, "pk", None), current_origin()
    # One 'created' row per record naming this import as the origin: each record's timeline
    # shows "created … via import-…".
    insert_rows(
        ChangeLog,
        LOG_COLUMNS,
        (
            (
                ct,
                r.pk,
                ChangeLog.Action.CREATE,
                "",
                "",
                "",
                r.created_by_id if backdated else actor_id,
                r.date_entered if backdated else now,
                origin,
            )
            for r in records
        ),
    )
    if join_teams and actor is not None:
        permissions.join_teams(model, [r.pk for r in records], permissions.user_team_ids(actor))
    events.record_events(
        events.CREATED, model, lambda: created_changes(model, records), actor=actor, origin=origin
    )


def created_changes(model, records: list) -> list[tuple[object, dict]]:
    """(id, {field: ("", value)}) of new records: their non-empty audited fields as the change
    log writes values, each custom value as "custom.<name>" (what `save_record` logs).

    Runs only when a listener reads the event (a webhook is subscribed): about 15 ms per
    2,000 leads, text taken as it is and only other values converted."""
    fields = [(f.name, f.attname) for f in audited_fields(model)]
    found = []
    for record in records:
        changes = {}
        values = record.__dict__
        for name, attname in fields:
            value = values.get(attname)
            if type(value) is str:
                if value:
                    changes[name] = ("", value)
            elif value is None or value == {} or value == []:
                continue
            elif name == "custom" and isinstance(value, dict):
                for key in sorted(value):
                    if value[key] not in ("", None):
                        changes[f"custom.{key}"] = ("", as_text(value[key]))
            else:
                changes[name] = ("", as_text(value))
        found.append((record.pk, changes))
    return found


def _prepare_new(planner: Planner, plan, now) -> None:
    record, actor = plan.record, planner.actor
    record.created_by = record.modified_by = actor
    if "date_entered" not in plan.data:
        record.date_entered = now
    record.date_modified = now
    record.search_text = planner.module.search_text_for(record)


def _create_related(planner: Planner, plans: list, now, created: dict) -> int:
    """Create the missing related records the written rows use, once per distinct name."""
    used = {value for p in plans if p.outcome in (CREATE, UPDATE) for value in p.data.values()}
    wanted = defaultdict(list)
    for (name, _key), (text, pk) in planner.new_relates.items():
        if pk in used:
            wanted[name].append((text, pk))
    planner.new_relates.clear()
    total = 0
    for name, entries in wanted.items():
        related = planner.targets[name].field.related_model
        module = registry.for_model(related)
        records = []
        for text, pk in entries:
            record = related(id=pk, name=text, assigned_user=planner.actor)
            record.clean()
            record.created_by = record.modified_by = planner.actor
            record.date_entered = record.date_modified = now
            record.search_text = module.search_text_for(record)
            records.append(record)
        write_new(related, records, planner.actor, now)
        created.setdefault(related._meta.label_lower, []).extend(str(r.pk) for r in records)
        total += len(records)
    return total


def _write_external_ids(planner: Planner, news: list, now) -> None:
    link_external_ids(
        planner.external_source,
        planner.batch.record_type_id,
        [(p.external, p.record.pk) for p in news if p.external],
        current_origin(),
        now,
    )


def _write_updates(planner: Planner, updates: list, now) -> None:
    if not updates:
        return
    actor = planner.actor
    derived = [*derived_fields(planner.model), "search_text"]
    for plan in updates:
        plan.record.modified_by, plan.record.date_modified = actor, now
        plan.record.search_text = planner.module.search_text_for(plan.record)
    write_updates(
        planner.model,
        [(p.record, p.changes) for p in updates],
        [*derived, "modified_by_id", "date_modified"],
        actor,
        now,
    )
    insert_rows(
        ImportRow,
        [*ROW_COLUMNS, "derived"],
        (
            (
                planner.batch.pk,
                p.row,
                ImportRow.Outcome.UPDATED,
                p.record.pk,
                p.changes,
                "",
                derived_changes(p.record, derived, p.changes),
            )
            for p in updates
        ),
    )


def derived_changes(record, attnames: list[str], changes: dict) -> dict:
    """{attname: [old, new]} of the derived columns and search text the write changes, from
    the values the record was loaded with: undo puts them back without `clean()`."""
    loaded = getattr(record, "_loaded", {})
    found = {}
    for attname in attnames:
        if attname in changes or attname not in loaded:
            continue
        old, new = loaded[attname], getattr(record, attname)
        if old != new:
            found[attname] = [as_text(old), as_text(new)]
    return found


def write_updates(
    model,
    updates: list[tuple[object, dict]],
    columns: list[str],
    actor,
    now,
    *,
    unlogged: frozenset | set = frozenset(),
):
    """UPDATE changed records set-based, with their change-log rows and one UPDATED event.

    `updates` holds (record, changes): the record as it is to be stored and its changed fields
    (attname → [old text, new text]); records are written in groups of the same changed
    fields plus `columns` (derived and bookkeeping columns). For the import and the migration
    from SuiteCRM; the change-log rows name the current origin. Records whose ids are in
    `unlogged` get no change-log rows (a migration completing records it created itself).
    """
    if not updates:
        return
    groups = defaultdict(list)
    for record, changes in updates:
        groups[tuple(sorted(changes))].append(record)
    for fields, records in groups.items():
        update_rows(model, records, [*fields, *columns])
    ct = ContentType.objects.get_for_model(model).pk
    actor_id, origin = getattr(actor, "pk", None), current_origin()
    names = {f.attname: f.name for f in model._meta.concrete_fields}
    events.record_events(
        events.UPDATED,
        model,
        lambda: [(record.pk, named_changes(changes, names)) for record, changes in updates],
        actor=actor,
        origin=origin,
    )
    insert_rows(
        ChangeLog,
        LOG_COLUMNS,
        (
            (
                ct,
                record.pk,
                ChangeLog.Action.UPDATE,
                names.get(attname, attname),
                old,
                new,
                actor_id,
                now,
                origin,
            )
            for record, changes in updates
            if record.pk not in unlogged
            for attname, (old, new) in changes.items()
        ),
    )


def named_changes(changes: dict, names: dict) -> dict:
    """A plan's changes (attname → [old, new] text) by field name; the custom values one by
    one as "custom.<name>", as `created_changes` and `save_record` name them."""
    found = {}
    for attname, (old, new) in changes.items():
        if attname != "custom":
            found[names.get(attname, attname)] = (old, new)
            continue
        before, after = json.loads(old or "{}"), json.loads(new or "{}")
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                found[f"custom.{key}"] = (as_text(before.get(key)), as_text(after.get(key)))
    return found


def derived_fields(model) -> list[str]:
    """Columns that `clean()` derives from others (E.164 phones, match keys, probability, an
    opportunity's amount in the base currency)."""
    names = {f.name for f in model._meta.concrete_fields}
    candidates = (
        "phone_work_e164",
        "phone_mobile_e164",
        "name_key",
        "domain",
        "probability",
        "amount_base",
        "stage_entered",
        "forecast_category",
        "stage_entered_at",
        "status",
        "lifecycle_stage",
    )
    return [n for n in candidates if n in names]
