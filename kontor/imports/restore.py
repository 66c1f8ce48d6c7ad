"""Undo's restore of updated records in SQL (PostgreSQL): the previous values an import stored
per updated row are copied into a temporary table and put back by one `UPDATE … FROM` per page,
without loading a record, running `clean()` or building its search text in Python.

For `kontor.imports.undo`. A row is restored here only when *every* column the import wrote —
its fields, the columns `clean()` derived from them and the search text, all kept in
`ImportRow.values` and `ImportRow.derived` — still holds the import's value: then the stored
previous values are exactly what `clean()` would compute again. Every other row (a field edited
by hand since, a record the file updated twice, a row written before `derived` was kept) is
returned to the caller, whose Python path restores field by field.
"""

import zlib

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.models import JSONField
from django.utils import timezone

from kontor.core import events
from kontor.core.context import current_origin
from kontor.core.models import ChangeLog
from kontor.imports.sql import insert_rows
from kontor.imports.writer import LOG_COLUMNS, named_changes


def restore_in_sql(model, rows: list, actor, repeated: set) -> list:
    """Restore what may be restored of `rows` (ImportRow, updated) in SQL; returns the rows it
    did not restore. `repeated` holds the ids of records more than one row of the batch
    updated (their rows must be undone newest first, one by one)."""
    if connection.vendor != "postgresql":
        return rows
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    mine, rest = [], []
    for row in rows:
        columns = {**row.values, **(row.derived or {})} if isinstance(row.values, dict) else None
        if (
            row.derived is None
            or not columns
            or row.record_id in repeated
            or any(name not in by_attname or name == "id" for name in columns)
        ):
            rest.append(row)
        else:
            mine.append((row, columns))
    if not mine:
        return rest
    try:
        # A value the database cannot take back (a type this path does not know) rolls back
        # only this savepoint, and the page goes the Python way.
        with transaction.atomic():
            restored = _update(model, mine, by_attname, actor)
    except DatabaseError:
        return rows
    _log(model, [row for row, _c in mine if row.record_id in restored], by_attname, actor)
    return rest + [row for row, _c in mine if row.record_id not in restored]


def _update(model, mine: list, by_attname: dict, actor) -> set:
    attnames = sorted({name for _row, columns in mine for name in columns})
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    spec = ", ".join(f"h{i} boolean, o{i} text, n{i} text" for i in range(len(attnames)))
    name = f"kontor_restore_{zlib.crc32(spec.encode())}"
    sets, holds = [], []
    for i, attname in enumerate(attnames):
        field, column = by_attname[attname], quote(by_attname[attname].column)
        sets.append(
            f"{column} = CASE WHEN v.h{i} THEN {_cast(field, f'v.o{i}')} ELSE t.{column} END"
        )
        holds.append(f"(NOT v.h{i} OR t.{column} IS NOT DISTINCT FROM {_cast(field, f'v.n{i}')})")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} (id uuid, {spec}) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {name}")
        with cursor.cursor.copy(f"COPY {name} FROM STDIN") as copy:
            for row, columns in mine:
                values = [row.record_id]
                for attname in attnames:
                    pair = columns.get(attname)
                    values += [False, None, None] if pair is None else [True, pair[0], pair[1]]
                copy.write_row(values)
        cursor.execute(
            f"UPDATE {table} t SET {', '.join(sets)}, modified_by_id = %s, date_modified = %s "
            f"FROM {name} v WHERE t.id = v.id AND {' AND '.join(holds)} RETURNING t.id",
            [getattr(actor, "pk", None), timezone.now()],
        )
        return {pk for (pk,) in cursor.fetchall()}


def _cast(field, text: str) -> str:
    """SQL turning the change-log text `text` back into `field`'s value (as undo's Python
    path does: "" is NULL in a nullable column, an empty JSON value is {})."""
    db_type = field.cast_db_type(connection)
    if isinstance(field, JSONField):
        return f"CAST(COALESCE(NULLIF({text}, ''), '{{}}') AS jsonb)"
    if field.null:
        return f"CAST(NULLIF({text}, '') AS {db_type})"
    return f"CAST({text} AS {db_type})"


def _log(model, restored: list, by_attname: dict, actor) -> None:
    """The change-log rows and the UPDATED event of the restored rows: per field the
    import's value back to the previous one (derived columns are not logged, as in an edit)."""
    if not restored:
        return
    now, origin = timezone.now(), current_origin()
    ct, actor_id = ContentType.objects.get_for_model(model).pk, getattr(actor, "pk", None)
    insert_rows(
        ChangeLog,
        LOG_COLUMNS,
        (
            (
                ct,
                row.record_id,
                ChangeLog.Action.UPDATE,
                by_attname[a].name,
                new,
                old,
                actor_id,
                now,
                origin,
            )
            for row in restored
            for a, (old, new) in row.values.items()
        ),
    )
    names = {a: f.name for a, f in by_attname.items()}
    events.record_events(
        events.UPDATED,
        model,
        lambda: [
            (
                row.record_id,
                named_changes({a: (n, o) for a, (o, n) in row.values.items()}, names),
            )
            for row in restored
        ],
        actor=actor,
        origin=origin,
    )
