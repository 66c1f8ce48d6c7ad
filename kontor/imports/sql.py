"""A set-based UPDATE for the import and its undo: many rows, different values, one statement.

Django's `bulk_update` builds a CASE expression per field and row in Python (seconds for a
thousand rows) and PostgreSQL evaluates it per row; joining a VALUES list is linear and cheap on
both databases (SQLite ≥ 3.33 has UPDATE … FROM).
"""

from django.db import connections, router

ROWS_PER_STATEMENT = 500


def update_rows(model, records: list, attnames: list[str]) -> None:
    """Write the `attnames` columns of `records` (model instances) by primary key."""
    attnames = list(dict.fromkeys(attnames))
    if not records or not attnames:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    fields = [opts.pk, *(by_attname[name] for name in attnames)]
    postgres = connection.vendor == "postgresql"
    placeholder = "(" + ", ".join(
        f"%s::{f.cast_db_type(connection)}" if postgres else "%s" for f in fields) + ")"
    aliases = ", ".join(f"c{i}" for i in range(len(fields)))
    table = quote(opts.db_table)
    assignments = ", ".join(f"{quote(f.column)} = v.c{i}"
                            for i, f in enumerate(fields) if i > 0)
    with connection.cursor() as cursor:
        for start in range(0, len(records), ROWS_PER_STATEMENT):
            part = records[start:start + ROWS_PER_STATEMENT]
            params = [f.get_db_prep_save(getattr(r, f.attname), connection)
                      for r in part for f in fields]
            values = ", ".join([placeholder] * len(part))
            cursor.execute(
                f"WITH v({aliases}) AS (VALUES {values}) "
                f"UPDATE {table} SET {assignments} FROM v "
                f"WHERE {table}.{quote(opts.pk.column)} = v.c0", params)
