"""Set-based writes for the import and its undo: many rows in one statement, no model
instances on the way to the database.

For the import's write path only (forms and the API save one record through `save_record`).
On PostgreSQL rows travel by COPY: into the table itself for inserts, into a temporary table
joined by an UPDATE for updates. Django's `bulk_create`/`bulk_update` prepare every value of
every field in Python and `bulk_update` builds a CASE per field and row — seconds per thousand
wide rows. SQLite gets the same statements through `executemany` and a VALUES join (≥ 3.33).
"""

import zlib
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction

from kontor.core import locks
from kontor.core.fast.prepared import value_preparers
from kontor.core.models import ExternalId
from kontor.core.search_index import trigram_index

ROWS_PER_STATEMENT = 500


def _connection(model):
    return connections[router.db_for_write(model)]


def _fields(model, attnames: list[str]) -> list:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return [by_attname[name] for name in attnames]


def _prepared(rows: Iterable, preparers: list):
    if not any(preparers):
        yield from rows
        return
    for row in rows:
        yield [
            value if prepare is None else prepare(value)
            for value, prepare in zip(row, preparers, strict=True)
        ]


def prepare_bulk_transaction(model) -> None:
    """Settings of the current transaction for writing thousands of rows into `model`.

    PostgreSQL: new search-text trigrams collect in the GIN index's pending list (64 MB instead
    of 4 MB) and are merged in bulk, which costs a fraction of inserting them row by row
    (measured in bench/README.md); searches meanwhile also scan that list.
    """
    connection = _connection(model)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL gin_pending_list_limit = 65536")


def flush_search_index(model) -> None:
    """PostgreSQL: merge the trigram index's pending list into the index now, once an import
    or an undo is done, in its worker.

    The bulk transactions leave up to 64 MB of new trigrams pending (see
    `prepare_bulk_transaction`); left there, the next ordinary save of a record of this type
    (limit 4 MB) would merge them inside a user's request — seconds, measured in
    bench/README.md — and every search would scan the list meanwhile. Needs to own the index
    (Kontor's database user does); otherwise autovacuum merges it later."""
    connection = _connection(model)
    if connection.vendor != "postgresql":
        return
    index = trigram_index(model._meta.db_table)
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT gin_clean_pending_list(i) FROM to_regclass(%s) i WHERE i IS NOT NULL",
                [index],
            )
    except DatabaseError:
        return


def insert_rows(model, attnames: list[str], rows: Iterable) -> int:
    """Insert `rows` (sequences of values in `attnames` order) into `model`'s table; returns
    the number of rows. Nothing is checked or defaulted here: the caller validated."""
    connection = _connection(model)
    fields = _fields(model, attnames)
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in _prepared(rows, value_preparers(fields, connection)):
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(fields))
        batch = []
        for row in _prepared(rows, value_preparers(fields, connection)):
            batch.append(row)
            if len(batch) == ROWS_PER_STATEMENT:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch)
            count += len(batch)
    return count


def update_rows(model, records: list, attnames: list[str]) -> None:
    """Write the `attnames` columns of `records` (model instances) by primary key."""
    attnames = [name for name in dict.fromkeys(attnames) if name != model._meta.pk.attname]
    if not records or not attnames:
        return
    pk = model._meta.pk.attname
    rows = ([getattr(r, pk), *(getattr(r, name) for name in attnames)] for r in records)
    update_values(model, attnames, rows)


def update_values(model, attnames: list[str], rows: Iterable) -> None:
    """UPDATE `model`'s rows: each row is (primary key, *values in `attnames` order)."""
    connection = _connection(model)
    quote = connection.ops.quote_name
    opts = model._meta
    fields = [opts.pk, *_fields(model, attnames)]
    table = quote(opts.db_table)
    assignments = ", ".join(f"{quote(f.column)} = v.c{i}" for i, f in enumerate(fields) if i)
    where = f"{table}.{quote(opts.pk.column)} = v.c0"
    preparers = value_preparers(fields, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A temporary table per statement's shape, emptied at commit: COPY fills it, one
            # UPDATE … FROM joins it.
            columns = ", ".join(f"c{i} {f.cast_db_type(connection)}" for i, f in enumerate(fields))
            name = f"kontor_update_{zlib.crc32(columns.encode())}"
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DELETE ROWS"
            )
            cursor.execute(f"TRUNCATE {name}")
            with cursor.cursor.copy(f"COPY {name} FROM STDIN") as copy:
                for row in _prepared(rows, preparers):
                    copy.write_row(row)
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {name} v WHERE {where}")
            return
        aliases = ", ".join(f"c{i}" for i in range(len(fields)))
        placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
        batch: list = []

        def flush():
            values = ", ".join([placeholder] * len(batch))
            cursor.execute(
                f"WITH v({aliases}) AS (VALUES {values}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {where}",
                [value for row in batch for value in row],
            )

        for row in _prepared(rows, preparers):
            batch.append(row)
            if len(batch) == ROWS_PER_STATEMENT:
                flush()
                batch = []
        if batch:
            flush()


def trash_rows(model, ids: list, actor_id, now) -> list:
    """Move the records `ids` of `model` that are not in the trash yet into it; returns the
    ids it moved (PostgreSQL: one UPDATE … RETURNING)."""
    if not ids:
        return []
    connection = _connection(model)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    sets = "deleted = %s, deleted_at = %s, modified_by_id = %s, date_modified = %s"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {sets} WHERE id = ANY(%s::uuid[]) "
                "AND NOT deleted RETURNING id",
                [True, now, actor_id, now, [str(pk) for pk in ids]],
            )
            return [row[0] for row in cursor.fetchall()]
    alive = list(model.with_deleted.filter(pk__in=ids, deleted=False).values_list("pk", flat=True))
    model.with_deleted.filter(pk__in=alive).update(
        deleted=True, deleted_at=now, modified_by_id=actor_id, date_modified=now
    )
    return alive


def link_external_ids(source: str, record_type_id: int, pairs: list, origin: str, now) -> None:
    """Give records the ids they have in `source`: `pairs` of (external id, record id); a
    pair whose external id is linked already is left as it is (PostgreSQL: one INSERT from
    two arrays instead of thousands of model instances)."""
    if not pairs:
        return
    connection = _connection(ExternalId)
    if connection.vendor != "postgresql":
        ExternalId.objects.bulk_create(
            [
                ExternalId(
                    source=source,
                    external_id=external,
                    record_type_id=record_type_id,
                    record_id=record_id,
                    created_at=now,
                    origin=origin,
                )
                for external, record_id in pairs
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ExternalId._meta.db_table} "
            "(source, external_id, record_type_id, record_id, created_at, origin) "
            "SELECT %s, e, %s, r, %s, %s FROM unnest(%s::text[], %s::uuid[]) AS p(e, r) "
            "ON CONFLICT DO NOTHING",
            [
                source,
                record_type_id,
                now,
                origin,
                [str(external) for external, _record in pairs],
                [str(record) for _external, record in pairs],
            ],
        )


def lock_each_key(space: str, keys: list[str]) -> None:
    """Lock `space` shared and each key exclusively until the transaction ends, as a web form
    or an API upsert does for its one key (`kontor.core.locks`), in two statements: parts of
    one import (disjoint keys) then run side by side. Each key takes a slot of PostgreSQL's
    shared lock table (64 × max_connections by default, with slack): two workers of 2,000
    keys were measured to fit, four as well (8,000 locks)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("Key locks must be taken inside transaction.atomic().")
    numbers = sorted({locks.number(locks.key_name(space, key)) for key in keys})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(%s)", [locks.number(locks.namespace_name(space))]
        )
        # unnest yields the array in order: keys are locked sorted, as lock_keys does.
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) k", [numbers]
        )
