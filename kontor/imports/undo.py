"""Undo of an import: what it created goes to the trash, what it updated gets its previous
values back — set-based, chunk by chunk, at any size, and logged like every other change.

A field a user changed again after the import keeps the user's value: undo restores a field
only while it still holds what the import wrote. Listeners (webhooks) hear of it after each
commit: one "deleted" event per chunk and record type with the trashed ids, one "updated"
event per page of restored records with the fields put back (import's value → previous one).
"""

import contextvars
import json
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.db.models import Count, JSONField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.core import events, permissions, registry
from kontor.core.actions import as_text
from kontor.core.admin_log import log_admin_change
from kontor.core.context import current_origin, origin
from kontor.core.models import ChangeLog, ExternalId
from kontor.imports.models import ImportBatch, ImportChunk, ImportRow
from kontor.imports.restore import restore_in_sql
from kontor.imports.sql import (
    flush_search_index,
    insert_rows,
    prepare_bulk_transaction,
    trash_rows,
    update_rows,
)
from kontor.imports.writer import LOG_COLUMNS, derived_fields, named_changes

Status = ImportBatch.Status
PAGE = 2000
#: Undos that trash at least this many records use `WORKERS` connections (PostgreSQL).
PARALLEL_FROM = 20_000
WORKERS = 2


def can_undo(batch: ImportBatch, user) -> bool:
    """The importing user or an admin, once the import has stopped (finished or failed), or
    again when an undo stopped moving (its worker was killed: it continues where it was)."""
    owner = batch.created_by_id == getattr(user, "pk", None) or permissions.is_admin(user)
    return (
        owner
        and permissions.can(user, "import", batch.model)
        and (batch.status in (Status.DONE, Status.FAILED) or undo_stalled(batch))
    )


def undo_stalled(batch: ImportBatch) -> bool:
    """An undo that has not moved for STALE_AFTER: its worker was killed."""
    from kontor.imports.actions import STALE_AFTER

    return (
        batch.status == Status.UNDOING
        and timezone.now() - (batch.progress_at or batch.created_at) > STALE_AFTER
    )


def undo_import(batch: ImportBatch, *, actor) -> ImportBatch:
    """Queue the undo of `batch`; the task runs after this commits."""
    from kontor.imports.tasks import undo_import_task

    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not permissions.can(actor, "import", batch.model):
            raise PermissionDenied
        if not can_undo(batch, actor):
            raise ValidationError(_("This import cannot be undone now."))
        batch.status, batch.progress_at = Status.UNDOING, timezone.now()
        batch.save(update_fields=["status", "progress_at"])
        if batch.created_by_id != actor.pk:
            # An admin undoing someone else's import acts with admin rights on their work: the
            # administration change log keeps it (the importing user's own undo is their own
            # business, shown on the import's page and in the records' change log).
            log_admin_change(
                actor=actor,
                area="data_import",
                target=batch.filename,
                summary=_("Import of another user undone"),
                detail={
                    "batch": str(batch.pk),
                    "imported_by": getattr(batch.created_by, "username", None),
                    "record_type": batch.model._meta.label_lower,
                    "created": batch.created_count + batch.related_created_count,
                    "updated": batch.updated_count,
                },
            )
        transaction.on_commit(lambda: undo_import_task.enqueue(str(batch.pk), actor.pk))
    return batch


def run_undo(batch_id, actor_id) -> ImportBatch:
    """The undo task: chunks newest first, then the updated rows, each step one transaction
    (a killed undo, queued again, skips what it did already)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    actor = get_user_model().objects.filter(pk=actor_id).first()
    big = (
        connection.vendor == "postgresql"
        and batch.created_count + batch.related_created_count + batch.updated_count >= PARALLEL_FROM
    )
    with origin(batch.undo_origin):
        chunks = list(
            batch.chunks.filter(undone=False).order_by("-first_row").values_list("pk", flat=True)
        )
        _side_by_side(
            [chunks[start::WORKERS] for start in range(WORKERS)],
            lambda part: _undo_chunk_list(part, actor),
            big,
        )
        # Split by record, not by row: a record the file updated twice must get its updates
        # undone newest first, by one worker.
        _side_by_side(
            list(range(WORKERS)) if big else [None],
            lambda part: _restore_records(batch, actor, part),
            big,
        )
        with transaction.atomic():
            # Restored: the previous values are not needed any more (and undo is done once).
            batch.rows.filter(outcome=ImportRow.Outcome.UPDATED).delete()
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=Status.UNDONE, undone_at=timezone.now(), undone_by=actor
            )
    flush_search_index(batch.model)
    batch.refresh_from_db()
    return batch


def _commit_without_waiting() -> None:
    """PostgreSQL: this transaction's commit returns before its WAL reaches the disk (about
    5 ms of a few hundred per page on the measured machine, bench/README.md).

    Safe for undo: a PostgreSQL crash loses at most the last fraction of a second of
    commits, whole transactions, never half of one. The undo then continues where the
    database says it stands, like a killed undo: a chunk not marked undone is trashed again
    (records already in the trash are left as they are), a field still holding the import's
    value is restored again. The import's own chunks keep the default (a crash must not lose
    rows whose progress the batch already reported)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _moved(batch_id) -> None:
    """The undo is alive: a stalled one (no move for STALE_AFTER) may be started again.

    Called after a step's commit, in a short transaction of its own: inside the step it would
    hold the batch's row through the step's commit, and the other connection's step would
    wait for it."""
    with transaction.atomic():
        _commit_without_waiting()
        ImportBatch.objects.filter(pk=batch_id).update(progress_at=timezone.now())


def _side_by_side(parts: list, work, parallel: bool) -> None:
    """`work(part)` for each part: one after the other, or — a large undo on PostgreSQL — on
    `WORKERS` connections side by side. The UPDATEs are the database's work (every index of the
    table gets the new row version), which then uses both cores instead of one; each unit of
    work stays its own transaction, so a killed undo still resumes."""
    if not parallel:
        for part in parts:
            work(part)
        return
    with ThreadPoolExecutor(WORKERS) as pool:
        # Each thread runs in a copy of this context (the undo's origin for the change log)
        # and on its own database connection, closed when it is done.
        futures = [
            pool.submit(contextvars.copy_context().run, _in_thread, work, part) for part in parts
        ]
        for future in futures:
            future.result()


def _in_thread(work, part) -> None:
    try:
        work(part)
    finally:
        connections.close_all()


def _restore_records(batch: ImportBatch, actor, part: int | None) -> None:
    """Restore the updated rows — of the records in `part` of `WORKERS` (PostgreSQL: by the
    last byte of the record's id, random in a UUID; ranges of ids would follow whatever order
    the file had), or of all when `part` is None — newest row first, a page per transaction.

    Pages are walked by row number (deleting each page and reading the top again would make
    every read skip all the rows deleted before it). A killed undo walks again from the top:
    fields already restored no longer hold the import's value, so they are left alone. On
    PostgreSQL a page is restored in SQL where it can be (`kontor.imports.restore`); the rest
    goes through `_restore`."""
    model = batch.model
    rows = batch.rows.filter(outcome=ImportRow.Outcome.UPDATED)
    if part is not None:
        rows = rows.alias(
            part=RawSQL("mod(get_byte(uuid_send(record_id), 15), %s)", (WORKERS,))
        ).filter(part=part)
    # Records more than one row updated are restored row by row, newest first (Python path).
    repeated = set(
        rows.values("record_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("record_id", flat=True)
    )
    before = None
    while True:
        with transaction.atomic():
            prepare_bulk_transaction(model)
            _commit_without_waiting()
            page = rows if before is None else rows.filter(row__lt=before)
            page = list(page.order_by("-row")[:PAGE])
            if not page:
                return
            _restore(model, restore_in_sql(model, page, actor, repeated), actor)
        _moved(batch.pk)
        before = page[-1].row


def _undo_chunk_list(chunks: list, actor) -> None:
    for pk in chunks:
        with transaction.atomic():
            _commit_without_waiting()
            chunk = ImportChunk.objects.select_for_update().get(pk=pk)
            if chunk.undone:
                continue
            for label, ids in chunk.created.items():
                model = apps.get_model(label)
                prepare_bulk_transaction(model)
                _trash(model, ids, actor)
                # A record in the trash keeps no external id: a later import of the same id
                # creates it anew instead of matching a deleted record.
                ExternalId.objects.filter(record_id__in=ids).delete()
            chunk.undone = True
            chunk.save(update_fields=["undone"])
        _moved(chunk.batch_id)


def _trash(model, ids: list, actor) -> None:
    """Move the records to the trash, one UPDATE (returning which were not there already) and
    one bulk change-log insert."""
    now = timezone.now()
    alive = trash_rows(model, ids, getattr(actor, "pk", None), now)
    if not alive:
        return
    ct, origin = ContentType.objects.get_for_model(model).pk, current_origin()
    insert_rows(
        ChangeLog,
        LOG_COLUMNS,
        (
            (ct, pk, ChangeLog.Action.DELETE, "", "", "", getattr(actor, "pk", None), now, origin)
            for pk in alive
        ),
    )
    events.record_events(
        events.DELETED, model, [(pk, {}) for pk in alive], actor=actor, origin=origin
    )


def _restore(model, rows: list, actor) -> None:
    """Put back the previous values of updated rows where the import's value still stands."""
    if not rows:
        return
    now = timezone.now()
    records = model.with_deleted.in_bulk([r.record_id for r in rows])
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    names = {a: f.name for a, f in by_attname.items()}
    module = registry.for_model(model)
    groups, logs, restored = defaultdict(list), [], []
    ct = ContentType.objects.get_for_model(model)
    for row in rows:
        record = records.get(row.record_id)
        if record is None:
            continue
        changed = []
        for attname, (old, new) in row.values.items():
            field = by_attname.get(attname)
            if field is None or as_text(getattr(record, attname)) != new:
                continue
            setattr(record, attname, _python(field, old))
            changed.append(attname)
            logs.append(
                (
                    ct.pk,
                    record.pk,
                    ChangeLog.Action.UPDATE,
                    field.name,
                    new,
                    old,
                    getattr(actor, "pk", None),
                    now,
                    current_origin(),
                )
            )
        if changed:
            record.modified_by, record.date_modified = actor, now
            record.clean()
            record.search_text = module.search_text_for(record)
            groups[tuple(sorted(changed))].append(record)
            # What changed now: the import's value back to the previous one.
            back = {a: (row.values[a][1], row.values[a][0]) for a in changed}
            restored.append((record.pk, named_changes(back, names)))
    for fields, group in groups.items():
        update_rows(
            model,
            group,
            [*fields, *derived_fields(model), "modified_by_id", "date_modified", "search_text"],
        )
    insert_rows(ChangeLog, LOG_COLUMNS, logs)
    events.record_events(events.UPDATED, model, restored, actor=actor, origin=current_origin())


def _python(field, text: str):
    if text == "" and field.null:
        return None
    if isinstance(field, JSONField):
        return json.loads(text) if text else {}
    return field.to_python(text)
