"""The writing half of an import: one planned chunk → set-based writes in the caller's
transaction (records, change log, external ids, failed and updated rows, the chunk row).

Creates are one `bulk_create` per model, updates one `bulk_update` per set of changed fields,
the change log one `bulk_create`: a chunk of thousands of rows costs a few dozen queries.
"""

from collections import Counter, defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kontor.core import permissions, registry
from kontor.core.actions import as_text
from kontor.core.context import current_origin
from kontor.core.models import ChangeLog
from kontor.imports.engine import CREATE, DUPLICATE, FAILED, UPDATE, Planner
from kontor.imports.models import ExternalId, ImportChunk, ImportRow
from kontor.imports.sql import update_rows

BATCH_SIZE = 1000


def write_chunk(planner: Planner, plans: list, first_row: int, last_row: int) -> Counter:
    """Write what `plans` say; returns the counts by outcome (+ "related" created)."""
    actor, now = planner.actor, timezone.now()
    created: dict[str, list] = {}
    counts = Counter(p.outcome for p in plans)
    related = _create_related(planner, plans, now, created)
    counts["related"] = related
    news = [p for p in plans if p.outcome == CREATE]
    for plan in news:
        _prepare_new(planner, plan, now)
    records = [p.record for p in news]
    planner.model.objects.bulk_create(records, batch_size=BATCH_SIZE)
    if records:
        created.setdefault(planner.model._meta.label_lower, []).extend(
            str(r.pk) for r in records)
        _log_created(planner.model, records, actor, now)
        _join_teams(planner.model, [r.pk for r in records], actor)
    _write_external_ids(planner, news)
    _write_updates(planner, [p for p in plans if p.outcome == UPDATE], now)
    ImportRow.objects.bulk_create(
        [ImportRow(batch=planner.batch, row=p.row, outcome=p.outcome,
                   record_id=getattr(p.record, "pk", None), values=_cells(p.cells),
                   message=p.message)
         for p in plans if p.outcome in (FAILED, DUPLICATE)],
        batch_size=BATCH_SIZE)
    ImportChunk.objects.create(batch=planner.batch, first_row=first_row, last_row=last_row,
                               created=created)
    return counts


def _prepare_new(planner: Planner, plan, now) -> None:
    record, actor = plan.record, planner.actor
    record.created_by = record.modified_by = actor
    if "date_entered" not in plan.data:
        record.date_entered = now
    record.date_modified = now
    record.search_text = planner.module.search_text_for(record)


def _cells(cells: list) -> list:
    return [as_text(c) for c in cells]


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
        related.objects.bulk_create(records, batch_size=BATCH_SIZE)
        created.setdefault(related._meta.label_lower, []).extend(str(r.pk) for r in records)
        _log_created(related, records, planner.actor, now)
        _join_teams(related, [r.pk for r in records], planner.actor)
        total += len(records)
    return total


def _log_created(model, records: list, actor, now) -> None:
    """One 'created' change-log row per record, naming this import as the origin: each
    record's timeline shows "created … via import-…" (the cost is measured in bench/)."""
    ct = ContentType.objects.get_for_model(model)
    origin = current_origin()
    ChangeLog.objects.bulk_create(
        [ChangeLog(record_type=ct, record_id=r.pk, action=ChangeLog.Action.CREATE, actor=actor,
                   at=now, origin=origin) for r in records],
        batch_size=BATCH_SIZE)


def _join_teams(model, ids: list, actor) -> None:
    """New records join the importing user's teams (as a record created in a form does)."""
    if ids and actor is not None:
        permissions.join_teams(model, ids, permissions.user_team_ids(actor))


def _write_external_ids(planner: Planner, news: list) -> None:
    rows = [ExternalId(record_type_id=planner.batch.record_type_id, key=p.external,
                       record_id=p.record.pk, batch=planner.batch)
            for p in news if p.external]
    ExternalId.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)


def _write_updates(planner: Planner, updates: list, now) -> None:
    if not updates:
        return
    actor, model = planner.actor, planner.model
    groups = defaultdict(list)
    for plan in updates:
        plan.record.modified_by, plan.record.date_modified = actor, now
        plan.record.search_text = planner.module.search_text_for(plan.record)
        groups[tuple(sorted(plan.changes))].append(plan.record)
    derived = _derived_fields(model)
    for fields, records in groups.items():
        update_rows(model, records, [*fields, *derived, "modified_by_id", "date_modified",
                                     "search_text"])
    ct = ContentType.objects.get_for_model(model)
    origin = current_origin()
    names = {f.attname: f.name for f in model._meta.concrete_fields}
    ChangeLog.objects.bulk_create(
        [ChangeLog(record_type=ct, record_id=p.record.pk, action=ChangeLog.Action.UPDATE,
                   field=names.get(attname, attname), old_value=old, new_value=new,
                   actor=actor, at=now, origin=origin)
         for p in updates for attname, (old, new) in p.changes.items()],
        batch_size=BATCH_SIZE)
    ImportRow.objects.bulk_create(
        [ImportRow(batch=planner.batch, row=p.row, outcome=ImportRow.Outcome.UPDATED,
                   record_id=p.record.pk, values=p.changes) for p in updates],
        batch_size=BATCH_SIZE)


def _derived_fields(model) -> list[str]:
    """Columns that `clean()` derives from others (E.164 phones, match keys, probability)."""
    names = {f.name for f in model._meta.concrete_fields}
    candidates = ("phone_work_e164", "phone_mobile_e164", "name_key", "domain", "probability",
                  "stage_entered_at", "status", "lifecycle_stage")
    return [n for n in candidates if n in names]
