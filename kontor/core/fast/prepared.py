"""Statements of the hottest paths, prepared once per PostgreSQL connection (a fast path of
kontor.core.fast).

For the code that runs on every API request or record create (the token lookup, a new record's
INSERT). PostgreSQL parses and plans such a statement anew each time Django sends it — for the
62-column lead INSERT and the token lookup with its role and team subqueries that was a third of
the database's time per API create (bench/README.md). Here the statement is prepared under a
name the first time a connection runs it and afterwards sent as `EXECUTE name(values)`.

Only statements whose plan cannot depend on the values belong here (an INSERT of values, a
lookup by a unique key): a prepared statement may be run with a generic plan, which for a list
filtered by a skewed column could be far worse than the plan made for the value at hand. So
Django's own queries are not prepared.

Prepared statements outlive a rolled-back transaction and live as long as the connection; each
connection keeps its own set. With the fast paths off (`KONTOR_FAST_PATHS=0`) or
`KONTOR_DB_PREPARED=0` (for a transaction-mode pooler older than PgBouncer 1.21) the plain
statement is sent. SQLite caches compiled statements itself.
"""

import hashlib
import json
import weakref

from django.conf import settings
from django.db import models
from psycopg.adapt import Transformer

from kontor.core.fast import on

_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def execute(cursor, sql: str, params) -> None:
    """Run `sql` (%s placeholders, %% for a literal %) with `params` on Django's `cursor`."""
    connection = cursor.db
    # Where psycopg prepares statements itself (an OPTIONS["prepare_threshold"]), it may
    # DEALLOCATE ALL after a rollback, ours included: then it is left to psycopg.
    if (
        connection.vendor != "postgresql"
        or not on()
        or not settings.KONTOR_DB_PREPARED
        or connection.connection.prepare_threshold is not None
    ):
        cursor.execute(sql, params)
        return
    name = "kontor_" + hashlib.sha1(sql.encode()).hexdigest()[:20]
    names = _prepared.setdefault(connection.connection, set())
    if name not in names:
        numbered = sql % tuple(f"${i}" for i in range(1, len(params) + 1))
        cursor.execute(f"PREPARE {name} AS {numbered}")
        names.add(name)
    # The values quoted as psycopg quotes them for Django's client-side cursors, but without
    # its search of the statement for placeholders, which it redoes for every statement of more
    # than 50 values (0.2 ms of the 0.25 ms quoting a lead's values costs).
    quote = Transformer(connection.connection).as_literal
    values = b", ".join([quote(value) for value in params]).decode()
    cursor.execute(f"EXECUTE {name}({values})")


def value_preparers(fields: list, connection) -> list:
    """Per field: how a model's Python value becomes what the driver sends (None: as it is).

    For the set-based writes (a new record's INSERT, the import's COPY): psycopg adapts the
    values of text, number, yes/no, UUID, date and link fields itself, so on PostgreSQL those
    go as they are and JSON as text; every other field (a file …) and every field on SQLite
    gets its `get_db_prep_save`. Django's way for all, sixty calls per row, cost more than the
    INSERT's own work in Python."""
    postgres = connection.vendor == "postgresql"
    result = []
    for field in fields:
        if isinstance(field, models.JSONField):
            result.append(lambda value: None if value is None else json.dumps(value))
        elif postgres and isinstance(field, _AS_THEY_ARE):
            result.append(None)
        else:
            result.append(lambda value, f=field: f.get_db_prep_save(value, connection))
    return result


_AS_THEY_ARE = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.DecimalField,
    models.UUIDField,
    models.DateField,
    models.ForeignKey,
)
