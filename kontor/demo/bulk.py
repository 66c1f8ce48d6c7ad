"""How `kontor generate` writes its rows: COPY on PostgreSQL and batched `executemany` on
SQLite, around `save_record` (no change log, no model validation), with the table's secondary
indexes and foreign keys dropped for a big load and built again once afterwards."""

import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection
from django.db.models import JSONField

from kontor.core import registry


class Writer:
    """Writes generated rows of one model: COPY on PostgreSQL, executemany on SQLite."""

    BATCH = 5_000

    def __init__(self, model):
        self.model, self.module = model, registry.for_model(model)
        self.fields = model._meta.concrete_fields
        self.columns = [
            (f.attname, "{}" if isinstance(f, JSONField) else f.get_default()) for f in self.fields
        ]
        # Values SQLite gets as text: ids and foreign keys (UUID), dates, decimals.
        self.typed = {
            f.attname
            for f in self.fields
            if f.get_internal_type()
            in ("UUIDField", "DateTimeField", "DateField", "DecimalField", "ForeignKey")
        }
        self.sqlite = connection.vendor == "sqlite"

    def values(self, row: dict) -> list:
        row["search_text"] = self.module.search_text_for(SimpleNamespace(**row))
        if self.sqlite:  # the text forms Django's SQLite backend stores
            for name in self.typed.intersection(row):
                value = row[name]
                if isinstance(value, uuid.UUID):
                    row[name] = value.hex
                elif isinstance(value, datetime):
                    row[name] = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
                elif isinstance(value, date | Decimal):
                    row[name] = str(value)
        return [row.get(name, default) for name, default in self.columns]

    def write(self, rows) -> int:
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        count = 0
        with connection.cursor() as cursor:
            if not self.sqlite:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(self.values(row))
                        count += 1
                return count
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(self.fields))})"
            raw = connection.connection  # sqlite3 itself: '?' parameters, no wrapper
            batch = []
            for row in rows:
                batch.append(self.values(row))
                if len(batch) >= self.BATCH:
                    raw.executemany(sql, batch)
                    count, batch = count + len(batch), []
            if batch:
                raw.executemany(sql, batch)
                count += len(batch)
        return count


@contextmanager
def indexes_dropped(table: str):
    """Drop `table`'s secondary indexes (and on PostgreSQL its foreign keys) for a load.

    Building an index once from sorted data is far cheaper than a million random inserts into
    each of the twenty or so indexes of a record table, and one validating join per foreign
    key is cheaper than a deferred check per row. Indexes backing the primary key and unique
    constraints stay. Use inside a transaction: a failed load rolls back the DDL too.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint"
                " WHERE conrelid = %s::regclass)",
                [table, qn(table)],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [qn(table)],
            )
            foreign_keys = cursor.fetchall()
        else:  # autoindexes of PRIMARY KEY and UNIQUE have no SQL and cannot be dropped
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
            indexes, foreign_keys = cursor.fetchall(), []
        for name, _sql in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, sql in indexes:
            cursor.execute(sql)
        for name, sql in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {sql}")
